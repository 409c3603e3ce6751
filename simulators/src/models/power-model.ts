// Enterprise main power meter (DOMAIN.md §6): kw (active power) and kwh (cumulative energy),
// CONTRACT §3.1. Load follows the production state (idle vs producing); a declared stop drops
// it to idle; `secretRun` is 明停暗开 — production-level load while declared stopped, typically
// at night (22:00–06:00). "Fake offline" (虚假离线) is the other devices' silence while this
// meter keeps showing production load: script it with the belt / positioning `silent()`.
//
// Physics as in belt-model.ts: kw is piecewise constant in event time (noise per fixed block
// from seed + block index), kwh its exact integral, the same whatever the sampling cadence.
// Regulators' 15-min reads (Zhejiang practice, §6) are the consumer's business.
import type { DeviceModel, Sample } from './model.ts';
import { seedOf } from './rng.ts';
import {
  blockNormal, Counter, HOUR, inDaily, inSpan, integrate, nextDailyEdge, nextSpanEdge, round,
  type DailyWindow, type Span,
} from './physics.ts';

export interface LoadShares { hoist: number; ventilation: number; drainage: number }

export interface PowerModelOptions {
  id: string;
  intervalMs?: number;
  seed?: number;
  /** base load with production stopped: main fans, drainage pumps, lighting (default 300 kW) */
  idleKw?: number;
  /** load when producing (default 2000 kW) */
  productionKw?: number;
  /**
   * Composition of the production increment (productionKw − idleKw). Default hoist 0.16,
   * ventilation 0.18, drainage 0.08 (rest: crushing, conveying, workshops). With the idle
   * composition below the hoist is ≈ 4 % of idle load and ≈ 14 % of production load — the
   * Hebei case of §6 (9.7 % → > 13 % under secret production) lies between.
   */
  shares?: LoadShares;
  /** composition of the idle load. Default hoist 0.04, ventilation 0.55, drainage 0.30 */
  idleShares?: LoadShares;
  /** producing windows (local hours, UTC+8). Default day production 07:00–23:00 (two shifts) */
  productionWindows?: DailyWindow[];
  /**
   * Alternative to productionWindows: production state as a function of time. It is evaluated
   * at the start of each noise block, so state changes take effect on block boundaries.
   */
  producing?: (t: number) => boolean;
  /** relative kw noise (σ, default 0.03), noise block (default 60 s) */
  noise?: number;
  noiseBlockMs?: number;
  /** also report kw_hoist (the hoist's share, §6 evidence); default false (not canonical) */
  hoistMetric?: boolean;
  counterResetAt?: number[];
  initialKwh?: number;
  origin?: number;
}

export const DEFAULT_POWER_WINDOWS: DailyWindow[] = [[7, 23]];
/** The night of §6's night-peak rule. */
export const NIGHT: DailyWindow[] = [[22, 6]];

interface SecretRun extends Span { level: number; nightly: boolean }

export class PowerModel implements DeviceModel {
  readonly id: string;
  readonly intervalMs: number;
  readonly idleKw: number;
  readonly productionKw: number;
  private readonly seed: number;
  private readonly o: PowerModelOptions;
  private readonly windows: DailyWindow[];
  private readonly shares: LoadShares;
  private readonly idleShares: LoadShares;
  private readonly stops: Span[] = [];
  private readonly secret: SecretRun[] = [];
  private readonly silences: Span[] = [];
  private readonly counter: Counter;

  constructor(o: PowerModelOptions) {
    this.o = o;
    this.id = o.id;
    this.intervalMs = o.intervalMs ?? 60_000;
    this.seed = seedOf(o.id, o.seed ?? 0);
    this.idleKw = o.idleKw ?? 300;
    this.productionKw = o.productionKw ?? 2000;
    this.windows = o.productionWindows ?? DEFAULT_POWER_WINDOWS;
    this.shares = o.shares ?? { hoist: 0.16, ventilation: 0.18, drainage: 0.08 };
    this.idleShares = o.idleShares ?? { hoist: 0.04, ventilation: 0.55, drainage: 0.3 };
    this.counter = new Counter(
      (a, b) => integrate(a, b, (x) => this.trueKw(x), (x) => this.nextChange(x)) / HOUR,
      [...(o.counterResetAt ?? [])].sort((a, b) => a - b), o.initialKwh ?? 0, o.origin,
    );
  }

  /** Declared stop in [from, to): idle load only (unless a secretRun says otherwise). */
  stop(s: Span): this { this.stops.push(s); return this; }
  /**
   * 明停暗开: load at idle + level × (production − idle) in [from, to) (level default 1).
   * `nightly`: only during 22:00–06:00 local within [from, to) — the regular night peaks of §6.
   */
  secretRun(s: Span & { level?: number; nightly?: boolean }): this {
    this.secret.push({ from: s.from, to: s.to, level: s.level ?? 1, nightly: s.nightly ?? false });
    return this;
  }
  /** The meter itself sends nothing in [from, to); energy keeps integrating. */
  silent(s: Span): this { this.silences.push(s); return this; }

  private get blockMs(): number { return this.o.noiseBlockMs ?? 60_000; }
  private block(t: number): number { return Math.floor(t / this.blockMs); }

  /** Production fraction at t: 0 idle … 1 full production. */
  productionLevel(t: number): number {
    for (let i = this.secret.length - 1; i >= 0; i--) {
      const r = this.secret[i];
      if (inSpan(t, r) && (!r.nightly || inDaily(t, NIGHT))) return r.level;
    }
    if (this.stops.some((s) => inSpan(t, s))) return 0;
    const on = this.o.producing ? this.o.producing(this.block(t) * this.blockMs) : inDaily(t, this.windows);
    return on ? 1 : 0;
  }
  private nextChange(t: number): number {
    return Math.min(
      (this.block(t) + 1) * this.blockMs, nextDailyEdge(t, this.windows), nextDailyEdge(t, NIGHT),
      nextSpanEdge(t, this.stops), nextSpanEdge(t, this.secret),
    );
  }
  private noiseFactor(t: number): number {
    return Math.max(0, 1 + (this.o.noise ?? 0.03) * blockNormal(this.seed, this.block(t)));
  }
  /** True active power at t (kW), piecewise constant. */
  trueKw(t: number): number {
    const p = this.productionLevel(t);
    return (this.idleKw + p * (this.productionKw - this.idleKw)) * this.noiseFactor(t);
  }
  /** Load by consumer at t (kW): idle base × idleShares + production increment × shares. */
  components(t: number): LoadShares & { other: number } {
    const inc = this.productionLevel(t) * (this.productionKw - this.idleKw);
    const f = this.noiseFactor(t);
    const part = (k: keyof LoadShares) => (this.idleKw * this.idleShares[k] + inc * this.shares[k]) * f;
    const c = { hoist: part('hoist'), ventilation: part('ventilation'), drainage: part('drainage') };
    return { ...c, other: this.trueKw(t) - c.hoist - c.ventilation - c.drainage };
  }
  /** Ground truth of kwh at t: exact integral of trueKw since the origin / last reset. */
  trueKwh(t: number): number { return this.counter.value(t); }

  sample(t: number): Sample | undefined {
    const kwh = this.counter.advance(t);
    if (this.silences.some((s) => inSpan(t, s))) return undefined;
    const values: Record<string, number> = { kw: round(this.trueKw(t), 1), kwh: round(kwh, 2) };
    if (this.o.hoistMetric) values.kw_hoist = round(this.components(t).hoist, 1);
    return { ts: t, values };
  }
}
