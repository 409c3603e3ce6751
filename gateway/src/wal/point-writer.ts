// Points the gateway derives itself (the `alarm` and `occupancy` measurements, CONTRACT §5) go
// to the telemetry store through the WAL like readings, behind one bounded queue: a flood of
// alarms appends one WAL frame per turn of the event loop, not one per alarm, and past
// `maxPending` points are dropped and counted, never queued without bound.
import type { Logger } from '../log.ts';
import { RateLimitedLog } from '../log.ts';
import type { Clock } from '../clock.ts';
import type { Point } from '../model/types.ts';
import type { Wal } from './wal.ts';

export interface PointWriterOptions {
  wal: Pick<Wal, 'append'>;
  log: Logger;
  clock: Clock;
  /** points waiting for the next append; more are dropped (default 10,000) */
  maxPending?: number;
  /** counted per measurement when a point is dropped (queue full or the WAL refused the frame) */
  onDropped?: (measurement: string, n: number) => void;
}

export class PointWriter {
  private queue: Point[] = [];
  private flushing?: Promise<void>;
  private closed = false;
  private readonly warn: RateLimitedLog;

  constructor(private readonly o: PointWriterOptions) {
    this.warn = new RateLimitedLog(o.log, 10_000, () => o.clock.now());
  }

  /** Queues the point; returns at once, never throws. */
  write(p: Point): void {
    if (this.closed) return this.dropped([p], 'closed');
    if (this.queue.length >= (this.o.maxPending ?? 10_000)) return this.dropped([p], 'queue full');
    this.queue.push(p);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  /** Appends what is queued, then refuses more. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const points = this.queue;
      this.queue = [];
      try {
        await this.o.wal.append([{ type: 'points', points }]);
      } catch (err) {
        this.dropped(points, (err as Error).message);
      }
    }
    this.flushing = undefined;
  }

  private dropped(points: Point[], why: string): void {
    const by = new Map<string, number>();
    for (const p of points) by.set(p.measurement, (by.get(p.measurement) ?? 0) + 1);
    for (const [m, n] of by) this.o.onDropped?.(m, n);
    this.warn.warn('points', { err: why, points: points.length }, 'derived points not written');
  }
}
