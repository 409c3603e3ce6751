// Physics of the gas detector model (DOMAIN.md §1): baseline noise, leak plumes, stuck and
// failing sensors, determinism.
import { describe, expect, it } from 'vitest';
import { GAS_DEFAULTS, GasModel, plumeShape, type GasMetric } from './gas-model.ts';

const T0 = Date.UTC(2025, 0, 1);
const MIN = 60_000;

function run(m: GasModel, n: number, from = T0) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(m.sample(from + i * m.intervalMs));
  return out;
}

function stats(xs: number[]) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd };
}

describe('GasModel baseline', () => {
  it('defaults: 5 s cadence, lel/co/h2s/o2', () => {
    const m = new GasModel({ id: 'g1' });
    expect(m.intervalMs).toBe(5000);
    expect(Object.keys(m.sample(T0).values).sort()).toEqual(['co', 'h2s', 'lel', 'o2']);
  });

  it.each(['lel', 'co', 'nh3', 'o2', 'ch4'] as GasMetric[])(
    '%s: mean and sd over many samples match baseline and noise',
    (metric) => {
      const m = new GasModel({ id: 'g-' + metric, seed: 7, metrics: [metric] });
      const xs = run(m, 5000).map((s) => s.values[metric]);
      const d = GAS_DEFAULTS[metric];
      const { mean, sd } = stats(xs);
      expect(Math.abs(mean - d.baseline)).toBeLessThan(0.1 * d.noise + d.resolution / 2);
      expect(sd).toBeGreaterThan(0.85 * d.noise);
      expect(sd).toBeLessThan(1.15 * d.noise + d.resolution);
    },
  );

  it('values are never negative and are rounded to the sensor resolution', () => {
    const m = new GasModel({ id: 'g2', metrics: ['h2s', 'cl2', 'ch4'], noise: { h2s: 0.5, cl2: 0.05, ch4: 0.05 } });
    for (const s of run(m, 2000)) {
      for (const [k, v] of Object.entries(s.values)) {
        expect(v).toBeGreaterThanOrEqual(0);
        const res = GAS_DEFAULTS[k as GasMetric].resolution;
        expect(Math.abs(v / res - Math.round(v / res))).toBeLessThan(1e-6);
        expect(String(v).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(res === 0.1 ? 1 : 2);
      }
    }
  });

  it('drifts linearly per day from the first sample', () => {
    const m = new GasModel({ id: 'g3', metrics: ['co'], driftPerDay: { co: 1.5 } });
    m.sample(T0);
    expect(m.trueValue('co', T0 + 2 * 86_400_000)).toBeCloseTo(2 + 3, 9);
  });
});

describe('GasModel leak plume', () => {
  const leak = { metric: 'lel' as const, start: T0 + 10 * MIN, peak: 60, rampMs: 2 * MIN, holdMs: 5 * MIN, decayMs: 20 * MIN };

  it('shape: 0 before, smooth ramp, 1 on hold, exponential decay to exactly 0', () => {
    expect(plumeShape(leak.start - 1, leak)).toBe(0);
    expect(plumeShape(leak.start + MIN, leak)).toBeCloseTo(0.5, 9);
    expect(plumeShape(leak.start + 2 * MIN, leak)).toBe(1);
    expect(plumeShape(leak.start + 7 * MIN, leak)).toBe(1);
    const d1 = plumeShape(leak.start + 12 * MIN, leak);
    const d2 = plumeShape(leak.start + 17 * MIN, leak);
    expect(d2).toBeLessThan(d1);
    expect(d1).toBeLessThan(1);
    expect(plumeShape(leak.start + 27 * MIN, leak)).toBe(0);
  });

  it('reaches its peak ±noise at start+ramp and is back near baseline after decay', () => {
    const m = new GasModel({ id: 'g4', seed: 3, metrics: ['lel'] }).leak(leak);
    const byTs = new Map(run(m, 600).map((s) => [s.ts, s.values.lel]));
    const sigma = GAS_DEFAULTS.lel.noise;
    expect(Math.abs(byTs.get(leak.start + 2 * MIN)! - 60)).toBeLessThan(4 * sigma);
    expect(Math.abs(byTs.get(leak.start + 7 * MIN)! - 60)).toBeLessThan(4 * sigma);
    expect(Math.abs(byTs.get(leak.start + 27 * MIN)! - 1)).toBeLessThan(4 * sigma);
    expect(Math.abs(byTs.get(leak.start - 5000)! - 1)).toBeLessThan(4 * sigma);
    // DOMAIN.md §1: a 60 %LEL plume crosses the red (≥ 40) level during the ramp
    expect(Math.max(...byTs.values())).toBeGreaterThanOrEqual(40);
  });

  it('o2 leak below baseline models oxygen deficiency', () => {
    const m = new GasModel({ id: 'g5', metrics: ['o2'] }).leak({ metric: 'o2', start: T0, peak: 17, rampMs: MIN, decayMs: MIN });
    expect(m.trueValue('o2', T0 + MIN)).toBeCloseTo(17, 9);
  });
});

describe('GasModel faults', () => {
  it('stuck → exactly equal consecutive values (the last value before the fault), then recovers', () => {
    const m = new GasModel({ id: 'g6', seed: 1, metrics: ['co', 'lel'] });
    const from = T0 + 50 * 5000, to = T0 + 150 * 5000;
    m.stuck({ metric: 'co', from, to });
    const s = run(m, 250);
    const before = s.find((x) => x.ts === from - 5000)!.values.co;
    const during = s.filter((x) => x.ts >= from && x.ts < to).map((x) => x.values.co);
    expect(during.length).toBe(100);
    expect(new Set(during)).toEqual(new Set([before]));
    expect(new Set(s.filter((x) => x.ts >= to).map((x) => x.values.co)).size).toBeGreaterThan(1);
    expect(new Set(s.filter((x) => x.ts >= from && x.ts < to).map((x) => x.values.lel)).size).toBeGreaterThan(1);
  });

  it('failing bad → metric in bad (no value); dropout → metric absent', () => {
    const m = new GasModel({ id: 'g7', metrics: ['lel', 'co', 'h2s'] })
      .failing({ metric: 'co', from: T0 + 10_000, mode: 'bad' })
      .failing({ metric: 'h2s', from: T0 + 10_000, to: T0 + 30_000, mode: 'dropout' });
    const s = run(m, 10);
    expect(s[0].bad).toBeUndefined();
    expect(Object.keys(s[0].values).sort()).toEqual(['co', 'h2s', 'lel']);
    for (const x of s.slice(2, 6)) {
      expect(x.bad).toEqual(['co']);
      expect(Object.keys(x.values).sort()).toEqual(['lel']);
    }
    expect(Object.keys(s[6].values).sort()).toEqual(['h2s', 'lel']);
  });

  it('scripting a fault on one metric does not change the others', () => {
    const a = new GasModel({ id: 'g8', seed: 5 });
    const b = new GasModel({ id: 'g8', seed: 5 }).leak({ metric: 'co', start: T0, peak: 50, rampMs: MIN, decayMs: MIN });
    const sa = run(a, 100), sb = run(b, 100);
    expect(sa.map((x) => x.values.lel)).toEqual(sb.map((x) => x.values.lel));
  });
});

describe('GasModel determinism', () => {
  it('same seed → same samples; different seed → different', () => {
    const mk = (seed: number) => new GasModel({ id: 'gd', seed }).leak({ metric: 'h2s', start: T0 + MIN, peak: 12, rampMs: MIN, holdMs: MIN, decayMs: 5 * MIN });
    expect(run(mk(42), 300)).toEqual(run(mk(42), 300));
    expect(run(mk(42), 300)).not.toEqual(run(mk(43), 300));
  });
});

describe('GasModel sensor fit (setMetrics)', () => {
  it('reports exactly the chosen metrics, with the same noise streams as the metrics option', () => {
    const a = new GasModel({ id: 'gf', seed: 4 }).setMetrics(['ch4', 'co', 'o2']);
    const b = new GasModel({ id: 'gf', seed: 4, metrics: ['ch4', 'co', 'o2'] });
    expect(a.metrics).toEqual(['ch4', 'co', 'o2']);
    const sa = run(a, 50), sb = run(b, 50);
    expect(Object.keys(sa[0].values).sort()).toEqual(['ch4', 'co', 'o2']);
    expect(sa).toEqual(sb);
    // co keeps the stream it has in the default lel/co/h2s/o2 fit
    expect(sa.map((x) => x.values.co)).toEqual(run(new GasModel({ id: 'gf', seed: 4 }), 50).map((x) => x.values.co));
  });

  it('a single-gas NH3 detector can leak nh3; faults on other metrics and late calls are refused', () => {
    const m = new GasModel({ id: 'gn' }).setMetrics(['nh3']).leak({ metric: 'nh3', start: T0, peak: 90, rampMs: MIN, decayMs: MIN });
    expect(m.trueValue('nh3', T0 + MIN)).toBeCloseTo(90, 9);
    expect(() => m.leak({ metric: 'co', start: T0, peak: 50, rampMs: MIN, decayMs: MIN })).toThrow(/co not configured/);
    expect(() => new GasModel({ id: 'gx' }).leak({ metric: 'co', start: T0, peak: 50, rampMs: MIN, decayMs: MIN }).setMetrics(['nh3'])).toThrow(/co has scripted faults/);
    m.sample(T0);
    expect(() => m.setMetrics(['nh3', 'o2'])).toThrow(/after the first sample/);
    expect(() => new GasModel({ id: 'gy' }).setMetrics([])).toThrow(/at least one/);
  });

  it('DOMAIN.md §1 methane: a CH4 plume of 1.8 %vol crosses 1.0 (yellow) and 1.5 (red) during the ramp', () => {
    const leak = { metric: 'ch4' as const, start: T0 + 10 * MIN, peak: 1.8, rampMs: 8 * MIN, holdMs: 10 * MIN, decayMs: 30 * MIN };
    const m = new GasModel({ id: 'gc', seed: 2 }).setMetrics(['ch4', 'co', 'o2']).leak(leak);
    const s = run(m, 600);
    const first = (th: number) => s.find((x) => x.values.ch4 >= th)!.ts;
    expect(first(1.0)).toBeGreaterThan(leak.start);
    expect(first(1.5)).toBeGreaterThan(first(1.0));
    expect(first(1.5)).toBeLessThanOrEqual(leak.start + leak.rampMs);
    expect(Math.max(...s.map((x) => x.values.o2))).toBeLessThan(21.5); // o2 unaffected
  });

  it('o2 falls below 19.5 (yellow) before 18 (red) %vol and recovers after the decay', () => {
    const leak = { metric: 'o2' as const, start: T0 + 10 * MIN, peak: 16.5, rampMs: 10 * MIN, holdMs: 15 * MIN, decayMs: 20 * MIN };
    const m = new GasModel({ id: 'go', seed: 9 }).leak(leak);
    const s = run(m, 1000);
    const below = (th: number) => s.find((x) => x.values.o2 < th)!.ts;
    expect(below(19.5)).toBeGreaterThan(leak.start);
    expect(below(18)).toBeGreaterThan(below(19.5));
    expect(below(18)).toBeLessThan(leak.start + leak.rampMs);
    expect(Math.min(...s.map((x) => x.values.o2))).toBeGreaterThan(16);
    expect(s.find((x) => x.ts === leak.start + 45 * MIN)!.values.o2).toBeGreaterThan(20.5);
  });
});

describe('GasModel replay (DOMAIN.md §6 fake data)', () => {
  const I = 30_000;
  const mk = () => new GasModel({ id: 'gr', seed: 6, intervalMs: I });
  const H = 60 * MIN;

  it('re-sends bit for bit, in order, what was sent in the source window, with new timestamps', () => {
    const m = mk().replay({ from: T0 + 4 * H, to: T0 + 5 * H, sourceFrom: T0 + H });
    const s = run(m, 6 * 120); // 6 h at 30 s
    const src = s.filter((x) => x.ts >= T0 + H && x.ts < T0 + 2 * H);
    const rep = s.filter((x) => x.ts >= T0 + 4 * H && x.ts < T0 + 5 * H);
    expect(rep.length).toBe(120);
    expect(rep.map((x) => x.values)).toEqual(src.map((x) => x.values));
    rep.forEach((x, k) => expect(x.ts).toBe(T0 + 4 * H + k * I));
    // the source window is not constant (a replay, not a flat line)
    expect(new Set(src.map((x) => x.values.lel)).size).toBeGreaterThan(5);
  });

  it('outside the replay window the device reports as if nothing was scripted', () => {
    const plain = run(mk(), 6 * 120);
    const s = run(mk().replay({ from: T0 + 4 * H, to: T0 + 5 * H, sourceFrom: T0 + H }), 6 * 120);
    const outside = (xs: typeof s) => xs.filter((x) => x.ts < T0 + 4 * H || x.ts >= T0 + 5 * H);
    expect(outside(s)).toEqual(outside(plain));
    // without a replay, no run of 5 consecutive payloads repeats an earlier one
    const keys = plain.map((x) => JSON.stringify(x.values));
    const runs = keys.slice(4).map((_, i) => keys.slice(i, i + 5).join('|'));
    expect(new Set(runs).size).toBe(runs.length);
  });

  it('replays bad-quality and dropped metrics as they were, and refuses overlapping windows', () => {
    const m = mk()
      .failing({ metric: 'co', from: T0 + H, to: T0 + H + 10 * MIN, mode: 'bad' })
      .replay({ from: T0 + 2 * H, to: T0 + 2 * H + 20 * MIN, sourceFrom: T0 + H });
    const s = run(m, 3 * 120);
    const at = (t: number) => s.find((x) => x.ts === t)!;
    expect(at(T0 + 2 * H).bad).toEqual(['co']);
    expect(at(T0 + 2 * H).values).toEqual(at(T0 + H).values);
    expect(at(T0 + 2 * H + 15 * MIN).values).toEqual(at(T0 + H + 15 * MIN).values);
    expect(at(T0 + 2 * H + 15 * MIN).bad).toBeUndefined();
    expect(() => mk().replay({ from: T0 + H, to: T0 + 2 * H, sourceFrom: T0 + 30 * MIN })).toThrow(/must end at or before from/);
    expect(() => mk().replay({ from: T0 + H, to: T0 + H, sourceFrom: T0 })).toThrow(/from < to/);
  });
});
