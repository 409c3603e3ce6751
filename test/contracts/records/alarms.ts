// The contract of one record repository: AlarmRecords (alarm-records.ts): alarms and their transitions, CONTRACT §6.
// Run on every backend by test/contracts/records/index.ts (SQLite and PostgreSQL).
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import type { Alarm, AlarmState, AlarmTransition } from '../../../gateway/src/alarms/types.ts';
import { BIG_MS, fullAlarm, nullAlarm, transition, ids, type RecordsContext } from './fixtures.ts';

export function alarmRecordsContract(c: RecordsContext): void {
  describe('AlarmRecords (alarm-records.ts)', () => {
    let store: RecordStore;
    beforeAll(() => {
      store = c.store();
    });

  describe('alarms', () => {
    it('round-trips every field: numbers, big epoch ms, booleans, unicode, evidence JSON', async () => {
      const a = fullAlarm('al_rt_full');
      await store.alarms.insert(a);
      const got = await store.alarms.get(a.id);
      expect(got).toEqual(a);
      expect(typeof got!.raisedAt).toBe('number');
      expect(typeof got!.count).toBe('number');
      expect(got!.active).toBe(true);
    });

    it('round-trips nulls and false', async () => {
      const a = nullAlarm('al_rt_null', { value: 0, peak: -3.25, count: 0, escalations: 0 });
      await store.alarms.insert(a);
      const got = await store.alarms.get(a.id);
      expect(got).toEqual(a);
      expect(got!.active).toBe(false);
      expect(got!.retroactive).toBe(false);
      expect(got!.evidence).toBeNull();
    });

    it('getAlarm of an unknown id is undefined; a duplicate id is refused', async () => {
      expect(await store.alarms.get('al_nope')).toBeUndefined();
      await store.alarms.insert(fullAlarm('al_dup'));
      await expect(store.alarms.insert(fullAlarm('al_dup'))).rejects.toThrow();
    });

    it('updateAlarm replaces the whole row, nulls included; an unknown id is HL_ERR_NOT_FOUND', async () => {
      await store.alarms.insert(fullAlarm('al_upd'));
      const changed = nullAlarm('al_upd', { state: 'normal', severity: 'yellow', count: 9, evidence: { v: 2 }, messageEn: 'x' });
      await store.alarms.update(changed);
      expect(await store.alarms.get('al_upd')).toEqual(changed);
      await expect(store.alarms.update(fullAlarm('al_upd_missing'))).rejects.toMatchObject({ code: 'HL_ERR_NOT_FOUND' });
    });

    it('listAlarms: open/closed/all, newest raisedAt first, enterprises, severity, since, rule, limit', async () => {
      const e1 = 'ent-list-1';
      const e2 = 'ent-list-2';
      const mk = (id: string, enterprise: string, raisedAt: number, state: AlarmState, over: Partial<Alarm> = {}) =>
        fullAlarm(id, { enterprise, raisedAt, state, ...over });
      const all = [
        mk('l1', e1, BIG_MS + 1, 'active_unacked'),
        mk('l2', e1, BIG_MS + 5, 'normal'),
        mk('l3', e1, BIG_MS + 3, 'active_acked', { severity: 'yellow' }),
        mk('l4', e2, BIG_MS + 4, 'cleared_unacked', { rule: 'slope.rate' }),
        mk('l5', e2, BIG_MS + 2, 'shelved'),
        mk('l6', e2, BIG_MS + 6, 'suppressed'),
        mk('l7', e2, BIG_MS + 7, 'normal', { rule: 'slope.rate' }),
      ];
      for (const a of all) await store.alarms.insert(a);
      const both = [e1, e2];
      expect(ids(await store.alarms.list({ enterprises: both }))).toEqual(['l7', 'l6', 'l2', 'l4', 'l3', 'l5', 'l1']);
      expect(ids(await store.alarms.list({ enterprises: both, open: true }))).toEqual(['l6', 'l4', 'l3', 'l5', 'l1']);
      expect(ids(await store.alarms.list({ enterprises: both, open: false }))).toEqual(['l7', 'l2']);
      expect(ids(await store.alarms.list({ enterprises: [e1] }))).toEqual(['l2', 'l3', 'l1']);
      expect(await store.alarms.list({ enterprises: [] })).toEqual([]);
      expect(ids(await store.alarms.list({ enterprises: both, severity: 'yellow' }))).toEqual(['l3']);
      expect(ids(await store.alarms.list({ enterprises: both, since: BIG_MS + 5 }))).toEqual(['l7', 'l6', 'l2']);
      expect(ids(await store.alarms.list({ enterprises: both, rule: 'slope.rate' }))).toEqual(['l7', 'l4']);
      expect(ids(await store.alarms.list({ enterprises: both, rule: 'slope.rate', open: true }))).toEqual(['l4']);
      expect(ids(await store.alarms.list({ enterprises: both, limit: 2 }))).toEqual(['l7', 'l6']);
      expect(await store.alarms.list({ enterprises: both, limit: 0 })).toEqual([]);
      // every field survives the list path too
      expect((await store.alarms.list({ enterprises: [e1], severity: 'yellow' }))[0]).toEqual(all[2]);
      // no enterprise filter: everything, ours included
      expect(ids(await store.alarms.list({ since: BIG_MS + 7, rule: 'slope.rate' }))).toContain('l7');
    });

    it('listAlarms returns at most 1000 alarms by default', async () => {
      await store.transaction(async (tx) => {
        for (let i = 0; i < 1005; i++) await tx.alarms.insert(nullAlarm(`lim_${String(i).padStart(4, '0')}`, { enterprise: 'ent-limit', raisedAt: BIG_MS + i }));
      });
      const got = await store.alarms.list({ enterprises: ['ent-limit'] });
      expect(got).toHaveLength(1000);
      expect(got[0].id).toBe('lim_1004');
      expect(await store.alarms.list({ enterprises: ['ent-limit'], limit: 2000 })).toHaveLength(1005);
    });

    it('openAlarms and openAlarmByKey see only open alarms', async () => {
      const e = 'ent-open';
      await store.alarms.insert(fullAlarm('o_closed', { enterprise: e, key: 'k-open-1', state: 'normal', raisedAt: BIG_MS - 10 }));
      await store.alarms.insert(fullAlarm('o_open', { enterprise: e, key: 'k-open-1', state: 'active_acked', raisedAt: BIG_MS }));
      await store.alarms.insert(fullAlarm('o_shelved', { enterprise: e, key: 'k-open-2', state: 'shelved', raisedAt: BIG_MS - 5 }));
      await store.alarms.insert(fullAlarm('o_gone', { enterprise: e, key: 'k-open-3', state: 'normal' }));
      const open = (await store.alarms.open()).filter((a) => a.enterprise === e);
      expect(ids(open)).toEqual(['o_shelved', 'o_open']);
      expect(await store.alarms.openByKey('k-open-1')).toEqual(fullAlarm('o_open', { enterprise: e, key: 'k-open-1', state: 'active_acked', raisedAt: BIG_MS }));
      expect((await store.alarms.openByKey('k-open-2'))?.id).toBe('o_shelved');
      expect(await store.alarms.openByKey('k-open-3')).toBeUndefined();
      expect(await store.alarms.openByKey('k-open-none')).toBeUndefined();
      // closing the open one leaves the key without an open alarm
      await store.alarms.update(fullAlarm('o_open', { enterprise: e, key: 'k-open-1', state: 'normal', raisedAt: BIG_MS }));
      expect(await store.alarms.openByKey('k-open-1')).toBeUndefined();
    });

    it('alarmByOrigin finds a mirrored alarm by the edge id: stored under it, or adopted under ours', async () => {
      await store.alarms.insert(fullAlarm('al_edge_1', { origin: 'edge-x', originId: undefined }));
      await store.alarms.insert(fullAlarm('al_ours_2', { origin: 'edge-x', originId: 'al_edge_2' }));
      await store.alarms.insert(fullAlarm('al_edge_3', { origin: 'edge-y', originId: undefined }));
      expect((await store.alarms.byOrigin('edge-x', 'al_edge_1'))?.id).toBe('al_edge_1');
      expect(await store.alarms.byOrigin('edge-x', 'al_edge_2')).toMatchObject({ id: 'al_ours_2', originId: 'al_edge_2', originRev: '91735262114022:1200' });
      expect(await store.alarms.byOrigin('edge-x', 'al_edge_3')).toBeUndefined(); // another edge's
      expect(await store.alarms.byOrigin('edge-x', 'al_none')).toBeUndefined();
    });
  });

  describe('transitions', () => {
    it('keeps every field, in the order recorded (even when ts goes back), per alarm', async () => {
      await store.alarms.insert(fullAlarm('tr_a'));
      await store.alarms.insert(fullAlarm('tr_b'));
      const ts = [
        transition('tr_a', BIG_MS + 100),
        transition('tr_a', BIG_MS + 50, { action: 'ack', fromState: 'active_unacked', toState: 'active_acked', actor: 'disp-1', note: '收到', value: null }),
        transition('tr_a', BIG_MS + 200, { action: 'escalate', fromState: 'active_acked', toState: 'active_acked', severity: 'orange', value: -0.125 }),
      ];
      for (const t of ts) await store.alarms.addTransition(t);
      await store.alarms.addTransition(transition('tr_b', BIG_MS + 75));
      expect(await store.alarms.transitions('tr_a')).toEqual(ts);
      expect(await store.alarms.transitions('tr_b')).toEqual([transition('tr_b', BIG_MS + 75)]);
      expect(await store.alarms.transitions('tr_none')).toEqual([]);
    });

    it('recentTransitions: ts >= since, the newest `limit`, returned oldest first', async () => {
      // far future: no other test writes transitions this late
      const far = 9_000_000_000_000;
      await store.alarms.insert(fullAlarm('tr_recent'));
      for (let i = 0; i < 5; i++) await store.alarms.addTransition(transition('tr_recent', far + i * 1000, { note: `n${i}` }));
      const notes = (ts: AlarmTransition[]) => ts.map((t) => t.note);
      expect(notes(await store.alarms.recentTransitions(far + 1000, 100))).toEqual(['n1', 'n2', 'n3', 'n4']);
      expect(notes(await store.alarms.recentTransitions(far, 2))).toEqual(['n3', 'n4']);
      expect((await store.alarms.recentTransitions(far + 4000, 10))[0]).toEqual(transition('tr_recent', far + 4000, { note: 'n4' }));
      expect(await store.alarms.recentTransitions(far + 4001, 10)).toEqual([]);
    });

    it('recentTransitions with until and action: the raises in [since, until), oldest first', async () => {
      const far = 8_000_000_000_000;
      await store.alarms.insert(fullAlarm('tr_raises'));
      for (let i = 0; i < 4; i++) await store.alarms.addTransition(transition('tr_raises', far + i * 1000, { note: `r${i}` }));
      await store.alarms.addTransition(transition('tr_raises', far + 1500, { action: 'ack', note: 'ack' }));
      const notes = (ts: AlarmTransition[]) => ts.map((t) => t.note);
      expect(notes(await store.alarms.recentTransitions(far + 1000, 100, { until: far + 3000, action: 'raise' }))).toEqual(['r1', 'r2']);
      expect(notes(await store.alarms.recentTransitions(far, 1, { until: far + 10_000, action: 'raise' }))).toEqual(['r3']);
      expect(notes(await store.alarms.recentTransitions(far, 100, { until: far + 10_000 }))).toEqual(['r0', 'r1', 'ack', 'r2', 'r3']);
      expect(await store.alarms.recentTransitions(far + 3001, 100, { until: far + 10_000, action: 'raise' })).toEqual([]);
    });

    it('saveAlarmWithTransition writes both, for a new alarm and an update', async () => {
      const a = fullAlarm('sw_ok', { enterprise: 'ent-save' });
      await store.alarms.saveWithTransition(a, transition(a.id, BIG_MS), true);
      const acked = { ...a, state: 'active_acked' as const, ackedBy: 'disp-2' };
      const t2 = transition(a.id, BIG_MS + 10, { action: 'ack', fromState: 'active_unacked', toState: 'active_acked', actor: 'disp-2' });
      await store.alarms.saveWithTransition(acked, t2, false);
      expect(await store.alarms.get(a.id)).toEqual(acked);
      expect(await store.alarms.transitions(a.id)).toEqual([transition(a.id, BIG_MS), t2]);
    });

    it('saveAlarmWithTransition is one transaction: a failing transition rolls the alarm back', async () => {
      // NOT NULL to_state: the transition insert fails after the alarm write succeeded
      const bad = (id: string) => transition(id, BIG_MS, { toState: null as unknown as AlarmState });
      const fresh = fullAlarm('sw_rollback_new');
      await expect(store.alarms.saveWithTransition(fresh, bad(fresh.id), true)).rejects.toThrow();
      expect(await store.alarms.get(fresh.id)).toBeUndefined();

      const before = fullAlarm('sw_rollback_upd');
      await store.alarms.saveWithTransition(before, transition(before.id, BIG_MS), true);
      await expect(store.alarms.saveWithTransition({ ...before, state: 'normal', count: 99 }, bad(before.id), false)).rejects.toThrow();
      expect(await store.alarms.get(before.id)).toEqual(before);
      expect(await store.alarms.transitions(before.id)).toEqual([transition(before.id, BIG_MS)]);

      // an update of a missing alarm leaves no orphan transition either
      await expect(store.alarms.saveWithTransition(fullAlarm('sw_missing'), transition('sw_missing', BIG_MS), false)).rejects.toMatchObject({
        code: 'HL_ERR_NOT_FOUND',
      });
      expect(await store.alarms.transitions('sw_missing')).toEqual([]);
      // the store is usable afterwards
      expect(await store.ping()).toBe(true);
    });

    it('transaction(): all or nothing, nested calls join the outer transaction', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.alarms.insert(fullAlarm('tx_1'));
          await tx.alarms.saveWithTransition(fullAlarm('tx_2'), transition('tx_2', BIG_MS), true);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.alarms.get('tx_1')).toBeUndefined();
      expect(await store.alarms.get('tx_2')).toBeUndefined();
      expect(await store.alarms.transitions('tx_2')).toEqual([]);
    });

    it('concurrent saves all land, each alarm with its own transitions', async () => {
      const n = 25;
      await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const a = fullAlarm(`cc_${i}`, { enterprise: 'ent-conc', key: `cc|${i}` });
          await store.alarms.saveWithTransition(a, transition(a.id, BIG_MS + i), true);
          await store.alarms.saveWithTransition({ ...a, count: 4 }, transition(a.id, BIG_MS + i + 1, { action: 'update' }), false);
        }),
      );
      const got = await store.alarms.list({ enterprises: ['ent-conc'] });
      expect(got).toHaveLength(n);
      expect(got.every((a) => a.count === 4)).toBe(true);
      for (let i = 0; i < n; i++) expect((await store.alarms.transitions(`cc_${i}`)).map((t) => t.action)).toEqual(['raise', 'update']);
    });
  });
  });
}
