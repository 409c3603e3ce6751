// Physics of the slope monitor model (DOMAIN.md §4, improved tangent-angle method).
import { describe, expect, it } from 'vitest';
import { SlopeModel } from './slope-model.ts';

const T0 = Date.UTC(2025, 0, 1);
const H = 3_600_000;
const D = 24 * H;
const deg = (rad: number) => (rad * 180) / Math.PI;

// scripted stages: 10 days creep, then 45° → 80° (initial accel.) → 85° (mid) → 88° (imminent)
const stages = [
  { at: T0 + 10 * D, angleDeg: 45 },
  { at: T0 + 15 * D, angleDeg: 80 },
  { at: T0 + 18 * D, angleDeg: 85 },
  { at: T0 + 20 * D, angleDeg: 88 },
];
const mk = (o: Partial<ConstructorParameters<typeof SlopeModel>[0]> = {}) =>
  new SlopeModel({ id: 'p1', v0: 0.5, epochMs: T0, stages, ...o });
const angleOf = (m: SlopeModel, t: number) => deg(Math.atan(m.trueVelocity(t) / m.v0));

describe('SlopeModel defaults', () => {
  it('radar: 5 min, 0.5 mm; gnss: 1 s, 2 mm', () => {
    const r = new SlopeModel({ id: 'r' });
    const g = new SlopeModel({ id: 'g', sensor: 'gnss' });
    expect([r.intervalMs, r.noiseMm, r.v0]).toEqual([300_000, 0.5, 0.5]);
    expect([g.intervalMs, g.noiseMm]).toEqual([1000, 2]);
  });
});

describe('SlopeModel tangent angle', () => {
  it('constant stage: α ≈ 45°, v ≈ v0, displacement grows at v0', () => {
    const m = mk();
    for (const t of [T0, T0 + 3 * D, T0 + 10 * D - 1]) {
      expect(m.trueVelocity(t)).toBeCloseTo(0.5, 9);
      expect(angleOf(m, t)).toBeCloseTo(45, 9);
    }
    expect(m.trueDisplacement(T0 + 4 * D)).toBeCloseTo(2, 9);
  });

  it('passes 45°, 80°, 85° at the scripted times', () => {
    const m = mk();
    const eps = 60_000; // 1 min either side
    for (const s of stages.slice(0, 3)) {
      expect(angleOf(m, s.at)).toBeCloseTo(s.angleDeg, 6);
      if (s.angleDeg > 45) {
        expect(angleOf(m, s.at - eps)).toBeLessThan(s.angleDeg);
        expect(angleOf(m, s.at + eps)).toBeGreaterThan(s.angleDeg);
      }
    }
    expect(angleOf(m, T0 + 30 * D)).toBeCloseTo(88, 6); // holds after the last knot
  });

  it('accelerate(): linear in angle from 45° at start to toAngleDeg at start+duration', () => {
    const m = new SlopeModel({ id: 'p2', v0: 1, epochMs: T0 }).accelerate({ start: T0 + D, durationMs: 4 * D });
    expect(angleOf(m, T0 + D)).toBeCloseTo(45, 9);
    expect(angleOf(m, T0 + D + (4 * D * 35) / 40)).toBeCloseTo(80, 6);
    expect(angleOf(m, T0 + 5 * D)).toBeCloseTo(85, 6);
  });
});

describe('SlopeModel displacement', () => {
  it('is monotonic and equals the numeric integral of velocity', () => {
    const m = mk({ initialDispMm: 12 });
    const step = 60_000; // 1-min trapezoid
    let num = 12, prev = m.trueDisplacement(T0);
    expect(prev).toBe(12);
    for (let t = T0 + step; t <= T0 + 25 * D; t += step) {
      num += ((m.trueVelocity(t - step) + m.trueVelocity(t)) / 2) * (step / D);
      const d = m.trueDisplacement(t);
      expect(d).toBeGreaterThanOrEqual(prev);
      prev = d;
      if ((t - T0) % (6 * H) === 0) expect(Math.abs(d - num)).toBeLessThan(1e-4 * Math.max(1, d));
    }
  });

  it('imminent stage: 24 h rate exceeds 10 mm/d (DOMAIN.md §4 orange absolute criterion)', () => {
    const m = mk();
    const t = T0 + 20 * D;
    expect(m.trueDisplacement(t + D) - m.trueDisplacement(t)).toBeGreaterThan(10);
    // while creeping it stays near v0
    expect(m.trueDisplacement(T0 + 6 * D) - m.trueDisplacement(T0 + 5 * D)).toBeCloseTo(0.5, 9);
  });

  it('is independent of sample cadence (1 s vs 5 min)', () => {
    const fast = mk({ sensor: 'gnss', epochMs: undefined });
    const slow = mk({ epochMs: undefined });
    const start = T0 + 14 * D;
    const common = new Map<number, number>();
    for (let t = start; t <= start + 2 * H; t += slow.intervalMs) {
      slow.sample(t);
      common.set(t, slow.trueDisplacement(t));
    }
    for (let t = start; t <= start + 2 * H; t += fast.intervalMs) {
      fast.sample(t);
      if (common.has(t)) expect(fast.trueDisplacement(t)).toBeCloseTo(common.get(t)!, 9);
    }
    expect(common.size).toBe(25);
  });
});

describe('SlopeModel samples', () => {
  it('disp = true displacement + gaussian noise, rounded to 0.1 mm', () => {
    const m = mk({ noiseMm: 2 });
    const errs: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = T0 + i * m.intervalMs;
      const s = m.sample(t);
      expect(Object.keys(s.values)).toEqual(['disp']);
      expect(Math.round(s.values.disp * 10) / 10).toBe(s.values.disp);
      errs.push(s.values.disp - m.trueDisplacement(t));
    }
    const mean = errs.reduce((a, b) => a + b, 0) / errs.length;
    const sd = Math.sqrt(errs.reduce((a, b) => a + (b - mean) ** 2, 0) / errs.length);
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(sd).toBeGreaterThan(1.8);
    expect(sd).toBeLessThan(2.2);
  });

  it('deterministic per seed', () => {
    const run = (seed: number) => {
      const m = mk({ seed });
      return Array.from({ length: 200 }, (_, i) => m.sample(T0 + i * 300_000));
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });
});

describe('SlopeModel repeated acceleration episodes (DOMAIN.md §4 escalation)', () => {
  // three 5-h episodes 10 h apart: 45° → 74° in 30 min, 4 h at 74°, back to 45° in 30 min
  const E = T0 + 8 * D;
  const episodes = [0, 10, 20].flatMap((h) => [
    { at: E + h * H, angleDeg: 45 },
    { at: E + (h + 0.5) * H, angleDeg: 74 },
    { at: E + (h + 4.5) * H, angleDeg: 74 },
    { at: E + (h + 5) * H, angleDeg: 45 },
  ]);
  const m = new SlopeModel({ id: 'p5', epochMs: T0, stages: episodes }).setCreep({ v0: 2 });
  /** tangent angle of the mean velocity over the hour before t, from the true displacement */
  const hourAngle = (t: number) => deg(Math.atan(((m.trueDisplacement(t) - m.trueDisplacement(t - H)) * 24) / m.v0));

  it('velocity ratio v/v0 is 3.49 (74°, yellow band) on each episode and exactly 1 (45°) between them', () => {
    expect(m.v0).toBe(2);
    for (const h of [0, 10, 20]) {
      for (const x of [1, 2.5, 4.4]) {
        expect(m.trueVelocity(E + (h + x) * H) / m.v0).toBeCloseTo(Math.tan((74 * Math.PI) / 180), 9);
        expect(hourAngle(E + (h + x + 0.1) * H)).toBeGreaterThan(x === 1 ? 60 : 73.9);
      }
      if (h < 20) for (const x of [5, 6.5, 8, 9.9]) {
        expect(m.trueVelocity(E + (h + x) * H) / m.v0).toBeCloseTo(1, 9);
        if (x >= 6.5) expect(hourAngle(E + (h + x) * H)).toBeCloseTo(45, 6);
      }
    }
    // the first and third episodes start within 24 h; never near orange (80°) or the 10 mm/d rate
    expect(episodes[8].at - episodes[0].at).toBeLessThan(D);
    for (let t = E; t < E + 30 * H; t += 10 * 60_000) {
      expect(angleOf(m, t)).toBeLessThan(80);
      expect(m.trueDisplacement(t + D) - m.trueDisplacement(t)).toBeLessThan(10);
    }
  });

  it('setCreep sets v0 before the first sample only', () => {
    const p = new SlopeModel({ id: 'p6', epochMs: T0 }).setCreep({ v0: 2 });
    expect(p.trueDisplacement(T0 + D)).toBeCloseTo(2, 9);
    p.sample(T0);
    expect(() => p.setCreep({ v0: 3 })).toThrow(/after the first sample/);
    expect(() => new SlopeModel({ id: 'p7' }).setCreep({ v0: 0 })).toThrow(/v0 must be > 0/);
  });
});
