// Edge alarms mirrored at the central (issue 7, docs/uplink.md §11.6), on a real (SQLite) records
// database: a replayed row changes nothing, before or after a restart; an alarm of our own with
// the same key is adopted and still found by the edge's id after it closed; the edge cannot touch
// another enterprise's alarm; our own rules stay quiet inside a mirrored alarm's time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Condition } from '../model/vocabulary.ts';
import { ManualClock } from '../clock.ts';
import { createLogger } from '../log.ts';
import { openRecordStore, type RecordStore } from '../records/record-store.ts';
import { AlarmManager, type AlarmEvent } from './alarm-manager.ts';
import { MirrorRefused } from './alarm-mirror.ts';
import type { Alarm, AlarmTransition } from './types.ts';

const T0 = Date.parse('2026-11-22T08:00:00+08:00');
const KEY = 'gas.lel|ent-a/s1/gas-01|lel';
const stores: RecordStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(dir = mkdtempSync(join(tmpdir(), 'hl-mirror-'))) {
  const store = await openRecordStore('sqlite', { dataDir: dir });
  stores.push(store);
  const edges = { originOf: (e: string) => (e === 'ent-a' ? 'edge-a' : undefined), backfillBefore: () => T0 + 3_600_000 };
  const m = new AlarmManager({ store, rules: [], timezone: 'Asia/Shanghai', clock: new ManualClock(T0 + 7_200_000), log: createLogger({ level: 'silent' }), edges });
  await m.start();
  const events: AlarmEvent[] = [];
  m.on('transition', (e) => events.push(e));
  return { m, store, events, dir };
}

/** the edge's alarm after a change, and the transition that made it */
function edgeAlarm(state: Alarm['state'], over: Partial<Alarm> = {}): Alarm {
  return {
    id: 'al_edge_1', rule: 'gas.lel', key: KEY, severity: 'red', state, active: state === 'active_unacked' || state === 'active_acked', enterprise: 'ent-a', site: 's1', zone: null, device: 'gas-01', metric: 'lel', value: 46, peak: 46, threshold: 40,
    message: '可燃气体浓度 46.0 %LEL ≥ 二级报警 40 %LEL', messageEn: 'Combustible gas 46.0 %LEL', count: 1, raisedAt: T0, updatedAt: T0, ackedAt: null, ackedBy: null, ackNote: null, clearedAt: null, closedAt: null, shelvedUntil: null, shelveReason: null,
    suppressedReason: null, dueBy: T0 + 57_600_000, retroactive: false, escalations: 0, hazardId: null, evidence: null, origin: null, ...over,
  };
}
const tr = (action: AlarmTransition['action'], ts: number, toState: Alarm['state']): AlarmTransition => ({ alarmId: 'al_edge_1', ts, action, fromState: null, toState, severity: 'red', actor: 'system', note: null, value: 46 });
const ROWS: [Alarm, AlarmTransition][] = [
  [edgeAlarm('active_unacked'), tr('raise', T0, 'active_unacked')],
  [edgeAlarm('cleared_unacked', { clearedAt: T0 + 60_000, active: false }), tr('clear', T0 + 60_000, 'cleared_unacked')],
  [edgeAlarm('normal', { clearedAt: T0 + 60_000, ackedAt: T0 + 120_000, ackedBy: 'dispatcher:zhang', closedAt: T0 + 120_000, active: false }), tr('ack', T0 + 120_000, 'normal')],
];
const EPOCH = 42;

describe('AlarmMirror [docs/uplink.md §11.6]', () => {
  it('mirrors raise, clear and ack with the edge id; replaying those rows changes nothing, also after a restart', async () => {
    const { m, store, events, dir } = await setup();
    for (const [i, [a, t]] of ROWS.entries()) await m.mirror('edge-a', a, t, { epoch: EPOCH, seq: 10 + i });
    await m.flush();
    expect(await store.alarms.get('al_edge_1')).toMatchObject({ state: 'normal', origin: 'edge-a', originRev: `${EPOCH}:12`, retroactive: true });
    expect((await store.alarms.transitions('al_edge_1')).map((t) => [t.action, t.actor])).toEqual([['raise', 'edge:edge-a/system'], ['clear', 'edge:edge-a/system'], ['ack', 'edge:edge-a/system']]);
    const pushed = events.length;
    // the same rows again (the edge resends after a lost acknowledgement)
    for (const [i, [a, t]] of ROWS.entries()) await m.mirror('edge-a', a, t, { epoch: EPOCH, seq: 10 + i });
    expect(events.length).toBe(pushed);
    expect(m.openAlarms()).toEqual([]);
    // and after a restart, on the same records
    const again = await setup(dir);
    for (const [i, [a, t]] of ROWS.entries()) await again.m.mirror('edge-a', a, t, { epoch: EPOCH, seq: 10 + i });
    await again.m.flush();
    expect(again.events).toEqual([]);
    expect(again.m.openAlarms()).toEqual([]);
    expect((await again.store.alarms.transitions('al_edge_1')).length).toBe(3);
  });

  it("adopts our own open alarm of the same key, keeps it one alarm, and finds it by the edge's id once closed", async () => {
    const { m, store, dir } = await setup();
    const own: Condition = { rule: 'gas.lel', key: KEY, subject: { enterprise: 'ent-a', site: 's1', device: 'gas-01' }, metric: 'lel', active: true, severity: 'red', value: 46, threshold: 40, ts: T0 + 4_000_000, message: { zh: 'x', en: 'x' } };
    // (a live raise of ours: after the backfill horizon; ent-a is the edge's, so our own rules raise only what it has not)
    m.handle(own);
    const ours = m.openAlarms()[0];
    expect(ours.origin).toBeNull();
    await m.mirror('edge-a', ROWS[0][0], ROWS[0][1], { epoch: EPOCH, seq: 1 });
    expect(m.openAlarms()).toHaveLength(1);
    expect(m.openAlarms()[0]).toMatchObject({ id: ours.id, origin: 'edge-a', originId: 'al_edge_1' });
    // while the edge's alarm is open, our own rules change nothing of it
    m.handle({ ...own, active: false, ts: T0 + 4_100_000 });
    expect(m.openAlarms()[0].active).toBe(true);
    await m.mirror('edge-a', ROWS[2][0], ROWS[2][1], { epoch: EPOCH, seq: 2 });
    await m.flush();
    expect(m.openAlarms()).toEqual([]);
    // inside the span of the edge's alarm our own rules raise nothing again
    m.handle({ ...own, ts: T0 + 30_000 });
    expect(m.openAlarms()).toEqual([]);
    // the edge resends its close after a restart: found by its id (adopted under ours), nothing new
    const again = await setup(dir);
    await again.m.mirror('edge-a', ROWS[2][0], ROWS[2][1], { epoch: EPOCH, seq: 2 });
    await again.m.flush();
    expect(again.events).toEqual([]);
    expect((await store.alarms.list({ rule: 'gas.lel' })).map((a) => a.id)).toEqual([ours.id]);
  });

  it("refuses an edge's change of another enterprise's alarm, by key or by id", async () => {
    const { m } = await setup();
    await expect(m.mirror('edge-a', edgeAlarm('active_unacked', { key: 'gas.lel|ent-b/p1/gas-h2s-1|lel' }), ROWS[0][1], { epoch: EPOCH, seq: 1 })).rejects.toBeInstanceOf(MirrorRefused);
    m.handle({ rule: 'gas.lel', key: 'gas.lel|ent-b/p1/gas-h2s-1|h2s', subject: { enterprise: 'ent-b', site: 'p1', device: 'gas-h2s-1' }, active: true, severity: 'red', ts: T0, message: { zh: 'x', en: 'x' } });
    const b = m.openAlarms().find((a) => a.enterprise === 'ent-b')!;
    await expect(m.mirror('edge-a', edgeAlarm('normal', { id: b.id }), ROWS[2][1], { epoch: EPOCH, seq: 2 })).rejects.toBeInstanceOf(MirrorRefused);
    expect(m.get(b.id)?.state).toBe('active_unacked');
  });
});
