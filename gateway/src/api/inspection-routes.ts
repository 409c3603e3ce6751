// Enterprise views, the regulator's online-inspection board and offline verification tasks
// (CONTRACT §7). Out of scope answers 404.
import type { FastifyRequest } from 'fastify';
import type { InspectionService } from '../inspection/inspection-service.ts';
import type { TokenAuth } from './auth.ts';
import type { buildApi } from './server.ts';
import { actorOf, openDeps } from './route-deps.ts';

type Req = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined>; Body: unknown }>;

export function inspectionRoutes(app: ReturnType<typeof buildApi>, deps: () => { inspection: InspectionService; auth: TokenAuth } | undefined): void {
  const get = openDeps(deps);
  const VIEWERS = ['dispatcher', 'officer', 'regulator', 'admin'] as const;

  app.get('/api/v1/enterprises', async (req: Req) => {
    const d = get();
    return { enterprises: await d.inspection.enterprises(actorOf(d.auth.require(req.headers.authorization, [...VIEWERS]))) };
  });

  app.get('/api/v1/enterprises/:id', async (req: Req) => {
    const d = get();
    return { enterprise: await d.inspection.enterprise(req.params.id, actorOf(d.auth.require(req.headers.authorization, [...VIEWERS]))) };
  });

  // who this token is (the consoles show the person acting; issue 14)
  app.get('/api/v1/me', async (req: Req) => {
    const d = get();
    const id = d.auth.require(req.headers.authorization, ['worker', ...VIEWERS]);
    return { role: id.role, id: id.id, name: id.name ?? id.id, enterprises: id.enterprises, jurisdictions: id.jurisdictions };
  });

  // the names behind the ids (issue 14: the consoles show names, not ids), in the caller's scope
  app.get('/api/v1/assets', async (req: Req) => {
    const d = get();
    return { enterprises: d.inspection.assets(actorOf(d.auth.require(req.headers.authorization, [...VIEWERS]))) };
  });

  app.get('/api/v1/inspection', async (req: Req) => {
    const d = get();
    return d.inspection.board(actorOf(d.auth.require(req.headers.authorization, ['regulator', 'admin'])));
  });

  app.post('/api/v1/verifications', async (req: Req, reply) => {
    const d = get();
    const v = await d.inspection.createVerification(req.body, actorOf(d.auth.require(req.headers.authorization, ['regulator', 'admin'])));
    return reply.status(201).send({ verification: v });
  });

  app.post('/api/v1/verifications/:id/result', async (req: Req) => {
    const d = get();
    return d.inspection.recordResult(req.params.id, req.body, actorOf(d.auth.require(req.headers.authorization, ['regulator', 'admin'])));
  });
}
