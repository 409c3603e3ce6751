// DOMAIN.md §4 / rules/README.md `displacement-rate` (slope.rate): least-squares rate over a
// trailing window per level — orange > 10 mm/d over 24 h, red ≥ 5 mm/h over 1 h — judged once
// the window is 80 % covered (≥ 6 samples), cleared below value − 10 %. slope-1 reports every
// 5 min; displacement is piecewise linear and noiseless. Crossing times after a rate change were
// worked out with a plain least-squares fit over the same 5-min samples (see the comments).
import { describe, expect, it } from 'vitest';
import type { Condition } from '../types.ts';
import { H, MIN, rig, T0, type TestRig } from '../../../test/helpers/rules.ts';

const STEP = 5 * MIN;
const RULE = 'slope.rate';
const brief = (out: Condition[]) => out.filter((c) => c.rule === RULE).map((c) => ({ severity: c.severity, active: c.active, ts: c.ts }));

/** readings every 5 min over [from, to] (ms from T0); rate(t) in mm/h applies to the step starting at t */
function feed(r: TestRig, from: number, to: number, rate: (t: number) => number, y0 = 100): void {
  let y = y0;
  for (let t = 0; t <= to; t += STEP) {
    if (t >= from) r.read('slope-1', { disp: y }, T0 + t);
    y += (rate(t) * STEP) / H;
  }
}

describe('displacement-rate (slope.rate) [DOMAIN.md §4]', () => {
  it('> 10 mm/d over 24 h → orange once the window is 80 % covered; clears below 9 mm/d', () => {
    const r = rig({ packs: ['slope'] });
    // 12 mm/d for 30 h, then 5 mm/d
    feed(r, 0, 48 * H, (t) => (t < 30 * H ? 12 / 24 : 5 / 24));
    expect(brief(r.out)).toEqual([
      { severity: 'orange', active: true, ts: T0 + 19 * H + 15 * MIN }, // 80 % of 24 h = 19 h 12 min → the 19:15 sample
      { severity: 'orange', active: false, ts: T0 + 40 * H + 55 * MIN }, // 24-h LS rate first < 9 mm/d (9.007 → 8.971) 10 h 55 min after the change
    ]);
    const raise = r.out.find((c) => c.rule === RULE)!;
    expect(raise.value).toBeCloseTo(12, 6);
    expect(raise.threshold).toBe(10);
    expect(raise.key).toBe('slope.rate|ent-a/s1/slope-1|disp');
  });

  it('≥ 5 mm/h over 1 h → red; 4.8 mm/h holds it (clear level 4.5); 4 mm/h clears it', () => {
    const r = rig({ packs: ['slope'] });
    // 6 mm/h for 2 h, 4.8 mm/h for 2 h, then 4 mm/h (the 24-h window is never covered: no orange)
    feed(r, 0, 6 * H, (t) => (t < 2 * H ? 6 : t < 4 * H ? 4.8 : 4));
    expect(brief(r.out)).toEqual([
      { severity: 'red', active: true, ts: T0 + 50 * MIN }, // 80 % of 1 h = 48 min → the 0:50 sample
      { severity: 'orange', active: false, ts: T0 + 4 * H + 25 * MIN }, // 1-h LS rate first < 4.5 (4.49) 25 min after the drop to 4 mm/h
    ]);
    expect(r.out.find((c) => c.rule === RULE)!.value).toBeCloseTo(6, 6);
  });

  it('a steady creep below both limits raises nothing', () => {
    const r = rig({ packs: ['slope'] });
    feed(r, 0, 30 * H, () => 9 / 24); // 9 mm/d, 0.375 mm/h
    expect(brief(r.out)).toEqual([]);
  });

  it('late readings are inserted at their own time: a back-filled start covers the 1-h window at once', () => {
    const r = rig({ packs: ['slope'] });
    const y = (t: number) => 100 + (6 * t) / H; // 6 mm/h
    for (let t = 30 * MIN; t <= 45 * MIN; t += STEP) r.read('slope-1', { disp: y(t) }, T0 + t);
    for (let t = 0; t < 30 * MIN; t += STEP) r.read('slope-1', { disp: y(t) }, T0 + t, T0 + 46 * MIN); // late
    expect(r.ev.stats().late).toBe(6);
    expect(brief(r.out)).toEqual([]);
    r.read('slope-1', { disp: y(50 * MIN) }, T0 + 50 * MIN);
    // appended (or dropped) instead, the window would first be covered at 1:20
    expect(brief(r.out)).toEqual([{ severity: 'red', active: true, ts: T0 + 50 * MIN }]);
  });

  // a level is judged only once its window is covered: a data gap holds an active level
  it('an uncovered window after a data gap does not clear an active red', () => {
    const r = rig({ packs: ['slope'] });
    const y = (t: number) => 100 + (6 * t) / H; // 6 mm/h throughout
    for (let t = 0; t <= 1 * H; t += STEP) r.read('slope-1', { disp: y(t) }, T0 + t);
    // the radar is silent 1:00–3:00, then resumes at the same 6 mm/h
    for (let t = 3 * H; t <= 4 * H; t += STEP) r.read('slope-1', { disp: y(t) }, T0 + t);
    expect(brief(r.out)).toEqual([{ severity: 'red', active: true, ts: T0 + 50 * MIN }]);
  });
});
