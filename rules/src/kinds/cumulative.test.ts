// DOMAIN.md §5 / rules/README.md `cumulative` (belt.over-capacity-day / -month): day's tonnage
// > tonnesPerDay × 1.1 (3000 × 1.1 = 3300 t) → orange; month's tonnage > tonnesPerMonth
// (80000 t) → red with a major hazard report. Increments of total_t are summed, a drop to ~0 is
// a reset (counted from 0), late readings add nothing, and the condition clears at the end of
// the local (Asia/Shanghai) day or month, in event time.
import { describe, expect, it } from 'vitest';
import type { Condition } from '../types.ts';
import { H, MIN, rig } from '../../../test/helpers/rules.ts';

const brief = (out: Condition[], rule: string) => out.filter((c) => c.rule === rule).map((c) => ({ rule: c.rule, severity: c.severity, active: c.active, ts: c.ts }));
const local = (s: string) => Date.parse(`${s}+08:00`);

describe('cumulative (belt.over-capacity-day) [DOMAIN.md §5]', () => {
  it('day total > 3300 t → orange: summed across a counter reset, = 3300 is not over, late readings ignored, +5 % peak, cleared at local midnight', () => {
    const r = rig({ packs: ['belt'] });
    const D = local('2026-11-02T00:00:00'); // local midnight (2026-11-01T16:00Z); UTC midnight is 08:00 local, no boundary
    r.read('belt-1', { total_t: 5000 }, D); // baseline
    r.read('belt-1', { total_t: 6500 }, D + 4 * H); // +1500 → 1500
    r.read('belt-1', { total_t: 100 }, D + 5 * H); // reset (≤ 5 % of 6500): +100 → 1600
    r.read('belt-1', { total_t: 1800 }, D + 9 * H); // +1700 → 3300: not > 3300
    r.read('belt-1', { total_t: 1750 }, D + 8 * H + 30 * MIN); // late: ignored
    expect(r.ev.stats().late).toBe(1);
    expect(brief(r.out, 'belt.over-capacity-day')).toEqual([]);
    r.read('belt-1', { total_t: 1900 }, D + 10 * H); // +100 → 3400 > 3300
    r.read('belt-1', { total_t: 2000 }, D + 11 * H); // 3500: < 3400 + 5 % × 3300 (3565), no condition
    r.read('belt-1', { total_t: 2100 }, D + 12 * H); // 3600 ≥ 3565: new peak
    r.read('belt-1', { total_t: 2100 }, D + 23 * H);
    r.ev.tick(D + 24 * H + 1); // the next local midnight (2026-11-02T16:00Z)
    r.read('belt-1', { total_t: 2400 }, D + 25 * H); // new day: 300
    expect(brief(r.out, 'belt.over-capacity-day')).toEqual([
      { rule: 'belt.over-capacity-day', severity: 'orange', active: true, ts: D + 10 * H },
      { rule: 'belt.over-capacity-day', severity: 'orange', active: true, ts: D + 12 * H },
      { rule: 'belt.over-capacity-day', severity: 'orange', active: false, ts: D + 24 * H },
    ]);
    const [raise, peak] = r.out.filter((c) => c.rule === 'belt.over-capacity-day');
    expect(raise).toMatchObject({ value: 3400, key: 'belt.over-capacity-day|ent-a/s1/belt-1', subject: { device: 'belt-1' } });
    expect(raise.threshold).toBeCloseTo(3300, 6); // 3000 × 1.1 in floating point
    expect(raise.hazard).toBeUndefined();
    expect(peak.value).toBe(3600);
    expect(brief(r.out, 'belt.over-capacity-month')).toEqual([]);
  });

  it("gauges: the day's running tonnage the console shows is the rule's own total, with its limit and local-day period", () => {
    const r = rig({ packs: ['belt'] });
    const D = local('2026-11-02T00:00:00');
    expect(r.ev.gauges('belt.over-capacity-day')).toEqual([]);
    r.read('belt-1', { total_t: 5000 }, D + 1 * H);
    r.read('belt-1', { total_t: 6500 }, D + 4 * H);
    r.read('belt-1', { total_t: 100 }, D + 5 * H); // reset: +100
    const [g] = r.ev.gauges('belt.over-capacity-day');
    expect(g).toMatchObject({ rule: 'belt.over-capacity-day', subject: { device: 'belt-1' }, value: 1600, unit: 't', periodStart: D, periodEnd: D + 24 * H });
    expect(g.limit).toBeCloseTo(3300, 6);
    expect(r.ev.gauges('belt.over-capacity-month')[0]).toMatchObject({ value: 1600, limit: 80000 });
    expect(r.ev.gauges('gas.lel')).toEqual([]);
  });
});

describe('cumulative (belt.over-capacity-month) [DOMAIN.md §5]', () => {
  it('month total > 80000 t → red with a major hazard, summed across a counter reset; cleared at the local month end', () => {
    const r = rig({ packs: ['belt'] });
    r.read('belt-1', { total_t: 0 }, local('2026-11-01T00:00:00'));
    // 2700 t every day (under the 3300 t day limit); the counter is replaced on the 15th
    let offset = 0;
    for (let day = 1; day <= 30; day++) {
      const dd = String(day).padStart(2, '0');
      r.read('belt-1', { total_t: offset + 2700 * day }, local(`2026-11-${dd}T20:00:00`));
      if (day === 15) {
        r.read('belt-1', { total_t: 0.5 }, local('2026-11-15T21:00:00')); // reset: +0.5
        offset = 0.5 - 2700 * 15;
      }
    }
    // 29 × 2700 + 0.5 = 78300.5 on the 29th; 81000.5 on the 30th
    r.ev.tick(local('2026-12-01T00:00:00') + 1); // = 2026-11-30T16:00Z
    r.read('belt-1', { total_t: offset + 2700 * 30 + 3000 }, local('2026-12-01T02:00:00')); // December (still November in UTC)
    expect(brief(r.out, 'belt.over-capacity-month')).toEqual([
      { rule: 'belt.over-capacity-month', severity: 'red', active: true, ts: local('2026-11-30T20:00:00') },
      { rule: 'belt.over-capacity-month', severity: 'red', active: false, ts: local('2026-12-01T00:00:00') },
    ]);
    const raise = r.out.find((c) => c.rule === 'belt.over-capacity-month')!;
    expect(raise).toMatchObject({ hazard: 'major', threshold: 80000, key: 'belt.over-capacity-month|ent-a/s1/belt-1' });
    expect(raise.value).toBeCloseTo(81000.5, 6);
    expect(brief(r.out, 'belt.over-capacity-day')).toEqual([]);
  });
});
