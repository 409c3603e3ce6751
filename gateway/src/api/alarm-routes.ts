// Alarm endpoints (CONTRACT §7) and the declared-status endpoint the correlation rules read.
// Out-of-scope alarms and enterprises answer 404, never 403.
import type { FastifyRequest } from 'fastify';
import type { buildApi } from './server.ts';
import { alarmHealth } from '../alarms/alarm-health.ts';
import { alarmJson } from '../alarms/alarm-json.ts';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { DisposalService } from '../alarms/disposal-service.ts';
import { endOfLocalDay } from '../alarms/local-time.ts';
import type { AlarmDisposal } from '../records/disposal-records.ts';
import type { Alarm } from '../alarms/types.ts';
import type { Clock } from '../clock.ts';
import { HazardlineError } from '../errors.ts';
import type { AssetModel, DeclaredStatus } from '../model/assets.ts';
import type { RecordStore } from '../records/record-store.ts';
import { SEVERITIES, type Severity } from '../model/vocabulary.ts';
import type { Identity, TokenAuth } from './auth.ts';
import type { DownItem } from '../uplink/downlink.ts';
import { badRequest, parseTime } from './time-params.ts';
import { actorName, actorOf, openDeps } from './route-deps.ts';
import type { ResumptionService } from '../declarations/resumption-service.ts';
import { resumptionJson } from './resumption-routes.ts';

export interface AlarmRouteDeps {
  alarms: AlarmManager;
  /** 报警处置 (issue 14) */
  disposals: DisposalService;
  store: RecordStore;
  auth: TokenAuth;
  assets: AssetModel;
  clock: Clock;
  timezone: string;
  /** a declared-status change (PUT /enterprises/{id}/declared-status) */
  declare: (enterprise: string, status: DeclaredStatus, from: number, reason: string | null, actor: string) => Promise<void>;
  /** config `declarations`: how far `from` may be backdated (hours) or ahead (seconds) */
  declarationBounds: { maxBackdateHours: number; maxAheadSeconds: number };
  /** 复工复产 (issue 17): an officer's declaration of production while stopped becomes a request the regulator accepts */
  resumptions?: Pick<ResumptionService, 'request'>;
  /** central mode: an acknowledgement or shelve of a mirrored alarm, sent down to its edge (issue 16) */
  downlink?: (item: DownItem) => Promise<void>;
}

type Req<B = unknown> = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined>; Body: B }>;

const STATUSES: DeclaredStatus[] = ['producing', 'stopped', 'rectifying'];

function str(body: unknown, field: string, required: boolean): string | null {
  const v = (body as Record<string, unknown> | null)?.[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(field, 'required');
    return null;
  }
  if (typeof v !== 'string') throw badRequest(field, 'expected a string');
  if (v.length > 2000) throw badRequest(field, 'at most 2000 characters');
  return v;
}

/** A disposal as the alarm JSON carries it (`disposal`, issue 14): times RFC 3339, `sameDay` = disposed by `dueBy`. */
export function disposalJson(d: AlarmDisposal | undefined) {
  if (!d) return null;
  return { cause: d.cause, measures: d.measures, result: d.result, responsible: d.responsible, disposedBy: d.disposedBy, disposedAt: new Date(d.disposedAt).toISOString(), note: d.note, sameDay: d.disposedAt <= d.dueBy };
}

export function alarmRoutes(app: ReturnType<typeof buildApi>, deps: () => AlarmRouteDeps | undefined): void {
  // the records database opens in start(): before that (and after stop) these routes answer 503
  const get = openDeps(deps);
  const json = (d: AlarmRouteDeps, a: Alarm) => alarmJson(a, d.timezone, d.clock.now());

  /** the alarm if the caller may see it; 404 otherwise (out of scope looks like absent) */
  const visible = async (d: AlarmRouteDeps, id: Identity, alarmId: string): Promise<Alarm> => {
    const a = d.alarms.get(alarmId) ?? (await d.store.alarms.get(alarmId));
    if (!a || !d.auth.inScope(id, a.enterprise)) throw new HazardlineError('HL_ERR_NOT_FOUND', `alarm ${alarmId} not found`, 404);
    return a;
  };

  app.get('/api/v1/alarms', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'regulator', 'admin']);
    const q = req.query;
    const state = q.state ?? 'open';
    if (state !== 'open' && state !== 'all') throw badRequest('state', 'expected open | all');
    if (q.severity && !(SEVERITIES as readonly string[]).includes(q.severity)) throw badRequest('severity', 'expected red | orange | yellow | blue');
    let enterprises = [...d.assets.enterprises.keys()].filter((e) => d.auth.inScope(id, e));
    if (q.enterprise) enterprises = enterprises.filter((e) => e === q.enterprise);
    if (enterprises.length === 0) return { alarms: [] };
    const limit = q.limit ? Number(q.limit) : 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badRequest('limit', 'expected an integer 1-10000');
    const alarms = await d.alarms.list({ open: state === 'open' ? true : undefined, enterprises, severity: q.severity as Severity | undefined, since: q.since ? parseTime('since', q.since, 0) : undefined, rule: q.rule, limit });
    const disposals = await d.disposals.byAlarms(alarms.map((a) => a.id));
    return { alarms: alarms.map((a) => ({ ...json(d, a), disposal: disposalJson(disposals.get(a.id)) })) };
  });

  // same-day disposal (当天完成处置, seed 003) per enterprise and local day; default today
  app.get('/api/v1/alarms/disposal-rate', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'regulator', 'admin']);
    const now = d.clock.now();
    const startOfToday = endOfLocalDay(now, d.timezone) + 1 - 86_400_000;
    const from = req.query.from ? parseTime('from', req.query.from, 0) : startOfToday;
    const to = req.query.to ? parseTime('to', req.query.to, 0) : endOfLocalDay(now, d.timezone) + 1;
    if (!(to > from)) throw badRequest('to', 'must be after from');
    if (to - from > 92 * 86_400_000) throw badRequest('to', 'at most 92 days from from');
    let enterprises = [...d.assets.enterprises.keys()].filter((e) => d.auth.inScope(id, e));
    if (req.query.enterprise) enterprises = enterprises.filter((e) => e === req.query.enterprise);
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), timezone: d.timezone, ...(await d.disposals.summary(enterprises, from, to)) };
  });

  app.get('/api/v1/alarms/health', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'regulator', 'admin']);
    const now = d.clock.now();
    const windowHours = req.query.hours ? Number(req.query.hours) : 24;
    if (!(windowHours > 0 && windowHours <= 24 * 31)) throw badRequest('hours', 'expected 0 < hours <= 744');
    await d.alarms.flush();
    const transitions = await d.store.alarms.recentTransitions(now - windowHours * 3_600_000, 100_000);
    const byId = new Map<string, Alarm>();
    for (const t of transitions) {
      if (byId.has(t.alarmId)) continue;
      const a = d.alarms.get(t.alarmId) ?? (await d.store.alarms.get(t.alarmId));
      if (a && d.auth.inScope(id, a.enterprise)) byId.set(a.id, a);
    }
    const inScope = transitions.filter((t) => byId.has(t.alarmId));
    const open = d.alarms.openAlarms().filter((a) => d.auth.inScope(id, a.enterprise));
    return alarmHealth(inScope, byId, open, now, windowHours);
  });

  app.get('/api/v1/alarms/:id', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'regulator', 'admin']);
    const a = await visible(d, id, req.params.id);
    await d.alarms.flush();
    const transitions = await d.store.alarms.transitions(a.id);
    const disposal = await d.store.disposals.get(a.id);
    return { alarm: { ...json(d, a), disposal: disposalJson(disposal) }, transitions: transitions.map((t) => ({ ...t, ts: new Date(t.ts).toISOString() })), causes: d.disposals.causes(a.rule) };
  });

  app.post('/api/v1/alarms/:id/dispose', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'admin']);
    const a = await visible(d, id, req.params.id);
    const r = await d.disposals.dispose(a, req.body, actorName(id));
    return { alarm: { ...json(d, r.alarm), disposal: disposalJson(r.disposal) } };
  });

  app.post('/api/v1/alarms/:id/ack', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'admin']);
    const a = await visible(d, id, req.params.id);
    const note = str(req.body, 'note', false);
    const acked = d.alarms.ack(req.params.id, actorName(id), note);
    // a mirrored alarm is the edge's: the edge acknowledges its own too
    if (a.origin) await d.downlink?.({ kind: 'ack', enterprise: a.enterprise, alarmId: a.originId ?? a.id, actor: actorName(id), note });
    return { alarm: json(d, acked) };
  });

  app.post('/api/v1/alarms/:id/shelve', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'admin']);
    const a = await visible(d, id, req.params.id);
    const reason = str(req.body, 'reason', true)!;
    const untilRaw = (req.body as Record<string, unknown> | null)?.until;
    if (untilRaw === undefined || untilRaw === null) throw badRequest('until', 'required');
    const until = parseTime('until', String(untilRaw), NaN);
    // ISA-18.2: shelving is timed; a week at most, so nothing is forgotten on the shelf
    if (until > d.clock.now() + 7 * 86_400_000) throw badRequest('until', 'at most 7 days ahead');
    const shelved = d.alarms.shelve(req.params.id, actorName(id), until, reason);
    if (a.origin) await d.downlink?.({ kind: 'shelve', enterprise: a.enterprise, alarmId: a.originId ?? a.id, actor: actorName(id), until, reason });
    return { alarm: json(d, shelved) };
  });

  // the declared-status history with who declared it (issue 14: the officer's page shows it)
  app.get('/api/v1/enterprises/:id/declarations', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'regulator', 'admin']);
    const ent = d.assets.enterprises.get(req.params.id);
    if (!ent || !d.auth.inScope(id, ent.id)) throw new HazardlineError('HL_ERR_NOT_FOUND', `enterprise ${req.params.id} not found`, 404);
    const list = await d.store.declarations.list(ent.id);
    return { enterprise: ent.id, declaredStatus: ent.declaredStatus, declarations: list.map((x) => ({ status: x.status, from: new Date(x.from).toISOString(), reason: x.reason, actor: x.actor, at: new Date(x.at).toISOString() })).reverse() };
  });

  app.put('/api/v1/enterprises/:id/declared-status', async (req: Req, reply) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['officer', 'regulator', 'admin']);
    const ent = d.assets.enterprises.get(req.params.id);
    if (!ent || !d.auth.inScope(id, ent.id)) throw new HazardlineError('HL_ERR_NOT_FOUND', `enterprise ${req.params.id} not found`, 404);
    const status = str(req.body, 'status', true) as DeclaredStatus;
    if (!STATUSES.includes(status)) throw badRequest('status', 'expected producing | stopped | rectifying');
    const fromRaw = (req.body as Record<string, unknown> | null)?.from;
    const from = fromRaw === undefined || fromRaw === null ? d.clock.now() : parseTime('from', String(fromRaw), NaN);
    if (!Number.isFinite(from)) throw badRequest('from', 'expected epoch milliseconds or an RFC 3339 time');
    // a declaration feeds the 明停暗开 rules: backdating it would rewrite what they judged (issue 12 item 9)
    const now = d.clock.now();
    const { maxBackdateHours, maxAheadSeconds } = d.declarationBounds;
    if (from < now - maxBackdateHours * 3_600_000) throw badRequest('from', `at most ${maxBackdateHours} h in the past (declarations.maxBackdateHours)`);
    if (from > now + maxAheadSeconds * 1000) throw badRequest('from', `at most ${maxAheadSeconds} s in the future (declarations.maxAheadSeconds)`);
    const reason = str(req.body, 'reason', false);
    const pending = await d.resumptions?.request(ent.id, status, from, reason, actorOf(id));
    // accepted (202), not yet declared: the regulator's acceptance makes the declaration
    if (pending) return reply.status(202).send({ enterprise: ent.id, declaredStatus: pending.wasStatus, pending: resumptionJson(pending) });
    await d.declare(ent.id, status, from, reason, actorName(id));
    return { enterprise: ent.id, declaredStatus: status, from: new Date(from).toISOString(), reason };
  });
}
