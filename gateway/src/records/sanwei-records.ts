// 三违 records (issue 17) in the records database; each is chained in the audit log with the person
// who recorded it, in the same transaction.
import { AuditLog } from './audit-log.ts';
import { inTransaction, type Db } from './tx.ts';

export interface SanweiDoc {
  id: string;
  enterprise: string;
  occurredAt: number;
  recordedBy: string;
  recordedAt: number;
}

export class SanweiRecords {
  constructor(private readonly db: Db) {}

  async add<T extends SanweiDoc>(r: T): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.insertInto('sanwei_records').values({ id: r.id, enterprise: r.enterprise, occurred_at: r.occurredAt, doc: JSON.stringify(r) }).execute();
      await new AuditLog(trx).append([{ kind: 'sanwei', ref: r.id, action: 'record', actor: r.recordedBy, at: r.recordedAt, payload: r }]);
    });
  }

  /** Newest first; `enterprises` scopes the list (empty = nothing). */
  async list<T extends SanweiDoc>(f: { enterprises?: string[]; since?: number; limit?: number } = {}): Promise<T[]> {
    let q = this.db.selectFrom('sanwei_records').select('doc');
    if (f.enterprises) {
      if (f.enterprises.length === 0) return [];
      q = q.where('enterprise', 'in', f.enterprises);
    }
    if (f.since !== undefined) q = q.where('occurred_at', '>=', f.since);
    const rows = await q.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 500).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }
}
