// The one retry policy of the gateway (issue 13): exponential back-off between a first and a
// largest delay, optionally with "equal jitter" (half fixed, half random, so that many clients
// retrying one server spread out), and a sleep that a wake-up (new work, stop) ends early. Used
// by the telemetry-store drainer, the OPC UA sources, the uplink, the webhooks and the alarm
// writer. It reads no clock: delays are durations, timed by the event loop's timers.

export interface BackoffOptions {
  /** the first delay, ms */
  initialMs: number;
  /** no delay is longer, ms */
  maxMs: number;
  /** "equal jitter": each delay is d/2 + random × d/2 (default none) */
  jitter?: boolean;
  /** for tests: the random source of the jitter (default Math.random) */
  random?: () => number;
}

export class Backoff {
  private n = 0;

  constructor(private readonly o: BackoffOptions) {}

  /** failures since the last reset() */
  get attempts(): number {
    return this.n;
  }

  /** the delay before the next try (initial × 2^failures, at most max), counting this failure */
  next(): number {
    const d = this.peek();
    this.n = Math.min(this.n + 1, 64);
    return this.o.jitter ? d / 2 + (this.o.random ?? Math.random)() * (d / 2) : d;
  }

  /** counts a failure whose delay someone else chose (a server's Retry-After) */
  skip(): void {
    this.n = Math.min(this.n + 1, 64);
  }

  /** the delay next() would give, without jitter and without counting */
  peek(): number {
    return Math.min(this.o.maxMs, this.o.initialMs * 2 ** this.n);
  }

  /** after a success: the next failure waits the first delay again */
  reset(): void {
    this.n = 0;
  }
}

/** A sleep that wake() ends early (new work arrived, or stop). One sleeper at a time: a new sleep ends the one before. */
export class WakeableSleep {
  private waking?: () => void;

  sleep(ms: number): Promise<void> {
    // a sleep still pending (its caller raced it against other work and moved on) ends now
    this.wake();
    return new Promise((resolve) => {
      const waking = () => {
        clearTimeout(t);
        if (this.waking === waking) this.waking = undefined;
        resolve();
      };
      const t = setTimeout(waking, ms);
      this.waking = waking;
    });
  }

  /** ends the current sleep at once (nothing when none) */
  wake(): void {
    this.waking?.();
  }

  get sleeping(): boolean {
    return this.waking !== undefined;
  }
}
