// Shift handover (交接班, issue 15): the draft of the shift, hand over, accept, list. Times as RFC 3339.
import type { FastifyRequest } from 'fastify';
import type { Handover, HandoverService } from '../handover/handover-service.ts';
import type { TokenAuth } from './auth.ts';
import type { buildApi } from './server.ts';
import { actorOf, openDeps } from './route-deps.ts';
import { badRequest } from './time-params.ts';

type Req = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined>; Body: unknown }>;

const HANDLERS = ['dispatcher', 'officer', 'admin'] as const;
const READERS = ['dispatcher', 'officer', 'regulator', 'admin'] as const;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function handoverJson(h: Omit<Handover, 'id' | 'state' | 'to' | 'toName' | 'acceptedAt' | 'notes' | 'acceptNote'> & Partial<Handover>) {
  return {
    ...h,
    createdAt: iso(h.createdAt),
    shiftFrom: iso(h.shiftFrom),
    ...(h.acceptedAt !== undefined ? { acceptedAt: iso(h.acceptedAt) } : {}),
    openAlarms: h.openAlarms.map((a) => ({ ...a, raisedAt: iso(a.raisedAt) })),
    disposed: h.disposed.map((d) => ({ ...d, disposedAt: iso(d.disposedAt) })),
  };
}

export function handoverRoutes(app: ReturnType<typeof buildApi>, deps: () => { handovers: HandoverService; auth: TokenAuth } | undefined): void {
  const get = openDeps(deps);

  app.get('/api/v1/handovers', async (req: Req) => {
    const d = get();
    const actor = actorOf(d.auth.require(req.headers.authorization, [...READERS]));
    const limit = req.query.limit ? Number(req.query.limit) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('limit', 'expected an integer 1-500');
    return { handovers: (await d.handovers.list(actor, { state: req.query.state || undefined, limit })).map(handoverJson) };
  });

  // what would be handed over now: the open alarms, the shift's disposals, the counts
  app.get('/api/v1/handovers/draft', async (req: Req) => {
    const d = get();
    return { draft: handoverJson(await d.handovers.draft(actorOf(d.auth.require(req.headers.authorization, [...HANDLERS])))) };
  });

  app.get('/api/v1/handovers/:id', async (req: Req) => {
    const d = get();
    return { handover: handoverJson(await d.handovers.get(req.params.id, actorOf(d.auth.require(req.headers.authorization, [...READERS])))) };
  });

  app.post('/api/v1/handovers', async (req: Req, reply) => {
    const d = get();
    const h = await d.handovers.offer(req.body, actorOf(d.auth.require(req.headers.authorization, [...HANDLERS])));
    return reply.status(201).send({ handover: handoverJson(h) });
  });

  app.post('/api/v1/handovers/:id/accept', async (req: Req) => {
    const d = get();
    return { handover: handoverJson(await d.handovers.accept(req.params.id, req.body, actorOf(d.auth.require(req.headers.authorization, [...HANDLERS])))) };
  });
}
