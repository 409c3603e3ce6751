// Shift handovers (交接班, issue 15) in the records database, each step chained in the audit log in
// the same transaction. Every backend passes test/contracts/records/handovers.ts.
import { AuditLog } from './audit-log.ts';
import { inTransaction, type Db } from './tx.ts';

export interface HandoverDoc {
  id: string;
  state: 'offered' | 'accepted';
  /** the enterprises the handover covers (the outgoing dispatcher's scope) */
  enterprises: string[];
  from: string;
  to: string | null;
  createdAt: number;
  acceptedAt: number | null;
}

/** Accepting a handover that is not (or no longer) offered. */
export class HandoverNotOffered extends Error {}

export class HandoverRecords {
  constructor(private readonly db: Db) {}

  async add<T extends HandoverDoc>(h: T): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.insertInto('shift_handovers').values({ id: h.id, state: h.state, from_person: h.from, to_person: h.to, created_at: h.createdAt, accepted_at: h.acceptedAt, doc: JSON.stringify(h) }).execute();
      await new AuditLog(trx).append([{ kind: 'shift-handover', ref: h.id, action: 'hand-over', actor: h.from, at: h.createdAt, payload: h }]);
    });
  }

  /** offered → accepted by `to`; HandoverNotOffered when it is not offered any more. */
  async accept<T extends HandoverDoc>(h: T): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const r = await trx.updateTable('shift_handovers').set({ state: 'accepted', to_person: h.to, accepted_at: h.acceptedAt, doc: JSON.stringify(h) }).where('id', '=', h.id).where('state', '=', 'offered').executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new HandoverNotOffered(`handover ${h.id} is not offered`);
      await new AuditLog(trx).append([{ kind: 'shift-handover', ref: h.id, action: 'accept', actor: h.to ?? '', at: h.acceptedAt ?? 0, payload: h }]);
    });
  }

  async get<T extends HandoverDoc>(id: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('shift_handovers').select('doc').where('id', '=', id).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  /** Newest first. */
  async list<T extends HandoverDoc>(f: { state?: string; limit?: number } = {}): Promise<T[]> {
    let q = this.db.selectFrom('shift_handovers').select('doc');
    if (f.state) q = q.where('state', '=', f.state);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 200).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }
}
