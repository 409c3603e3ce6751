// Cluster mode's shared state in PostgreSQL (docs/cluster.md §4): instances and their heartbeats
// (the partition leases are in lease-records.ts), and what a new owner reads of its enterprises'
// alarm history. Every time is the database server's clock, so instances whose clocks disagree
// still agree on who is alive.
import { sql } from 'kysely';
import type { Db } from './tx.ts';

/** the database server's time, ms */
export const NOW = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export interface ClusterInstance {
  id: string;
  http: string;
  startedAt: number;
  heartbeatAt: number;
}

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
}
