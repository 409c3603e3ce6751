// The gauges read at scrape time (/metrics): WAL age, late readings, open alarms by severity,
// the alarm-health figures (DOMAIN.md §8) and the records backlog. The alarm writer's counters
// are cumulative: each scrape adds what is new.
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Wal } from '../wal/wal.ts';
import type { Metrics } from './metrics.ts';

export interface GaugeSources {
  wal: Pick<Wal, 'oldestAgeSeconds'>;
  /** cluster mode: ownership and lag (docs/cluster.md §7) */
  cluster?: { gauges(): void };
  /** once the rule engine and the alarm manager run */
  running: () => { late: () => number; backlog?: () => number; alarms: Pick<AlarmManager, 'openAlarms' | 'gauges' | 'writeStatus'> } | undefined;
}

export class GatewayGauges {
  private seen = { failures: 0, refused: 0, late: 0 };

  constructor(
    private readonly m: Metrics,
    private readonly s: GaugeSources,
  ) {}

  refresh(): void {
    const { m } = this;
    m.walAge.set(this.s.wal.oldestAgeSeconds());
    this.s.cluster?.gauges();
    const r = this.s.running();
    const counts: Record<string, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
    for (const a of r?.alarms.openAlarms() ?? []) counts[a.severity]++;
    for (const [s, n] of Object.entries(counts)) m.alarmsOpen.set({ severity: s }, n);
    if (!r) return;
    m.rulesBacklog.set(r.backlog?.() ?? 0);
    const late = r.late();
    m.rulesLate.set(late);
    // a cluster instance sums the engines it owns: a partition handed over takes its count along
    m.rulesLateTotal.inc(Math.max(0, late - this.seen.late));
    const w = r.alarms.writeStatus();
    m.recordsWriteFailures.inc(w.failures - this.seen.failures);
    m.recordsRefused.inc(w.refused - this.seen.refused);
    this.seen = { failures: w.failures, refused: w.refused, late };
    m.recordsPending.set(w.pending);
    m.recordsPendingAge.set(w.oldestAgeSeconds);
    m.recordsUp.set(w.consecutiveFailures === 0 ? 1 : 0);
    const g = r.alarms.gauges();
    m.alarmsLast10m.set(g.last10m);
    m.alarmsChattering.set(g.chattering);
    m.alarmsStale.set(g.stale);
    m.alarmsOverdue.set(g.overdue);
  }
}
