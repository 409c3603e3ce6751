// DOMAIN.md §6 data integrity and §5 cumulative output: a counter reset vs a counter running
// backwards, day totals across resets, flat lines, and replays vs flat lines.
import { describe, expect, it } from 'vitest';
import { H, MIN, rig, S, T0 } from '../../../test/helpers/rules.ts';

describe('counters [DOMAIN.md §5, §6]', () => {
  it('a drop to ~0 is a reset (no alarm, increments summed across it); a drop to 57 % is counter-backwards', () => {
    const r = rig({ packs: ['belt', 'data'], overrides: [{ rule: 'belt.over-capacity-day', params: { capacity: undefined, value: 250, factor: 1 } }] });
    const t = (m: number) => T0 + m * MIN;
    r.read('belt-1', { total_t: 100 }, t(0));
    r.read('belt-1', { total_t: 200 }, t(1)); // +100
    r.read('belt-1', { total_t: 0.5 }, t(2)); // reset: +0.5
    r.read('belt-1', { total_t: 100.5 }, t(3)); // +100 → 200.5 today
    expect(r.raises()).toEqual([]);
    r.read('belt-1', { total_t: 60 }, t(4)); // backwards, not a reset: adds nothing
    expect(r.raises().map((c) => c.rule)).toEqual(['data.counter-backwards']);
    expect(r.raises()[0]).toMatchObject({ severity: 'yellow', value: 60, threshold: 100.5 });
    r.read('belt-1', { total_t: 110 }, t(5)); // +50 → 250.5 > 250
    expect(r.raises().map((c) => c.rule)).toEqual(['data.counter-backwards', 'belt.over-capacity-day']);
    expect(r.raises()[1].value).toBeCloseTo(250.5, 6);
  });

  it('late counter readings add nothing and are counted; the day total clears at local midnight (event time)', () => {
    const r = rig({ packs: ['belt'], overrides: [{ rule: 'belt.over-capacity-day', params: { value: 10, capacity: undefined, factor: 1 } }] });
    const midnight = Date.parse('2026-11-03T00:00:00+08:00');
    r.read('belt-1', { total_t: 0 }, midnight - 2 * H);
    r.read('belt-1', { total_t: 20 }, midnight - H);
    r.read('belt-1', { total_t: 5 }, midnight - 1.5 * H); // late
    expect(r.ev.stats().late).toBe(1);
    expect(r.raises().length).toBe(1);
    r.ev.tick(midnight + 1);
    expect(r.out.at(-1)).toMatchObject({ active: false, ts: midnight });
  });

  it('integrates tph when a belt reports no counter', () => {
    const r = rig({ packs: ['belt'], overrides: [{ rule: 'belt.over-capacity-day', params: { value: 100, capacity: undefined, factor: 1 } }] });
    for (let m = 0; m <= 60; m++) r.read('belt-1', { tph: 120 }, T0 + m * MIN); // 120 t in 1 h
    const raise = r.raises('belt.over-capacity-day')[0];
    expect(raise.ts).toBe(T0 + 51 * MIN); // 51 min × 2 t/min = 102 t > 100
  });
});

describe('flatline and replay [DOMAIN.md §6]', () => {
  it('a value unchanged for 6 h is a flat line (raised at since + 6 h), cleared on change; a flat line is not a replay', () => {
    const r = rig({ packs: ['data'] });
    for (let t = 0; t <= 7 * H; t += 30 * S) r.read('gas-01', { h2s: 0.2 }, T0 + t);
    expect(r.raises().map((c) => [c.rule, c.ts])).toEqual([['data.flatline', T0 + 6 * H]]);
    r.read('gas-01', { h2s: 0.3 }, T0 + 7 * H + 30 * S);
    expect(r.out.at(-1)).toMatchObject({ rule: 'data.flatline', active: false });
  });

  it('an exact replay of ≥ 10 whole samples is detected; fresh noise is not', () => {
    const r = rig({ packs: ['data'] });
    const src: Record<string, number>[] = [];
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    let t = T0;
    for (let i = 0; i < 200; i++, t += 5 * S) {
      const v = { lel: Math.round(rnd() * 100) / 10, co: Math.round(rnd() * 50) / 10 };
      src.push(v);
      r.read('gas-01', v, t);
    }
    expect(r.raises('data.replay')).toEqual([]);
    for (let i = 50; i < 90; i++, t += 5 * S) r.read('gas-01', src[i], t);
    const raise = r.raises('data.replay');
    expect(raise.length).toBe(1);
    expect(raise[0].evidence?.offsetSamples).toBe(150);
  });

  it('a replay of samples sent after 2^31 ms (24.9 days) of continuous data is found, with its source time to the millisecond', () => {
    // the time ring holds int32 milliseconds after a base, rebased before they overflow
    const r = rig({ packs: ['data'] });
    let seed = 11;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const fresh = () => ({ lel: Math.round(rnd() * 1000) / 10, co: Math.round(rnd() * 500) / 10 });
    let t = T0;
    for (; t < T0 + 2 ** 31 + H; t += 5 * MIN) r.read('gas-01', fresh(), t);
    const src: { v: Record<string, number>; t: number }[] = [];
    for (let i = 0; i < 40; i++, t += 5 * MIN) {
      const v = fresh();
      src.push({ v, t });
      r.read('gas-01', v, t);
    }
    expect(src[0].t - T0).toBeGreaterThan(2 ** 31);
    expect(r.raises('data.replay')).toEqual([]);
    for (let i = 5; i < 21; i++, t += 5 * MIN) r.read('gas-01', src[i].v, t);
    const raise = r.raises('data.replay');
    expect(raise.length).toBe(1);
    expect(raise[0].evidence?.offsetSamples).toBe(35);
    const at = src.findIndex((x) => x.t === raise[0].evidence?.sourceTs);
    // the source of the sample that completed the run: one of the replayed ones, to the millisecond
    expect(at).toBeGreaterThanOrEqual(5);
    expect(at).toBeLessThan(21);
  });
});
