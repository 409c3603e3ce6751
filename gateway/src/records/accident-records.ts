// Accident reports (issue 17, docs/accidents.md) in the records database; the report and the
// regulator's receipt (签收) are chained in the audit log in the same transaction.
import { AuditLog } from './audit-log.ts';
import { inTransaction, type Db } from './tx.ts';

export interface AccidentDoc {
  id: string;
  enterprise: string;
  jurisdiction: string;
  occurredAt: number;
  reportedAt: number;
  reportedBy: string;
  receivedAt: number | null;
  receivedBy: string | null;
}

/** Receiving an accident already received. */
export class AccidentAlreadyReceived extends Error {}

export class AccidentRecords {
  constructor(private readonly db: Db) {}

  async add<T extends AccidentDoc>(a: T): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.insertInto('accidents').values({ id: a.id, enterprise: a.enterprise, jurisdiction: a.jurisdiction, occurred_at: a.occurredAt, reported_at: a.reportedAt, received_at: null, doc: JSON.stringify(a) }).execute();
      await new AuditLog(trx).append([{ kind: 'accident', ref: a.id, action: 'report', actor: a.reportedBy, at: a.reportedAt, payload: a }]);
    });
  }

  /** The regulator's receipt; AccidentAlreadyReceived when someone signed for it first. */
  async receive<T extends AccidentDoc>(a: T): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const r = await trx.updateTable('accidents').set({ received_at: a.receivedAt, doc: JSON.stringify(a) }).where('id', '=', a.id).where('received_at', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new AccidentAlreadyReceived(`accident ${a.id} is already received`);
      await new AuditLog(trx).append([{ kind: 'accident', ref: a.id, action: 'receive', actor: a.receivedBy ?? '', at: a.receivedAt ?? 0, payload: a }]);
    });
  }

  async get<T extends AccidentDoc>(id: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('accidents').select('doc').where('id', '=', id).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  /** Newest report first; `enterprises` / `jurisdictions` scope the list (empty = nothing). */
  async list<T extends AccidentDoc>(f: { enterprises?: string[]; jurisdictions?: string[]; since?: number; unreceived?: boolean; limit?: number } = {}): Promise<T[]> {
    let q = this.db.selectFrom('accidents').select('doc');
    if (f.enterprises) {
      if (f.enterprises.length === 0) return [];
      q = q.where('enterprise', 'in', f.enterprises);
    }
    if (f.jurisdictions) {
      if (f.jurisdictions.length === 0) return [];
      q = q.where('jurisdiction', 'in', f.jurisdictions);
    }
    if (f.since !== undefined) q = q.where('reported_at', '>=', f.since);
    if (f.unreceived) q = q.where('received_at', 'is', null);
    const rows = await q.orderBy('reported_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 200).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }
}
