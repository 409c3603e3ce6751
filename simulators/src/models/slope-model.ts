// Slope monitor model (DOMAIN.md §4, improved tangent-angle method): the true velocity is
// v(t) = v0 · tan(α(t)), so α = arctan(v / v0) is exactly the tangent angle the rules compute.
// α is 45° (constant-velocity creep at v0) until the first scripted stage knot, then moves
// linearly in degrees between knots (45° → 80° initial → 85° mid → beyond = imminent), and holds
// after the last knot. Displacement is the exact closed-form integral of v, independent of the
// sample cadence: within a linear-α segment ∫ tan α dt = ln(cos α₁ / cos α₂) / (dα/dt).

import type { DeviceModel, Sample } from './model.ts';
import { gaussian, rng, seedOf } from './rng.ts';

const DAY_MS = 86_400_000;
const RAD = Math.PI / 180;
/** angles are clamped below 90° (tan → ∞) */
export const MAX_ANGLE_DEG = 89.9;

export interface SlopeStage {
  /** event time, epoch ms, at which α reaches angleDeg */
  at: number;
  angleDeg: number;
}

export interface SlopeModelOptions {
  id: string;
  /** 'radar' (default): 5-min cadence, 0.5 mm noise; 'gnss': 1-s cadence, 2 mm noise */
  sensor?: 'radar' | 'gnss';
  intervalMs?: number;
  seed?: number;
  /** constant-velocity rate v0, mm/day (DOMAIN.md §4), default 0.5 */
  v0?: number;
  /** gaussian noise sigma on reported disp, mm */
  noiseMm?: number;
  /** displacement at epochMs, mm (default 0) */
  initialDispMm?: number;
  /** time at which displacement = initialDispMm; default: first sample()/trueDisplacement() time */
  epochMs?: number;
  /** acceleration knots; see accelerate() / setStages() */
  stages?: SlopeStage[];
}

export class SlopeModel implements DeviceModel {
  readonly id: string;
  readonly intervalMs: number;
  private creep: number;
  readonly noiseMm: number;
  readonly initialDispMm: number;
  private epochMs: number | undefined;
  private knots: SlopeStage[] = [];
  private readonly normal: () => number;
  private sampled = false;

  constructor(opts: SlopeModelOptions) {
    const gnss = opts.sensor === 'gnss';
    this.id = opts.id;
    this.intervalMs = opts.intervalMs ?? (gnss ? 1000 : 300_000);
    this.creep = opts.v0 ?? 0.5;
    if (!(this.creep > 0)) throw new Error(`SlopeModel ${opts.id}: v0 must be > 0`);
    this.noiseMm = opts.noiseMm ?? (gnss ? 2 : 0.5);
    this.initialDispMm = opts.initialDispMm ?? 0;
    this.epochMs = opts.epochMs;
    this.normal = gaussian(rng(seedOf(opts.id, opts.seed ?? 0)));
    if (opts.stages) this.setStages(opts.stages);
  }

  /** constant-velocity creep rate v0, mm/day (option v0, or setCreep before the first sample) */
  get v0(): number {
    return this.creep;
  }

  /**
   * The point's constant-velocity creep rate v0 (mm/day), like the v0 option: a faster-creeping
   * point makes hour-scale changes of the tangent angle visible above the sensor noise. Before the
   * first sample() only (the displacement already sent would not match).
   */
  setCreep(c: { v0: number }): this {
    if (this.sampled) throw new Error(`SlopeModel ${this.id}: setCreep after the first sample`);
    if (!(c.v0 > 0)) throw new Error(`SlopeModel ${this.id}: v0 must be > 0`);
    this.creep = c.v0;
    return this;
  }

  /**
   * Staged schedule: α = 45° before the first knot, linear (in degrees) between knots, constant
   * after the last. A first knot at an angle other than 45° is a step in velocity.
   */
  setStages(stages: SlopeStage[]): this {
    const k = stages.map((s) => ({ at: s.at, angleDeg: Math.min(MAX_ANGLE_DEG, Math.max(0, s.angleDeg)) }));
    k.sort((a, b) => a.at - b.at);
    this.knots = k;
    return this;
  }

  /**
   * Accelerate from 45° at `start` to `toAngleDeg` at `start + durationMs`, linear in angle, so
   * α crosses θ at start + durationMs · (θ − 45) / (toAngleDeg − 45).
   */
  accelerate(opts: { start: number; toAngleDeg?: number; durationMs: number }): this {
    const to = opts.toAngleDeg ?? 85;
    return this.setStages([{ at: opts.start, angleDeg: 45 }, { at: opts.start + opts.durationMs, angleDeg: to }]);
  }

  /** True tangent angle α(t), degrees. */
  trueAngle(t: number): number {
    const k = this.knots;
    if (k.length === 0 || t < k[0].at) return 45;
    for (let i = 1; i < k.length; i++) {
      if (t < k[i].at) {
        const a = k[i - 1], b = k[i];
        return a.angleDeg + ((b.angleDeg - a.angleDeg) * (t - a.at)) / (b.at - a.at);
      }
    }
    return k[k.length - 1].angleDeg;
  }

  /** True (noise-free) velocity, mm/day: v0 · tan α(t). */
  trueVelocity(t: number): number {
    return this.v0 * Math.tan(this.trueAngle(t) * RAD);
  }

  /** True (noise-free) displacement at t, mm: initialDispMm + ∫_epoch^t v dt (exact). */
  trueDisplacement(t: number): number {
    if (this.epochMs === undefined) this.epochMs = t;
    const e = this.epochMs;
    return t >= e ? this.initialDispMm + this.integral(e, t) : this.initialDispMm - this.integral(t, e);
  }

  sample(t: number): Sample {
    this.sampled = true;
    const d = this.trueDisplacement(t) + this.noiseMm * this.normal();
    return { ts: t, values: { disp: Number(d.toFixed(1)) } };
  }

  /** ∫_{t1}^{t2} v dt in mm, t1 ≤ t2, split at the knots so α is linear on each piece. */
  private integral(t1: number, t2: number): number {
    const cuts = [t1, ...this.knots.map((k) => k.at).filter((x) => x > t1 && x < t2), t2];
    let mm = 0;
    for (let i = 1; i < cuts.length; i++) mm += this.piece(cuts[i - 1], cuts[i]);
    return mm;
  }

  private piece(a: number, b: number): number {
    if (b <= a) return 0;
    // α is linear on [a, b]; evaluate at the ends from the inside (a step at a knot belongs to b's side)
    const mid = (a + b) / 2;
    const slope = this.angleSlope(mid); // deg per ms
    const aa = (this.trueAngle(mid) - slope * (mid - a)) * RAD;
    const ab = (this.trueAngle(mid) + slope * (b - mid)) * RAD;
    const v0PerMs = this.v0 / DAY_MS;
    if (Math.abs(ab - aa) < 1e-9) return v0PerMs * Math.tan((aa + ab) / 2) * (b - a);
    const dAdt = (ab - aa) / (b - a); // rad per ms
    return (v0PerMs * Math.log(Math.cos(aa) / Math.cos(ab))) / dAdt;
  }

  /** dα/dt (deg/ms) of the linear segment containing t. */
  private angleSlope(t: number): number {
    const k = this.knots;
    for (let i = 1; i < k.length; i++) {
      if (t >= k[i - 1].at && t < k[i].at) return (k[i].angleDeg - k[i - 1].angleDeg) / (k[i].at - k[i - 1].at);
    }
    return 0;
  }
}
