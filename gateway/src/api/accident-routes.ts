// Accident reports (issue 17, docs/accidents.md): report, list, one, and the regulator's receipt
// (签收). Times as RFC 3339.
import type { FastifyRequest } from 'fastify';
import type { Accident, AccidentService } from '../accidents/accident-service.ts';
import type { TokenAuth } from './auth.ts';
import type { buildApi } from './server.ts';
import { actorOf, openDeps } from './route-deps.ts';
import { badRequest } from './time-params.ts';

type Req = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined>; Body: unknown }>;

const REPORTERS = ['dispatcher', 'officer', 'regulator', 'admin'] as const;
const READERS = ['dispatcher', 'officer', 'regulator', 'admin'] as const;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** `late`: a direct report signed for after its deadline, or not signed for and past it */
export const accidentJson = (a: Accident, late: boolean) => ({ ...a, occurredAt: iso(a.occurredAt), reportedAt: iso(a.reportedAt), receivedAt: iso(a.receivedAt), dueBy: iso(a.dueBy), late });

export function accidentRoutes(app: ReturnType<typeof buildApi>, deps: () => { accidents: AccidentService; auth: TokenAuth; reported: () => void } | undefined): void {
  const get = openDeps(deps);

  app.get('/api/v1/accidents', async (req: Req) => {
    const d = get();
    const actor = actorOf(d.auth.require(req.headers.authorization, [...READERS]));
    const limit = req.query.limit ? Number(req.query.limit) : 200;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('limit', 'expected an integer 1-1000');
    return { accidents: (await d.accidents.list(actor, { limit })).map((a) => accidentJson(a, d.accidents.late(a))) };
  });

  app.get('/api/v1/accidents/:id', async (req: Req) => {
    const d = get();
    const a = await d.accidents.get(req.params.id, actorOf(d.auth.require(req.headers.authorization, [...READERS])));
    return { accident: accidentJson(a, d.accidents.late(a)) };
  });

  app.post('/api/v1/accidents', async (req: Req, reply) => {
    const d = get();
    const a = await d.accidents.report(req.body, actorOf(d.auth.require(req.headers.authorization, [...REPORTERS])));
    // the direct report reaches the regulator now, not at the next periodic check
    d.reported();
    return reply.status(201).send({ accident: accidentJson(a, d.accidents.late(a)) });
  });

  app.post('/api/v1/accidents/:id/receive', async (req: Req) => {
    const d = get();
    const a = await d.accidents.receive(req.params.id, actorOf(d.auth.require(req.headers.authorization, ['regulator', 'admin'])));
    d.reported();
    return { accident: accidentJson(a, d.accidents.late(a)) };
  });
}
