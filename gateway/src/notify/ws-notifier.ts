// The consoles' live push (CONTRACT §9) as a Notifier: alarm transitions (updates included) and
// hazard changes onto the WebSocket hub, which holds one bounded buffer per client and drops a
// client that falls behind (counted: hazardline_ws_dropped_total).
import type { Notifier, NotifyEvent } from './notifier.ts';
import type { WsHub } from './ws-hub.ts';

export class WsNotifier implements Notifier {
  readonly name = 'websocket';
  /** the consoles show every new value and peak, not only state changes */
  readonly updates = true;

  constructor(private readonly hub: Pick<WsHub, 'publishAlarm' | 'publishHazard'>) {}

  /** events that could not be pushed (malformed): counted, never thrown (the Notifier contract) */
  failed = 0;

  handle(event: NotifyEvent): void {
    try {
      this.push(event);
    } catch {
      this.failed++;
    }
  }

  private push(event: NotifyEvent): void {
    if (event.kind === 'alarm') {
      this.hub.publishAlarm(event.alarm.enterprise, { ...event.alarm, action: event.action, previousState: event.previousState });
      return;
    }
    const h = event.hazard;
    // 直报 goes to the regulator's webhooks; the consoles already saw the confirmation
    if (event.action === 'direct-report') return;
    this.hub.publishHazard(h.enterprise, { id: h.id, enterprise: h.enterprise, site: h.site ?? null, title: h.title, level: h.level, state: h.state, previousState: h.previousState, action: h.action });
  }

  async close(): Promise<void> {}
}
