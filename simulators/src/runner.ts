// Drives device models on a simulated clock (event time) and sends their samples through a
// transport. `speed` is simulated seconds per wall second (1 = real time); Infinity runs as
// fast as the gateway acknowledges, which is how a month replays in seconds.
import type { FleetDevice } from './fleet.ts';
import type { Transport } from './transports/transport.ts';

export interface RunOptions {
  from: number;
  /** end of the run (event time); absent: run until stop() */
  to?: number;
  speed: number;
}

/** sends in flight before the runner waits for acknowledgements (bounded: never unbounded memory) */
const WINDOW = 2000;

export class Runner {
  private stopped = false;
  private done?: Promise<void>;
  private wake?: () => void;
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
    const next = this.fleet.map(() => o.from);
    const wall0 = Date.now();
    let pending: Promise<void>[] = [];
    for (;;) {
      if (this.stopped) break;
      // the next instant at which any device reports
      let t = Infinity;
      for (const n of next) t = Math.min(t, n);
      if (o.to !== undefined && t > o.to) break;
      // an open-ended run (the demo) never runs ahead of the wall clock: the gateway rejects
      // timestamps more than 24 h ahead (CONTRACT §3.5)
      const paced = Number.isFinite(o.speed) ? wall0 + (t - o.from) / o.speed - Date.now() : 0;
      const wait = o.to === undefined ? Math.max(paced, t - Date.now()) : paced;
      if (wait > 0) {
        await Promise.all(pending);
        pending = [];
        await this.sleep(wait);
      }
      if (this.stopped) break;
      this.fleet.forEach((d, i) => {
        if (next[i] !== t) return;
        next[i] = t + d.model.intervalMs;
        const sample = d.model.sample(t);
        if (!sample) return;
        pending.push(this.transport.send({ enterprise: d.enterprise, site: d.site, id: d.model.id, kind: d.kind }, sample));
        this.sent++;
      });
      // per-connection MQTT order keeps each device's samples in order; the window bounds memory
      if (pending.length >= WINDOW) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops at the next tick; sends still unacknowledged after `timeoutMs` (broker down) are abandoned. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await Promise.race([this.done?.catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}
