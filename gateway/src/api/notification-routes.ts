// Who was told about an alarm or a hazard, how, when, and whether it arrived (issue 15):
// GET /api/v1/notifications?alarm= | hazard=, in the caller's scope (404 outside). Addresses are
// shown masked: the people are staff, but a console on a wall is no place for phone numbers.
import type { FastifyRequest } from 'fastify';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import { HazardlineError } from '../errors.ts';
import type { HazardService } from '../hazards/hazard-service.ts';
import type { PersonNotification } from '../records/notification-records.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { TokenAuth } from './auth.ts';
import type { buildApi } from './server.ts';
import { actorOf, openDeps } from './route-deps.ts';
import { badRequest } from './time-params.ts';

export interface NotificationRouteDeps {
  store: RecordStore;
  alarms: AlarmManager;
  hazards: HazardService;
  auth: TokenAuth;
}

type Req = FastifyRequest<{ Querystring: Record<string, string | undefined> }>;

/** 138****5678, w***@example.com */
export function maskAddress(a: string): string {
  if (a.includes('@')) {
    const [user, host] = a.split('@');
    return `${user.slice(0, 1)}***@${host}`;
  }
  return a.length >= 7 ? `${a.slice(0, a.length - 8)}****${a.slice(-4)}` : '****';
}

export function notificationJson(n: PersonNotification) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return { id: n.id, policy: n.policy, step: n.step, person: n.person, personName: n.personName, channel: n.channel, address: maskAddress(n.address), subject: n.subject, status: n.status, attempts: n.attempts, queuedAt: iso(n.queuedAt), updatedAt: iso(n.updatedAt), deliveredAt: iso(n.deliveredAt), lastError: n.lastError };
}

export function notificationRoutes(app: ReturnType<typeof buildApi>, deps: () => NotificationRouteDeps | undefined): void {
  const get = openDeps(deps);
  app.get('/api/v1/notifications', async (req: Req) => {
    const d = get();
    const q = req.query;
    if (!!q.alarm === !!q.hazard) throw badRequest('alarm', 'give alarm= or hazard=');
    if (q.alarm) {
      const id = d.auth.require(req.headers.authorization, ['dispatcher', 'officer', 'regulator', 'admin']);
      const a = d.alarms.get(q.alarm) ?? (await d.store.alarms.get(q.alarm));
      if (!a || !d.auth.inScope(id, a.enterprise)) throw new HazardlineError('HL_ERR_NOT_FOUND', `alarm ${q.alarm} not found`, 404);
      return { notifications: (await d.store.notifications.byRef('alarm', a.id)).map(notificationJson) };
    }
    const id = d.auth.require(req.headers.authorization, ['officer', 'regulator', 'admin']);
    // visible to the caller, or 404
    await d.hazards.get(q.hazard!, actorOf(id));
    return { notifications: (await d.store.notifications.byRef('hazard', q.hazard!)).map(notificationJson) };
  });
}
