// 三违 records (issue 17, docs/sanwei.md): record one (from a video alarm, an inspection, or by an
// officer) and the ledger with the count per person. Times as RFC 3339.
import type { FastifyRequest } from 'fastify';
import type { SanweiLedger, SanweiRecord } from '../sanwei/sanwei-ledger.ts';
import type { TokenAuth } from './auth.ts';
import type { buildApi } from './server.ts';
import { actorOf, openDeps } from './route-deps.ts';
import { parseTime } from './time-params.ts';

type Req = FastifyRequest<{ Querystring: Record<string, string | undefined>; Body: unknown }>;
const ROLES = ['dispatcher', 'officer', 'regulator', 'admin'] as const;

const json = (r: SanweiRecord) => ({ ...r, occurredAt: new Date(r.occurredAt).toISOString(), recordedAt: new Date(r.recordedAt).toISOString() });

export function sanweiRoutes(app: ReturnType<typeof buildApi>, deps: () => { sanwei: SanweiLedger; auth: TokenAuth } | undefined): void {
  const get = openDeps(deps);
  app.get('/api/v1/sanwei', async (req: Req) => {
    const d = get();
    const actor = actorOf(d.auth.require(req.headers.authorization, [...ROLES]));
    const since = req.query.since ? parseTime('since', req.query.since, NaN) : undefined;
    const r = await d.sanwei.list(actor, { enterprise: req.query.enterprise || undefined, since });
    return { records: r.records.map(json), byPerson: r.byPerson };
  });
  app.post('/api/v1/sanwei', async (req: Req, reply) => {
    const d = get();
    return reply.status(201).send({ record: json(await d.sanwei.record(req.body, actorOf(d.auth.require(req.headers.authorization, [...ROLES])))) });
  });
}
