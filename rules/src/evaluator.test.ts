// Engine-level behaviour: event clocks and status frames, offline detection, occupancy, rule
// validation with paths, state export/import mid-window, escalation.
import { describe, expect, it } from 'vitest';
import { validateRules } from './compile.ts';
import { escalate, TAILINGS_ESCALATION } from './escalation.ts';
import { LocalCalendar } from './local-calendar.ts';
import { H, MIN, rig, S, T0, testAssets } from '../../test/helpers/rules.ts';

const pos = (ts: number, tags: [string, string | null][]) => ({ type: 'position' as const, transport: 'mqtt' as const, enterprise: 'ent-a', site: 's1', device: 'uwb-1', ts, tags: tags.map(([tag, zone]) => ({ tag, zone })) });

describe('event clock and device.offline [DOMAIN.md §2]', () => {
  it('status frames never advance the clock; silence of 5 × interval raises offline, data clears it', () => {
    const r = rig({ packs: ['data'] });
    const wall = Date.parse('2026-11-22T08:00:00+08:00');
    r.read('gas-01', { lel: 1 }, T0, wall);
    r.ev.ingest({ type: 'status', transport: 'mqtt', enterprise: 'ent-a', site: 's1', device: 'gas-02', ts: wall, online: true }, wall);
    expect(r.ev.clock('ent-a', wall)).toBe(T0);
    r.ev.tick(wall + 24 * S);
    expect(r.raises('device.offline')).toEqual([]);
    r.ev.tick(wall + 25 * S); // 5 × 5 s
    const off = r.raises('device.offline').map((c) => [c.subject.device, c.ts]);
    expect(off).toContainEqual(['gas-01', T0 + 25 * S]);
    r.read('gas-01', { lel: 1 }, T0 + 40 * S, wall + 40 * S);
    expect(r.out.filter((c) => !c.active && c.subject.device === 'gas-01')[0].ts).toBe(T0 + 40 * S);
  });

  it('an explicit offline status raises at the enterprise event clock', () => {
    const r = rig({ packs: ['data'] });
    r.read('gas-01', { lel: 1 }, T0, T0);
    r.ev.ingest({ type: 'status', transport: 'mqtt', enterprise: 'ent-a', site: 's1', device: 'gas-01', ts: T0 + 9e9, online: false }, T0 + 2 * S);
    r.ev.tick(T0 + 3 * S);
    expect(r.raises('device.offline').find((c) => c.subject.device === 'gas-01')?.ts).toBe(T0 + 2 * S);
  });
});

describe('occupancy [DOMAIN.md §3]', () => {
  it('over maxPersons → orange after 60 s, red after 10 min; restricted zone; tags expire after 60 s', () => {
    const r = rig({ packs: ['personnel'] });
    const three: [string, string | null][] = [['P1', 'z1'], ['P2', 'z1'], ['P3', 'z1']];
    for (let t = 0; t <= 11 * MIN; t += 10 * S) r.ev.ingest(pos(T0 + t, [...three, ['P9', 'zr']]), T0 + t);
    const oc = r.raises('personnel.overcrowding');
    expect(oc.map((c) => [c.severity, c.ts, c.hazard])).toEqual([['orange', T0 + MIN, undefined], ['red', T0 + 10 * MIN, 'major']]);
    expect(r.raises('personnel.restricted-zone')[0]).toMatchObject({ subject: { zone: 'zr' }, ts: T0 });
    // everyone stops being reported: gone after the 60 s TTL, cleared after the 60 s off-delay
    r.ev.tick(T0 + 11 * MIN + 61 * S);
    r.ev.tick(T0 + 14 * MIN);
    expect(r.out.filter((c) => !c.active).map((c) => c.rule).sort()).toEqual(['personnel.overcrowding', 'personnel.restricted-zone']);
  });

  it('a stopped enterprise with anyone underground → stopped-site red per zone', () => {
    const r = rig({ packs: ['personnel'] }, testAssets({ declaredStatus: 'stopped' }));
    for (let t = 0; t <= 2 * MIN; t += 10 * S) r.ev.ingest(pos(T0 + t, [['P1', 'z1']]), T0 + t);
    expect(r.raises('personnel.stopped-site')[0]).toMatchObject({ severity: 'red', subject: { zone: 'z1' }, ts: T0 + MIN });
  });
});

describe('state export / import [restart mid-window]', () => {
  it('an open alarm is not re-raised and a pending window is not forgotten after a restart', () => {
    const a = rig({ packs: ['gas', 'data'] });
    a.read('gas-01', { lel: 45 }, T0);
    for (let t = 0; t <= 3 * H; t += 30 * S) a.read('gas-02', { h2s: 0.2 }, T0 + t);
    const state = JSON.parse(JSON.stringify(a.ev.exportState()));
    const b = rig({ packs: ['gas', 'data'] });
    b.ev.importState(state);
    b.read('gas-01', { lel: 46 }, T0 + 3 * H);
    expect(b.raises('gas.lel')).toEqual([]);
    for (let t = 3 * H; t <= 6 * H; t += 30 * S) b.read('gas-02', { h2s: 0.2 }, T0 + t);
    expect(b.raises('data.flatline').map((c) => c.ts)).toEqual([T0 + 6 * H]);
  });
});

describe('rule validation (hazardline check-config)', () => {
  it('reports override and file problems with their path', () => {
    expect(validateRules({})).toEqual([]);
    const p = validateRules({
      assets: testAssets(),
      overrides: [{ rule: 'gas.xx' }, { rule: 'gas.lel', params: { levels: [{ severity: 'red', value: 'x' }] } }, { rule: 'gas.lel', device: 'nope', enterprise: 'ent-a' }, { rule: 'gas.lel', params: { bogus: 1 } }],
      packs: ['builtin', 'nosuch'],
    });
    expect(p).toEqual([
      'rules.packs[1]: unknown pack "nosuch" (builtin | belt | data | gas | personnel | power | seal | slope | video)',
      'rules.overrides[0].rule: unknown rule "gas.xx"',
      'rules.overrides[1].params.levels[0].value: expected number',
      'rules.overrides[2].device: unknown device "nope"',
      'rules.overrides[3].params: unknown key "bogus"',
    ]);
  });
});

describe('escalation [DOMAIN.md §4]', () => {
  it('3 yellows within 24 h → orange; outside the window they do not count', () => {
    const y = (h: number) => ({ ts: T0 + h * H, severity: 'yellow' as const });
    expect(escalate([y(0)], TAILINGS_ESCALATION, T0)).toBe('yellow');
    expect(escalate([y(0), y(10)], TAILINGS_ESCALATION, T0 + 10 * H)).toBe('yellow');
    expect(escalate([y(0), y(10), y(20)], TAILINGS_ESCALATION, T0 + 20 * H)).toBe('orange');
    expect(escalate([y(0), y(10), y(30)], TAILINGS_ESCALATION, T0 + 30 * H)).toBe('yellow');
  });
});

describe('local calendar', () => {
  it('Asia/Shanghai days and months; an IANA zone with DST', () => {
    const c = new LocalCalendar('Asia/Shanghai');
    expect(c.dayStart(Date.parse('2026-11-02T23:59:00+08:00'))).toBe(Date.parse('2026-11-02T00:00:00+08:00'));
    expect(c.monthStart(Date.parse('2026-10-31T23:00:00+08:00'))).toBe(Date.parse('2026-10-01T00:00:00+08:00'));
    const b = new LocalCalendar('Europe/Berlin');
    expect(b.dayEnd(Date.parse('2026-03-29T12:00:00+02:00')) - b.dayStart(Date.parse('2026-03-29T12:00:00+02:00'))).toBe(23 * H);
  });
});
