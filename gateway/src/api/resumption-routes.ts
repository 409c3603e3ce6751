// 复工复产 (issue 17): the requests an officer's declaration of production made while the
// enterprise was declared stopped, and the regulator's acceptance or rejection. Times as RFC 3339.
import type { FastifyRequest } from 'fastify';
import type { Resumption, ResumptionService } from '../declarations/resumption-service.ts';
import type { TokenAuth } from './auth.ts';
import type { buildApi } from './server.ts';
import { actorOf, openDeps } from './route-deps.ts';
import { badRequest } from './time-params.ts';

type Req = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined>; Body: unknown }>;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export const resumptionJson = (r: Resumption) => ({ ...r, from: iso(r.from), requestedAt: iso(r.requestedAt), decidedAt: iso(r.decidedAt) });

function note(body: unknown): string | null {
  const v = (body as Record<string, unknown> | null)?.note;
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || v.length > 2000) throw badRequest('note', 'expected a string of at most 2000 characters');
  return v;
}

export function resumptionRoutes(app: ReturnType<typeof buildApi>, deps: () => { resumptions: ResumptionService; auth: TokenAuth } | undefined): void {
  const get = openDeps(deps);
  app.get('/api/v1/resumptions', async (req: Req) => {
    const d = get();
    const state = req.query.state;
    if (state && !['pending', 'accepted', 'rejected'].includes(state)) throw badRequest('state', 'expected pending | accepted | rejected');
    return { resumptions: (await d.resumptions.list(actorOf(d.auth.require(req.headers.authorization, ['officer', 'regulator', 'admin'])), state)).map(resumptionJson) };
  });
  for (const [path, accept] of [['accept', true], ['reject', false]] as const) {
    app.post(`/api/v1/resumptions/:id/${path}`, async (req: Req) => {
      const d = get();
      return { resumption: resumptionJson(await d.resumptions.decide(req.params.id, accept, note(req.body), actorOf(d.auth.require(req.headers.authorization, ['regulator', 'admin'])))) };
    });
  }
}
