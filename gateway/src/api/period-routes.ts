// Special periods (issue 17, docs/special-periods.md): set, end early, list, one. Times as RFC 3339.
import type { FastifyRequest } from 'fastify';
import type { PeriodService } from '../periods/period-service.ts';
import type { SpecialPeriod } from '../periods/special-periods.ts';
import type { TokenAuth } from './auth.ts';
import type { buildApi } from './server.ts';
import { actorOf, openDeps } from './route-deps.ts';

type Req = FastifyRequest<{ Params: { id: string }; Body: unknown }>;
const READERS = ['dispatcher', 'officer', 'regulator', 'admin'] as const;

export const periodJson = (p: SpecialPeriod) => ({ ...p, from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString(), createdAt: new Date(p.createdAt).toISOString() });

export function periodRoutes(app: ReturnType<typeof buildApi>, deps: () => { periods: PeriodService; auth: TokenAuth; changed: () => void } | undefined): void {
  const get = openDeps(deps);
  app.get('/api/v1/special-periods', async (req: Req) => {
    const d = get();
    return { periods: (await d.periods.list(actorOf(d.auth.require(req.headers.authorization, [...READERS])))).map(periodJson) };
  });
  app.get('/api/v1/special-periods/:id', async (req: Req) => {
    const d = get();
    return { period: periodJson(await d.periods.get(req.params.id, actorOf(d.auth.require(req.headers.authorization, [...READERS])))) };
  });
  app.post('/api/v1/special-periods', async (req: Req, reply) => {
    const d = get();
    const p = await d.periods.set(req.body, actorOf(d.auth.require(req.headers.authorization, ['regulator', 'admin'])));
    d.changed();
    return reply.status(201).send({ period: periodJson(p) });
  });
  app.post('/api/v1/special-periods/:id/end', async (req: Req) => {
    const d = get();
    const p = await d.periods.end(req.params.id, actorOf(d.auth.require(req.headers.authorization, ['regulator', 'admin'])));
    d.changed();
    return { period: periodJson(p) };
  });
}
