// One way out for alarm and hazard changes: each becomes one NotifyEvent, counted once, and
// goes to every Notifier in order — the consoles' WebSocket push, the webhooks (behind their own
// bounded queues) and the `alarm` measurement. A notifier never blocks another: `handle` only
// enqueues. Alarm `update`s (new value, new peak) go only to notifiers that ask for them.
import type { AlarmEvent } from '../alarms/alarm-manager.ts';
import type { Clock } from '../clock.ts';
import { formatLocal } from '../alarms/local-time.ts';
import type { HazardEvent } from '../hazards/hazard-service.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { alarmNotifyEvent, type HazardNotice, type HazardNotifyEvent, type Notifier } from './notifier.ts';

export type FanoutNotifier = Notifier & { readonly updates?: boolean };

export interface FanoutOptions {
  notifiers: FanoutNotifier[];
  timezone: string;
  clock: Clock;
  metrics: Pick<Metrics, 'alarmTransitions' | 'alarmActivations'>;
}

export class Fanout {
  constructor(private readonly o: FanoutOptions) {}

  /** an alarm manager 'transition' */
  alarm(ev: AlarmEvent): void {
    const action = ev.transition.action;
    this.o.metrics.alarmTransitions.inc({ action });
    if (action === 'raise') this.o.metrics.alarmActivations.inc({ severity: ev.alarm.severity });
    const event = alarmNotifyEvent(ev, this.o.timezone, this.o.clock.now());
    for (const n of this.o.notifiers) if (action !== 'update' || n.updates) n.handle(event);
  }

  /** a hazard service 'event' */
  hazard(ev: HazardEvent): void {
    for (const event of hazardNotices(ev, this.o.timezone)) for (const n of this.o.notifiers) n.handle(event);
  }

  async close(timeoutMs: number): Promise<void> {
    await Promise.allSettled(this.o.notifiers.map((n) => n.close(timeoutMs)));
  }
}

/** The notices of one hazard change: the change itself and, for a confirmed major hazard, its 直报 (CONTRACT §8). */
export function hazardNotices(ev: HazardEvent, timezone: string): HazardNotifyEvent[] {
  const h = ev.hazard;
  // the report code is the reporter's bearer secret: never in a notification
  const notice: HazardNotice = { id: h.id, enterprise: h.enterprise, site: h.site ?? null, title: h.title, level: h.level, state: h.state, previousState: ev.previousState, action: ev.entry.action, dueBy: h.rectification ? formatLocal(Number(h.rectification.deadline), timezone) : null, reportCode: null };
  const out: HazardNotifyEvent[] = [{ kind: 'hazard', hazard: notice, action: ev.entry.action }];
  for (const e of ev.effects) if (e.kind === 'direct-report') out.push({ kind: 'hazard', hazard: { ...notice, action: 'direct-report' }, action: 'direct-report' });
  return out;
}
