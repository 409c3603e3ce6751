// GET /api/v1/cluster (issue 16, docs/cluster.md §7): the instances and whether they are alive,
// each partition's owner and lag, and the partition of each enterprise in the caller's scope.
// Answered by any instance from the shared records; 404 outside cluster mode.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { ClusterMode } from '../cluster/cluster-mode.ts';
import type { RecordStore } from '../records/record-store.ts';
import { HazardlineError } from '../errors.ts';
import type { TokenAuth } from './auth.ts';
import type { buildApi } from './server.ts';

export function clusterRoutes(app: ReturnType<typeof buildApi>, d: { auth: TokenAuth; cluster?: ClusterMode; core: () => { records: RecordStore; alarms: Pick<AlarmManager, 'flush'> } | undefined }): void {
  clusterForwarding(app, d);
  app.get('/api/v1/cluster', async (req) => {
    const id = d.auth.require(req.headers.authorization, ['regulator', 'admin']);
    if (!d.cluster) throw new HazardlineError('HL_ERR_NOT_FOUND', 'not in cluster mode (gateway.mode is not cluster)', 404);
    return d.cluster.view((e) => d.auth.inScope(id, e));
  });
}

/** what an operator does to one alarm: done where the alarm is open in memory, at its partition's owner */
const ALARM_ACTIONS = new Set(['/api/v1/alarms/:id/ack', '/api/v1/alarms/:id/shelve', '/api/v1/alarms/:id/dispose', '/api/v1/alarms/:id/hazard']);
const FORWARDED = 'x-hazardline-forwarded';

/**
 * Cluster mode: an action on an alarm whose enterprise another instance owns is forwarded to that
 * instance's HTTP API (docs/cluster.md §6) with the caller's own credentials, and its answer is
 * returned as is. A request is forwarded once at most; while the partition is between owners the
 * answer is 503 with Retry-After. Every instance answers an alarm action only once its change is
 * in the records, so that a read served by another instance right after sees it.
 */
function clusterForwarding(app: ReturnType<typeof buildApi>, d: { cluster?: ClusterMode; core: () => { records: RecordStore; alarms: Pick<AlarmManager, 'flush'> } | undefined }): void {
  const cluster = d.cluster;
  if (!cluster) return;
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!ALARM_ACTIONS.has(req.routeOptions.url ?? '') || req.headers[FORWARDED]) return;
    const id = (req.params as { id?: string }).id;
    const alarm = id ? await d.core()?.records.alarms.get(id) : undefined;
    if (!alarm || cluster.owns(alarm.enterprise)) return;
    const owner = await cluster.ownerOf(alarm.enterprise);
    if (!owner) {
      reply.header('retry-after', '5');
      throw new HazardlineError('HL_ERR_OWNER_UNAVAILABLE', 'the alarm\'s partition is being taken over by another instance; retry in a few seconds', 503);
    }
    const headers: Record<string, string> = { [FORWARDED]: cluster.instance };
    for (const h of ['authorization', 'content-type', 'accept-language']) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h] as string;
    const res = await fetch(`${owner}${req.url}`, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body), signal: AbortSignal.timeout(10_000) }).catch((err: Error) => {
      throw new HazardlineError('HL_ERR_OWNER_UNAVAILABLE', `the instance owning this alarm did not answer (${err.name})`, 503);
    });
    reply.code(res.status).header('content-type', res.headers.get('content-type') ?? 'application/json');
    return reply.send(Buffer.from(await res.arrayBuffer()));
  });
  // the action is in the records before it is answered: the caller's next read may be served by any instance
  app.addHook('onSend', async (req, _reply, payload) => {
    if (ALARM_ACTIONS.has(req.routeOptions.url ?? '')) await d.core()?.alarms.flush();
    return payload;
  });
}
