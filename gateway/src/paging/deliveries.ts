// Messages to persons behind one bounded queue per channel (issue 15), like the webhooks: one send
// at a time per channel, a failure retried with back-off up to `maxAttempts`, overflow drops the
// oldest (counted). Every message is a row in the records database from the moment it is queued,
// so the alarm and hazard pages show who was told, how, when, and whether it arrived.
import { Backoff, WakeableSleep } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import type { NotificationStatus, PersonNotification } from '../records/notification-records.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Channel, Message } from './channels/channel.ts';
import type { ChannelName } from './paging-config.ts';

export interface DeliveriesOptions {
  channels: Channel[];
  store: RecordStore;
  clock: Clock;
  log: Logger;
  queueSize: number;
  maxAttempts: number;
  /** first retry delay, doubling with jitter (default 1 s, at most 60 s) */
  backoffMs?: number;
  onOutcome?: (channel: ChannelName, status: NotificationStatus) => void;
}

interface Item {
  n: PersonNotification;
  m: Message;
}

class Lane {
  readonly queue: Item[] = [];
  running: Promise<void> | null = null;
  readonly pause = new WakeableSleep();
  readonly backoff: Backoff;
  constructor(
    readonly channel: Channel,
    backoffMs: number,
  ) {
    this.backoff = new Backoff({ initialMs: backoffMs, maxMs: 60_000, jitter: true });
  }
}

export class Deliveries {
  private readonly lanes = new Map<ChannelName, Lane>();
  private readonly limited: RateLimitedLog;
  private closing = false;

  constructor(private readonly o: DeliveriesOptions) {
    for (const c of o.channels) this.lanes.set(c.name, new Lane(c, o.backoffMs ?? 1000));
    this.limited = new RateLimitedLog(o.log, 10_000, () => o.clock.now());
  }

  channel(name: ChannelName): Channel | undefined {
    return this.lanes.get(name)?.channel;
  }

  /** Records the message as queued and queues it; a channel not configured is recorded as failed. */
  async enqueue(n: PersonNotification, m: Message): Promise<void> {
    const lane = this.lanes.get(n.channel);
    if (!lane) {
      await this.o.store.notifications.add({ ...n, status: 'failed', lastError: `channel ${n.channel} not configured` });
      this.o.onOutcome?.(n.channel, 'failed');
      return;
    }
    await this.o.store.notifications.add(n);
    // while stopping it stays queued in the records: the next start sends it
    if (!this.closing) this.push(lane, { n, m });
  }

  /** Queues a message recorded before (a restart resumes what was queued or retrying). */
  resume(n: PersonNotification, m: Message): void {
    const lane = this.lanes.get(n.channel);
    if (lane && !this.closing) this.push(lane, { n, m });
  }

  private push(lane: Lane, item: Item): void {
    if (lane.queue.length >= this.o.queueSize) {
      const old = lane.queue.shift()!;
      void this.settle(old.n, 'dropped', old.n.attempts, 'queue full');
    }
    lane.queue.push(item);
    this.kick(lane);
  }

  private kick(lane: Lane): void {
    if (lane.running) return;
    lane.running = this.run(lane).finally(() => {
      lane.running = null;
      if (lane.queue.length && !this.closing) this.kick(lane);
    });
  }

  private async run(lane: Lane): Promise<void> {
    while (lane.queue.length && !this.closing) {
      const item = lane.queue.shift()!;
      try {
        await this.deliver(lane, item);
      } catch (err) {
        this.limited.error('deliver', { err: (err as Error).message }, 'notification delivery failed');
      }
    }
  }

  private async deliver(lane: Lane, { n, m }: Item): Promise<void> {
    lane.backoff.reset();
    for (let attempt = n.attempts + 1; ; attempt++) {
      const out = await lane.channel.send(m);
      if (out.ok) return this.settle(n, 'delivered', attempt, null);
      if (!out.retry || attempt >= this.o.maxAttempts) return this.settle(n, 'failed', attempt, out.reason);
      await this.o.store.notifications.update(n.id, { status: 'retrying', attempts: attempt, updatedAt: this.o.clock.now(), lastError: out.reason });
      this.o.onOutcome?.(n.channel, 'retrying');
      // stopping: it stays `retrying` in the records, and the next start tries again
      if (this.closing) return;
      await lane.pause.sleep(lane.backoff.next());
      if (this.closing) return;
    }
  }

  private async settle(n: PersonNotification, status: NotificationStatus, attempts: number, reason: string | null): Promise<void> {
    const now = this.o.clock.now();
    this.o.onOutcome?.(n.channel, status);
    if (status !== 'delivered') this.limited.warn(`${n.channel}:${status}`, { id: n.id, person: n.person, channel: n.channel, reason }, `notification ${status}`);
    try {
      await this.o.store.notifications.update(n.id, { status, attempts, updatedAt: now, deliveredAt: status === 'delivered' ? now : null, lastError: reason });
    } catch (err) {
      this.limited.error('record', { err: (err as Error).message }, 'could not record a notification outcome');
    }
  }

  /**
   * Stops: the message being sent gets up to `timeoutMs`; what is still queued or waiting for a
   * retry stays `queued` / `retrying` in the records and is sent at the next start (Pager.start).
   */
  async close(timeoutMs = 5000): Promise<void> {
    this.closing = true;
    for (const l of this.lanes.values()) l.pause.wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.lanes.values()].map((l) => l.running)), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    for (const l of this.lanes.values()) await l.channel.close?.().catch(() => {});
  }
}
