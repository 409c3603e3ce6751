// Partition leases in PostgreSQL (docs/cluster.md §4): one row per partition with its owner, the
// fencing epoch, the expiry (the database server's clock) and the owner's progress. Taking a lease
// raises `epoch`; renewals, hand-overs, rule-state saves and alarm writes name the epoch they hold
// and are refused once another instance has taken the partition, so a paused or cut-off former
// owner can neither extend, overwrite nor add to what its successor has taken.
import { sql } from 'kysely';
import { NOW } from './cluster-records.ts';
import { RuleStateRecords } from './rule-state-records.ts';
import { inTransaction, type Db } from './tx.ts';

export interface PartitionLease {
  partition: number;
  owner: string | null;
  epoch: number;
  expiresAt: number;
  seq: number;
  lag: number;
  takenAt: number | null;
}

export interface HeldLease {
  partition: number;
  epoch: number;
  seq: number;
  lag: number;
}

export const partitionStateName = (partition: number) => `rules/p${partition}`;

export class LeaseRecords {
  constructor(private readonly db: Db) {}

  /** One row per partition, created once (`cluster.partitions` never changes). */
  async ensurePartitions(n: number): Promise<void> {
    const values = Array.from({ length: n }, (_, partition) => ({ partition, owner: null, taken_at: null }));
    await this.db.insertInto('cluster_partitions').values(values).onConflict((oc) => oc.column('partition').doNothing()).execute();
  }

  async partitions(): Promise<PartitionLease[]> {
    const rows = await this.db.selectFrom('cluster_partitions').selectAll().orderBy('partition').execute();
    return rows.map((r) => ({ partition: r.partition, owner: r.owner, epoch: Number(r.epoch), expiresAt: Number(r.expires_at), seq: Number(r.seq), lag: Number(r.lag), takenAt: r.taken_at === null ? null : Number(r.taken_at) }));
  }

  /** Takes a partition that nobody holds or whose lease has run out; its new epoch, or undefined. */
  async acquire(partition: number, owner: string, ttlMs: number): Promise<number | undefined> {
    const r = await this.db
      .updateTable('cluster_partitions')
      .set({ owner, epoch: sql`epoch + 1`, expires_at: sql`${NOW} + ${ttlMs}`, taken_at: NOW })
      .where('partition', '=', partition)
      .where((eb) => eb.or([eb('owner', 'is', null), eb('expires_at', '<', NOW)]))
      .returning('epoch')
      .executeTakeFirst();
    return r && Number(r.epoch);
  }

  /** Extends the leases still held at their epoch, with the owner's progress; the partitions renewed. */
  async renew(owner: string, held: readonly HeldLease[], ttlMs: number): Promise<number[]> {
    const kept: number[] = [];
    for (const h of held) {
      const r = await this.db
        .updateTable('cluster_partitions')
        .set({ expires_at: sql`${NOW} + ${ttlMs}`, seq: h.seq, lag: h.lag })
        .where('partition', '=', h.partition)
        .where('owner', '=', owner)
        .where('epoch', '=', h.epoch)
        .returning('partition')
        .executeTakeFirst();
      if (r) kept.push(h.partition);
    }
    return kept;
  }

  /** Gives a partition up (stop, or handing it to its assigned instance): free at once for the next owner. */
  async release(partition: number, owner: string, epoch: number): Promise<void> {
    await this.db.updateTable('cluster_partitions').set({ owner: null, expires_at: 0 }).where('partition', '=', partition).where('owner', '=', owner).where('epoch', '=', epoch).execute();
  }

  /**
   * Of these leases, the partitions still this owner's at that epoch and unexpired, their rows
   * locked until the caller's transaction ends (FOR SHARE: a takeover waits for it, then wins).
   * Call inside the transaction whose writes it fences.
   */
  async held(owner: string, leases: readonly { partition: number; epoch: number }[]): Promise<Set<number>> {
    if (leases.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('cluster_partitions')
      .select(['partition', 'epoch'])
      .where('partition', 'in', leases.map((l) => l.partition))
      .where('owner', '=', owner)
      .where('expires_at', '>', NOW)
      .forShare()
      .execute();
    const want = new Map(leases.map((l) => [l.partition, l.epoch]));
    return new Set(rows.filter((r) => want.get(r.partition) === Number(r.epoch)).map((r) => r.partition));
  }

  /**
   * Saves a partition's rule state with the stream sequence it covers, only while the lease is
   * still this owner's at this epoch and unexpired (the row is locked for the save). False: fenced.
   */
  async saveState(partition: number, owner: string, epoch: number, seq: number, state: unknown): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const held = await trx
        .selectFrom('cluster_partitions')
        .select('partition')
        .where('partition', '=', partition)
        .where('owner', '=', owner)
        .where('epoch', '=', epoch)
        .where('expires_at', '>', NOW)
        .forUpdate()
        .executeTakeFirst();
      if (!held) return false;
      await new RuleStateRecords(trx).save(partitionStateName(partition), seq, state);
      await trx.updateTable('cluster_partitions').set({ seq }).where('partition', '=', partition).execute();
      return true;
    });
  }
}
