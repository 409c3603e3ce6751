// Figures and files for people who decide (issue 15): GET /api/v1/stats, the bulletin
// (GET /api/v1/reports/bulletin), the ledger exports (GET /api/v1/exports/{kind}). Out of scope
// answers 404.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EXPORT_KINDS, type ExportKind } from '../reports/exports.ts';
import type { RenderedFile, ReportService } from '../reports/report-service.ts';
import type { StatsService } from '../stats/stats-service.ts';
import type { Identity, Role, TokenAuth } from './auth.ts';
import { HazardlineError } from '../errors.ts';
import type { AssetModel } from '../model/assets.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { ScheduleConfig } from '../reports/report-config.ts';
import type { ReportRun, ReportScheduler } from '../reports/scheduler.ts';
import type { buildApi } from './server.ts';
import { actorOf, openDeps } from './route-deps.ts';
import { badRequest, parseTime } from './time-params.ts';

export interface ReportRouteDeps {
  stats: StatsService;
  reports: ReportService;
  auth: TokenAuth;
}

type Req = FastifyRequest<{ Params: { kind: string; id: string }; Querystring: Record<string, string | undefined> }>;

const VIEWERS = ['dispatcher', 'officer', 'regulator', 'admin'] as const;
/** who may export which ledger: as who may read it (CONTRACT §7: hazards for officers and regulators; verification tasks are the regulators') */
const EXPORT_ROLES: Record<ExportKind, Role[]> = { alarms: [...VIEWERS], hazards: ['officer', 'regulator', 'admin'], rewards: ['officer', 'regulator', 'admin'], verifications: ['regulator', 'admin'] };
const time = (field: string, v: string) => parseTime(field, v, NaN);

function scopeOf(q: Record<string, string | undefined>) {
  for (const k of ['enterprise', 'site', 'jurisdiction'] as const) if (q[k] !== undefined && q[k] === '') delete q[k];
  return { enterprise: q.enterprise, site: q.site, jurisdiction: q.jurisdiction };
}

/** The file, with its Chinese title as the RFC 6266 filename* and an ASCII fallback. */
export function sendFile(reply: FastifyReply, f: RenderedFile) {
  return reply
    .header('content-type', f.type)
    .header('content-disposition', `attachment; filename="${f.name}"; filename*=UTF-8''${encodeURIComponent(f.title)}`)
    .header('cache-control', 'no-store')
    .send(f.body);
}

export function reportRoutes(app: ReturnType<typeof buildApi>, deps: () => ReportRouteDeps | undefined): void {
  const get = openDeps(deps);

  app.get('/api/v1/stats', async (req: Req) => {
    const d = get();
    const actor = actorOf(d.auth.require(req.headers.authorization, [...VIEWERS]));
    const q = { ...req.query };
    const period = d.stats.period(q, time);
    return d.stats.stats(actor, scopeOf(q), period);
  });

  app.get('/api/v1/reports/bulletin', async (req: Req, reply) => {
    const d = get();
    const actor = actorOf(d.auth.require(req.headers.authorization, ['officer', 'regulator', 'admin']));
    const q = { ...req.query };
    const format = q.format ?? 'xlsx';
    if (format !== 'xlsx' && format !== 'pdf') throw badRequest('format', 'expected xlsx or pdf');
    const period = d.stats.period(q, time);
    return sendFile(reply, await d.reports.bulletin(actor, scopeOf(q), period, format));
  });

  app.get('/api/v1/exports/:kind', async (req: Req, reply) => {
    const d = get();
    const kind = req.params.kind as ExportKind;
    const actor = actorOf(d.auth.require(req.headers.authorization, Object.hasOwn(EXPORT_ROLES, kind) ? EXPORT_ROLES[kind] : [...VIEWERS]));
    if (!(EXPORT_KINDS as readonly string[]).includes(kind)) throw badRequest('kind', `expected one of ${EXPORT_KINDS.join(', ')}`);
    const q = { ...req.query };
    const format = q.format ?? 'xlsx';
    if (format !== 'xlsx' && format !== 'csv') throw badRequest('format', 'expected xlsx or csv');
    return sendFile(reply, await d.reports.export(actor, kind, q, format, time));
  });
}

export interface ReportRunRouteDeps {
  scheduler: ReportScheduler;
  store: RecordStore;
  schedules: ScheduleConfig[];
  assets: AssetModel;
  auth: TokenAuth;
}

/** A run is the caller's when its enterprise, or an enterprise of its jurisdiction, is in their scope. */
function runVisible(r: ReportRun, id: Identity, d: ReportRunRouteDeps): boolean {
  if (id.role === 'admin') return true;
  if (r.enterprise) return d.auth.inScope(id, r.enterprise);
  if (r.jurisdiction) return id.role === 'regulator' && id.jurisdictions.includes(r.jurisdiction);
  return false;
}

/** Scheduled report runs (issue 15): listed with their deliveries, files downloadable, a run on demand (admin). */
export function reportRunRoutes(app: ReturnType<typeof buildApi>, deps: () => ReportRunRouteDeps | undefined): void {
  const get = openDeps(deps);
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  const json = (r: ReportRun) => ({ ...r, scheduledFor: iso(r.scheduledFor), createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt), period: { ...r.period, from: iso(r.period.from), to: iso(r.period.to) }, deliveries: r.deliveries.map((x) => ({ ...x, deliveredAt: iso(x.deliveredAt) })), files: r.files.map((f) => ({ ...f, url: `/api/v1/reports/runs/${r.id}/files/${encodeURIComponent(f.name)}` })) });

  app.get('/api/v1/reports/runs', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['officer', 'regulator', 'admin']);
    const runs = (await d.store.reportRuns.list<ReportRun>({ schedule: req.query.schedule || undefined, status: req.query.status || undefined, limit: 500 })).filter((r) => runVisible(r, id, d));
    return { runs: runs.slice(0, 100).map(json), next: Object.fromEntries(Object.entries(d.scheduler.nextRuns()).map(([k, v]) => [k, iso(v)])) };
  });

  app.get('/api/v1/reports/runs/:id/files/:name', async (req: FastifyRequest<{ Params: { id: string; name: string } }>, reply) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['officer', 'regulator', 'admin']);
    const r = await d.store.reportRuns.get<ReportRun>(req.params.id);
    const f = r && runVisible(r, id, d) ? d.scheduler.file(r, req.params.name) : undefined;
    if (!f) throw new HazardlineError('HL_ERR_NOT_FOUND', `report file ${req.params.name} not found`, 404);
    return sendFile(reply, { name: req.params.name, title: f.title, type: f.type, body: f.body });
  });

  // run a schedule now (an operator's test of the mail server, a bulletin re-sent)
  app.post('/api/v1/reports/runs', async (req: FastifyRequest<{ Body: unknown }>, reply) => {
    const d = get();
    d.auth.require(req.headers.authorization, ['admin']);
    const name = (req.body as { schedule?: unknown } | null)?.schedule;
    const s = d.schedules.find((x) => x.id === name);
    if (!s) throw badRequest('schedule', `expected one of ${d.schedules.map((x) => x.id).join(', ') || '(no schedules configured)'}`);
    const run = await d.scheduler.run(s, d.scheduler.now());
    return reply.status(201).send({ run: json(run) });
  });
}
