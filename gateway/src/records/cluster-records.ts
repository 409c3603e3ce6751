// Cluster mode's shared state in PostgreSQL (docs/cluster.md §4): instances and their heartbeats,
// and partition leases. Every time is the database server's clock, so instances whose clocks
// disagree still agree on who holds a lease. A lease is fenced: taking it raises `epoch`, and an
// owner's renewals and rule-state saves name the epoch they hold, so a paused or partitioned
// former owner can neither extend nor overwrite what its successor has taken.
import { sql } from 'kysely';
import { RuleStateRecords } from './rule-state-records.ts';
import { inTransaction, type Db } from './tx.ts';

const NOW = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export interface ClusterInstance {
  id: string;
  http: string;
  startedAt: number;
  heartbeatAt: number;
}

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

export class ClusterRecords {
  constructor(private readonly db: Db) {}

  /** The database server's time (ms). */
  async now(): Promise<number> {
    const r = await sql<{ now: number }>`select ${NOW} as now`.execute(this.db);
    return Number(r.rows[0].now);
  }

  /** Says this instance is alive; returns the database's time of the heartbeat. */
  async heartbeat(id: string, http: string, startedAt: number): Promise<number> {
    const r = await this.db
      .insertInto('cluster_instances')
      .values({ id, http, started_at: startedAt, heartbeat_at: NOW })
      .onConflict((oc) => oc.column('id').doUpdateSet({ http, started_at: startedAt, heartbeat_at: NOW }))
      .returning('heartbeat_at')
      .executeTakeFirstOrThrow();
    return Number(r.heartbeat_at);
  }

  /** A clean stop: no longer counted alive, so the others reassign its partitions at once. */
  async leave(id: string): Promise<void> {
    await this.db.updateTable('cluster_instances').set({ heartbeat_at: 0 }).where('id', '=', id).execute();
  }

  async instances(): Promise<ClusterInstance[]> {
    const rows = await this.db.selectFrom('cluster_instances').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, http: r.http, startedAt: Number(r.started_at), heartbeatAt: Number(r.heartbeat_at) }));
  }

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
   * Per alarm key of these enterprises, the event time of the last rule-driven change recorded (a
   * raise, escalation, clear or close by `system`): what a new owner's replay must not do again.
   */
  async lastRuleChanges(enterprises: readonly string[]): Promise<Map<string, number>> {
    if (enterprises.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('alarm_transitions as t')
      .innerJoin('alarms as a', 'a.id', 't.alarm_id')
      .select(['a.key as key', (eb) => eb.fn.max('t.ts').as('ts')])
      .where('a.enterprise', 'in', enterprises)
      .where('t.actor', '=', 'system')
      .where('t.action', 'in', ['raise', 'escalate', 'clear', 'close'])
      .groupBy('a.key')
      .execute();
    return new Map(rows.map((r) => [r.key, Number(r.ts)]));
  }

  /** Raises and escalations of these enterprises' alarms since `since` (oldest first): the escalation history a new owner needs. */
  async recentActivations(enterprises: readonly string[], since: number, limit: number): Promise<{ key: string; ts: number; severity: string }[]> {
    if (enterprises.length === 0) return [];
    const rows = await this.db
      .selectFrom('alarm_transitions as t')
      .innerJoin('alarms as a', 'a.id', 't.alarm_id')
      .select(['a.key as key', 't.ts as ts', 't.severity as severity'])
      .where('a.enterprise', 'in', enterprises)
      .where('t.ts', '>=', since)
      .where('t.action', 'in', ['raise', 'escalate'])
      .orderBy('t.ts', 'desc')
      .orderBy('t.id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((r) => ({ key: r.key, ts: Number(r.ts), severity: r.severity }));
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
