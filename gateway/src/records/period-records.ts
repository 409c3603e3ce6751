// Special periods (issue 17, docs/special-periods.md) in the records database; setting one and
// ending it early are chained in the audit log in the same transaction.
import { AuditLog } from './audit-log.ts';
import { inTransaction, type Db } from './tx.ts';

export interface PeriodDoc {
  id: string;
  jurisdiction: string;
  from: number;
  to: number;
  createdBy: string;
  createdAt: number;
}

export class PeriodRecords {
  constructor(private readonly db: Db) {}

  async add<T extends PeriodDoc>(p: T): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.insertInto('special_periods').values({ id: p.id, jurisdiction: p.jurisdiction, from_ts: p.from, to_ts: p.to, doc: JSON.stringify(p) }).execute();
      await new AuditLog(trx).append([{ kind: 'special-period', ref: p.id, action: 'set', actor: p.createdBy, at: p.createdAt, payload: p }]);
    });
  }

  /** Ended early (its `to` moved to now), by `actor`. */
  async end<T extends PeriodDoc>(p: T, actor: string, at: number): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.updateTable('special_periods').set({ to_ts: p.to, doc: JSON.stringify(p) }).where('id', '=', p.id).execute();
      await new AuditLog(trx).append([{ kind: 'special-period', ref: p.id, action: 'end', actor, at, payload: p }]);
    });
  }

  async get<T extends PeriodDoc>(id: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('special_periods').select('doc').where('id', '=', id).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  /** Newest first; `jurisdictions` scopes the list; `endingAfter`: those still in force then or later. */
  async list<T extends PeriodDoc>(f: { jurisdictions?: string[]; endingAfter?: number; limit?: number } = {}): Promise<T[]> {
    let q = this.db.selectFrom('special_periods').select('doc');
    if (f.jurisdictions) {
      if (f.jurisdictions.length === 0) return [];
      q = q.where('jurisdiction', 'in', f.jurisdictions);
    }
    if (f.endingAfter !== undefined) q = q.where('to_ts', '>', f.endingAfter);
    const rows = await q.orderBy('from_ts', 'desc').orderBy('id', 'desc').limit(f.limit ?? 500).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }
}
