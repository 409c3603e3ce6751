// The `alarm` measurement for Grafana annotations (CONTRACT §5) as a Notifier: each alarm state
// change becomes a point in the telemetry store, through the WAL like readings, behind the
// bounded PointWriter queue.
import type { PointWriter } from '../wal/point-writer.ts';
import type { Notifier, NotifyEvent } from './notifier.ts';

export class AlarmPoints implements Notifier {
  readonly name = 'alarm-measurement';

  constructor(private readonly points: Pick<PointWriter, 'write'>) {}

  /** events that made no point (malformed): counted, never thrown (the Notifier contract) */
  failed = 0;

  handle(event: NotifyEvent): void {
    try {
      this.point(event);
    } catch {
      this.failed++;
    }
  }

  private point(event: NotifyEvent): void {
    if (event.kind !== 'alarm' || event.action === 'update') return;
    const a = event.alarm;
    const tags: Record<string, string> = { enterprise: a.enterprise, rule: a.rule, severity: a.severity };
    if (a.site) tags.site = a.site;
    if (a.device) tags.device = a.device;
    if (a.zone) tags.zone = a.zone;
    this.points.write({ measurement: 'alarm', tags, fields: { state: a.state, action: event.action, message: a.message }, ts: Date.parse(event.at!) });
  }

  async close(): Promise<void> {}
}
