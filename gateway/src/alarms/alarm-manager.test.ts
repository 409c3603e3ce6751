// The ISA-18.2 lifecycle of CONTRACT §6 and DOMAIN.md §8, on a real (SQLite) records database.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Condition, Severity } from '../model/vocabulary.ts';
import type { RuleInfo } from '../../../rules/src/types.ts';
import { ManualClock } from '../clock.ts';
import { createLogger } from '../log.ts';
import { openRecordStore, type RecordStore } from '../records/record-store.ts';
import { AlarmManager, type AlarmEvent } from './alarm-manager.ts';

const T0 = Date.parse('2026-11-22T08:00:00+08:00');
const RULES: RuleInfo[] = [
  { id: 'gas.lel', kind: 'threshold', title: { zh: '可燃气体', en: 'Combustible gas' }, domain: '§1' },
  { id: 'slope.tangent-angle', kind: 'slope', title: { zh: '切线角', en: 'Tangent angle' }, domain: '§4', escalation: { windowMs: 86_400_000, steps: [{ from: 'blue', count: 4, to: 'yellow' }, { from: 'yellow', count: 3, to: 'orange' }, { from: 'orange', count: 2, to: 'red' }] } },
];
const cond = (over: Partial<Condition> = {}): Condition => ({
  rule: 'gas.lel',
  key: 'gas.lel|ent-a|s1||gas-01|lel',
  subject: { enterprise: 'ent-a', site: 's1', device: 'gas-01' },
  metric: 'lel',
  active: true,
  severity: 'yellow',
  value: 22,
  threshold: 20,
  ts: T0,
  message: { zh: '可燃气体浓度 22.0 %LEL ≥ 一级报警 20 %LEL', en: 'Combustible gas 22.0 %LEL ≥ level-1 alarm 20 %LEL' },
  ...over,
});

const stores: RecordStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(dir = mkdtempSync(join(tmpdir(), 'hl-alarms-')), clock = new ManualClock(T0), maintenance = []) {
  const store = await openRecordStore('sqlite', { dataDir: dir });
  stores.push(store);
  const m = new AlarmManager({ store, rules: RULES, timezone: 'Asia/Shanghai', clock, log: createLogger({ level: 'silent' }), maintenance });
  await m.start();
  const events: AlarmEvent[] = [];
  m.on('transition', (e) => events.push(e));
  return { m, store, clock, events, dir };
}

describe('AlarmManager (CONTRACT §6 lifecycle)', () => {
  it('raises once per rule and subject; re-triggers update count, peak and escalate severity (unacking again)', async () => {
    const { m, store, events } = await setup();
    m.handle(cond());
    m.handle(cond({ ts: T0 + 1000, value: 25 }));
    expect(m.openAlarms()).toHaveLength(1);
    const a = m.openAlarms()[0];
    expect(a).toMatchObject({ state: 'active_unacked', severity: 'yellow', peak: 25, value: 25, count: 1, dueBy: Date.parse('2026-11-22T23:59:59.999+08:00') });
    m.ack(a.id, 'dispatcher-1', '已派人核查');
    expect(m.get(a.id)!.state).toBe('active_acked');
    m.handle(cond({ ts: T0 + 2000, severity: 'red', value: 45, threshold: 40 }));
    expect(m.get(a.id)).toMatchObject({ state: 'active_unacked', severity: 'red', peak: 45 });
    await m.flush();
    expect((await store.alarms.transitions(a.id)).map((t) => [t.action, t.toState, t.actor])).toEqual([
      ['raise', 'active_unacked', 'system'],
      ['ack', 'active_acked', 'dispatcher-1'],
      ['escalate', 'active_unacked', 'system'],
    ]);
    expect(events.map((e) => e.transition.action)).toEqual(['raise', 'update', 'ack', 'escalate']);
    expect(events[2].previous?.state).toBe('active_unacked');
    // a later reading back at the yellow level does not lower the peak of a high alarm (issue 14)
    m.handle(cond({ ts: T0 + 3000, severity: 'yellow', value: 25.7, threshold: 20 }));
    expect(m.get(a.id)!.peak).toBe(45);
  });

  it('a low alarm (o2 deficiency) peaks downwards', async () => {
    const { m } = await setup();
    m.handle(cond({ value: 18.5, threshold: 19.5 }));
    m.handle(cond({ ts: T0 + 1000, value: 17.2, threshold: 19.5 }));
    m.handle(cond({ ts: T0 + 2000, value: 18.9, threshold: 19.5 }));
    expect(m.openAlarms()[0].peak).toBe(17.2);
  });

  it('clears to cleared_unacked, closes on ack; the next activation is a new alarm', async () => {
    const { m, store } = await setup();
    m.handle(cond());
    const id = m.openAlarms()[0].id;
    m.handle(cond({ active: false, ts: T0 + 30_000, value: 10 }));
    expect(m.get(id)).toMatchObject({ state: 'cleared_unacked', active: false, clearedAt: T0 + 30_000 });
    const acked = m.ack(id, 'd', null);
    expect(acked).toMatchObject({ state: 'normal', closedAt: T0 });
    expect(m.openAlarms()).toHaveLength(0);
    expect(() => m.ack(id, 'd', null)).toThrow(/not found/);
    m.handle(cond({ ts: T0 + 60_000 }));
    expect(m.openAlarms()[0].id).not.toBe(id);
    await m.flush();
    expect((await store.alarms.get(id))!.state).toBe('normal');
  });

  it('a cleared, unacknowledged alarm that triggers again is re-activated (count 2), not duplicated', async () => {
    const { m } = await setup();
    m.handle(cond());
    m.handle(cond({ active: false, ts: T0 + 30_000 }));
    m.handle(cond({ ts: T0 + 90_000 }));
    expect(m.openAlarms()).toHaveLength(1);
    expect(m.openAlarms()[0]).toMatchObject({ count: 2, state: 'active_unacked', active: true, clearedAt: null });
  });

  it('acknowledging twice is a 409 that lists the allowed steps', async () => {
    const { m } = await setup();
    m.handle(cond());
    const id = m.openAlarms()[0].id;
    m.ack(id, 'd', null);
    expect(() => m.ack(id, 'd', null)).toThrow(expect.objectContaining({ statusCode: 409, allowed: ['shelve', 'hazard'] }));
  });

  it('timed shelving: out until expiry, then back as unacknowledged if still active, closed if not', async () => {
    const { m, clock } = await setup();
    m.handle(cond());
    m.handle(cond({ key: 'k2', subject: { enterprise: 'ent-a', site: 's1', device: 'gas-02' } }));
    const [a, b] = m.openAlarms();
    m.shelve(a.id, 'd', T0 + 3_600_000, '探头标定');
    m.shelve(b.id, 'd', T0 + 3_600_000, '探头标定');
    expect(() => m.shelve(a.id, 'd', T0 + 7_200_000, 'x')).toThrow(expect.objectContaining({ statusCode: 409 }));
    m.handle(cond({ key: 'k2', subject: { enterprise: 'ent-a', site: 's1', device: 'gas-02' }, active: false, ts: T0 + 60_000 }));
    expect(m.get(b.id)!.state).toBe('shelved');
    clock.advance(3_600_001);
    m.tick();
    expect(m.get(a.id)).toMatchObject({ state: 'active_unacked', shelvedUntil: null });
    expect(m.get(b.id)).toBeUndefined(); // closed
  });

  it('unhandled alarms escalate once after 30 min unacknowledged and once when overdue at the end of the local day (DOMAIN.md §0)', async () => {
    const { m, clock, store } = await setup();
    m.handle(cond());
    const a = m.openAlarms()[0];
    clock.advance(30 * 60_000);
    m.tick();
    expect(a.escalations).toBe(0);
    clock.advance(1);
    m.tick();
    m.tick();
    expect(a.escalations).toBe(1);
    expect(m.isOverdue(a)).toBe(false);
    clock.set(Date.parse('2026-11-23T00:00:00+08:00'));
    expect(m.isOverdue(a)).toBe(true);
    expect(m.gauges().overdue).toBe(1);
    m.tick();
    await m.flush();
    expect((await store.alarms.transitions(a.id)).filter((t) => t.action === 'escalate').map((t) => t.note)).toEqual(['unacknowledged for 30 min', 'overdue: not handled by the end of its day']);
    // raised now from data of two days ago (a backfill): neither unhandled nor overdue yet
    m.handle(cond({ key: 'old', ts: clock.now() - 2 * 86_400_000 }));
    const old = m.openAlarms().find((x) => x.key === 'old')!;
    m.tick();
    expect(old.escalations).toBe(0);
    // an acknowledged alarm is handled: no escalation
    m.handle(cond({ key: 'k3', ts: clock.now() }));
    const b = m.openAlarms().find((x) => x.key === 'k3')!;
    m.ack(b.id, 'd', null);
    clock.advance(3_600_000);
    m.tick();
    expect(b.escalations).toBe(0);
  });

  it('repeated activations escalate by the rule\'s spec: the third yellow within 24 h is orange (DOMAIN.md §4)', async () => {
    const { m } = await setup();
    const slope = (ts: number, active = true, severity: Severity = 'yellow') => cond({ rule: 'slope.tangent-angle', key: 'slope|p3', subject: { enterprise: 'ent-a', site: 'pit', device: 'slope-p3' }, metric: 'disp', ts, active, severity });
    m.handle(slope(T0));
    m.handle(slope(T0 + 3_600_000, false));
    m.handle(slope(T0 + 5 * 3_600_000));
    expect(m.openAlarms()[0].severity).toBe('yellow');
    m.handle(slope(T0 + 6 * 3_600_000, false));
    m.handle(slope(T0 + 10 * 3_600_000));
    expect(m.openAlarms()[0]).toMatchObject({ severity: 'orange', count: 3, escalations: 1 });
  });

  it('a restart loads open alarms: the same condition updates the open alarm, nothing re-fires', async () => {
    const first = await setup();
    first.m.handle(cond());
    await first.m.flush();
    const again = await setup(first.dir);
    expect(again.m.openAlarms()).toHaveLength(1);
    again.m.handle(cond({ ts: T0 + 5000, value: 23 }));
    expect(again.m.openAlarms()).toHaveLength(1);
    expect(again.events.map((e) => e.transition.action)).toEqual(['update']);
  });

  it('suppression by design: a device in maintenance raises a suppressed alarm, closed when it clears', async () => {
    const { m } = await setup(undefined, undefined, [{ enterprise: 'ent-a', device: 'gas-01', from: T0 - 1, to: T0 + 3_600_000, reason: '探头更换' }] as never);
    m.handle(cond());
    const a = m.openAlarms()[0];
    expect(a).toMatchObject({ state: 'suppressed', suppressedReason: '探头更换' });
    m.handle(cond({ active: false, ts: T0 + 60_000 }));
    expect(m.openAlarms()).toHaveLength(0);
  });
});

describe('AlarmManager.adopt (cluster mode, docs/cluster.md §5)', () => {
  it('a partition taken again reads its activation history anew, not twice; a replayed raise is skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-adopt-'));
    const before = await setup(dir);
    before.m.handle(cond());
    await before.m.flush();
    const clock = new ManualClock(T0 + 60_000);
    const store = await openRecordStore('sqlite', { dataDir: dir });
    stores.push(store);
    const m = new AlarmManager({ store, rules: RULES, timezone: 'Asia/Shanghai', clock, log: createLogger({ level: 'silent' }) });
    const ents = new Set(['ent-a']);
    await m.adopt(ents);
    expect(m.gauges().last10m).toBe(1);
    m.release(ents);
    expect(m.openAlarms()).toEqual([]);
    await m.adopt(ents);
    expect(m.gauges().last10m).toBe(1);
    expect(m.openAlarms()).toHaveLength(1);
    // the replay of the raise the previous owner recorded changes nothing
    const events: AlarmEvent[] = [];
    m.on('transition', (e) => events.push(e));
    m.handle(cond());
    expect(events).toEqual([]);
    expect(m.openAlarms()[0].count).toBe(1);
  });
});

