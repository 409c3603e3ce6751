// The centre's outbox to its edges (issue 16): numbered per edge, kept until the edge has applied
// them. Every backend passes test/contracts/records/downlink.ts.
import { inTransaction, type Db } from './tx.ts';

export interface DownlinkRow<T = unknown> {
  seq: number;
  at: number;
  item: T;
}

export class DownlinkRecords {
  constructor(private readonly db: Db) {}

  /** Appends an item for `edge` with the next number (1, 2, …, never reused even after pruning). */
  async add(edge: string, at: number, item: unknown): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      const last = await trx.selectFrom('downlink').select((eb) => eb.fn.max('seq').as('seq')).where('edge', '=', edge).executeTakeFirst();
      const seq = Number(last?.seq ?? 0) + 1;
      await trx.insertInto('downlink').values({ edge, seq, at, item: JSON.stringify(item) }).execute();
      return seq;
    });
  }

  /** The rows after `seq`, in order, at most `limit`. */
  async after<T>(edge: string, seq: number, limit = 500): Promise<DownlinkRow<T>[]> {
    const rows = await this.db.selectFrom('downlink').selectAll().where('edge', '=', edge).where('seq', '>', seq).orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), at: Number(r.at), item: JSON.parse(r.item) as T }));
  }

  /** Drops the rows up to `seq` (the edge applied them) but the newest, which keeps the numbering going. */
  async prune(edge: string, seq: number): Promise<void> {
    const last = await this.db.selectFrom('downlink').select((eb) => eb.fn.max('seq').as('seq')).where('edge', '=', edge).executeTakeFirst();
    const newest = Number(last?.seq ?? 0);
    await this.db.deleteFrom('downlink').where('edge', '=', edge).where('seq', '<=', Math.min(seq, newest - 1)).execute();
  }
}
