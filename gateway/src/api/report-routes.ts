// Figures and files for people who decide (issue 15): GET /api/v1/stats, the bulletin
// (GET /api/v1/reports/bulletin), the ledger exports (GET /api/v1/exports/{kind}). Out of scope
// answers 404.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EXPORT_KINDS, type ExportKind } from '../reports/exports.ts';
import type { RenderedFile, ReportService } from '../reports/report-service.ts';
import type { StatsService } from '../stats/stats-service.ts';
import type { TokenAuth } from './auth.ts';
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
    const actor = actorOf(d.auth.require(req.headers.authorization, [...VIEWERS]));
    if (!(EXPORT_KINDS as readonly string[]).includes(req.params.kind)) throw badRequest('kind', `expected one of ${EXPORT_KINDS.join(', ')}`);
    // the hazard ledgers are the officers' and regulators' (CONTRACT §7), as GET /api/v1/hazards
    if ((req.params.kind === 'hazards' || req.params.kind === 'rewards') && actor.role === 'dispatcher') d.auth.require(req.headers.authorization, ['officer', 'regulator', 'admin']);
    // verification tasks are the regulators' (CONTRACT §7)
    if (req.params.kind === 'verifications') d.auth.require(req.headers.authorization, ['regulator', 'admin']);
    const q = { ...req.query };
    const format = q.format ?? 'xlsx';
    if (format !== 'xlsx' && format !== 'csv') throw badRequest('format', 'expected xlsx or csv');
    return sendFile(reply, await d.reports.export(actor, req.params.kind as ExportKind, q, format, time));
  });
}
