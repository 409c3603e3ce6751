// One webhook behind its own bounded queue (ARCHITECTURE.md "Notifier"; the Kapacitor habit of
// a bounded buffer per handler that reports "failed to deliver" instead of blocking others).
// One request at a time keeps events in order; a failing event is retried (exponential
// back-off with jitter, Retry-After honoured) before the next one is sent.
import { Backoff, WakeableSleep } from '../backoff.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import type { Notifier, NotifierMetrics, NotifyEvent } from './notifier.ts';
import type { WebhookFormat } from './notify-config.ts';
import { dingtalkSignedUrl, formatBody } from './webhook-format.ts';

export interface WebhookNotifierOptions {
  name: string;
  url: string;
  format?: WebhookFormat;
  /** DingTalk 加签 secret */
  secret?: string;
  headers?: Record<string, string>;
  at?: { atMobiles?: string[]; isAtAll?: boolean };
  /** gateway id, sent in `json` bodies */
  gateway: string;
  /** local time zone of the message text (default Asia/Shanghai) */
  timezone?: string;
  log: Logger;
  metrics?: NotifierMetrics;
  queueSize?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  /** first retry delay; doubles per attempt up to `backoffMaxMs`, with jitter (default 500 ms) */
  backoffMs?: number;
  backoffMaxMs?: number;
  /** a Retry-After longer than this is cut to it, so one event cannot stall the queue for hours */
  retryAfterMaxMs?: number;
  /** default deadline of `close()` */
  closeTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
}

type Outcome = { ok: true } | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

/** WeCom 45009 (接口调用超过限制) and DingTalk 130101 (发送太快) are rate limits: retry. */
const ROBOT_RATE_LIMITED = new Set([45009, 130101]);

export class WebhookNotifier implements Notifier {
  readonly name: string;
  delivered = 0;
  failed = 0;
  dropped = 0;
  retried = 0;

  private readonly queue: NotifyEvent[] = [];
  private readonly log: Logger;
  private readonly limited: RateLimitedLog;
  private readonly now: () => number;
  private running: Promise<void> | null = null;
  private closing = false;
  /** set at the close deadline: the request in flight is aborted and the rest counted failed */
  private aborted = false;
  private inflight: AbortController | null = null;
  private readonly pause = new WakeableSleep();
  private readonly backoff: Backoff;

  constructor(private readonly o: WebhookNotifierOptions) {
    this.name = o.name;
    this.now = o.now ?? Date.now;
    this.log = o.log.child({ component: 'webhook', id: o.name });
    this.limited = new RateLimitedLog(this.log, 10_000, this.now);
    this.backoff = new Backoff({ initialMs: o.backoffMs ?? 500, maxMs: o.backoffMaxMs ?? 30_000, jitter: true, random: o.random });
  }

  /** events waiting (not counting the one in flight) */
  get pending(): number {
    return this.queue.length;
  }

  handle(event: NotifyEvent): void {
    try {
      if (this.closing) return this.drop('closed');
      if (this.queue.length >= (this.o.queueSize ?? 1000)) {
        this.queue.shift(); // drop-oldest: the newest state of the plant matters most
        this.drop('queue full');
      }
      this.queue.push(event);
      this.kick();
    } catch (err) {
      this.limited.error('handle', { err: (err as Error).message }, 'webhook enqueue failed');
    }
  }

  async close(timeoutMs = this.o.closeTimeoutMs ?? 5000): Promise<void> {
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((r) => (timer = setTimeout(() => r('deadline'), timeoutMs)));
    try {
      while (this.running && !this.aborted) {
        if ((await Promise.race([this.running, deadline])) === 'deadline') {
          this.aborted = true;
          this.inflight?.abort();
          this.pause.wake();
        }
      }
      // after the deadline: the abort settles the request in flight; the rest fail at once
      while (this.running) await this.running;
    } finally {
      clearTimeout(timer);
    }
  }

  private drop(reason: string): void {
    this.dropped++;
    this.o.metrics?.onDropped?.(this.name);
    this.limited.warn('dropped', { reason, dropped: this.dropped }, 'webhook event dropped');
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.queue.length) this.kick();
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length) {
      const ev = this.queue.shift()!;
      try {
        if (this.aborted) this.fail('shutdown', 0);
        else await this.deliver(ev);
      } catch (err) {
        this.fail(`internal: ${(err as Error).message}`, 0);
      }
    }
  }

  private async deliver(ev: NotifyEvent): Promise<void> {
    const max = this.o.maxAttempts ?? 5;
    this.backoff.reset();
    for (let attempt = 1; ; attempt++) {
      const out = await this.attempt(ev);
      if (out.ok) {
        this.delivered++;
        this.o.metrics?.onDelivered?.(this.name, attempt);
        return;
      }
      if (this.aborted) return this.fail('shutdown', attempt);
      if (!out.retry || attempt >= max) return this.fail(out.reason, attempt);
      this.retried++;
      this.o.metrics?.onRetry?.(this.name, out.reason);
      // a server's Retry-After wins; the back-off still counts the attempt
      if (out.retryAfterMs !== undefined) this.backoff.skip();
      await this.pause.sleep(out.retryAfterMs ?? this.backoff.next());
      if (this.aborted) return this.fail('shutdown', attempt);
    }
  }

  private fail(reason: string, attempts: number): void {
    this.failed++;
    this.o.metrics?.onFailed?.(this.name, reason);
    this.limited.error(`failed:${reason.split(':')[0]}`, { reason, attempts, failed: this.failed }, 'failed to deliver webhook event');
  }

  private async attempt(ev: NotifyEvent): Promise<Outcome> {
    const now = this.now();
    const format = this.o.format ?? 'json';
    const body = JSON.stringify(formatBody(format, ev, { gateway: this.o.gateway, timezone: this.o.timezone ?? 'Asia/Shanghai', now, at: this.o.at }));
    // DingTalk wants a fresh timestamp (within 1 h of the request): sign every attempt
    const url = this.o.secret ? dingtalkSignedUrl(this.o.url, this.o.secret, now) : this.o.url;
    const ctl = new AbortController();
    this.inflight = ctl;
    const timer = setTimeout(() => ctl.abort(), this.o.timeoutMs ?? 5000);
    try {
      const res = await (this.o.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...this.o.headers },
        body,
        signal: ctl.signal,
      });
      const text = await res.text(); // read within the timeout: a body that never ends is a hang too
      return this.classify(res.status, res.headers.get('retry-after'), text, format);
    } catch (err) {
      const reason = ctl.signal.aborted ? (this.aborted ? 'shutdown' : 'timeout') : `network: ${causeOf(err)}`;
      return { ok: false, retry: true, reason };
    } finally {
      clearTimeout(timer);
      this.inflight = null;
    }
  }

  private classify(status: number, retryAfter: string | null, text: string, format: WebhookFormat): Outcome {
    if (status === 429 || status >= 500) return { ok: false, retry: true, reason: `http ${status}`, retryAfterMs: this.retryAfter(retryAfter) };
    if (status < 200 || status >= 300) return { ok: false, retry: false, reason: `http ${status}` };
    if (format === 'json') return { ok: true };
    // robots answer 200 with { errcode, errmsg }; errcode ≠ 0 is a failure
    let reply: { errcode?: unknown; errmsg?: unknown } | null;
    try {
      reply = JSON.parse(text) as { errcode?: unknown; errmsg?: unknown } | null;
    } catch {
      return { ok: true };
    }
    const code = typeof reply?.errcode === 'number' ? reply.errcode : 0;
    if (code === 0) return { ok: true };
    return { ok: false, retry: ROBOT_RATE_LIMITED.has(code), reason: `errcode ${code}: ${String(reply?.errmsg ?? '')}`.slice(0, 200) };
  }

  /** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3) */
  private retryAfter(h: string | null): number | undefined {
    if (!h) return undefined;
    const secs = /^\s*\d+\s*$/.test(h) ? Number(h) * 1000 : Date.parse(h) - this.now();
    if (!Number.isFinite(secs)) return undefined;
    return Math.min(Math.max(0, secs), this.o.retryAfterMaxMs ?? 60_000);
  }
}

function causeOf(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
