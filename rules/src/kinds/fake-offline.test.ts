// DOMAIN.md §6 (虚假离线) / rules/README.md `fake-offline` (power.fake-offline): at least half
// of the monitoring devices (gas, positioning) silent for 5 × their interval while the main meter
// shows production-level load (≥ 60 %: 300 + 0.6 × 1700 = 1320 kW) → red after 10 min; clears
// 10 min after they report again. gas-01/-02 report every 5 s, uwb-1 every 10 s, the meter every
// minute; the rule is stepped by the meter's readings (no tick).
import { describe, expect, it } from 'vitest';
import type { Condition } from '../types.ts';
import { MIN, rig, S, T0, testAssets, type TestRig } from '../../../test/helpers/rules.ts';

const RULE = 'power.fake-offline';
const assets = () =>
  testAssets({
    sites: [{
      id: 's1', zones: [{ id: 'z1', maxPersons: 5, highRisk: false, restricted: false }],
      devices: [
        { id: 'gas-01', kind: 'gas', zone: 'z1', intervalSeconds: 5 },
        { id: 'gas-02', kind: 'gas', zone: 'z1', intervalSeconds: 5 },
        { id: 'uwb-1', kind: 'positioning', intervalSeconds: 10 },
        { id: 'meter-1', kind: 'power', intervalSeconds: 60 },
      ],
    }],
  });
const brief = (out: Condition[]) => out.filter((c) => c.rule === RULE).map((c) => ({ rule: c.rule, severity: c.severity, active: c.active, ts: c.ts }));

/** minutes [from, to): monitoring devices report when `online(min)`; the meter reads `kw` each minute */
function run(r: TestRig, from: number, to: number, kw: number, online: (ts: number) => string[]): void {
  for (let t = from * MIN; t < to * MIN; t += 5 * S) {
    const on = online(t);
    for (const g of ['gas-01', 'gas-02']) if (on.includes(g)) r.read(g, { lel: 1 }, T0 + t);
    if (on.includes('uwb-1') && t % (10 * S) === 0) r.ev.ingest({ type: 'position', transport: 'mqtt', enterprise: 'ent-a', site: 's1', device: 'uwb-1', ts: T0 + t, tags: [] }, T0 + t);
    if (t % MIN === 0) r.read('meter-1', { kw }, T0 + t);
  }
}
const ALL = ['gas-01', 'gas-02', 'uwb-1'];

describe('fake-offline (power.fake-offline) [DOMAIN.md §6]', () => {
  it('monitoring silent while the meter shows production load → red after 10 min; clears 10 min after they are back', () => {
    const r = rig({ packs: ['power'] }, assets());
    run(r, 0, 45, 1500, (t) => (t <= 10 * MIN || t >= 30 * MIN ? ALL : [])); // silent 10:05–29:55
    expect(brief(r.out)).toEqual([
      { rule: RULE, severity: 'red', active: true, ts: T0 + 21 * MIN }, // first seen offline at the 11:00 meter reading
      { rule: RULE, severity: 'red', active: false, ts: T0 + 40 * MIN },
    ]);
    expect(r.out.find((c) => c.rule === RULE)).toMatchObject({ key: 'power.fake-offline|ent-a|s1/meter-1', subject: { enterprise: 'ent-a' }, value: 1500, threshold: 1320, evidence: { offline: ALL, monitoring: 3, series: [{ site: 's1', device: 'meter-1', metric: 'kw', threshold: true }] } });
  });

  it('not raised while the meter is idle (400 kW) or below production level (1000 kW, 41 %)', () => {
    for (const kw of [400, 1000]) {
      const r = rig({ packs: ['power'] }, assets());
      run(r, 0, 60, kw, (t) => (t <= 10 * MIN ? ALL : []));
      expect(brief(r.out)).toEqual([]);
    }
  });

  it('not raised when fewer than half of the monitoring devices are silent (1 of 3)', () => {
    const r = rig({ packs: ['power'] }, assets());
    run(r, 0, 60, 1500, (t) => (t <= 10 * MIN ? ALL : ['gas-01', 'gas-02']));
    expect(brief(r.out)).toEqual([]);
  });
});
