// HTTP API (CONTRACT §7) on fastify; handlers are tested with inject(), no sockets.
import { PACKAGE_ROOT } from '../package-root.ts';
import { registerOpenApi, serveOpenApi } from './openapi.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { DeadLetterStore } from '../deadletter/dead-letter-store.ts';
import { HazardlineError, PortInUseError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AssetModel } from '../model/assets.ts';
import { METRIC_UNITS, type Aggregate } from '../model/types.ts';
import type { Sink } from '../store/sink.ts';
import { TokenAuth, type Identity } from './auth.ts';
import { errorReply } from './error-reply.ts';
import { guardApi, HTTP_GUARD_DEFAULTS, limitServer, serverOptions, type HttpGuardConfig, type LoginGate } from './http-guard.ts';
import { badRequest, parseDuration, parseTime } from './time-params.ts';

export interface HealthCheck {
  name: string;
  ok: boolean;
  detail?: Record<string, unknown>;
}

export interface ApiDeps {
  assets: AssetModel;
  auth: TokenAuth;
  sink: Sink;
  deadLetters: DeadLetterStore;
  metrics: Metrics;
  clock: Clock;
  log: Logger;
  health: () => HealthCheck[];
  /** refresh gauges computed at scrape time (WAL age) */
  beforeScrape?: () => void;
  /** timeouts, connection cap, TLS, rate limits (gateway.http); defaults when absent */
  http?: HttpGuardConfig;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** failed logins per client address, shared with the WebSocket upgrade */
    loginGate: LoginGate;
  }
}

type Query = Record<string, string | string[] | undefined>;

/** Query parameters as single strings: `?metric=a&metric=b` is a 400, not a store error. */
function single(q: Query): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(q)) {
    if (Array.isArray(v)) throw badRequest(k, 'given more than once');
    out[k] = v;
  }
  return out;
}

const MAX_POINTS = 100_000;

function isLoopback(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1' || ip.startsWith('127.');
}

/** The built consoles (`npm run build:ui` → dashboards/dist), served at `/` (CONTRACT §10). */
export const CONSOLE_DIR = join(PACKAGE_ROOT, 'dashboards', 'dist');

/** `device=` (with `enterprise=` when the id is not unique): the device's series of `metric`. */
function deviceSeries(d: ApiDeps, id: Identity, q: Record<string, string | undefined>) {
  if (!q.device) throw badRequest('device', 'required (or zone= for a head-count)');
  const candidates = d.assets.devicesById(q.device).filter((x) => (!q.enterprise || x.enterprise === q.enterprise) && d.auth.inScope(id, x.enterprise));
  if (candidates.length === 0) throw new HazardlineError('HL_ERR_NOT_FOUND', `device ${q.device} not found`, 404);
  if (candidates.length > 1) throw badRequest('enterprise', `device id ${q.device} exists in several enterprises; add enterprise=`);
  const dev = candidates[0];
  const measurement = q.metric === 'persons' ? 'occupancy' : dev.kind;
  return { query: { measurement, enterprise: dev.enterprise, device: dev.id }, echo: { device: dev.id, enterprise: dev.enterprise } };
}

/** `zone=` (with `site=` / `enterprise=` when the id is not unique): the zone's head-count (metric `persons`). */
function zoneSeries(d: ApiDeps, id: Identity, q: Record<string, string | undefined>) {
  if (q.device !== undefined) throw badRequest('zone', 'give device= or zone=, not both');
  if (q.metric !== 'persons') throw badRequest('metric', 'a zone has one series: persons');
  const candidates = [...d.assets.enterprises.values()]
    .filter((e) => (!q.enterprise || e.id === q.enterprise) && d.auth.inScope(id, e.id))
    .flatMap((e) => [...e.sites.values()].filter((s) => (!q.site || s.id === q.site) && s.zones.has(q.zone!)));
  if (candidates.length === 0) throw new HazardlineError('HL_ERR_NOT_FOUND', `zone ${q.zone} not found`, 404);
  if (candidates.length > 1) throw badRequest('site', `zone id ${q.zone} exists in several sites; add site= (and enterprise=)`);
  const s = candidates[0];
  return { query: { measurement: 'occupancy', enterprise: s.enterprise, site: s.id, zone: q.zone! }, echo: { zone: q.zone!, site: s.id, enterprise: s.enterprise } };
}

export function buildApi(d: ApiDeps) {
  // request logs stay below the gateway's level: per-request lines at info would drown the ingest logs
  const httpLog = d.log.child({ component: 'http' }, { level: d.log.level === 'silent' ? 'silent' : 'warn' });
  const guard = d.http ?? HTTP_GUARD_DEFAULTS;
  const app = Fastify({ loggerInstance: httpLog, bodyLimit: 1024 * 1024, ...serverOptions(guard) }) as unknown as FastifyInstance;
  limitServer(app.server, guard);
  // before any route: the generator sees each as it is added (issue 18)
  registerOpenApi(app);
  serveOpenApi(app);
  app.decorate(
    'loginGate',
    guardApi(app, guard, {
      identify: (req) => d.auth.identify(req.headers.authorization),
      onLimited: (what) => d.metrics.httpRateLimited.inc({ limit: what }),
    }),
  );

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const r = errorReply(err);
    const retryAfter = (err as { retryAfter?: number }).retryAfter;
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    if (r.ref) d.log.error({ err, ref: r.ref, method: req.method, url: req.url.split('?')[0] }, 'http handler failed');
    return reply.status(r.status).send(r.body);
  });
  if (existsSync(join(CONSOLE_DIR, 'index.html'))) {
    // hashed assets are immutable; index.html is revalidated so a new build is picked up
    void app.register(fastifyStatic, { root: CONSOLE_DIR, prefix: '/', index: 'index.html', wildcard: false, setHeaders: (res, path) => void res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache') });
    // the consoles' addresses (CONTRACT §10)
    for (const [path, file] of [['/report', 'report.html'], ['/public', 'public.html'], ['/regulator', 'regulator.html'], ['/officer', 'officer.html']] as const) {
      app.get(path, (_req, reply) => reply.header('cache-control', 'no-cache').sendFile(file));
    }
  } else {
    app.get('/', async (_req, reply) => reply.status(404).send({ error: { code: 'HL_ERR_NOT_FOUND', message: 'console not built: run npm run build:ui' } }));
  }
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'HL_ERR_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  app.get('/healthz', async (_req, reply) => {
    const checks = d.health();
    const ok = checks.every((c) => c.ok);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks });
  });

  app.get('/metrics', async (req, reply) => {
    if (!isLoopback(req.ip)) d.auth.require(req.headers.authorization, ['admin', 'regulator', 'dispatcher', 'officer']);
    d.beforeScrape?.();
    reply.header('content-type', d.metrics.registry.contentType);
    return d.metrics.registry.metrics();
  });

  app.get('/api/v1/readings', async (req: FastifyRequest<{ Querystring: Query }>) => {
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'regulator', 'admin']);
    const q = single(req.query);
    if (!q.metric) throw badRequest('metric', 'required');
    const sel = q.zone !== undefined ? zoneSeries(d, id, q) : deviceSeries(d, id, q);
    const to = parseTime('to', q.to, d.clock.now());
    const from = parseTime('from', q.from, to - 3_600_000);
    if (from > to) throw badRequest('from', 'must not be after to');
    const every = parseDuration('every', q.every);
    const agg = (q.agg ?? 'mean') as Aggregate;
    if (!['mean', 'min', 'max'].includes(agg)) throw badRequest('agg', 'expected mean | min | max');
    if (every !== undefined && (to - from) / every > MAX_POINTS) throw badRequest('every', `more than ${MAX_POINTS} buckets`);
    const points = await d.sink.query({ ...sel.query, metric: q.metric, from, to, every, agg: every ? agg : undefined, limit: MAX_POINTS });
    return { ...sel.echo, metric: q.metric, unit: METRIC_UNITS[q.metric] ?? '', ...(every ? { every, agg } : {}), points };
  });

  app.get('/api/v1/ingest/rejected', async (req: FastifyRequest<{ Querystring: Query }>) => {
    d.auth.require(req.headers.authorization, ['admin']);
    const q = single(req.query);
    const limit = q.limit ? Number(q.limit) : 100;
    if (!Number.isInteger(limit) || limit < 1) throw badRequest('limit', 'expected integer >= 1');
    const since = q.since ? parseTime('since', q.since, 0) : undefined;
    return { rejected: d.deadLetters.list({ limit, reason: q.reason, since }) };
  });

  return app;
}

export async function listenApi(app: ReturnType<typeof buildApi>, host: string, port: number): Promise<number> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, 'gateway.http.port', host);
    throw err;
  }
  const addr = app.server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}
