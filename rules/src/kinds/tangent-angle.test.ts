// DOMAIN.md §4 / rules/README.md `tangent-angle` (slope.tangent-angle): α = arctan(v / v0),
// v0 configured per point (override) or learned from the first 7 days; yellow ≥ 60° (clears
// below 52°), orange ≥ 80° (78°), red ≥ 85° (83°). Readings every 5 min (slope-1/-2 report at
// 300 s). A "session" is 4 h of noiseless linear displacement after more than 24 h of silence, so
// every window (up to 24 h) holds one constant rate and α is exact: the 4-h window is first covered (80 %)
// 3 h 15 min into the session, which is when the angle is judged.
import { describe, expect, it } from 'vitest';
import type { Condition } from '../types.ts';
import { H, MIN, rig, T0, testAssets, type TestRig } from '../../../test/helpers/rules.ts';

const DAY = 24 * H;
const STEP = 5 * MIN;
const JUDGED = 3 * H + 15 * MIN;
const RULE = 'slope.tangent-angle';

const assets = () =>
  testAssets({
    sites: [{ id: 's1', zones: [], devices: [{ id: 'slope-1', kind: 'slope', intervalSeconds: 300 }, { id: 'slope-2', kind: 'slope', intervalSeconds: 300 }] }],
  });
const brief = (out: Condition[]) => out.filter((c) => c.rule === RULE).map((c) => ({ device: c.subject.device, severity: c.severity, active: c.active, ts: c.ts }));
/** mm/d giving angle `deg` for v0 (mm/d) */
const rateFor = (deg: number, v0: number) => v0 * Math.tan((deg * Math.PI) / 180);

/** readings every 5 min from start to start + hours (inclusive) at `mmPerDay`, continuing from y0; returns the last value */
function session(r: TestRig, devices: string[], start: number, hours: number, mmPerDay: number, y0: number): number {
  let y = y0;
  for (let t = 0; t <= hours * H; t += STEP) {
    y = y0 + (mmPerDay * t) / DAY;
    for (const d of devices) r.read(d, { disp: y }, start + t);
  }
  return y;
}

describe('tangent-angle (slope.tangent-angle) [DOMAIN.md §4]', () => {
  it('configured v0 (device override): 45° is no alarm; yellow ≥ 60°, orange ≥ 80°, red ≥ 85°, with 52° / 78° / 83° hysteresis', () => {
    const v0 = 2;
    const r = rig({ packs: ['slope'], overrides: [{ rule: RULE, device: 'slope-1', params: { v0 } }] }, assets());
    // one 4-h session every other day at 08:00 (44 h of silence between: no window mixes two
    // sessions); the angle of session k:
    const angles = [45, 62, 55, 81, 79, 86, 84, 82, 50];
    const at = (k: number) => T0 + 2 * k * DAY;
    let y = 0;
    angles.forEach((deg, k) => (y = session(r, ['slope-1'], at(k), 4, rateFor(deg, v0), y)));
    expect(brief(r.out)).toEqual([
      { device: 'slope-1', severity: 'yellow', active: true, ts: at(1) + JUDGED }, // 62°
      // session 2, 55°: above the yellow clear level 52° → stays yellow, no condition
      { device: 'slope-1', severity: 'orange', active: true, ts: at(3) + JUDGED }, // 81°
      // session 4, 79°: above 78° → stays orange
      { device: 'slope-1', severity: 'red', active: true, ts: at(5) + JUDGED }, // 86°
      // session 6, 84°: above 83° → stays red
      { device: 'slope-1', severity: 'orange', active: true, ts: at(7) + JUDGED }, // 82° < 83° → down to orange
      { device: 'slope-1', severity: 'yellow', active: false, ts: at(8) + JUDGED }, // 50° < 52° → clear
    ]);
    const red = r.out.find((c) => c.rule === RULE && c.severity === 'red')!;
    expect(red.value).toBeCloseTo(86, 6);
    expect(red.threshold).toBe(85);
    expect(red.key).toBe('slope.tangent-angle|ent-a/s1/slope-1|disp');
  });

  it('v0 learned from the first 7 days vs configured per point: the same creep is 45° on the learning point and 63° on a point configured with v0 = 0.5 mm/d', () => {
    const r = rig({ packs: ['slope'], overrides: [{ rule: RULE, device: 'slope-2', params: { v0: 0.5 } }] }, assets());
    // both points creep at 1 mm/d for 7 days (readings every 5 min, T0 .. T0 + 7 d)
    const y = session(r, ['slope-1', 'slope-2'], T0, 7 * 24, 1, 0);
    expect(brief(r.out)).toEqual([{ device: 'slope-2', severity: 'yellow', active: true, ts: T0 + JUDGED }]); // atan(1 / 0.5) = 63.4°
    // silent 2 days, then 3 mm/d: slope-1 (learned v0 = 1) 71.6° yellow; slope-2 (v0 = 0.5) 80.5° orange
    session(r, ['slope-1', 'slope-2'], T0 + 9 * DAY, 4, 3, y);
    expect(brief(r.out)).toEqual([
      { device: 'slope-2', severity: 'yellow', active: true, ts: T0 + JUDGED },
      { device: 'slope-1', severity: 'yellow', active: true, ts: T0 + 9 * DAY + JUDGED },
      { device: 'slope-2', severity: 'orange', active: true, ts: T0 + 9 * DAY + JUDGED },
    ]);
    const learned = r.out.find((c) => c.rule === RULE && c.subject.device === 'slope-1')!;
    expect(learned.evidence?.v0).toBeCloseTo(1, 6);
    expect(learned.value).toBeCloseTo((Math.atan(3) * 180) / Math.PI, 6);
  });

  it('late readings are inserted at their own time: a back-filled first half of the window lets the angle be judged at once', () => {
    const v0 = 2;
    const r = rig({ packs: ['slope'], overrides: [{ rule: RULE, device: 'slope-1', params: { v0 } }] }, assets());
    const v = rateFor(62, v0);
    const disp = (t: number) => (v * t) / DAY; // t from T0 (08:00)
    // live from 10:00 to 12:05: the 4-h window is not covered (first sample 10:00)
    for (let t = 2 * H; t <= 4 * H + 5 * MIN; t += STEP) r.read('slope-1', { disp: disp(t) }, T0 + t);
    expect(brief(r.out)).toEqual([]);
    // 08:00 .. 09:55 arrive afterwards (buffered by the edge box): late, inserted, not judged themselves
    for (let t = 0; t < 2 * H; t += STEP) r.read('slope-1', { disp: disp(t) }, T0 + t, T0 + 4 * H + 6 * MIN);
    expect(brief(r.out)).toEqual([]);
    expect(r.ev.stats().late).toBe(24);
    // the next live reading (12:10) is judged on the full 08:10–12:10 window
    r.read('slope-1', { disp: disp(4 * H + 10 * MIN) }, T0 + 4 * H + 10 * MIN);
    expect(brief(r.out)).toEqual([{ device: 'slope-1', severity: 'yellow', active: true, ts: T0 + 4 * H + 10 * MIN }]);
  });

  it('restart mid-learning and mid-window (exportState / importState) keeps the learning sums, the learned v0 and the window', () => {
    const disp = (t: number) => (t <= 7 * DAY ? t / DAY : 7 + (3 * (t - 9 * DAY)) / DAY); // 1 mm/d for 7 days; 3 mm/d from day 9
    const feed = (r: TestRig, from: number, to: number) => {
      for (let t = from; t <= to; t += STEP) r.read('slope-1', { disp: disp(t) }, T0 + t);
    };
    const restart = (r: TestRig) => {
      const next = rig({ packs: ['slope'] }, assets());
      next.ev.importState(JSON.parse(JSON.stringify(r.ev.exportState())));
      return next;
    };
    const a = rig({ packs: ['slope'] }, assets());
    feed(a, 0, 4 * DAY); // learning, day 0–4
    const b = restart(a);
    feed(b, 4 * DAY + STEP, 7 * DAY); // learning completes at T0 + 7 d (v0 = 1 mm/d)
    feed(b, 9 * DAY, 9 * DAY + 2 * H); // 3 mm/d session, first 2 h
    const c = restart(b);
    feed(c, 9 * DAY + 2 * H + STEP, 9 * DAY + 4 * H);
    expect([...a.out, ...b.out].filter((x) => x.rule === RULE)).toEqual([]);
    expect(brief(c.out)).toEqual([{ device: 'slope-1', severity: 'yellow', active: true, ts: T0 + 9 * DAY + JUDGED }]); // atan(3 / 1) = 71.6°
    expect(c.out[0].evidence?.v0).toBeCloseTo(1, 6);
  });
});
