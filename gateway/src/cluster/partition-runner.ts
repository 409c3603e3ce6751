// One owned partition (docs/cluster.md §5): its enterprises' rule engine, fed in stream order from
// the stream sequence of its last saved state. Per batch of messages: telemetry into the store
// first (idempotent: a replayed reading overwrites itself), then the rule engine, whose Conditions
// go to the instance's alarm manager; the state is saved with the sequence it covers every
// `cluster.snapshotSeconds`, fenced by the lease's epoch. What the cluster node starts when it
// takes a partition and stops when it loses or hands it over.
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { DeliverPolicy } from '@nats-io/jetstream';
import type { Condition } from '../../../rules/src/types.ts';
import type { OccupancyChange, RuleEvaluator } from '../../../rules/src/evaluator.ts';
import { Backoff, WakeableSleep } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import type { DeclaredStatusBook } from '../alarms/declared-status.ts';
import type { Logger } from '../log.ts';
import type { DeclaredStatus } from '../model/assets.ts';
import type { Frame, MirrorFrame, WalEntry } from '../model/types.ts';
import { partitionStateName } from '../records/lease-records.ts';
import type { RecordStore } from '../records/record-store.ts';
import { isPermanentWriteError, type Sink } from '../store/sink.ts';
import { entriesToPoints } from '../store/points.ts';
import { decodeMessage } from './ingest-stream.ts';
import { partitionSubject } from './partition.ts';

/** no message for this long while the stream holds newer ones: the consumer is made again */
const STALL_MS = 5000;

export interface PartitionRunnerOptions {
  partition: number;
  /** the lease's fencing epoch this runner holds */
  epoch: number;
  instance: string;
  stream: string;
  js: JetStreamClient;
  records: RecordStore;
  /** this runner's own telemetry sink (sinks are never written concurrently) */
  sink: Sink;
  /** the partition's rule engine: over its enterprises only */
  evaluator: RuleEvaluator;
  /** the declared statuses it reads (from the records at takeover, then as declared) */
  declared: DeclaredStatusBook;
  clock: Clock;
  log: Logger;
  snapshotMs: number;
  /** messages per telemetry write at most (wal.batchSize) */
  batch: number;
  onCondition: (c: Condition) => void;
  onOccupancy?: (o: OccupancyChange) => void;
  /** frames as they are folded in (live values, WebSocket readings) */
  onFrame?: (f: Frame) => void;
  /** an edge's alarm and hazard records (docs/cluster.md §10), mirrored in stream order; retried until done */
  onMirror?: (f: MirrorFrame) => Promise<void>;
  /** the last stream sequence of this partition's subject (the watchdog's view of the stream) */
  lastSeq: () => Promise<number>;
  /** the save found the lease taken by another instance: stop at once */
  onFenced: () => void;
  onError?: () => void;
}

export class PartitionRunner {
  /** the last stream sequence folded into the rule state */
  seq = 0;
  /** messages of the partition in the stream after `seq` (consumer's pending count) */
  lag = 0;
  private savedSeq = 0;
  private eventTs = -Infinity;
  private tickedAt = -Infinity;
  private stopped = false;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private saving?: Promise<boolean>;
  private readonly sleep = new WakeableSleep();
  private watchdog?: NodeJS.Timeout;
  /** monotonic time of the last message received, or of the last check that found nothing newer */
  private progressAt = performance.now();
  private folding = false;
  private checking = false;

  constructor(readonly o: PartitionRunnerOptions) {}

  /** Restores the saved state and starts consuming after its sequence. */
  async start(): Promise<void> {
    const saved = await this.o.records.state.load(partitionStateName(this.o.partition));
    if (saved) {
      try {
        this.o.evaluator.importState(saved.state);
        this.seq = this.savedSeq = saved.seq;
      } catch (err) {
        this.o.log.error({ err, partition: this.o.partition }, 'saved partition state unreadable: replaying the partition with empty windows');
      }
    }
    this.o.evaluator.onCondition(this.o.onCondition);
    if (this.o.onOccupancy) this.o.evaluator.onOccupancy(this.o.onOccupancy);
    await this.o.sink.open().catch((err: Error) => this.o.log.warn({ err: err.message }, 'telemetry store not reachable yet; writes retry'));
    this.loop = this.run();
    let last = this.o.clock.now();
    this.timer = setInterval(() => {
      if (this.o.clock.now() - last < this.o.snapshotMs) return;
      last = this.o.clock.now();
      void this.save();
    }, Math.min(1000, this.o.snapshotMs));
    this.timer.unref();
    this.watchdog = setInterval(() => void this.check(), STALL_MS / 2);
    this.watchdog.unref();
  }

  /**
   * A consumer can stall without an error (its NATS node died and the client did not notice, or
   * noticed and is still waiting): when the stream holds newer messages of this partition and none
   * arrived for STALL_MS, the consumer is closed and made again from the last sequence folded.
   */
  private async check(): Promise<void> {
    if (this.checking || this.folding || this.stopped) return;
    this.checking = true;
    try {
      const last = await this.o.lastSeq();
      if (last <= this.seq) {
        this.progressAt = performance.now();
        this.lag = 0;
      } else if (performance.now() - this.progressAt > STALL_MS) {
        this.o.log.warn({ partition: this.o.partition, seq: this.seq, last }, 'partition consumer stalled; making it again');
        this.progressAt = performance.now();
        this.lag = Math.max(this.lag, 1);
        await this.messages?.close().catch(() => {});
      }
    } catch {
      // the stream is not answering: the consumer's own errors say so
    } finally {
      this.checking = false;
    }
  }

  /** A status declared for one of this partition's enterprises (on any instance). */
  declare(enterprise: string, status: DeclaredStatus, from: number): void {
    this.o.declared.add({ enterprise, status, from });
    this.o.evaluator.declare(enterprise, status, from);
  }

  /** Time-driven rules (offline, delays) at the injected clock's now. */
  tick(now: number): void {
    try {
      this.o.evaluator.tick(now);
    } catch (err) {
      this.o.onError?.();
      this.o.log.error({ err }, 'rule tick failed');
    }
  }

  private async run(): Promise<void> {
    const backoff = new Backoff({ initialMs: 250, maxMs: 5000, jitter: true });
    while (!this.stopped) {
      try {
        const consumer = await this.o.js.consumers.get(this.o.stream, { filter_subjects: partitionSubject(this.o.partition), deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.seq + 1 });
        // short pulls and heartbeats: a consumer whose NATS node died is noticed and recreated within seconds
        this.messages = await consumer.consume({ max_messages: Math.max(this.o.batch, 100), expires: 5000, idle_heartbeat: 1000 });
        if (this.stopped) break;
        let batch: JsMsg[] = [];
        for await (const m of this.messages) {
          backoff.reset();
          this.progressAt = performance.now();
          batch.push(m);
          this.lag = m.info.pending;
          if (m.info.pending > 0 && batch.length < this.o.batch) continue;
          this.folding = true;
          await this.fold(batch).finally(() => (this.folding = false));
          batch = [];
          if (this.stopped) break;
        }
        if (batch.length && !this.stopped) await this.fold(batch);
      } catch (err) {
        if (this.stopped) break;
        this.o.log.warn({ err: (err as Error).message, partition: this.o.partition }, 'partition consumer failed; resuming after the last folded sequence');
        await this.sleep.sleep(backoff.next());
      }
    }
  }

  /** Telemetry first, retried until stored; then the rules. Sequences are folded in order, once. */
  private async fold(msgs: JsMsg[]): Promise<void> {
    const entries: WalEntry[] = [];
    for (const m of msgs) {
      if (m.seq <= this.seq) continue; // a consumer restarted after a failure may deliver a message again
      try {
        for (const frame of decodeMessage(m.string())) entries.push({ seq: m.seq, frame });
      } catch (err) {
        this.o.onError?.();
        this.o.log.error({ err, seq: m.seq, partition: this.o.partition }, 'undecodable stream message skipped');
      }
    }
    const last = msgs[msgs.length - 1].seq;
    if (entries.length === 0) {
      this.seq = Math.max(this.seq, last);
      return;
    }
    if (!(await this.store(entries))) return;
    const now = this.o.clock.now();
    for (const e of entries) {
      if (e.frame.type === 'mirror') {
        if (!(await this.mirror(e.frame))) {
          // stopped while the records database refused: the next owner mirrors it (and what follows)
          this.seq = Math.max(this.seq, e.seq - 1);
          return;
        }
        continue;
      }
      try {
        this.o.evaluator.ingest(e.frame, now);
        this.o.onFrame?.(e.frame);
        const f = e.frame;
        const ts = f.type === 'readings' ? (f.readings[0]?.ts ?? -Infinity) : f.type === 'points' || f.type === 'uplink' || f.type === 'status' ? -Infinity : f.ts;
        if (ts > this.eventTs) this.eventTs = ts;
        if (this.eventTs - this.tickedAt >= 1000) {
          this.tickedAt = this.eventTs;
          this.o.evaluator.tick(now);
        }
      } catch (err) {
        this.o.onError?.();
        this.o.log.error({ err, seq: e.seq }, 'rule evaluation failed for a frame');
      }
    }
    this.seq = Math.max(this.seq, last);
  }

  /** Mirrors an edge's records, retried until done or the runner stops (idempotent: alarm-mirror.ts). */
  private async mirror(f: MirrorFrame): Promise<boolean> {
    const backoff = new Backoff({ initialMs: 200, maxMs: 10_000, jitter: true });
    while (!this.stopped) {
      try {
        await this.o.onMirror?.(f);
        return true;
      } catch (err) {
        this.o.log.warn({ err: (err as Error).message, partition: this.o.partition, edge: f.edge, row: f.seq }, "mirroring an edge's records failed; retrying");
        await this.sleep.sleep(backoff.next());
      }
    }
    return false;
  }

  /** Retries until the store takes the batch, the batch is refused for good, or the runner stops. */
  private async store(entries: WalEntry[]): Promise<boolean> {
    const points = entriesToPoints(entries);
    if (points.length === 0) return true;
    const backoff = new Backoff({ initialMs: 200, maxMs: 10_000, jitter: true });
    while (!this.stopped) {
      try {
        await this.o.sink.write(points);
        return true;
      } catch (err) {
        if (isPermanentWriteError(err)) {
          this.o.onError?.();
          this.o.log.error({ err, partition: this.o.partition, points: points.length }, 'telemetry store refused a batch for good; its rules still run');
          return true;
        }
        this.o.log.warn({ err: (err as Error).message, partition: this.o.partition }, 'telemetry store write failed; retrying');
        await this.sleep.sleep(backoff.next());
      }
    }
    return false;
  }

  /** Saves the state with its sequence, fenced by the lease; false when the lease is gone. */
  async save(): Promise<boolean> {
    if (this.saving) return this.saving;
    if (this.seq === this.savedSeq) return true;
    const seq = this.seq;
    const state = this.o.evaluator.exportState();
    this.saving = this.o.records.leases
      .saveState(this.o.partition, this.o.instance, this.o.epoch, seq, state)
      .then((ok) => {
        if (ok) this.savedSeq = seq;
        else {
          this.o.log.warn({ partition: this.o.partition, epoch: this.o.epoch }, 'partition lease taken by another instance: state not saved, stopping');
          this.o.onFenced();
        }
        return ok;
      })
      .catch((err: Error) => {
        this.o.log.error({ err, partition: this.o.partition }, 'saving the partition state failed');
        return true;
      })
      .finally(() => (this.saving = undefined));
    return this.saving;
  }

  /** Stops consuming; `save` (a hand-over, a clean stop) saves the state while the lease is still held. */
  async stop(save: boolean): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.watchdog);
    this.sleep.wake();
    await this.messages?.close().catch(() => {});
    await this.loop;
    await this.saving;
    if (save) await this.save();
    await this.o.sink.close().catch(() => {});
  }
}
