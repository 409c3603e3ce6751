// Belt conveyor: AI volume counter + electronic belt scale (DOMAIN.md §5). Reports
// running (0/1), tph (t/h) and total_t (t, cumulative, may reset to 0) — CONTRACT §3.1 —
// and protection events (slip, pile-up, deviation, smoke, tear; MT 872-2000) — CONTRACT §3.3.
//
// Physics: the true throughput is a piecewise-constant function of event time only (noise is
// drawn per fixed block from the seed and the block index), so total_t is its exact integral,
// the same whatever the sampling cadence (helpers in physics.ts).
import type { DeviceModel, Sample } from './model.ts';
import { Counter, HOUR, blockNormal, inDaily, inSpan, integrate, nextDailyEdge, nextSpanEdge, round, type DailyWindow, type Span } from './physics.ts';
import { seedOf } from './rng.ts';

export type BeltProtection = 'belt_slip' | 'belt_pileup' | 'belt_deviation' | 'belt_smoke' | 'belt_tear';

export interface BeltModelOptions {
  id: string;
  intervalMs?: number;
  seed?: number;
  ratedTph: number;
  /** production level while running on schedule, as a fraction of ratedTph (default 0.85) */
  loadFactor?: number;
  /**
   * Production windows (local hours). Default: three 8 h shifts (00–08, 08–16, 16–24), each
   * with 30 min handover/pre-shift inspection at the start and a 1 h meal/maintenance stop
   * mid-shift: 00:30–04 05–07:30 08:30–12 13–15:30 16:30–20 21–23:30 (about 18 h/day).
   */
  productionWindows?: DailyWindow[];
  /** total_t resets to 0 at these event times (daily reset, meter replacement) */
  counterResetAt?: number[];
  /** total_t at the origin (default 0) and the origin itself (default: first call) */
  initialTotal?: number;
  origin?: number;
  /** relative tph noise (σ, default 0.08) and the noise block length (default 10 s) */
  noise?: number;
  noiseBlockMs?: number;
  /** how long a protection trip keeps the belt stopped (default 1 h) */
  protectionStopMs?: number;
}

export const DEFAULT_BELT_WINDOWS: DailyWindow[] = [[0.5, 4], [5, 7.5], [8.5, 12], [13, 15.5], [16.5, 20], [21, 23.5]];

/** Extra detail per protection type, after the MT 872-2000 trip criteria (DOMAIN.md §5). */
const PROTECTION_DETAIL: Record<BeltProtection, Record<string, unknown>> = {
  belt_slip: { speedPct: 45 },
  belt_pileup: { seconds: 2 },
  belt_deviation: { mm: 25 },
  belt_smoke: { pct: 1.5 },
  belt_tear: {},
};

export class BeltModel implements DeviceModel {
  readonly id: string;
  readonly intervalMs: number;
  private readonly seed: number;
  private readonly o: BeltModelOptions;
  private readonly windows: DailyWindow[];
  private readonly stops: Span[] = [];
  private readonly runs: (Span & { tph: number })[] = [];
  private readonly trips: (Span & { type: BeltProtection; emitted: boolean })[] = [];
  private readonly silences: Span[] = [];
  private readonly counter: Counter;
  /** reset-to-0 markers, sorted; shared with the counter (resetCounter adds to it) */
  private readonly resets: number[];
  private readonly rollbacks: { at: number; byTonnes: number }[] = [];
  /** latest sample time, so that counter scripts cannot rewrite what was already sent */
  private sampledTo = -Infinity;

  constructor(o: BeltModelOptions) {
    this.o = o;
    this.id = o.id;
    this.intervalMs = o.intervalMs ?? 5000;
    this.seed = seedOf(o.id, o.seed ?? 0);
    this.windows = o.productionWindows ?? DEFAULT_BELT_WINDOWS;
    this.resets = [...(o.counterResetAt ?? [])].sort((a, b) => a - b);
    this.counter = new Counter(
      (a, b) => integrate(a, b, (x) => this.trueTph(x), (x) => this.nextChange(x)) / HOUR,
      this.resets, o.initialTotal ?? 0, o.origin,
    );
  }

  /** Belt stopped in [from, to) (maintenance, declared stop); a `run` inside it still runs. */
  stop(s: Span): this { this.stops.push(s); return this; }
  /** Belt runs at `tph` in [from, to), whatever the schedule (secret night run, over-capacity day). */
  run(s: Span & { tph: number }): this { this.runs.push(s); return this; }
  /** A protection trips at `at`: its event goes out in the first sample at/after `at`, and the belt stops. */
  protection(p: { at: number; type: BeltProtection; stopMs?: number }): this {
    const stopMs = p.stopMs ?? this.o.protectionStopMs ?? HOUR;
    this.trips.push({ from: p.at, to: p.at + stopMs, type: p.type, emitted: false });
    return this;
  }
  /** total_t resets to 0 at `at` (a legitimate reset marker: daily reset, meter replacement), like counterResetAt. */
  resetCounter(r: { at: number }): this {
    this.checkScript('resetCounter', r.at);
    this.resets.push(r.at);
    this.resets.sort((a, b) => a - b);
    return this;
  }
  /**
   * Counter tampering (DOMAIN.md §6, data integrity): at `at` total_t drops by `byTonnes`
   * without going to 0 (no reset marker), then keeps counting from the lower value. A later
   * reset to 0 clears the offset. total_t never goes below 0.
   */
  rollback(r: { at: number; byTonnes: number }): this {
    this.checkScript('rollback', r.at);
    if (!(r.byTonnes > 0)) throw new Error('rollback: byTonnes must be > 0');
    this.rollbacks.push({ at: r.at, byTonnes: r.byTonnes });
    return this;
  }
  private checkScript(what: string, at: number): void {
    if (!Number.isFinite(at)) throw new Error(`${what}: expected a time "at"`);
    if (at <= this.sampledTo) throw new Error(`BeltModel ${this.id}: ${what} at ${at} is not after the latest sample`);
  }
  /** Total of the rollbacks in (last reset at or before t, t]. */
  private rolledBack(t: number): number {
    let lastReset = -Infinity;
    for (const r of this.resets) if (r <= t) lastReset = r;
    return this.rollbacks.reduce((s, r) => (r.at <= t && r.at > lastReset ? s + r.byTonnes : s), 0);
  }
  /** The device sends nothing in [from, to) (link down / "fake offline", DOMAIN.md §6); the belt keeps its physics. */
  silent(s: Span): this { this.silences.push(s); return this; }

  /**
   * Target level (t/h) at t before noise; 0 = stopped. Priority: protection > run > stop >
   * schedule, so a secret night `run` inside a declared `stop` runs (明停暗开, §5).
   */
  private level(t: number): number {
    if (this.trips.some((p) => inSpan(t, p))) return 0;
    for (let i = this.runs.length - 1; i >= 0; i--) if (inSpan(t, this.runs[i])) return this.runs[i].tph;
    if (this.stops.some((s) => inSpan(t, s))) return 0;
    return inDaily(t, this.windows) ? this.o.ratedTph * (this.o.loadFactor ?? 0.85) : 0;
  }
  private get blockMs(): number { return this.o.noiseBlockMs ?? 10_000; }
  private nextChange(t: number): number {
    const b = (Math.floor(t / this.blockMs) + 1) * this.blockMs;
    return Math.min(b, nextDailyEdge(t, this.windows), nextSpanEdge(t, this.stops), nextSpanEdge(t, this.runs), nextSpanEdge(t, this.trips));
  }
  trueRunning(t: number): boolean { return this.level(t) > 0; }
  /** True throughput at t (t/h), piecewise constant. */
  trueTph(t: number): number {
    const l = this.level(t);
    if (l <= 0) return 0;
    return Math.max(0, l * (1 + (this.o.noise ?? 0.08) * blockNormal(this.seed, Math.floor(t / this.blockMs))));
  }
  /** Ground truth of total_t at t: exact integral of trueTph since the origin / last reset. */
  trueTotal(t: number): number { return Math.max(0, this.counter.value(t) - this.rolledBack(t)); }

  sample(t: number): Sample | undefined {
    const total = Math.max(0, this.counter.advance(t) - this.rolledBack(t));
    if (t > this.sampledTo) this.sampledTo = t;
    // silent: nothing goes out; a pending protection event is sent when the device is back
    if (this.silences.some((s) => inSpan(t, s))) return undefined;
    const events: NonNullable<Sample['events']> = [];
    for (const p of this.trips) if (!p.emitted && p.from <= t) {
      p.emitted = true;
      events.push({ type: p.type, detail: { ...PROTECTION_DETAIL[p.type], at: p.from } });
    }
    const tph = this.trueTph(t);
    const s: Sample = { ts: t, values: { running: this.trueRunning(t) ? 1 : 0, tph: round(tph, 2), total_t: round(total, 3) } };
    if (events.length) s.events = events;
    return s;
  }
}
