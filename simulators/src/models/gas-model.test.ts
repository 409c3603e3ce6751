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
