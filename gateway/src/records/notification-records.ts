// Notifications to persons (issue 15) in the records database: every message to one person over
// one channel with its delivery state. Every backend passes test/contracts/records/notifications.ts.
import type { NotificationsTable } from './schema.ts';
import type { Db } from './tx.ts';

export const NOTIFICATION_STATUSES = ['queued', 'delivered', 'retrying', 'failed', 'dropped'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export interface PersonNotification {
  id: string;
  /** what it is about */
  refKind: 'alarm' | 'hazard';
  refId: string;
  enterprise: string;
  /** the escalation policy or hazard notice rule that sent it */
  policy: string;
  /** the step of the policy (0 = at once) */
  step: number;
  /** the person (notify.persons id) and their name */
  person: string;
  personName: string;
  channel: 'email' | 'sms' | 'voice';
  /** the email address or phone number it went to */
  address: string;
  /** the message's headline */
  subject: string;
  status: NotificationStatus;
  attempts: number;
  queuedAt: number;
  updatedAt: number;
  deliveredAt: number | null;
  lastError: string | null;
}

export class NotificationRecords {
  constructor(private readonly db: Db) {}

  async add(n: PersonNotification): Promise<void> {
    await this.db.insertInto('notifications').values(toRow(n)).execute();
  }

  /** A delivery attempt's outcome. */
  async update(id: string, u: { status: NotificationStatus; attempts: number; updatedAt: number; deliveredAt?: number | null; lastError?: string | null }): Promise<void> {
    await this.db
      .updateTable('notifications')
      .set({ status: u.status, attempts: u.attempts, updated_at: u.updatedAt, ...(u.deliveredAt !== undefined ? { delivered_at: u.deliveredAt } : {}), ...(u.lastError !== undefined ? { last_error: u.lastError } : {}) })
      .where('id', '=', id)
      .execute();
  }

  /** Every notification about one alarm or hazard, oldest first. */
  async byRef(refKind: string, refId: string): Promise<PersonNotification[]> {
    const rows = await this.db.selectFrom('notifications').selectAll().where('ref_kind', '=', refKind).where('ref_id', '=', refId).orderBy('queued_at').orderBy('id').execute();
    return rows.map(fromRow);
  }

  /** Newest first: in these enterprises (empty = nothing), queued at or after `since`, with this status. */
  async list(f: { enterprises: readonly string[]; since?: number; status?: NotificationStatus; limit?: number }): Promise<PersonNotification[]> {
    if (f.enterprises.length === 0) return [];
    let q = this.db.selectFrom('notifications').selectAll().where('enterprise', 'in', [...f.enterprises]);
    if (f.since !== undefined) q = q.where('queued_at', '>=', f.since);
    if (f.status) q = q.where('status', '=', f.status);
    const rows = await q.orderBy('queued_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 1000).execute();
    return rows.map(fromRow);
  }

  /** Not yet settled (queued or retrying): what a restart sends again. */
  async unsettled(limit = 10_000): Promise<PersonNotification[]> {
    const rows = await this.db.selectFrom('notifications').selectAll().where('status', 'in', ['queued', 'retrying']).orderBy('queued_at').orderBy('id').limit(limit).execute();
    return rows.map(fromRow);
  }
}

function toRow(n: PersonNotification): NotificationsTable {
  return { id: n.id, ref_kind: n.refKind, ref_id: n.refId, enterprise: n.enterprise, policy: n.policy, step: n.step, person: n.person, person_name: n.personName, channel: n.channel, address: n.address, subject: n.subject, status: n.status, attempts: n.attempts, queued_at: n.queuedAt, updated_at: n.updatedAt, delivered_at: n.deliveredAt, last_error: n.lastError };
}

function fromRow(r: NotificationsTable): PersonNotification {
  return {
    id: r.id,
    refKind: r.ref_kind as PersonNotification['refKind'],
    refId: r.ref_id,
    enterprise: r.enterprise,
    policy: r.policy,
    step: Number(r.step),
    person: r.person,
    personName: r.person_name,
    channel: r.channel as PersonNotification['channel'],
    address: r.address,
    subject: r.subject,
    status: r.status as NotificationStatus,
    attempts: Number(r.attempts),
    queuedAt: Number(r.queued_at),
    updatedAt: Number(r.updated_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
    lastError: r.last_error,
  };
}
