// DOMAIN.md §6 (明停暗开) / rules/README.md `power-while-stopped` (power.secret-operation):
// declared stopped or rectifying and the main meter's kw above idle + 30 % × (production − idle)
// (300 + 0.3 × 1700 = 810 kW) for 30 min → orange; above 60 % (1320 kW) for 30 min, or night
// peaks (22:00–06:00 load > 2 × the daytime mean of the same stopped period) → red; clears after
// 30 min below. Subject = the enterprise, one key per meter.
import { describe, expect, it } from 'vitest';
import type { Condition } from '../types.ts';
import { H, MIN, rig, T0, testAssets, type TestRig } from '../../../test/helpers/rules.ts';

const RULE = 'power.secret-operation';
const assets = () => testAssets({ sites: [{ id: 's1', zones: [], devices: [{ id: 'meter-1', kind: 'power', intervalSeconds: 60 }] }] });
const brief = (out: Condition[]) => out.filter((c) => c.rule === RULE).map((c) => ({ rule: c.rule, severity: c.severity, active: c.active, ts: c.ts }));
/** kw every `step` over [from, to) ms after T0 (08:00 local) */
function kw(r: TestRig, from: number, to: number, value: number, step = MIN): void {
  for (let t = from; t < to; t += step) r.read('meter-1', { kw: value }, T0 + t);
}

// DOMAIN.md §6: above 60 % for 30 min, *or* night peaks → red (either alone suffices).
describe('power-while-stopped (power.secret-operation) [DOMAIN.md §6]', () => {
  it('declared stopped: > 30 % for 30 min → orange, 30 min below clears; 20 min is too short; producing never raises', () => {
    const r = rig({ packs: ['power'] }, assets());
    r.ev.declare('ent-a', 'stopped', T0);
    kw(r, -1 * H, 0, 1800); // producing until T0
    kw(r, 0, 1 * H, 400);
    kw(r, 1 * H, 2 * H, 1000); // 41 %
    kw(r, 2 * H, 3 * H, 400);
    kw(r, 3 * H, 3 * H + 20 * MIN, 1000); // 20 min only
    kw(r, 3 * H + 20 * MIN, 4 * H, 400);
    expect(brief(r.out)).toEqual([
      { rule: RULE, severity: 'orange', active: true, ts: T0 + 1 * H + 30 * MIN },
      { rule: RULE, severity: 'orange', active: false, ts: T0 + 2 * H + 30 * MIN },
    ]);
    expect(r.out.find((c) => c.rule === RULE)).toMatchObject({ key: 'power.secret-operation|ent-a|s1/meter-1', subject: { enterprise: 'ent-a' }, value: 1000, threshold: 810 });
    // the enterprise-level alarm names the meter whose readings are its evidence (regulator console)
    expect(r.out.find((c) => c.rule === RULE)!.evidence).toMatchObject({ series: [{ site: 's1', device: 'meter-1', metric: 'kw', threshold: true }] });
  });

  it('rectifying counts (rule statuses [stopped, rectifying]); declaring producing again clears after the off-delay', () => {
    const r = rig({ packs: ['power'] }, assets());
    r.ev.declare('ent-a', 'rectifying', T0);
    r.ev.declare('ent-a', 'producing', T0 + 1 * H);
    kw(r, 0, 2 * H, 1000);
    expect(brief(r.out)).toEqual([
      { rule: RULE, severity: 'orange', active: true, ts: T0 + 30 * MIN },
      { rule: RULE, severity: 'orange', active: false, ts: T0 + 1 * H + 30 * MIN },
    ]);
  });

  it('> 60 % for 30 min → red (upgrading an orange); 30 min below clears', () => {
    const r = rig({ packs: ['power'] }, assets());
    r.ev.declare('ent-a', 'stopped', T0);
    kw(r, 0, 1 * H, 1000); // 41 %
    kw(r, 1 * H, 2 * H, 1500); // 71 %
    kw(r, 2 * H, 3 * H, 400);
    expect(brief(r.out)).toEqual([
      { rule: RULE, severity: 'orange', active: true, ts: T0 + 30 * MIN },
      { rule: RULE, severity: 'red', active: true, ts: T0 + 1 * H + 30 * MIN },
      { rule: RULE, severity: 'orange', active: false, ts: T0 + 2 * H + 30 * MIN },
    ]);
  });

  it('rectifying and > 60 % for 30 min → red directly', () => {
    const r = rig({ packs: ['power'] }, assets());
    r.ev.declare('ent-a', 'rectifying', T0);
    kw(r, 0, 1 * H, 1500);
    expect(brief(r.out)).toEqual([{ rule: RULE, severity: 'red', active: true, ts: T0 + 30 * MIN }]);
  });

  it('night peak: 22:00–06:00 load > 2 × the daytime mean (400 kW) for 30 min → red, although below 30 %', () => {
    const r = rig({ packs: ['power'] }, assets());
    r.ev.declare('ent-a', 'stopped', T0);
    kw(r, 0, 14 * H, 400, 10 * MIN); // 08:00–21:50: 84 daytime samples, mean 400
    kw(r, 14 * H, 15 * H, 805, 10 * MIN); // 22:00–22:50: > 800, but 29.7 % (< 810 kW)
    kw(r, 15 * H, 16 * H, 400, 10 * MIN);
    expect(brief(r.out)).toEqual([
      { rule: RULE, severity: 'red', active: true, ts: T0 + 14 * H + 30 * MIN },
      { rule: RULE, severity: 'orange', active: false, ts: T0 + 15 * H + 30 * MIN },
    ]);
  });

  it('night load of at most 2 × the daytime mean raises nothing', () => {
    const r = rig({ packs: ['power'] }, assets());
    r.ev.declare('ent-a', 'stopped', T0);
    kw(r, 0, 14 * H, 400, 10 * MIN);
    kw(r, 14 * H, 16 * H, 790, 10 * MIN);
    expect(brief(r.out)).toEqual([]);
  });
});
