import { describe, expect, it } from 'vitest';
import { BeltModel } from './belt-model.ts';
import { HOUR, MINUTE } from './physics.ts';
import type { Sample } from './model.ts';

// local midnight 2024-11-22 Asia/Shanghai (UTC+8)
const T0 = Date.UTC(2024, 10, 21, 16);
const at = (h: number) => T0 + h * HOUR;

function run(m: BeltModel, from: number, to: number, step = m.intervalMs): Sample[] {
  const out: Sample[] = [];
  for (let t = from; t <= to; t += step) {
    const s = m.sample(t);
    if (s) out.push(s);
  }
  return out;
}

describe('BeltModel (DOMAIN.md §5)', () => {
  it('total_t is the integral of tph (sum of tph × dt over the samples)', () => {
    const m = new BeltModel({ id: 'belt-1', seed: 1, ratedTph: 800, origin: T0 });
    const s = run(m, T0, at(24));
    let sum = 0;
    for (let i = 1; i < s.length; i++) sum += (s[i - 1].values.tph * (s[i].ts - s[i - 1].ts)) / HOUR;
    const total = s[s.length - 1].values.total_t;
    expect(total).toBeGreaterThan(800 * 0.85 * 17);
    expect(Math.abs(sum - total) / total).toBeLessThan(1e-4);
    // and numeric integration of the ground truth at 1 s
    let num = 0;
    for (let t = T0; t < at(24); t += 1000) num += (m.trueTph(t) * 1000) / HOUR;
    expect(Math.abs(num - m.trueTotal(at(24))) / num).toBeLessThan(1e-9);
  });

  it('tph is noisy around the production level and 0 when stopped; running = 0 ⇒ tph = 0', () => {
    const m = new BeltModel({ id: 'belt-1', seed: 2, ratedTph: 1000 });
    const s = run(m, T0, at(24));
    const on = s.filter((x) => x.values.running === 1);
    const off = s.filter((x) => x.values.running === 0);
    expect(on.length).toBeGreaterThan(0);
    expect(off.length).toBeGreaterThan(0);
    for (const x of off) expect(x.values.tph).toBe(0);
    const mean = on.reduce((a, x) => a + x.values.tph, 0) / on.length;
    expect(Math.abs(mean - 850) / 850).toBeLessThan(0.02);
    expect(new Set(on.map((x) => x.values.tph)).size).toBeGreaterThan(100);
    expect(m.sample(at(10))!.values.running).toBe(1); // 08:30–12 production
    expect(m.sample(at(12.5))!.values.running).toBe(0); // meal stop
  });

  it('resets drop total_t to 0; monotonic between resets', () => {
    const resets = [at(24), at(36)];
    const m = new BeltModel({ id: 'belt-1', seed: 3, ratedTph: 500, counterResetAt: resets, initialTotal: 12345 });
    const s = run(m, T0, at(48), 60_000);
    expect(s[0].values.total_t).toBe(12345);
    for (let i = 1; i < s.length; i++) {
      const [a, b] = [s[i - 1], s[i]];
      const reset = resets.some((r) => r > a.ts && r <= b.ts);
      if (reset) expect(b.values.total_t).toBeLessThan(a.values.total_t);
      else expect(b.values.total_t).toBeGreaterThanOrEqual(a.values.total_t);
    }
    expect(m.trueTotal(at(24))).toBe(0);
    expect(m.trueTotal(at(36))).toBe(0);
    expect(m.trueTotal(at(24) + 1000)).toBe(0); // 00:00–00:30 no production
    expect(m.trueTotal(at(36) + 2 * HOUR)).toBeGreaterThan(0); // 12–13 meal stop
  });

  it('trueTotal is independent of the sampling cadence', () => {
    const a = new BeltModel({ id: 'b', seed: 4, ratedTph: 700, origin: T0, counterResetAt: [at(30)] });
    const b = new BeltModel({ id: 'b', seed: 4, ratedTph: 700, origin: T0, counterResetAt: [at(30)], intervalMs: 37_000 });
    const c = new BeltModel({ id: 'b', seed: 4, ratedTph: 700, origin: T0, counterResetAt: [at(30)] });
    a.stop({ from: at(9), to: at(9.25) }).run({ from: at(2.1), to: at(2.2), tph: 1200 });
    b.stop({ from: at(9), to: at(9.25) }).run({ from: at(2.1), to: at(2.2), tph: 1200 });
    c.stop({ from: at(9), to: at(9.25) }).run({ from: at(2.1), to: at(2.2), tph: 1200 });
    run(a, T0, at(40));
    run(b, T0, at(40));
    for (const h of [3, 11, 29, 31, 40]) {
      const truth = c.trueTotal(at(h));
      expect(a.trueTotal(at(h))).toBeCloseTo(truth, 6);
      expect(b.trueTotal(at(h))).toBeCloseTo(truth, 6);
    }
  });

  it('stop and run scripts: secret night production, over-capacity', () => {
    const m = new BeltModel({ id: 'b', seed: 5, ratedTph: 1000 });
    m.stop({ from: at(0), to: at(48) }).run({ from: at(25), to: at(29), tph: 1300 });
    expect(m.sample(at(10))!.values.running).toBe(0);
    const s = m.sample(at(26))!;
    expect(s.values.running).toBe(1);
    expect(Math.abs(s.values.tph - 1300)).toBeLessThan(1300 * 0.4);
    expect(m.trueTotal(at(30)) - m.trueTotal(at(24))).toBeCloseTo(1300 * 4, -2);
  });

  it('protection: event emitted once in the sample at/after `at`, belt stops', () => {
    const m = new BeltModel({ id: 'b', seed: 6, ratedTph: 1000 });
    const trip = at(10) + 2_500; // between 5 s samples
    m.protection({ at: trip, type: 'belt_tear' });
    const s = run(m, at(9.5), at(12));
    const withEv = s.filter((x) => x.events?.length);
    expect(withEv).toHaveLength(1);
    expect(withEv[0].ts).toBe(at(10) + 5000);
    expect(withEv[0].events![0].type).toBe('belt_tear');
    for (const x of s) if (x.ts >= trip && x.ts < trip + HOUR) expect(x.values).toMatchObject({ running: 0, tph: 0 });
    expect(s.find((x) => x.ts === at(9.9))!.values.running).toBe(1);
    expect(s.find((x) => x.ts === trip + HOUR + 2_500)!.values.running).toBe(1); // restarts after 1 h
  });

  it('silent: nothing sent, physics continue, pending event delivered afterwards', () => {
    const m = new BeltModel({ id: 'b', seed: 7, ratedTph: 1000, origin: T0 });
    m.silent({ from: at(9), to: at(10) }).protection({ at: at(9.5), type: 'belt_slip' });
    expect(m.sample(at(9.6))).toBeUndefined();
    const s = m.sample(at(10))!;
    expect(s.events?.[0].type).toBe('belt_slip');
    expect(s.values.total_t).toBeCloseTo(m.trueTotal(at(10)), 2);
    expect(m.sample(at(10) + 10 * MINUTE)!.events).toBeUndefined();
  });
});

describe('BeltModel counter scripts (DOMAIN.md §6 data integrity)', () => {
  it('rollback: total_t drops by byTonnes at `at` (not to 0), then keeps counting from the lower value', () => {
    const plain = new BeltModel({ id: 'belt-1', seed: 4, ratedTph: 78, origin: at(0) });
    const m = new BeltModel({ id: 'belt-1', seed: 4, ratedTph: 78, origin: at(0) }).rollback({ at: at(12 + 1 / 6), byTonnes: 100 });
    const a = run(plain, at(8), at(14), 30_000);
    const b = run(m, at(8), at(14), 30_000);
    let drops = 0;
    for (let i = 0; i < b.length; i++) {
      const after = b[i].ts >= at(12 + 1 / 6);
      expect(b[i].values.total_t).toBeCloseTo(a[i].values.total_t - (after ? 100 : 0), 6);
      expect(b[i].values.tph).toBe(a[i].values.tph);
      if (i > 0 && b[i].values.total_t < b[i - 1].values.total_t) {
        drops++;
        expect(b[i].ts).toBe(at(12 + 1 / 6));
        expect(b[i - 1].values.total_t - b[i].values.total_t).toBeCloseTo(100, 6);
        expect(b[i].values.total_t).toBeGreaterThan(0.3 * b[i - 1].values.total_t); // not a reset to ~0
      }
    }
    expect(drops).toBe(1);
    expect(m.trueTotal(at(14))).toBeCloseTo(plain.trueTotal(at(14)) - 100, 6);
  });

  it('resetCounter is the counterResetAt option as a script; a reset clears an earlier rollback', () => {
    const opt = new BeltModel({ id: 'belt-2', seed: 5, ratedTph: 78, origin: at(0), counterResetAt: [at(12 + 1 / 3)] });
    const scr = new BeltModel({ id: 'belt-2', seed: 5, ratedTph: 78, origin: at(0) }).resetCounter({ at: at(12 + 1 / 3) });
    expect(run(scr, at(8), at(14), 30_000)).toEqual(run(opt, at(8), at(14), 30_000));
    expect(scr.trueTotal(at(12 + 1 / 3))).toBe(0);
    const both = new BeltModel({ id: 'belt-2', seed: 5, ratedTph: 78, origin: at(0) }).rollback({ at: at(10), byTonnes: 50 }).resetCounter({ at: at(12) });
    expect(both.trueTotal(at(11))).toBeCloseTo(opt.trueTotal(at(11)) - 50, 6);
    expect(both.trueTotal(at(13))).toBeCloseTo(new BeltModel({ id: 'belt-2', seed: 5, ratedTph: 78, origin: at(0), counterResetAt: [at(12)] }).trueTotal(at(13)), 6);
    // never below 0
    expect(new BeltModel({ id: 'b', ratedTph: 78, origin: at(0) }).rollback({ at: at(1), byTonnes: 1e6 }).trueTotal(at(2))).toBe(0);
  });

  it('counter scripts must lie after the latest sample', () => {
    const m = new BeltModel({ id: 'b', ratedTph: 78, origin: at(0) });
    m.sample(at(5));
    expect(() => m.rollback({ at: at(4), byTonnes: 10 })).toThrow(/not after the latest sample/);
    expect(() => m.resetCounter({ at: at(5) })).toThrow(/not after the latest sample/);
    expect(() => m.rollback({ at: at(6), byTonnes: 0 })).toThrow(/byTonnes/);
    expect(() => m.rollback({ at: at(6), byTonnes: 10 })).not.toThrow();
  });
});
