// The abstract test suite every records backend must pass (ARCHITECTURE.md: like
// aedes-persistence's abstract tests; SQLite and PostgreSQL run this one suite).
// `open` may be called more than once and must return a store on the SAME database each time
// (the migrations-idempotent test opens a second one). Tests share that database, so each one
// works under its own enterprise ids, keys and times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, AlarmState, AlarmTransition } from '../gateway/src/alarms/types.ts';
import type { RecordStore } from '../gateway/src/records/record-store.ts';

/** 2026-11-02T01:00:00Z: an epoch ms past 2^32 seconds-as-ms and past 2^40, to catch int32/float truncation */
export const BIG_MS = 1_793_581_200_000;
const MIGRATIONS = ['0001-alarms', '0002-rule-state', '0003-status-declarations', '0004-audit-log', '0005-hazards', '0006-verifications', '0007-alarm-origin'];

export function fullAlarm(id: string, over: Partial<Alarm> = {}): Alarm {
  return {
    id,
    rule: 'gas.lel',
    key: `gas.lel|${id}`,
    severity: 'red',
    state: 'active_unacked',
    active: true,
    enterprise: 'ent-rt',
    site: 's1',
    zone: 'z-stope-301',
    device: 'gas-01',
    metric: 'lel',
    value: 52.123456789,
    peak: 55.1,
    threshold: 50,
    message: '可燃气体浓度 52.1 %LEL ≥ 二级报警 50 %LEL',
    messageEn: 'LEL 52.1 % >= level-2 alarm 50 %',
    count: 3,
    raisedAt: BIG_MS,
    updatedAt: BIG_MS + 1_234,
    ackedAt: BIG_MS + 60_000,
    ackedBy: 'dispatcher-1',
    ackNote: '已通知现场',
    clearedAt: BIG_MS + 120_000,
    closedAt: BIG_MS + 180_000,
    shelvedUntil: BIG_MS + 3_600_000,
    shelveReason: 'calibration',
    suppressedReason: 'maintenance',
    dueBy: BIG_MS + 86_399_999,
    retroactive: true,
    escalations: 2,
    hazardId: 'hz_1',
    evidence: { readings: [[BIG_MS, 52.1], [BIG_MS + 1000, -0.5]], nested: { ok: true, none: null, s: '引号 " \\ 换行\n' } },
    origin: 'edge-泰安-01',
    originId: 'al_at_the_edge',
    originRev: '91735262114022:1200',
    ...over,
  };
}

/** The same alarm with every nullable field null and every boolean false. */
export function nullAlarm(id: string, over: Partial<Alarm> = {}): Alarm {
  return fullAlarm(id, {
    active: false,
    retroactive: false,
    site: null,
    zone: null,
    device: null,
    metric: null,
    value: null,
    peak: null,
    threshold: null,
    ackedAt: null,
    ackedBy: null,
    ackNote: null,
    clearedAt: null,
    closedAt: null,
    shelvedUntil: null,
    shelveReason: null,
    suppressedReason: null,
    hazardId: null,
    evidence: null,
    origin: null,
    ...over,
  });
}

export function transition(alarmId: string, ts: number, over: Partial<AlarmTransition> = {}): AlarmTransition {
  return { alarmId, ts, action: 'raise', fromState: null, toState: 'active_unacked', severity: 'red', actor: 'system', note: null, value: 52.1, ...over };
}

const ids = (as: Alarm[]) => as.map((a) => a.id);

/** `exec` runs raw SQL on the same database behind the store's back (tampering, for the audit chain). */
export function recordStoreContract(name: string, open: () => Promise<RecordStore>, cleanup: () => Promise<void>, exec: (sql: string) => Promise<void>): void {
  describe(`RecordStore contract: ${name}`, () => {
    let store: RecordStore;
    beforeAll(async () => {
      store = await open();
    }, 60_000);
    afterAll(async () => {
      await store?.close();
      await cleanup();
    }, 30_000);

    it('applies every migration and answers ping', async () => {
      expect(await store.appliedMigrations()).toEqual(MIGRATIONS);
      expect(await store.ping()).toBe(true);
    });

    it('migrations are idempotent: a second open of the same database sees the same data', async () => {
      await store.insertAlarm(fullAlarm('al_idem', { enterprise: 'ent-idem' }));
      const again = await open();
      try {
        expect(await again.appliedMigrations()).toEqual(MIGRATIONS);
        expect(await again.getAlarm('al_idem')).toEqual(fullAlarm('al_idem', { enterprise: 'ent-idem' }));
      } finally {
        await again.close();
      }
    });

    describe('alarms', () => {
      it('round-trips every field: numbers, big epoch ms, booleans, unicode, evidence JSON', async () => {
        const a = fullAlarm('al_rt_full');
        await store.insertAlarm(a);
        const got = await store.getAlarm(a.id);
        expect(got).toEqual(a);
        expect(typeof got!.raisedAt).toBe('number');
        expect(typeof got!.count).toBe('number');
        expect(got!.active).toBe(true);
      });

      it('round-trips nulls and false', async () => {
        const a = nullAlarm('al_rt_null', { value: 0, peak: -3.25, count: 0, escalations: 0 });
        await store.insertAlarm(a);
        const got = await store.getAlarm(a.id);
        expect(got).toEqual(a);
        expect(got!.active).toBe(false);
        expect(got!.retroactive).toBe(false);
        expect(got!.evidence).toBeNull();
      });

      it('getAlarm of an unknown id is undefined; a duplicate id is refused', async () => {
        expect(await store.getAlarm('al_nope')).toBeUndefined();
        await store.insertAlarm(fullAlarm('al_dup'));
        await expect(store.insertAlarm(fullAlarm('al_dup'))).rejects.toThrow();
      });

      it('updateAlarm replaces the whole row, nulls included; an unknown id is HL_ERR_NOT_FOUND', async () => {
        await store.insertAlarm(fullAlarm('al_upd'));
        const changed = nullAlarm('al_upd', { state: 'normal', severity: 'yellow', count: 9, evidence: { v: 2 }, messageEn: 'x' });
        await store.updateAlarm(changed);
        expect(await store.getAlarm('al_upd')).toEqual(changed);
        await expect(store.updateAlarm(fullAlarm('al_upd_missing'))).rejects.toMatchObject({ code: 'HL_ERR_NOT_FOUND' });
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
        for (const a of all) await store.insertAlarm(a);
        const both = [e1, e2];
        expect(ids(await store.listAlarms({ enterprises: both }))).toEqual(['l7', 'l6', 'l2', 'l4', 'l3', 'l5', 'l1']);
        expect(ids(await store.listAlarms({ enterprises: both, open: true }))).toEqual(['l6', 'l4', 'l3', 'l5', 'l1']);
        expect(ids(await store.listAlarms({ enterprises: both, open: false }))).toEqual(['l7', 'l2']);
        expect(ids(await store.listAlarms({ enterprises: [e1] }))).toEqual(['l2', 'l3', 'l1']);
        expect(await store.listAlarms({ enterprises: [] })).toEqual([]);
        expect(ids(await store.listAlarms({ enterprises: both, severity: 'yellow' }))).toEqual(['l3']);
        expect(ids(await store.listAlarms({ enterprises: both, since: BIG_MS + 5 }))).toEqual(['l7', 'l6', 'l2']);
        expect(ids(await store.listAlarms({ enterprises: both, rule: 'slope.rate' }))).toEqual(['l7', 'l4']);
        expect(ids(await store.listAlarms({ enterprises: both, rule: 'slope.rate', open: true }))).toEqual(['l4']);
        expect(ids(await store.listAlarms({ enterprises: both, limit: 2 }))).toEqual(['l7', 'l6']);
        expect(await store.listAlarms({ enterprises: both, limit: 0 })).toEqual([]);
        // every field survives the list path too
        expect((await store.listAlarms({ enterprises: [e1], severity: 'yellow' }))[0]).toEqual(all[2]);
        // no enterprise filter: everything, ours included
        expect(ids(await store.listAlarms({ since: BIG_MS + 7, rule: 'slope.rate' }))).toContain('l7');
      });

      it('listAlarms returns at most 1000 alarms by default', async () => {
        await store.transaction(async (tx) => {
          for (let i = 0; i < 1005; i++) await tx.insertAlarm(nullAlarm(`lim_${String(i).padStart(4, '0')}`, { enterprise: 'ent-limit', raisedAt: BIG_MS + i }));
        });
        const got = await store.listAlarms({ enterprises: ['ent-limit'] });
        expect(got).toHaveLength(1000);
        expect(got[0].id).toBe('lim_1004');
        expect(await store.listAlarms({ enterprises: ['ent-limit'], limit: 2000 })).toHaveLength(1005);
      });

      it('openAlarms and openAlarmByKey see only open alarms', async () => {
        const e = 'ent-open';
        await store.insertAlarm(fullAlarm('o_closed', { enterprise: e, key: 'k-open-1', state: 'normal', raisedAt: BIG_MS - 10 }));
        await store.insertAlarm(fullAlarm('o_open', { enterprise: e, key: 'k-open-1', state: 'active_acked', raisedAt: BIG_MS }));
        await store.insertAlarm(fullAlarm('o_shelved', { enterprise: e, key: 'k-open-2', state: 'shelved', raisedAt: BIG_MS - 5 }));
        await store.insertAlarm(fullAlarm('o_gone', { enterprise: e, key: 'k-open-3', state: 'normal' }));
        const open = (await store.openAlarms()).filter((a) => a.enterprise === e);
        expect(ids(open)).toEqual(['o_shelved', 'o_open']);
        expect(await store.openAlarmByKey('k-open-1')).toEqual(fullAlarm('o_open', { enterprise: e, key: 'k-open-1', state: 'active_acked', raisedAt: BIG_MS }));
        expect((await store.openAlarmByKey('k-open-2'))?.id).toBe('o_shelved');
        expect(await store.openAlarmByKey('k-open-3')).toBeUndefined();
        expect(await store.openAlarmByKey('k-open-none')).toBeUndefined();
        // closing the open one leaves the key without an open alarm
        await store.updateAlarm(fullAlarm('o_open', { enterprise: e, key: 'k-open-1', state: 'normal', raisedAt: BIG_MS }));
        expect(await store.openAlarmByKey('k-open-1')).toBeUndefined();
      });

      it('alarmByOrigin finds a mirrored alarm by the edge id: stored under it, or adopted under ours', async () => {
        await store.insertAlarm(fullAlarm('al_edge_1', { origin: 'edge-x', originId: undefined }));
        await store.insertAlarm(fullAlarm('al_ours_2', { origin: 'edge-x', originId: 'al_edge_2' }));
        await store.insertAlarm(fullAlarm('al_edge_3', { origin: 'edge-y', originId: undefined }));
        expect((await store.alarmByOrigin('edge-x', 'al_edge_1'))?.id).toBe('al_edge_1');
        expect(await store.alarmByOrigin('edge-x', 'al_edge_2')).toMatchObject({ id: 'al_ours_2', originId: 'al_edge_2', originRev: '91735262114022:1200' });
        expect(await store.alarmByOrigin('edge-x', 'al_edge_3')).toBeUndefined(); // another edge's
        expect(await store.alarmByOrigin('edge-x', 'al_none')).toBeUndefined();
      });
    });

    describe('transitions', () => {
      it('keeps every field, in the order recorded (even when ts goes back), per alarm', async () => {
        await store.insertAlarm(fullAlarm('tr_a'));
        await store.insertAlarm(fullAlarm('tr_b'));
        const ts = [
          transition('tr_a', BIG_MS + 100),
          transition('tr_a', BIG_MS + 50, { action: 'ack', fromState: 'active_unacked', toState: 'active_acked', actor: 'disp-1', note: '收到', value: null }),
          transition('tr_a', BIG_MS + 200, { action: 'escalate', fromState: 'active_acked', toState: 'active_acked', severity: 'orange', value: -0.125 }),
        ];
        for (const t of ts) await store.addTransition(t);
        await store.addTransition(transition('tr_b', BIG_MS + 75));
        expect(await store.transitions('tr_a')).toEqual(ts);
        expect(await store.transitions('tr_b')).toEqual([transition('tr_b', BIG_MS + 75)]);
        expect(await store.transitions('tr_none')).toEqual([]);
      });

      it('recentTransitions: ts >= since, the newest `limit`, returned oldest first', async () => {
        // far future: no other test writes transitions this late
        const far = 9_000_000_000_000;
        await store.insertAlarm(fullAlarm('tr_recent'));
        for (let i = 0; i < 5; i++) await store.addTransition(transition('tr_recent', far + i * 1000, { note: `n${i}` }));
        const notes = (ts: AlarmTransition[]) => ts.map((t) => t.note);
        expect(notes(await store.recentTransitions(far + 1000, 100))).toEqual(['n1', 'n2', 'n3', 'n4']);
        expect(notes(await store.recentTransitions(far, 2))).toEqual(['n3', 'n4']);
        expect((await store.recentTransitions(far + 4000, 10))[0]).toEqual(transition('tr_recent', far + 4000, { note: 'n4' }));
        expect(await store.recentTransitions(far + 4001, 10)).toEqual([]);
      });

      it('saveAlarmWithTransition writes both, for a new alarm and an update', async () => {
        const a = fullAlarm('sw_ok', { enterprise: 'ent-save' });
        await store.saveAlarmWithTransition(a, transition(a.id, BIG_MS), true);
        const acked = { ...a, state: 'active_acked' as const, ackedBy: 'disp-2' };
        const t2 = transition(a.id, BIG_MS + 10, { action: 'ack', fromState: 'active_unacked', toState: 'active_acked', actor: 'disp-2' });
        await store.saveAlarmWithTransition(acked, t2, false);
        expect(await store.getAlarm(a.id)).toEqual(acked);
        expect(await store.transitions(a.id)).toEqual([transition(a.id, BIG_MS), t2]);
      });

      it('saveAlarmWithTransition is one transaction: a failing transition rolls the alarm back', async () => {
        // NOT NULL to_state: the transition insert fails after the alarm write succeeded
        const bad = (id: string) => transition(id, BIG_MS, { toState: null as unknown as AlarmState });
        const fresh = fullAlarm('sw_rollback_new');
        await expect(store.saveAlarmWithTransition(fresh, bad(fresh.id), true)).rejects.toThrow();
        expect(await store.getAlarm(fresh.id)).toBeUndefined();

        const before = fullAlarm('sw_rollback_upd');
        await store.saveAlarmWithTransition(before, transition(before.id, BIG_MS), true);
        await expect(store.saveAlarmWithTransition({ ...before, state: 'normal', count: 99 }, bad(before.id), false)).rejects.toThrow();
        expect(await store.getAlarm(before.id)).toEqual(before);
        expect(await store.transitions(before.id)).toEqual([transition(before.id, BIG_MS)]);

        // an update of a missing alarm leaves no orphan transition either
        await expect(store.saveAlarmWithTransition(fullAlarm('sw_missing'), transition('sw_missing', BIG_MS), false)).rejects.toMatchObject({
          code: 'HL_ERR_NOT_FOUND',
        });
        expect(await store.transitions('sw_missing')).toEqual([]);
        // the store is usable afterwards
        expect(await store.ping()).toBe(true);
      });

      it('transaction(): all or nothing, nested calls join the outer transaction', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.insertAlarm(fullAlarm('tx_1'));
            await tx.saveAlarmWithTransition(fullAlarm('tx_2'), transition('tx_2', BIG_MS), true);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.getAlarm('tx_1')).toBeUndefined();
        expect(await store.getAlarm('tx_2')).toBeUndefined();
        expect(await store.transitions('tx_2')).toEqual([]);
      });

      it('concurrent saves all land, each alarm with its own transitions', async () => {
        const n = 25;
        await Promise.all(
          Array.from({ length: n }, async (_, i) => {
            const a = fullAlarm(`cc_${i}`, { enterprise: 'ent-conc', key: `cc|${i}` });
            await store.saveAlarmWithTransition(a, transition(a.id, BIG_MS + i), true);
            await store.saveAlarmWithTransition({ ...a, count: 4 }, transition(a.id, BIG_MS + i + 1, { action: 'update' }), false);
          }),
        );
        const got = await store.listAlarms({ enterprises: ['ent-conc'] });
        expect(got).toHaveLength(n);
        expect(got.every((a) => a.count === 4)).toBe(true);
        for (let i = 0; i < n; i++) expect((await store.transitions(`cc_${i}`)).map((t) => t.action)).toEqual(['raise', 'update']);
      });
    });

    describe('rule-engine state', () => {
      it('loadState of an unknown name is undefined', async () => {
        expect(await store.loadState('nope')).toBeUndefined();
      });

      it('saveState upserts JSON with its seq', async () => {
        const s1 = { windows: { 'gas-01': [[BIG_MS, 1.5]] }, n: null, txt: '区域 z1' };
        await store.saveState('evaluator', 2 ** 40, s1);
        expect(await store.loadState('evaluator')).toEqual({ seq: 2 ** 40, state: s1 });
        await store.saveState('evaluator', 2 ** 40 + 7, [1, 'two', { three: 3 }]);
        expect(await store.loadState('evaluator')).toEqual({ seq: 2 ** 40 + 7, state: [1, 'two', { three: 3 }] });
        await store.saveState('other', 0, 'plain');
        expect(await store.loadState('other')).toEqual({ seq: 0, state: 'plain' });
        expect((await store.loadState('evaluator'))?.seq).toBe(2 ** 40 + 7);
      });

      it('refuses a state that is not JSON', async () => {
        await expect(store.saveState('bad', 1, undefined)).rejects.toThrow(TypeError);
      });
    });

    describe('declared status history', () => {
      it('returns declarations ordered by from, then in the order made, optionally per enterprise', async () => {
        const d = (enterprise: string, from: number, status: 'producing' | 'stopped' | 'rectifying', reason: string | null = null) => ({
          enterprise,
          status,
          from,
          reason,
          actor: 'officer-1',
          at: BIG_MS + 999,
        });
        const a3 = d('ent-decl-a', BIG_MS + 3000, 'producing');
        const a1 = d('ent-decl-a', BIG_MS + 1000, 'stopped', '停产整顿');
        const b2 = d('ent-decl-b', BIG_MS + 2000, 'rectifying', 'hazard hz_9');
        const a1b = d('ent-decl-a', BIG_MS + 1000, 'rectifying', 'corrected');
        for (const x of [a3, a1, b2, a1b]) await store.addDeclaration(x);
        expect(await store.declarations('ent-decl-a')).toEqual([a1, a1b, a3]);
        expect(await store.declarations('ent-decl-b')).toEqual([b2]);
        expect(await store.declarations('ent-decl-none')).toEqual([]);
        const all = (await store.declarations()).filter((x) => x.enterprise.startsWith('ent-decl-'));
        expect(all).toEqual([a1, a1b, b2, a3]);
      });
    });

    describe('audit chain (全程留痕)', () => {
      const entry = (i: number) => ({ kind: 'alarm', ref: `al_audit_${i}`, action: i % 2 ? 'raise' : 'ack', actor: i % 2 ? 'system' : '调度员甲', at: BIG_MS + i, payload: { note: `第 ${i} 条`, value: i / 3, nested: { b: 1, a: [1, 2] } } });

      // earlier tests chained their declarations: seqs count from the head they left
      let h0 = 0;
      it('chains appended entries; an intact chain verifies and reports its head', async () => {
        h0 = (await store.auditHead()).seq;
        const first = await store.appendAudit([entry(1), entry(2)]);
        const more = await store.transaction((tx) => tx.appendAudit([entry(3)]));
        expect([...first, ...more].map((e) => e.seq)).toEqual([h0 + 1, h0 + 2, h0 + 3]);
        expect(more[0].prevHash).toBe(first[1].hash);
        expect(await store.auditHead()).toEqual({ seq: h0 + 3, hash: more[0].hash });
        expect(await store.verifyAudit(2)).toEqual({ ok: true, entries: h0 + 3, head: { seq: h0 + 3, hash: more[0].hash } });
        expect((await store.auditEntries(0, 10, { kind: 'alarm', ref: 'al_audit_2' })).map((e) => e.actor)).toEqual(['调度员甲']);
      });

      it('detects an edited entry and a deleted one', async () => {
        await store.appendAudit([entry(4), entry(5)]);
        const s2 = h0 + 2;
        await exec(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = ${s2}`);
        expect(await store.verifyAudit()).toMatchObject({ ok: false, problem: { seq: s2, problem: 'edited' } });
        await exec(`DELETE FROM audit_log WHERE seq = ${s2}`);
        expect(await store.verifyAudit()).toMatchObject({ ok: false, problem: { seq: s2, problem: 'missing' } });
        // deleting and renumbering the rest still breaks the link
        await exec(`UPDATE audit_log SET seq = seq - 1 WHERE seq > ${s2}`);
        expect(await store.verifyAudit()).toMatchObject({ ok: false, problem: { seq: s2, problem: 'edited' } });
      });
    });

    describe('hazards (CONTRACT §8)', () => {
      const hz = (id: string, over: Record<string, unknown> = {}) => ({ id, enterprise: 'ent-hz-a', jurisdiction: 'taian', site: 's1', state: 'reported', level: 'general', source: 'worker', reportCode: `HL-${id.toUpperCase()}`, reportedAt: BIG_MS, title: '吊链隐蔽断口', nested: { measures: ['更换吊链'], funds: 2000 }, ...over });

      it('round-trips the whole document, finds by report code, lists newest first within scope', async () => {
        await store.saveHazard(hz('hz_1'), BIG_MS, true);
        await store.saveHazard(hz('hz_2', { reportedAt: BIG_MS + 10, level: 'major', enterprise: 'ent-hz-b', jurisdiction: 'jinan', reportCode: undefined, source: 'inspection' }), BIG_MS + 10, true);
        await store.saveHazard(hz('hz_3', { reportedAt: BIG_MS + 20, state: 'closed' }), BIG_MS + 20, true);
        expect(await store.getHazard('hz_1')).toEqual(hz('hz_1'));
        expect(await store.getHazard('nope')).toBeUndefined();
        expect((await store.hazardByCode('HL-HZ_3'))?.id).toBe('hz_3');
        const ids = async (f: Parameters<RecordStore['listHazards']>[0]) => (await store.listHazards(f)).map((h) => h.id).filter((id) => id.startsWith('hz_'));
        expect(await ids({ enterprises: ['ent-hz-a', 'ent-hz-b'] })).toEqual(['hz_3', 'hz_2', 'hz_1']);
        expect(await ids({ enterprises: [] })).toEqual([]);
        expect(await ids({ jurisdictions: ['jinan'] })).toEqual(['hz_2']);
        expect(await ids({ enterprises: ['ent-hz-a'], states: ['reported'] })).toEqual(['hz_1']);
        expect(await ids({ level: 'major', enterprises: ['ent-hz-a', 'ent-hz-b'] })).toEqual(['hz_2']);
        await store.saveHazard(hz('hz_1', { state: 'verifying' }), BIG_MS + 30, false);
        expect((await store.getHazard('hz_1'))?.state).toBe('verifying');
        await expect(store.saveHazard(hz('hz_missing'), BIG_MS, false)).rejects.toThrow(/not found/);
      });

      it('keeps history in order, reporters apart from hazards, and a reward ledger', async () => {
        await store.saveHazard(hz('hz_h'), BIG_MS, true);
        await store.addHazardHistory({ hazardId: 'hz_h', at: BIG_MS, action: 'report', fromState: null, toState: 'reported', actor: 'worker', entry: { note: '现场发现' } });
        await store.addHazardHistory({ hazardId: 'hz_h', at: BIG_MS + 1, action: 'verify', fromState: 'reported', toState: 'verifying', actor: 'officer-1', entry: { n: 2 } });
        expect(await store.hazardHistory('hz_h')).toEqual([{ note: '现场发现' }, { n: 2 }]);
        await store.addReporter({ id: 'rp_1', name: '刘欢', phone: '13800000000', createdAt: BIG_MS });
        expect(await store.getReporter('rp_1')).toEqual({ id: 'rp_1', name: '刘欢', phone: '13800000000', createdAt: BIG_MS });
        // the hazard document never holds the identity
        expect(JSON.stringify(await store.getHazard('hz_h'))).not.toContain('刘欢');
        await store.addReward({ hazardId: 'hz_h', reporterId: 'rp_1', amount: 500, tier: '500', payer: '安全科', paidAt: BIG_MS + 5 });
        expect(await store.rewards('hz_h')).toEqual([{ hazardId: 'hz_h', reporterId: 'rp_1', amount: 500, tier: '500', payer: '安全科', paidAt: BIG_MS + 5 }]);
      });
    });

    describe('rows a regulator relies on are chained; audit verify cross-checks them (issue 12 item 9)', () => {
      const rect = { owner: '张工', measures: '更换吊链', funds: 2000, deadline: BIG_MS + 86_400_000, plan: '停机更换' };
      const doc = { id: 'hz_rw', enterprise: 'ent-rw', jurisdiction: 'taian', state: 'rectifying', level: 'major', source: 'worker', reportedAt: BIG_MS, title: '吊链断口', rectification: rect };
      const problem = async () => {
        const r = await store.verifyRows();
        return r.ok ? undefined : r.mismatch;
      };

      it('a declaration and a reward are chained with their values; intact rows verify', async () => {
        await store.addDeclaration({ enterprise: 'ent-rw', status: 'stopped', from: BIG_MS + 100, reason: '停产整顿', actor: 'officer-1', at: BIG_MS + 100 });
        await store.saveHazard(doc, BIG_MS, true);
        await store.appendAudit([{ kind: 'hazard', ref: 'hz_rw', action: 'assign', actor: 'officer:o1', at: BIG_MS + 1, payload: { from: 'confirmed', to: 'rectifying', level: 'major', enterprise: 'ent-rw', note: null, rectification: rect, reward: null } }]);
        await store.addReward({ hazardId: 'hz_rw', reporterId: 'rp_rw', amount: 50, tier: '1', payer: 'officer-1', paidAt: BIG_MS + 200 });
        const entries = await store.auditEntries(0, 100_000);
        const decl = entries.filter((e) => e.kind === 'declared-status').map((e) => JSON.parse(e.payload));
        expect(decl).toContainEqual({ enterprise: 'ent-rw', status: 'stopped', from: BIG_MS + 100, reason: '停产整顿', actor: 'officer-1', at: BIG_MS + 100 });
        const reward = entries.filter((e) => e.kind === 'reward').map((e) => JSON.parse(e.payload)).find((p) => p.hazardId === 'hz_rw');
        expect(reward).toMatchObject({ amount: 50, tier: '1', payer: 'officer-1', paidAt: BIG_MS + 200, row: expect.stringMatching(/^[0-9a-f]{64}$/) });
        expect(JSON.stringify(reward)).not.toContain('rp_rw'); // the reporter reference only inside the row hash
        expect(await store.verifyRows()).toMatchObject({ ok: true });
      });

      it('an edited reward amount is found, naming the row and the field', async () => {
        await exec(`UPDATE reward_ledger SET amount = 5000 WHERE hazard_id = 'hz_rw'`);
        expect(await problem()).toMatchObject({ what: expect.stringMatching(/^reward ledger row \d+ \(hazard hz_rw\)$/), detail: expect.stringContaining('amount: 50 in the chain, 5000 in the table') });
        await exec(`UPDATE reward_ledger SET amount = 50 WHERE hazard_id = 'hz_rw'`);
        await exec(`UPDATE reward_ledger SET reporter_id = 'rp_other' WHERE hazard_id = 'hz_rw'`);
        expect(await problem()).toMatchObject({ detail: expect.stringContaining('row:') });
        await exec(`UPDATE reward_ledger SET reporter_id = 'rp_rw' WHERE hazard_id = 'hz_rw'`);
        expect(await problem()).toBeUndefined();
      });

      it('an edited (backdated) declaration is found', async () => {
        await exec(`UPDATE status_declarations SET valid_from = 0 WHERE enterprise = 'ent-rw'`);
        expect(await problem()).toMatchObject({ what: expect.stringMatching(/^declared-status row \d+ \(enterprise ent-rw\)$/), detail: expect.stringContaining(`from: ${BIG_MS + 100} in the chain, 0 in the table`) });
        await exec(`UPDATE status_declarations SET valid_from = ${BIG_MS + 100} WHERE enterprise = 'ent-rw'`);
        expect(await problem()).toBeUndefined();
      });

      it("an edited assignment (a hazard's rectification funds) is found", async () => {
        await exec(`UPDATE hazards SET doc = replace(doc, '"funds":2000', '"funds":20') WHERE id = 'hz_rw'`);
        expect(await problem()).toMatchObject({ what: 'hazard hz_rw', detail: expect.stringContaining('rectification:') });
        await exec(`UPDATE hazards SET doc = replace(doc, '"funds":20', '"funds":2000') WHERE id = 'hz_rw'`);
        expect(await problem()).toBeUndefined();
      });

      it('a row added or deleted outside the gateway is found', async () => {
        await exec(`INSERT INTO reward_ledger (hazard_id, reporter_id, amount, tier, payer, paid_at) VALUES ('hz_rw', NULL, 3000, '6', 'someone', ${BIG_MS})`);
        expect(await problem()).toMatchObject({ seq: null, detail: expect.stringContaining('not in the audit chain') });
        await exec(`DELETE FROM reward_ledger WHERE hazard_id = 'hz_rw'`);
        expect(await problem()).toMatchObject({ what: expect.stringMatching(/^reward ledger row \d+$/), detail: 'deleted from the table' });
      });
    });

    it('verification tasks: round trip, scoped by jurisdiction, newest first, updated in place', async () => {
      const v = (id: string, over: Record<string, unknown> = {}) => ({ id, enterprise: 'ent-v', jurisdiction: 'taian', state: 'open', createdAt: BIG_MS, finding: '明停暗开：夜间负荷', alarmIds: ['al_1'], dueBy: BIG_MS + 86_400_000, ...over });
      await store.saveVerification(v('vf_1'), true);
      await store.saveVerification(v('vf_2', { createdAt: BIG_MS + 1, jurisdiction: 'jinan' }), true);
      expect(await store.getVerification('vf_1')).toEqual(v('vf_1'));
      expect((await store.listVerifications<{ id: string }>({ jurisdictions: ['taian', 'jinan'] })).map((x) => x.id).filter((x) => x.startsWith('vf_'))).toEqual(['vf_2', 'vf_1']);
      expect((await store.listVerifications<{ id: string }>({ jurisdictions: ['jinan'] })).map((x) => x.id)).toEqual(['vf_2']);
      expect(await store.listVerifications({ jurisdictions: [] })).toEqual([]);
      await store.saveVerification(v('vf_1', { state: 'confirmed' }), false);
      expect((await store.listVerifications<{ id: string }>({ jurisdictions: ['taian'], state: 'confirmed' })).map((x) => x.id)).toEqual(['vf_1']);
    });
  });
}
