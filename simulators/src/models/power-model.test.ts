import { describe, expect, it } from 'vitest';
import { HOUR } from './physics.ts';
import type { Sample } from './model.ts';
import { PowerModel } from './power-model.ts';

const T0 = Date.UTC(2024, 10, 21, 16); // local midnight (UTC+8)
const at = (h: number) => T0 + h * HOUR;

function run(m: PowerModel, from: number, to: number, step = m.intervalMs): Sample[] {
  const out: Sample[] = [];
  for (let t = from; t <= to; t += step) {
    const s = m.sample(t);
    if (s) out.push(s);
  }
  return out;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('PowerModel (DOMAIN.md §6)', () => {
  it('kwh integrates kw', () => {
    const m = new PowerModel({ id: 'pm', seed: 1, origin: T0 });
    const s = run(m, T0, at(48));
    let sum = 0;
    for (let i = 1; i < s.length; i++) sum += (s[i - 1].values.kw * (s[i].ts - s[i - 1].ts)) / HOUR;
    const kwh = s[s.length - 1].values.kwh;
    expect(Math.abs(sum - kwh) / kwh).toBeLessThan(1e-4);
    // roughly 2 days × (16 h × 2000 + 8 h × 300)
    expect(kwh / (2 * (16 * 2000 + 8 * 300))).toBeGreaterThan(0.98);
    expect(kwh / (2 * (16 * 2000 + 8 * 300))).toBeLessThan(1.02);
  });

  it('kwh is independent of cadence', () => {
    const a = new PowerModel({ id: 'pm', seed: 2, origin: T0 });
    const b = new PowerModel({ id: 'pm', seed: 2, origin: T0, intervalMs: 900_000 });
    const c = new PowerModel({ id: 'pm', seed: 2, origin: T0 });
    for (const m of [a, b, c]) m.secretRun({ from: at(30), to: at(34), level: 0.5 });
    run(a, T0, at(48));
    run(b, T0, at(48));
    for (const h of [5, 23, 33, 48]) {
      expect(a.trueKwh(at(h))).toBeCloseTo(c.trueKwh(at(h)), 4);
      expect(b.trueKwh(at(h))).toBeCloseTo(c.trueKwh(at(h)), 4);
    }
  });

  it('idle and production levels within tolerance; noisy', () => {
    const m = new PowerModel({ id: 'pm', seed: 3, idleKw: 400, productionKw: 2500 });
    const night = run(m, at(0), at(6)).map((s) => s.values.kw);
    const day = run(m, at(8), at(22)).map((s) => s.values.kw);
    expect(Math.abs(mean(night) - 400) / 400).toBeLessThan(0.02);
    expect(Math.abs(mean(day) - 2500) / 2500).toBeLessThan(0.02);
    for (const kw of night) expect(Math.abs(kw - 400)).toBeLessThan(400 * 0.15);
    for (const kw of day) expect(Math.abs(kw - 2500)).toBeLessThan(2500 * 0.15);
    expect(new Set(day).size).toBeGreaterThan(100);
  });

  it('secret night run while declared stopped: above idle + 30 % × (production − idle) at night only', () => {
    const m = new PowerModel({ id: 'pm', seed: 4, hoistMetric: true });
    const threshold = m.idleKw + 0.3 * (m.productionKw - m.idleKw);
    m.stop({ from: at(0), to: at(72) }).secretRun({ from: at(0), to: at(72), level: 0.7, nightly: true });
    const s = run(m, at(0), at(72) - 1);
    const night = s.filter((x) => { const h = ((x.ts - T0) / HOUR) % 24; return h >= 22 || h < 6; });
    const rest = s.filter((x) => !night.includes(x));
    expect(night.length).toBeGreaterThan(1000);
    for (const x of night) expect(x.values.kw).toBeGreaterThan(threshold);
    for (const x of rest) expect(x.values.kw).toBeLessThan(threshold);
    // hoist share rises under secret production (§6 Hebei case: 9.7 % → > 13 %)
    const share = (xs: Sample[]) => mean(xs.map((x) => x.values.kw_hoist / x.values.kw));
    expect(share(rest)).toBeLessThan(0.06);
    expect(share(night)).toBeGreaterThan(0.12);
  });

  it('producing function and silence', () => {
    const m = new PowerModel({ id: 'pm', seed: 5, producing: (t) => t >= at(1) && t < at(2) });
    expect(m.sample(at(1.5))!.values.kw).toBeGreaterThan(1500);
    expect(m.sample(at(3))!.values.kw).toBeLessThan(400);
    m.silent({ from: at(4), to: at(5) });
    expect(m.sample(at(4.5))).toBeUndefined();
    expect(m.sample(at(5))!.values.kwh).toBeCloseTo(m.trueKwh(at(5)), 1);
  });
});
