// Resumption requests (复工复产, issue 17) in the records database; the request and the regulator's
// decision are chained in the audit log in the same transaction.
import { AuditLog } from './audit-log.ts';
import { inTransaction, type Db } from './tx.ts';

export interface ResumptionDoc {
  id: string;
  enterprise: string;
  state: 'pending' | 'accepted' | 'rejected';
  requestedBy: string;
  requestedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
}

/** Deciding a request that is not pending any more. */
export class ResumptionNotPending extends Error {}

export class ResumptionRecords {
  constructor(private readonly db: Db) {}

  async add<T extends ResumptionDoc>(r: T): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.insertInto('resumptions').values({ id: r.id, enterprise: r.enterprise, state: r.state, requested_at: r.requestedAt, doc: JSON.stringify(r) }).execute();
      await new AuditLog(trx).append([{ kind: 'resumption', ref: r.id, action: 'request', actor: r.requestedBy, at: r.requestedAt, payload: r }]);
    });
  }

  /** pending → accepted or rejected; ResumptionNotPending when someone decided it first. */
  async decide<T extends ResumptionDoc>(r: T): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const u = await trx.updateTable('resumptions').set({ state: r.state, doc: JSON.stringify(r) }).where('id', '=', r.id).where('state', '=', 'pending').executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) throw new ResumptionNotPending(`resumption ${r.id} is not pending`);
      await new AuditLog(trx).append([{ kind: 'resumption', ref: r.id, action: r.state === 'accepted' ? 'accept' : 'reject', actor: r.decidedBy ?? '', at: r.decidedAt ?? 0, payload: r }]);
    });
  }

  async get<T extends ResumptionDoc>(id: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('resumptions').select('doc').where('id', '=', id).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  /** Newest first. */
  async list<T extends ResumptionDoc>(f: { enterprises?: string[]; state?: string; limit?: number } = {}): Promise<T[]> {
    let q = this.db.selectFrom('resumptions').select('doc');
    if (f.enterprises) {
      if (f.enterprises.length === 0) return [];
      q = q.where('enterprise', 'in', f.enterprises);
    }
    if (f.state) q = q.where('state', '=', f.state);
    const rows = await q.orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 200).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }
}
