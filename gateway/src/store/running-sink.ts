// The one wrapper around every Sink (the Telegraf "running output" habit): drains the WAL
// in batches, retries with back-off while the store is down, moves the checkpoint only
// after the store confirmed, and records batch latency and failures.
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Wal } from '../wal/wal.ts';
import type { DeadLetterStore } from '../deadletter/dead-letter-store.ts';
import type { Point } from '../model/types.ts';
import { isPermanentWriteError, type Sink } from './sink.ts';
import { entriesToPoints } from './points.ts';
import { Backoff, WakeableSleep } from '../backoff.ts';
import { systemClock, type Clock } from '../clock.ts';

export interface RunningSinkOptions {
  batchSize: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** what time it is (lastSuccessAt, dead letters); default the system clock */
  clock?: Clock;
}

export class RunningSink {
  private stopped = false;
  private loop?: Promise<void>;
  private readonly backoff: Backoff;
  private readonly pause = new WakeableSleep();
  private readonly clock: Clock;
  lastError?: string;
  lastSuccessAt?: number;

  constructor(
    readonly sink: Sink,
    private readonly wal: Wal,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly o: RunningSinkOptions,
    private readonly deadLetters?: DeadLetterStore,
  ) {
    this.backoff = new Backoff({ initialMs: o.minBackoffMs ?? 200, maxMs: o.maxBackoffMs ?? 10_000 });
    this.clock = o.clock ?? systemClock;
  }

  start(): void {
    this.loop = this.run();
  }

  get healthy(): boolean {
    return this.lastError === undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const entries = this.wal.read(this.o.batchSize);
        if (entries.length === 0) {
          await this.wal.waitForData(500);
          continue;
        }
        const retryIn = await this.writeBatch(entries);
        if (retryIn === 0) this.wal.commit(entries[entries.length - 1].seq);
        else await this.pause.sleep(retryIn);
        // a synchronous store (SQLite) resolves at once: without a turn of the event loop here a
        // backlog would be drained batch after batch in one task, stalling ingest (issue 19)
        await new Promise<void>((resolve) => setImmediate(resolve));
      } catch (err) {
        // reading or committing the WAL failed (disk): the entries stay, try again later
        this.log.error({ err }, 'wal drain failed; retrying');
        await this.pause.sleep(this.o.maxBackoffMs ?? 10_000);
      }
    }
  }

  /** 0 when written, else the back-off before the next try */
  private async writeBatch(entries: ReturnType<Wal['read']>): Promise<number> {
    const points = entriesToPoints(entries);
    if (points.length === 0) return 0;
    const end = this.metrics.sinkBatch.startTimer({ sink: this.sink.type });
    try {
      await this.writeIsolating(points);
      end();
      this.metrics.sinkPoints.inc({ sink: this.sink.type }, points.length);
      if (this.lastError) this.log.info({ sink: this.sink.type }, 'telemetry store writable again');
      this.lastError = undefined;
      this.lastSuccessAt = this.clock.now();
      this.backoff.reset();
      return 0;
    } catch (err) {
      this.metrics.sinkFailures.inc({ sink: this.sink.type });
      const message = (err as Error).message;
      const retryInMs = this.backoff.next();
      if (this.lastError !== message) this.log.error({ err, sink: this.sink.type, points: points.length, retryInMs }, 'telemetry store write failed; readings stay in the WAL');
      this.lastError = message;
      return retryInMs;
    }
  }

  /**
   * A batch the store refuses for good would otherwise block the WAL forever: split it until
   * the refused points are isolated, dead-letter those (counted), and write the rest.
   */
  private async writeIsolating(points: Point[]): Promise<void> {
    try {
      await this.sink.write(points);
    } catch (err) {
      if (!isPermanentWriteError(err)) throw err;
      if (points.length === 1) return this.quarantine(points[0], err as Error);
      const mid = points.length >> 1;
      await this.writeIsolating(points.slice(0, mid));
      await this.writeIsolating(points.slice(mid));
    }
  }

  private quarantine(p: Point, err: Error): void {
    this.metrics.sinkRejected.inc({ sink: this.sink.type });
    this.log.warn({ sink: this.sink.type, measurement: p.measurement, tags: p.tags, ts: p.ts, err: err.message.slice(0, 300) }, 'telemetry store refused a point; dead-lettered');
    const body = JSON.stringify(p);
    this.deadLetters?.add({ at: this.clock.now(), transport: 'store', topic: `${p.measurement}/${p.tags.device ?? ''}`, reason: 'store_rejected', message: err.message.slice(0, 500), size: body.length, payload: body.slice(0, 1024) });
  }

  /** Drains what is left (up to `timeoutMs`), then stops. What is not drained stays in the WAL. */
  async stop(timeoutMs = 5000): Promise<void> {
    // timed by a timer, not the clock: a test clock that stands still must not hold up the stop
    let expired = false;
    const timer = setTimeout(() => (expired = true), timeoutMs);
    while (this.wal.depth() > 0 && this.healthy && !expired) await new Promise((r) => setTimeout(r, 20));
    clearTimeout(timer);
    this.stopped = true;
    this.pause.wake();
    await this.loop;
  }
}
