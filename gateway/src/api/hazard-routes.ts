// Hazard endpoints (CONTRACT §7, §8): reports from workers, officers and regulators, workflow
// steps, the reporter's by-code view and the public notice; an alarm turned into a hazard.
import type { FastifyRequest } from 'fastify';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import { HazardlineError } from '../errors.ts';
import type { HazardService } from '../hazards/hazard-service.ts';
import type { TokenAuth } from './auth.ts';
import type { buildApi } from './server.ts';
import { parseTime } from './time-params.ts';
import { parseLedgerQuery } from '../hazards/ledger.ts';
import { actorOf, openDeps } from './route-deps.ts';

export interface HazardRouteDeps {
  hazards: HazardService;
  alarms: AlarmManager;
  auth: TokenAuth;
}

export interface HazardRouteOptions {
  /** largest photo accepted (413 beyond) */
  photoMaxBytes: number;
}

type Req = FastifyRequest<{ Params: { id: string; code: string }; Querystring: Record<string, string | undefined>; Body: unknown }>;


export function hazardRoutes(app: ReturnType<typeof buildApi>, deps: () => HazardRouteDeps | undefined, o: HazardRouteOptions): void {
  // photos arrive as the raw image body; the type is checked from the bytes, not from this header
  app.addContentTypeParser(['image/jpeg', 'image/png', 'image/webp', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: o.photoMaxBytes }, (_req, body, done) => done(null, body));
  const get = openDeps(deps);

  // the ledger (隐患台账): CONTRACT's state / enterprise / level, plus source, site, zone, from, to,
  // overdue, q, sort, order, offset, limit (issue 14); `total` and `counts` per state beside the list
  app.get('/api/v1/hazards', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['officer', 'regulator', 'admin']);
    const f = parseLedgerQuery(req.query, (field, v) => parseTime(field, v, NaN));
    const page = await d.hazards.ledger(actorOf(id), { ...f, limit: f.limit ?? 1000 }, req.query.enterprise || undefined);
    return { hazards: page.hazards, total: page.total, counts: page.counts };
  });

  app.post('/api/v1/hazards', async (req: Req, reply) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['worker', 'officer', 'regulator', 'admin']);
    const r = await d.hazards.create(req.body, actorOf(id));
    return reply.status(201).send({ hazard: r.hazard, ...(r.reportCode ? { reportCode: r.reportCode } : {}) });
  });

  app.get('/api/v1/hazards/by-code/:code', async (req: Req) => get().hazards.byCode(req.params.code));

  app.get('/api/v1/hazards/:id', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['officer', 'regulator', 'admin']);
    return d.hazards.get(req.params.id, actorOf(id));
  });

  app.post('/api/v1/hazards/:id/actions', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['worker', 'dispatcher', 'officer', 'regulator', 'admin']);
    return { hazard: await d.hazards.act(req.params.id, req.body, actorOf(id)) };
  });

  app.post('/api/v1/hazards/:id/photos', { bodyLimit: o.photoMaxBytes }, async (req: Req, reply) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['worker', 'officer', 'regulator', 'admin']);
    if (!Buffer.isBuffer(req.body)) throw Object.assign(new HazardlineError('HL_ERR_UNSUPPORTED_MEDIA', 'photo: send the image itself as the body (Content-Type image/jpeg, image/png or image/webp)', 415), { field: 'photo' });
    return reply.status(201).send({ photo: await d.hazards.addPhoto(req.params.id, req.body, actorOf(id)) });
  });

  app.get('/api/v1/hazards/:id/photos/:name', async (req: FastifyRequest<{ Params: { id: string; name: string } }>, reply) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['officer', 'regulator', 'admin']);
    const p = await d.hazards.photo(req.params.id, req.params.name, actorOf(id));
    // an image and nothing else: no script, no frame, no sniffing into HTML (issue 12 item 13)
    return reply
      .header('content-type', p.type)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
      .header('content-disposition', `inline; filename="${req.params.name.replace(/[^A-Za-z0-9_.-]/g, '_')}"`)
      .send(p.bytes);
  });

  app.get('/api/v1/public/hazards', async () => ({ hazards: await get().hazards.publicNotices() }));

  app.post('/api/v1/alarms/:id/hazard', async (req: Req, reply) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'admin']);
    const a = d.alarms.get(req.params.id);
    if (!a || !d.auth.inScope(id, a.enterprise)) throw new HazardlineError('HL_ERR_NOT_FOUND', `alarm ${req.params.id} not found`, 404);
    if (a.hazardId) throw Object.assign(new HazardlineError('HL_ERR_CONFLICT', `alarm ${a.id} is already hazard ${a.hazardId}`, 409), { allowed: [] });
    const body = (req.body ?? {}) as { level?: unknown; note?: unknown };
    const actor = actorOf(id);
    const r = await d.hazards.create(
      { enterprise: a.enterprise, site: a.site, zone: a.zone, device: a.device, title: a.message, description: typeof body.note === 'string' ? body.note : a.message, level: body.level, category: 'dynamic' },
      actor,
      { source: 'alarm', alarmId: a.id },
    );
    d.alarms.linkHazard(a.id, r.hazard.id, actor.id);
    return reply.status(201).send({ hazard: r.hazard });
  });
}
