// What /healthz reports (CONTRACT §10): each source, the telemetry store, the WAL, the uplink or
// the edges, and the records database. The WAL is degraded from 90 % full and for 10 minutes
// after any overflow; the records database while its writes fail, its backlog is older than
// alarms.recordsDegradedAfterSeconds, or overflowed alarms wait for their resync. Errors are
// shown by publicError (first line, bounded, no credentials): /healthz is open to anyone.
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Clock } from '../clock.ts';
import type { ClusterMode } from '../cluster/cluster-mode.ts';
import type { Config } from '../config/schema.ts';
import type { Source } from '../ingest/source.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import type { RunningSink } from '../store/running-sink.ts';
import type { CentralMode, EdgeMode } from '../uplink/uplink-modes.ts';
import type { Wal } from '../wal/wal.ts';
import { publicError } from './public-error.ts';
import type { HealthCheck } from './server.ts';

export interface GatewayHealthParts {
  config: Pick<Config, 'wal' | 'alarms'>;
  clock: Clock;
  log: Logger;
  wal: Wal;
  runningSink: RunningSink;
  sources: readonly Source[];
  edge?: EdgeMode;
  central?: CentralMode;
  /** cluster mode: NATS and the leases (docs/cluster.md §7) */
  cluster?: Pick<ClusterMode, 'health'>;
  /** the alarm writer and the records target, once the records database is open */
  records: () => { alarms: Pick<AlarmManager, 'writeStatus'>; target: string } | undefined;
}

export class GatewayHealth {
  private lastWalOverflow?: number;

  constructor(private readonly p: GatewayHealthParts) {
    const overflowLog = new RateLimitedLog(p.log.child({ component: 'wal' }), 10_000, () => p.clock.now());
    p.wal.on('overflow', ({ policy, frames }) => {
      this.lastWalOverflow = p.clock.now();
      overflowLog.error('overflow', { policy, frames, maxBytes: p.config.wal.maxBytes }, 'WAL full: the telemetry store is down or not keeping up');
    });
  }

  checks(): HealthCheck[] {
    const { p } = this;
    const checks: HealthCheck[] = p.sources.map((s) => s.health());
    const rs = p.runningSink;
    checks.push({ name: `store:${rs.sink.type}`, ok: rs.healthy, detail: rs.lastError ? { error: publicError(rs.lastError) } : {} });
    if (p.edge) checks.push(p.edge.uplink.health());
    const central = p.central;
    if (central) checks.push({ name: 'edges', ok: true, detail: { edges: [...central.registry.edges.values()].map((e) => central.view(e)) } });
    if (p.cluster) checks.push(p.cluster.health());
    const records = this.records();
    if (records) checks.push(records);
    checks.push(this.wal());
    return checks;
  }

  private wal(): HealthCheck {
    const { wal, config, clock } = this.p;
    const { maxBytes } = config.wal;
    const recentOverflow = this.lastWalOverflow !== undefined && clock.now() - this.lastWalOverflow < 600_000;
    const ok = wal.bytes() < 0.9 * maxBytes && !recentOverflow;
    return { name: 'wal', ok, detail: { depth: wal.depth(), ageSeconds: wal.oldestAgeSeconds(), bytes: wal.bytes(), maxBytes, ...(this.lastWalOverflow ? { lastOverflow: new Date(this.lastWalOverflow).toISOString() } : {}) } };
  }

  private records(): HealthCheck | undefined {
    const r = this.p.records();
    if (!r) return undefined;
    const w = r.alarms.writeStatus();
    const ok = w.consecutiveFailures === 0 && w.oldestAgeSeconds < this.p.config.alarms.recordsDegradedAfterSeconds && w.resyncPending === 0;
    return { name: 'records', ok, detail: { target: r.target, pending: w.pending, oldestAgeSeconds: w.oldestAgeSeconds, failures: w.failures, overflow: w.refused, resyncPending: w.resyncPending, ...(w.lastError ? { error: publicError(w.lastError) } : {}) } };
  }
}
