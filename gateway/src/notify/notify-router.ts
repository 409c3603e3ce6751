// Fans each event out to the notifiers whose filters match. Every notifier has its own
// queue, so a slow or failing webhook never delays another (ARCHITECTURE.md "Notifier").
import type { Logger } from '../log.ts';
import type { Notifier, NotifierMetrics, NotifyEvent } from './notifier.ts';
import type { NotifyFilters, WebhookConfig } from './notify-config.ts';
import { WebhookNotifier, type WebhookNotifierOptions } from './webhook-notifier.ts';

export interface NotifyRoute {
  notifier: Notifier;
  filters?: NotifyFilters;
}

/**
 * Every given filter must match. `severities` constrains alarm events and `levels` hazard
 * events; an event of the other kind is not held back by them (`kinds` excludes a kind).
 */
export function matchesFilters(f: NotifyFilters | undefined, e: NotifyEvent): boolean {
  if (!f) return true;
  if (f.kinds && !f.kinds.includes(e.kind)) return false;
  if (f.actions && !f.actions.includes(e.action)) return false;
  const enterprise = e.kind === 'alarm' ? e.alarm.enterprise : e.hazard.enterprise;
  if (f.enterprises && !f.enterprises.includes(enterprise)) return false;
  if (e.kind === 'alarm' && f.severities && !f.severities.includes(e.alarm.severity)) return false;
  if (e.kind === 'hazard' && f.levels && !f.levels.includes(e.hazard.level)) return false;
  return true;
}

/** What the router adds to each webhook config to build its notifier. */
export interface NotifyRouterDeps {
  gateway: string;
  timezone?: string;
  log: Logger;
  metrics?: NotifierMetrics;
  /** test and tuning knobs passed to every WebhookNotifier (back-off, clock, fetch) */
  webhookDefaults?: Partial<Omit<WebhookNotifierOptions, 'name' | 'url' | 'gateway' | 'log'>>;
}

export class NotifyRouter implements Notifier {
  readonly name = 'notify-router';

  constructor(
    private readonly routes: NotifyRoute[],
    private readonly log?: Logger,
  ) {}

  static fromConfig(webhooks: WebhookConfig[], deps: NotifyRouterDeps): NotifyRouter {
    const routes = webhooks.map((w) => ({
      filters: w.filters,
      notifier: new WebhookNotifier({
        ...deps.webhookDefaults,
        name: w.name,
        url: w.url,
        format: w.format,
        secret: w.secret,
        headers: w.headers,
        at: w.at,
        queueSize: w.queueSize,
        maxAttempts: w.maxAttempts,
        timeoutMs: w.timeoutMs,
        gateway: deps.gateway,
        timezone: deps.timezone,
        log: deps.log,
        metrics: deps.metrics,
      }),
    }));
    return new NotifyRouter(routes, deps.log.child({ component: 'notify-router' }));
  }

  get notifiers(): Notifier[] {
    return this.routes.map((r) => r.notifier);
  }

  handle(event: NotifyEvent): void {
    for (const r of this.routes) {
      try {
        if (matchesFilters(r.filters, event)) r.notifier.handle(event);
      } catch (err) {
        // a notifier must not throw; if one does, the others still get the event
        this.log?.error({ notifier: r.notifier.name, err: (err as Error).message }, 'notifier threw');
      }
    }
  }

  /** Closes every notifier in parallel, each with the same deadline. */
  async close(timeoutMs?: number): Promise<void> {
    await Promise.allSettled(this.routes.map((r) => r.notifier.close(timeoutMs)));
  }
}
