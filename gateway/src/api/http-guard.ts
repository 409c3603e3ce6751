// What keeps the HTTP API standing and its pages inert (issue 12 items 11–13): server timeouts and
// a connection cap, standard security headers (@fastify/helmet) with a CSP the consoles fit, and
// rate limits (@fastify/rate-limit) on failed logins, report-code look-ups and worker reports.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HTTP_CONFIG_DEFAULTS, type HttpConfig } from '../config/schema.ts';
import { HazardlineError } from '../errors.ts';

/** gateway.http (config/schema.ts): timeouts, connection cap, TLS files, rate limits */
export type HttpGuardConfig = Omit<HttpConfig, 'host' | 'port'>;
export const HTTP_GUARD_DEFAULTS: HttpGuardConfig = HTTP_CONFIG_DEFAULTS;

/** fastify's own options for these limits (and HTTPS when configured). */
export function serverOptions(c: HttpGuardConfig) {
  return {
    requestTimeout: c.requestTimeoutSeconds * 1000,
    keepAliveTimeout: c.keepAliveTimeoutSeconds * 1000,
    // a socket that sends nothing at all is closed too (headersTimeout needs a first byte)
    connectionTimeout: Math.max(c.requestTimeoutSeconds, c.headersTimeoutSeconds) * 1000,
    ...(c.tls ? { https: { cert: readFileSync(c.tls.cert), key: readFileSync(c.tls.key), ...(c.tls.ca ? { ca: readFileSync(c.tls.ca) } : {}) } } : {}),
  };
}

/** What node's server takes only after it exists. */
export function limitServer(server: Server, c: HttpGuardConfig): void {
  server.headersTimeout = c.headersTimeoutSeconds * 1000;
  server.maxConnections = c.maxConnections;
}

/**
 * The consoles are module scripts and stylesheets from /assets (no inline script); charts and
 * preact set styles through the CSSOM, which style-src does not govern. Everything else is off.
 */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

export const rateLimited = (message: string, retryAfterSeconds: number) => Object.assign(new HazardlineError('HL_ERR_RATE_LIMITED', `${message}; retry in ${retryAfterSeconds} s`, 429), { retryAfter: retryAfterSeconds });

export interface GuardDeps {
  /** the token's role and actor id, for per-worker limits */
  identify: (req: FastifyRequest) => { role: string; id: string } | undefined;
  onLimited?: (what: 'failed_login' | 'report_code' | 'worker_report') => void;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/** the limiter's view of a client that has no request object (the WebSocket upgrade) */
const addressOnly = (ip: string) => ({ ip, routeOptions: { config: {} } }) as unknown as FastifyRequest;

/**
 * Headers and rate limits on the app (synchronously, before any route: root hooks apply to every
 * route declared later). Returns the failed-login gate, which the WebSocket upgrade shares.
 */
export function guardApi(app: FastifyInstance, c: HttpGuardConfig, d: GuardDeps): LoginGate {
  void app.register(fastifyHelmet, {
    // snapshots and clips of violation alarms come from the video boxes' own servers (issue 17)
    contentSecurityPolicy: { useDefaults: false, directives: { ...CSP, imgSrc: [...CSP.imgSrc, ...c.mediaOrigins], mediaSrc: ["'self'", ...c.mediaOrigins] } },
    // tokens may travel in ?token= (wall screens): never in a Referer
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    hsts: c.tls ? { maxAge: 31_536_000 } : false,
    crossOriginEmbedderPolicy: false,
  });
  void app.register(fastifyRateLimit, { global: false });
  // made on first use: the plugin's createRateLimit exists once plugins are loaded (before any request)
  let limits: { logins: Limiter; codes: Limiter; reports: Limiter } | undefined;
  const lim = () =>
    (limits ??= {
      logins: app.createRateLimit({ max: c.rateLimit.failedLogins, timeWindow: c.rateLimit.failedLoginWindowSeconds * 1000, keyGenerator: (req) => req.ip }),
      codes: app.createRateLimit({ max: c.rateLimit.reportCodeLookupsPerMinute, timeWindow: 60_000, keyGenerator: (req) => req.ip }),
      reports: app.createRateLimit({ max: c.rateLimit.workerReportsPerHour, timeWindow: 3_600_000, keyGenerator: (req) => d.identify(req)?.id ?? req.ip }),
    });
  const gate: LoginGate = {
    async blocked(ip: string) {
      const r = await lim().logins(addressOnly(ip), { increment: false });
      return r.isAllowed || r.remaining > 0 ? 0 : Math.max(1, r.ttlInSeconds);
    },
    async failed(ip: string) {
      await lim().logins(addressOnly(ip));
    },
  };
  const refuse = (what: 'failed_login' | 'report_code' | 'worker_report', message: string, wait: number) => {
    d.onLimited?.(what);
    return rateLimited(message, wait);
  };
  app.addHook('onRequest', async (req, reply) => {
    const wait = await gate.blocked(req.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw refuse('failed_login', `too many failed logins from ${req.ip}`, wait);
    }
    const route = req.routeOptions.url;
    // report codes are 40-bit bearer secrets that need no token: no guessing at speed
    const limiter = route === '/api/v1/hazards/by-code/:code' ? lim().codes : route === '/api/v1/hazards' && req.method === 'POST' && d.identify(req)?.role === 'worker' ? lim().reports : undefined;
    if (!limiter) return;
    const r = await limiter(req);
    if (!r.isAllowed && r.isExceeded) {
      reply.header('retry-after', String(r.ttlInSeconds));
      throw limiter === lim().codes ? refuse('report_code', 'too many report-code look-ups from this address', r.ttlInSeconds) : refuse('worker_report', `at most ${c.rateLimit.workerReportsPerHour} reports an hour from one worker`, r.ttlInSeconds);
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    // a login attempt is a token that did not match; a request without one (a console before its
    // token is typed) guesses nothing
    const presented = req.headers.authorization !== undefined || (req.query as Record<string, unknown> | undefined)?.token !== undefined;
    if (reply.statusCode === 401 && presented) await gate.failed(req.ip);
  });
  return gate;
}

/** Failed logins per client address, shared by HTTP and the WebSocket upgrade. */
export interface LoginGate {
  /** seconds to wait, or 0 when the address may try */
  blocked(ip: string): Promise<number>;
  failed(ip: string): Promise<void>;
}
