// Gas detector model (DOMAIN.md §1): clean-air baseline with sensor noise and slow drift, plus
// faults scripted on the event-time axis — leak plumes, a stuck sensor, a failing sensor.
// Deterministic: every metric has its own rng stream (seedOf(id + '/' + metric, seed)) and draws
// exactly one gaussian per sample() call, so scripting a fault on one metric never changes the
// noise of another, and the same seed + calls + sample times give the same samples.

import type { DeviceModel, Sample } from './model.ts';
import { gaussian, rng, seedOf } from './rng.ts';

export type GasMetric = 'lel' | 'ch4' | 'co' | 'h2s' | 'nh3' | 'cl2' | 'o2';
export const GAS_METRICS: readonly GasMetric[] = ['lel', 'ch4', 'co', 'h2s', 'nh3', 'cl2', 'o2'];

/** Clean-air defaults. Units as DOMAIN.md §1: lel %LEL, ch4/o2 %vol, toxics ppm. */
export const GAS_DEFAULTS: Record<GasMetric, { baseline: number; noise: number; resolution: number }> = {
  lel: { baseline: 1, noise: 0.3, resolution: 0.1 },
  ch4: { baseline: 0.02, noise: 0.005, resolution: 0.01 },
  co: { baseline: 2, noise: 0.5, resolution: 0.1 },
  h2s: { baseline: 0.2, noise: 0.1, resolution: 0.1 },
  nh3: { baseline: 1, noise: 0.3, resolution: 0.1 },
  cl2: { baseline: 0.02, noise: 0.005, resolution: 0.01 },
  o2: { baseline: 20.9, noise: 0.05, resolution: 0.01 },
};

const DAY_MS = 86_400_000;

export interface GasModelOptions {
  id: string;
  /** reporting interval, ms (default 5000; AQ 6201 polling ≤ 30 s, DOMAIN.md §2) */
  intervalMs?: number;
  /** scenario seed (combined with id and metric via seedOf) */
  seed?: number;
  metrics?: GasMetric[];
  baseline?: Partial<Record<GasMetric, number>>;
  /** gaussian sensor-noise sigma, in metric units */
  noise?: Partial<Record<GasMetric, number>>;
  /** linear baseline drift, metric units per day (default 0) */
  driftPerDay?: Partial<Record<GasMetric, number>>;
  /** reference time for drift (epoch ms); default: the first sample() time */
  epochMs?: number;
}

export interface LeakSpec {
  metric: GasMetric;
  /** event time the plume starts ramping, epoch ms */
  start: number;
  /** the reading (absolute, metric units) at the plateau; for o2 a value below baseline = deficiency */
  peak: number;
  rampMs: number;
  holdMs?: number;
  /** time from end of hold until the plume is fully gone (exponential decay, tapered to exactly 0) */
  decayMs: number;
}

export interface StuckSpec { metric: GasMetric; from: number; to?: number }
export interface FailingSpec { metric: GasMetric; from: number; to?: number; mode: 'bad' | 'dropout' }

const inWindow = (t: number, w: { from: number; to?: number }): boolean =>
  t >= w.from && (w.to === undefined || t < w.to);

/** Plume shape in [0, 1]: smoothstep ramp, hold, exponential decay to 1 % tapered to 0 at decayMs. */
export function plumeShape(t: number, l: LeakSpec): number {
  const x = t - l.start;
  if (x < 0) return 0;
  if (x < l.rampMs) {
    const u = x / l.rampMs;
    return u * u * (3 - 2 * u);
  }
  const y = x - l.rampMs - (l.holdMs ?? 0);
  if (y <= 0) return 1;
  if (y >= l.decayMs) return 0;
  const floor = 0.01; // e-folding time tau = decayMs / ln(100)
  return (Math.pow(floor, y / l.decayMs) - floor) / (1 - floor);
}

interface MetricState {
  metric: GasMetric;
  baseline: number;
  noise: number;
  drift: number;
  resolution: number;
  decimals: number;
  normal: () => number;
  last?: number;
  stuckValue?: number;
}

export class GasModel implements DeviceModel {
  readonly id: string;
  readonly intervalMs: number;
  readonly metrics: readonly GasMetric[];
  private readonly states: MetricState[];
  private readonly leaks: LeakSpec[] = [];
  private readonly stucks: StuckSpec[] = [];
  private readonly failings: FailingSpec[] = [];
  private epochMs: number | undefined;

  constructor(opts: GasModelOptions) {
    this.id = opts.id;
    this.intervalMs = opts.intervalMs ?? 5000;
    this.metrics = [...(opts.metrics ?? ['lel', 'co', 'h2s', 'o2'])];
    this.epochMs = opts.epochMs;
    const seed = opts.seed ?? 0;
    this.states = this.metrics.map((metric) => {
      const d = GAS_DEFAULTS[metric];
      if (!d) throw new Error(`GasModel ${opts.id}: unknown metric ${metric}`);
      return {
        metric,
        baseline: opts.baseline?.[metric] ?? d.baseline,
        noise: opts.noise?.[metric] ?? d.noise,
        drift: opts.driftPerDay?.[metric] ?? 0,
        resolution: d.resolution,
        decimals: Math.max(0, Math.round(-Math.log10(d.resolution))),
        normal: gaussian(rng(seedOf(`${opts.id}/${metric}`, seed))),
      };
    });
  }

  /** Script a leak plume (DOMAIN.md §1 thresholds are what the scenario's peak should cross). */
  leak(spec: LeakSpec): this {
    this.check(spec.metric);
    if (!(spec.rampMs > 0) || !(spec.decayMs > 0)) throw new Error('leak: rampMs and decayMs must be > 0');
    this.leaks.push({ holdMs: 0, ...spec });
    return this;
  }

  /** Flat line from `from` (inclusive) to `to` (exclusive): repeats the exact last reported value. */
  stuck(spec: StuckSpec): this {
    this.check(spec.metric);
    this.stucks.push({ ...spec });
    return this;
  }

  /** Failing sensor: `bad` → metric listed in Sample.bad (no value); `dropout` → metric omitted. */
  failing(spec: FailingSpec): this {
    this.check(spec.metric);
    this.failings.push({ ...spec });
    return this;
  }

  /** Noise-free, unrounded reading of `metric` at `t` (baseline + drift + plumes), for tests and expectations. */
  trueValue(metric: GasMetric, t: number): number {
    const s = this.states.find((x) => x.metric === metric);
    if (!s) throw new Error(`GasModel ${this.id}: metric ${metric} not configured`);
    return Math.max(0, this.base(s, t) + this.plume(s, t));
  }

  sample(t: number): Sample {
    if (this.epochMs === undefined) this.epochMs = t;
    const values: Record<string, number> = {};
    const bad: string[] = [];
    for (const s of this.states) {
      const n = s.normal(); // always drawn: keeps the stream aligned whatever faults are scripted
      const fail = this.failings.find((f) => f.metric === s.metric && inWindow(t, f));
      const stuck = this.stucks.some((w) => w.metric === s.metric && inWindow(t, w));
      let v: number;
      if (stuck) {
        if (s.stuckValue === undefined) s.stuckValue = s.last ?? this.reading(s, t, n);
        v = s.stuckValue;
      } else {
        s.stuckValue = undefined;
        v = this.reading(s, t, n);
      }
      if (fail) {
        if (fail.mode === 'bad') bad.push(s.metric);
        continue; // no value: bad quality or dropout
      }
      s.last = v;
      values[s.metric] = v;
    }
    return bad.length ? { ts: t, values, bad } : { ts: t, values };
  }

  private base(s: MetricState, t: number): number {
    return s.baseline + (s.drift * (t - (this.epochMs ?? t))) / DAY_MS;
  }

  private plume(s: MetricState, t: number): number {
    let p = 0;
    for (const l of this.leaks) if (l.metric === s.metric) p += plumeShape(t, l) * (l.peak - s.baseline);
    return p;
  }

  private reading(s: MetricState, t: number, n: number): number {
    const raw = Math.max(0, this.base(s, t) + this.plume(s, t) + s.noise * n);
    return Number((Math.round(raw / s.resolution) * s.resolution).toFixed(s.decimals));
  }

  private check(metric: GasMetric): void {
    if (!this.metrics.includes(metric)) throw new Error(`GasModel ${this.id}: metric ${metric} not configured`);
  }
}
