// This instance's part in the cluster (docs/cluster.md §4): every `heartbeatSeconds` it says it is
// alive, renews the leases it holds (with its progress), hands over partitions assigned to another
// live instance, and takes the partitions assigned to it that nobody holds or whose lease ran out.
// A lease it fails to renew is lost at once (its runner stops without saving); when the records
// database stops answering, it stops every runner before its leases can have run out (self-fencing),
// so two instances never fold the same partition at once.
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Logger } from '../log.ts';
import type { ClusterRecords } from '../records/cluster-records.ts';
import type { LeaseRecords } from '../records/lease-records.ts';
import { assignPartitions } from './assignment.ts';
import type { PartitionRunner } from './partition-runner.ts';

export interface ClusterNodeOptions {
  id: string;
  /** this instance's HTTP base URL, as other instances and operators reach it */
  http: string;
  partitions: number;
  leaseMs: number;
  heartbeatMs: number;
  records: ClusterRecords;
  leases: LeaseRecords;
  alarms: AlarmManager;
  /** the enterprises of a partition */
  enterprisesOf: (partition: number) => ReadonlySet<string>;
  /** a runner for a partition just taken at `epoch`, over its enterprises (not started) */
  runner: (partition: number, epoch: number, enterprises: ReadonlySet<string>, fenced: () => void) => Promise<PartitionRunner>;
  /** the injected clock: the tick of time-driven rules, and this instance's start */
  now: () => number;
  log: Logger;
  onTakeover?: (partition: number) => void;
  onLeaseLost?: (partition: number) => void;
}

interface Held {
  epoch: number;
  runner: PartitionRunner;
  enterprises: ReadonlySet<string>;
}

export type LeaseState = 'starting' | 'renewing' | 'fenced' | 'stopped';

export class ClusterNode {
  private readonly held = new Map<number, Held>();
  /** the epoch of every lease still held, a handed-over one until it is freed (its last alarm writes drain under it) */
  private readonly leased = new Map<number, number>();
  private readonly startedAt: number;
  private timer?: NodeJS.Timeout;
  private ticker?: NodeJS.Timeout;
  private round?: Promise<void>;
  /** monotonic time of the last renewal the database confirmed */
  private renewedAt = -Infinity;
  state: LeaseState = 'starting';
  lastError: string | null = null;

  constructor(private readonly o: ClusterNodeOptions) {
    this.startedAt = o.now();
  }

  async start(): Promise<void> {
    await this.o.leases.ensurePartitions(this.o.partitions);
    await this.runRound();
    this.timer = setInterval(() => void this.runRound(), this.o.heartbeatMs);
    this.timer.unref();
    // time-driven rules (offline, delays) and the alarm manager's timers, once a second
    this.ticker = setInterval(() => {
      const now = this.o.now();
      for (const h of this.held.values()) h.runner.tick(now);
      this.o.alarms.tick();
    }, 1000);
    this.ticker.unref();
  }

  /** The partitions this instance owns now, with their progress. */
  owned(): { partition: number; epoch: number; seq: number; lag: number; late: number }[] {
    return [...this.held].map(([partition, h]) => ({ partition, epoch: h.epoch, seq: h.runner.seq, lag: h.runner.lag, late: h.runner.o.evaluator.stats().late })).sort((a, b) => a.partition - b.partition);
  }

  /** The epoch this instance holds a partition's lease at, for fencing its writes; undefined: not held. */
  leaseEpoch(partition: number): number | undefined {
    return this.leased.get(partition);
  }

  /** The runner of the partition holding `enterprise`, when this instance owns it. */
  runnerOf(enterprise: string): PartitionRunner | undefined {
    for (const h of this.held.values()) if (h.enterprises.has(enterprise)) return h.runner;
    return undefined;
  }

  private runRound(): Promise<void> {
    this.round ??= this.doRound()
      .catch((err: Error) => {
        this.lastError = err.message;
        this.o.log.warn({ err: err.message }, 'cluster round failed');
        return this.selfFence();
      })
      .finally(() => (this.round = undefined));
    return this.round;
  }

  private async doRound(): Promise<void> {
    const { records, leases, id, leaseMs } = this.o;
    const dbNow = await records.heartbeat(id, this.o.http, this.startedAt);
    const kept = new Set(await leases.renew(id, this.owned(), leaseMs));
    this.renewedAt = performance.now();
    this.state = 'renewing';
    this.lastError = null;
    for (const p of [...this.held.keys()]) {
      if (kept.has(p)) continue;
      this.o.log.warn({ partition: p }, 'partition lease lost to another instance: stopping its runner');
      this.o.onLeaseLost?.(p);
      await this.drop(p, false);
    }
    const alive = (await records.instances()).filter((i) => i.heartbeatAt > dbNow - leaseMs).map((i) => i.id);
    const want = assignPartitions(this.o.partitions, alive.includes(id) ? alive : [...alive, id]);
    for (const p of [...this.held.keys()]) if (want[p] !== id) await this.drop(p, true);
    for (let p = 0; p < this.o.partitions; p++) {
      if (want[p] !== id || this.held.has(p)) continue;
      const epoch = await leases.acquire(p, id, leaseMs);
      if (epoch !== undefined) await this.take(p, epoch);
    }
  }

  /** The database did not answer: stop folding before the leases can have run out elsewhere. */
  private async selfFence(): Promise<void> {
    if (this.held.size === 0 || performance.now() - this.renewedAt < this.o.leaseMs - this.o.heartbeatMs) return;
    this.state = 'fenced';
    this.o.log.error({ partitions: [...this.held.keys()] }, 'leases not renewed in time: stopping every partition (another instance may take them)');
    for (const p of [...this.held.keys()]) await this.drop(p, false);
  }

  private async take(partition: number, epoch: number): Promise<void> {
    const enterprises = this.o.enterprisesOf(partition);
    const t0 = performance.now();
    this.leased.set(partition, epoch);
    try {
      await this.o.alarms.adopt(enterprises);
      const runner = await this.o.runner(partition, epoch, enterprises, () => void this.fenced(partition, epoch));
      this.held.set(partition, { epoch, runner, enterprises });
      await runner.start();
      this.o.onTakeover?.(partition);
      this.o.log.info({ partition, epoch, enterprises: enterprises.size, from: runner.seq, ms: Math.round(performance.now() - t0) }, 'partition taken');
    } catch (err) {
      this.o.log.error({ err, partition }, 'taking the partition failed; giving it back');
      if (this.held.has(partition)) await this.drop(partition, false);
      else this.o.alarms.release(enterprises);
      this.leased.delete(partition);
      await this.o.leases.release(partition, this.o.id, epoch).catch(() => {});
    }
  }

  private async fenced(partition: number, epoch: number): Promise<void> {
    if (this.held.get(partition)?.epoch !== epoch) return;
    this.o.onLeaseLost?.(partition);
    await this.drop(partition, false);
  }

  /** Stops a partition's runner; `handOver` saves its state, waits for its alarm writes, then frees the lease. */
  private async drop(partition: number, handOver: boolean): Promise<void> {
    const h = this.held.get(partition);
    if (!h) return;
    this.held.delete(partition);
    // lost: nothing more is written under it; handed over: its writes drain first
    if (!handOver) this.leased.delete(partition);
    await h.runner.stop(handOver);
    if (handOver) await Promise.race([this.o.alarms.drained(), new Promise((r) => setTimeout(r, this.o.leaseMs / 2))]);
    this.o.alarms.release(h.enterprises);
    this.leased.delete(partition);
    if (handOver) await this.o.leases.release(partition, this.o.id, h.epoch).catch((err: Error) => this.o.log.warn({ err: err.message, partition }, 'releasing the lease failed; it runs out by itself'));
    this.o.log.info({ partition, handOver }, 'partition given up');
  }

  /** Clean stop: every partition handed over (state saved, lease freed) so the others take them at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.ticker);
    await this.round;
    for (const p of [...this.held.keys()]) await this.drop(p, true);
    this.state = 'stopped';
    // not alive any more: the next round elsewhere assigns without this instance
    await this.o.records.leave(this.o.id).catch(() => {});
  }
}
