// DOMAIN.md §1: two-level gas thresholds with deadband (10 %) and off-delay (10 s), driven in
// event time with a manual clock; late readings never move edge-triggered state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rig, S, T0 } from '../../../test/helpers/rules.ts';

describe('threshold (gas.lel) [DOMAIN.md §1]', () => {
  it('raises yellow then red, reports a new peak, downgrades and clears only after the deadband and the 10 s off-delay', () => {
    const r = rig({ packs: ['gas'] });
    r.read('gas-01', { lel: 5 }, T0);
    r.read('gas-01', { lel: 22 }, T0 + 5 * S);
    expect(r.out.map((c) => [c.severity, c.active, c.ts])).toEqual([['yellow', true, T0 + 5 * S]]);
    expect(r.out[0].message.zh).toBe('可燃气体浓度 22.0 %LEL ≥ 一级报警 20 %LEL');
    expect(r.out[0].key).toBe('gas.lel|ent-a/s1/gas-01|lel');
    r.read('gas-01', { lel: 52 }, T0 + 10 * S);
    expect(r.out[1]).toMatchObject({ severity: 'red', value: 52, threshold: 40 });
    expect(r.out[1].message.zh).toBe('可燃气体浓度 52.0 %LEL ≥ 二级报警 40 %LEL');
    r.read('gas-01', { lel: 55.1 }, T0 + 15 * S); // new peak (≥ 5 % of 40 above 52)
    r.read('gas-01', { lel: 53 }, T0 + 20 * S); // no peak, no condition
    expect(r.out.length).toBe(3);
    // 37 is below 40 but inside the deadband (clear below 36): stays red
    r.read('gas-01', { lel: 37 }, T0 + 25 * S);
    r.read('gas-01', { lel: 37 }, T0 + 60 * S);
    expect(r.out.length).toBe(3);
    // 30: below red's clear level, yellow holds; downgrade after the 10 s off-delay
    r.read('gas-01', { lel: 30 }, T0 + 65 * S);
    r.read('gas-01', { lel: 30 }, T0 + 70 * S);
    expect(r.out.length).toBe(3);
    r.read('gas-01', { lel: 30 }, T0 + 75 * S);
    expect(r.out[3]).toMatchObject({ severity: 'yellow', active: true, ts: T0 + 75 * S });
    r.read('gas-01', { lel: 3 }, T0 + 80 * S);
    expect(r.out.length).toBe(4);
    // no more readings: the off-delay completes on tick in event time
    r.ev.tick(T0 + 85 * S);
    expect(r.out.length).toBe(4);
    r.ev.tick(T0 + 90 * S);
    expect(r.out[4]).toMatchObject({ active: false, ts: T0 + 90 * S });
  });

  it('o2: below 19.5 yellow, below 18 red, above 23.5 yellow; the 0.5 %vol deadband lets it clear in normal air', () => {
    const r = rig({ packs: ['gas'] });
    r.read('gas-01', { o2: 20.9 }, T0);
    r.read('gas-01', { o2: 19.2 }, T0 + 5 * S);
    r.read('gas-01', { o2: 17.5 }, T0 + 10 * S);
    r.read('gas-01', { o2: 20.9 }, T0 + 15 * S);
    r.read('gas-01', { o2: 20.9 }, T0 + 25 * S);
    r.read('gas-01', { o2: 24 }, T0 + 30 * S);
    expect(r.out.map((c) => [c.active, c.severity])).toEqual([[true, 'yellow'], [true, 'red'], [false, 'yellow'], [true, 'yellow']]);
    expect(r.out[1].message.zh).toBe('氧气浓度 17.5 %vol < 严重缺氧 18 %vol');
  });

  it('on-delay from an override: raises only after the value held for the delay, at delay end (event time)', () => {
    const r = rig({ packs: ['gas'], overrides: [{ rule: 'gas.co', device: 'gas-01', params: { onDelaySeconds: 30 } }] });
    r.read('gas-01', { co: 20 }, T0);
    r.read('gas-01', { co: 20 }, T0 + 20 * S);
    expect(r.out).toEqual([]);
    r.read('gas-01', { co: 20 }, T0 + 40 * S);
    expect(r.out[0]).toMatchObject({ severity: 'yellow', ts: T0 + 30 * S });
    // gas-02 keeps the pack default (no on-delay)
    r.read('gas-02', { co: 20 }, T0);
    expect(r.out[1]).toMatchObject({ subject: { device: 'gas-02' }, ts: T0 });
  });

  it('late readings neither raise nor clear, and are counted', () => {
    const r = rig({ packs: ['gas'] });
    r.read('gas-01', { lel: 1 }, T0 + 10 * S);
    r.read('gas-01', { lel: 60 }, T0 + 5 * S); // late: older than the last processed
    expect(r.out).toEqual([]);
    r.read('gas-01', { lel: 45 }, T0 + 15 * S);
    r.read('gas-01', { lel: 1 }, T0 + 12 * S); // late low value: no clear
    r.ev.tick(T0 + 60 * S);
    expect(r.out.map((c) => c.active)).toEqual([true]);
    expect(r.ev.stats().late).toBe(2);
  });

  it('a tick uses the event clock: a replay from 2026-11-02 arriving on 2026-11-22 runs delays in event time', () => {
    const r = rig({ packs: ['gas'] });
    const wall = Date.parse('2026-11-22T08:00:00+08:00');
    r.read('gas-01', { lel: 45 }, T0, wall);
    r.read('gas-01', { lel: 1 }, T0 + 5 * S, wall + 1);
    r.ev.tick(wall + 1 + 9 * S);
    expect(r.out.length).toBe(1);
    r.ev.tick(wall + 1 + 10 * S);
    expect(r.out[1]).toMatchObject({ active: false, ts: T0 + 15 * S });
  });

  it('property: no reading sequence raises more often than on-delay + off-delay allow', () => {
    const on = 20 * S;
    const off = 10 * S;
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 0, max: 30_000 }), v: fc.double({ min: 0, max: 80, noNaN: true }), late: fc.boolean() }), { maxLength: 200 }), (xs) => {
        const r = rig({ packs: ['gas'], overrides: [{ rule: 'gas.lel', params: { onDelaySeconds: on / 1000, offDelaySeconds: off / 1000 } }] });
        let t = T0;
        for (const x of xs) {
          t += x.dt;
          r.read('gas-01', { lel: x.v }, x.late ? t - 60 * S : t);
          if (x.dt > 20_000) r.ev.tick(t);
        }
        // activations: an active condition right after a clear (or the first one)
        const firsts = r.out.filter((c, i) => c.active && (i === 0 || !r.out[i - 1].active));
        for (let i = 1; i < firsts.length; i++) expect(firsts[i].ts - firsts[i - 1].ts).toBeGreaterThanOrEqual(on + off);
        // a clear only ever follows an active condition (no double clears)
        for (let i = 1; i < r.out.length; i++) if (!r.out[i].active) expect(r.out[i - 1].active).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
