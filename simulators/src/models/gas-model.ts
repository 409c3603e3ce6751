// Gas detector model (DOMAIN.md §1): clean-air baseline with sensor noise and slow drift, plus
// faults scripted on the event-time axis — leak plumes, a stuck sensor, a failing sensor, a
// replay of earlier readings (fake data, DOMAIN.md §6).
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
/**
 * Replay (fake data, DOMAIN.md §6): in [from, to) the device re-sends, sample by sample and in
 * the same order, exactly what it sent in [sourceFrom, sourceFrom + (to − from)), with new
 * timestamps. The source window must end at or before `from`.
 */
export interface ReplaySpec { from: number; to: number; sourceFrom: number }

interface ReplayState extends ReplaySpec {
  recorded: { values: Record<string, number>; bad?: string[] }[];
  next: number;
}

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
  private fit: readonly GasMetric[];
  private states: MetricState[];
  private readonly opts: GasModelOptions;
  private sampled = false;
  private readonly replays: ReplayState[] = [];
  private readonly leaks: LeakSpec[] = [];
  private readonly stucks: StuckSpec[] = [];
  private readonly failings: FailingSpec[] = [];
  private epochMs: number | undefined;

  constructor(opts: GasModelOptions) {
    this.id = opts.id;
    this.intervalMs = opts.intervalMs ?? 5000;
    this.fit = [...(opts.metrics ?? ['lel', 'co', 'h2s', 'o2'])];
    this.epochMs = opts.epochMs;
    this.opts = opts;
    this.states = this.fit.map((metric) => this.state(metric));
  }

  /** the metrics the detector reports (default lel, co, h2s, o2; see setMetrics) */
  get metrics(): readonly GasMetric[] {
    return this.fit;
  }

  private state(metric: GasMetric): MetricState {
    const opts = this.opts;
    const d = GAS_DEFAULTS[metric];
    if (!d) throw new Error(`GasModel ${opts.id}: unknown metric ${metric}`);
    return {
      metric,
      baseline: opts.baseline?.[metric] ?? d.baseline,
      noise: opts.noise?.[metric] ?? d.noise,
      drift: opts.driftPerDay?.[metric] ?? 0,
      resolution: d.resolution,
      decimals: Math.max(0, Math.round(-Math.log10(d.resolution))),
      normal: gaussian(rng(seedOf(`${opts.id}/${metric}`, opts.seed ?? 0))),
    };
  }

  /**
   * The detector's sensor fit (which metrics it reports), e.g. a single-gas NH3 detector in an
   * ammonia refrigeration room or a CH4/CO/O2 detector underground. Same result as the `metrics`
   * option: each metric keeps its own noise stream. Call before the first sample() and before
   * scripting faults on the new metrics.
   */
  setMetrics(metrics: GasMetric[]): this {
    if (this.sampled) throw new Error(`GasModel ${this.id}: setMetrics after the first sample`);
    if (!Array.isArray(metrics) || metrics.length === 0) throw new Error(`GasModel ${this.id}: setMetrics needs at least one metric`);
    const scripted = [...this.leaks, ...this.stucks, ...this.failings].map((x) => x.metric);
    const lost = scripted.find((m) => !metrics.includes(m));
    if (lost) throw new Error(`GasModel ${this.id}: metric ${lost} has scripted faults but is not in setMetrics`);
    const states = [...new Set(metrics)].map((metric) => this.state(metric));
    this.states = states;
    this.fit = states.map((x) => x.metric);
    return this;
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

  /**
   * Replay of earlier readings (DOMAIN.md §6 fake data): see ReplaySpec. The k-th sample in
   * [from, to) carries exactly the values (and bad-quality list) of the k-th sample sent in the
   * source window; if the replay window holds more samples than the source, the copy starts over.
   */
  replay(spec: ReplaySpec): this {
    const { from, to, sourceFrom } = spec;
    if (![from, to, sourceFrom].every(Number.isFinite) || !(to > from)) throw new Error('replay: from, to and sourceFrom must be event times (epoch ms), from < to');
    if (sourceFrom + (to - from) > from) throw new Error('replay: the source window [sourceFrom, sourceFrom + (to − from)) must end at or before from');
    this.replays.push({ from, to, sourceFrom, recorded: [], next: 0 });
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
    this.sampled = true;
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
    for (const r of this.replays) {
      if (t >= r.sourceFrom && t < r.sourceFrom + (r.to - r.from)) r.recorded.push(bad.length ? { values: { ...values }, bad: [...bad] } : { values: { ...values } });
    }
    const r = this.replays.find((x) => inWindow(t, x) && x.recorded.length > 0);
    if (r) {
      const copy = r.recorded[r.next++ % r.recorded.length];
      for (const s of this.states) if (s.metric in copy.values) s.last = copy.values[s.metric];
      return copy.bad ? { ts: t, values: { ...copy.values }, bad: [...copy.bad] } : { ts: t, values: { ...copy.values } };
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
