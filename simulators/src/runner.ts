// Drives device models on a simulated clock (event time) and sends their samples through a
// transport. `speed` is simulated seconds per wall second (1 = real time); Infinity runs as
// fast as the gateway acknowledges, which is how a month replays in seconds.
import { WakeableSleep } from '../../gateway/src/backoff.ts';
import type { FleetDevice } from './fleet.ts';
import type { Transport } from './transports/transport.ts';

export interface RunOptions {
  from: number;
  /** end of the run (event time); absent: run until stop() */
  to?: number;
  speed: number;
  /**
   * Spread the devices' first reports over one reporting interval instead of all at `from`
   * (scale mode: 10,000 devices must not all publish in the same millisecond). The golden-ratio
   * sequence spreads any contiguous block of the fleet (one site, one connection) evenly too.
   */
  stagger?: boolean;
}

/** sends in flight before the runner waits for acknowledgements (bounded: never unbounded memory) */
const WINDOW = 2000;

/** A binary min-heap of (next report time, device index): O(log n) per sample at any fleet size. */
class Schedule {
  private readonly t: number[] = [];
  private readonly i: number[] = [];
  get size(): number { return this.t.length; }
  peek(): number { return this.t[0]; }
  push(t: number, i: number): void {
    let k = this.t.length;
    this.t.push(t);
    this.i.push(i);
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.before(k, p)) break;
      this.swap(k, p);
      k = p;
    }
  }
  pop(): number {
    const top = this.i[0];
    const lastT = this.t.pop()!;
    const lastI = this.i.pop()!;
    if (this.t.length > 0) {
      this.t[0] = lastT;
      this.i[0] = lastI;
      for (let k = 0; ; ) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < this.t.length && this.before(l, m)) m = l;
        if (r < this.t.length && this.before(r, m)) m = r;
        if (m === k) break;
        this.swap(k, m);
        k = m;
      }
    }
    return top;
  }
  // ties in time go in fleet order, so every run of a scenario sends the same sequence
  private before(a: number, b: number): boolean {
    return this.t[a] < this.t[b] || (this.t[a] === this.t[b] && this.i[a] < this.i[b]);
  }
  private swap(a: number, b: number): void {
    [this.t[a], this.t[b]] = [this.t[b], this.t[a]];
    [this.i[a], this.i[b]] = [this.i[b], this.i[a]];
  }
}

export class Runner {
  private stopped = false;
  private done?: Promise<void>;
  private readonly pause = new WakeableSleep();
  sent = 0;

  constructor(
    private readonly fleet: FleetDevice[],
    private readonly transport: Transport,
  ) {}

  start(o: RunOptions): Promise<void> {
    this.done = this.loop(o);
    return this.done;
  }

  private async loop(o: RunOptions): Promise<void> {
    const schedule = new Schedule();
    const phase = (i: number, interval: number) => (o.stagger ? Math.floor(interval * ((i * 0.6180339887498949) % 1)) : 0);
    this.fleet.forEach((d, i) => schedule.push(o.from + phase(i, d.model.intervalMs), i));
    const wall0 = Date.now();
    let pending: Promise<void>[] = [];
    while (schedule.size > 0 && !this.stopped) {
      // the next instant at which any device reports
      const t = schedule.peek();
      if (o.to !== undefined && t > o.to) break;
      // an open-ended run (the demo) never runs ahead of the wall clock: the gateway rejects
      // timestamps more than 24 h ahead (CONTRACT §3.5)
      const paced = Number.isFinite(o.speed) ? wall0 + (t - o.from) / o.speed - Date.now() : 0;
      const wait = o.to === undefined ? Math.max(paced, t - Date.now()) : paced;
      if (wait > 0) {
        await Promise.all(pending);
        pending = [];
        await this.sleep(wait);
        if (this.stopped) break;
      }
      while (schedule.size > 0 && schedule.peek() === t) {
        const i = schedule.pop();
        const d = this.fleet[i];
        schedule.push(t + d.model.intervalMs, i);
        const sample = d.model.sample(t);
        if (!sample) continue;
        pending.push(this.transport.send({ enterprise: d.enterprise, site: d.site, id: d.model.id, kind: d.kind }, sample));
        this.sent++;
      }
      // per-connection MQTT order keeps each device's samples in order; the window bounds memory
      if (pending.length >= WINDOW) {
        await Promise.all(pending);
        pending = [];
        // sends that resolve at once (OPC UA variables) would otherwise never yield: let the
        // server answer its clients and timers fire between windows
        await new Promise((r) => setImmediate(r));
      }
    }
    await Promise.all(pending);
  }

  private sleep(ms: number): Promise<void> {
    return this.pause.sleep(ms);
  }

  /** Stops at the next tick; sends still unacknowledged after `timeoutMs` (broker down) are abandoned. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    this.pause.wake();
    await Promise.race([this.done?.catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}
