// The contract of one record repository: DisposalRecords (disposal-records.ts): one disposal per alarm, chained.
// Run on every backend by test/contracts/records/index.ts (SQLite and PostgreSQL).
import { beforeAll, describe, expect, it } from 'vitest';
import { DisposalExists, type AlarmDisposal } from '../../../gateway/src/records/disposal-records.ts';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import { BIG_MS, type RecordsContext } from './fixtures.ts';

export function disposalsContract(c: RecordsContext): void {
  describe('DisposalRecords (disposal-records.ts)', () => {
    let store: RecordStore;
    beforeAll(() => {
      store = c.store();
    });
    const d = (alarmId: string, enterprise: string, raisedAt: number, over: Partial<AlarmDisposal> = {}): AlarmDisposal => ({
      alarmId,
      enterprise,
      rule: 'gas.lel',
      raisedAt,
      dueBy: raisedAt + 3_600_000,
      disposedAt: raisedAt + 600_000,
      disposedBy: '王调度',
      cause: '阀门法兰泄漏',
      measures: '关闭上游阀门，通风',
      result: '浓度恢复正常',
      responsible: '李班长',
      note: null,
      ...over,
    });

    it('stores one disposal per alarm with 64-bit times; a second is DisposalExists and changes nothing', async () => {
      const a = d('al_disp_1', 'ent-disp-a', BIG_MS, { note: '已复核' });
      await store.disposals.add(a);
      expect(await store.disposals.get('al_disp_1')).toEqual(a);
      await expect(store.disposals.add({ ...a, cause: 'other' })).rejects.toBeInstanceOf(DisposalExists);
      expect(await store.disposals.get('al_disp_1')).toEqual(a);
      expect(await store.disposals.get('al_disp_none')).toBeUndefined();
    });

    it('lists by enterprise and raise time [from, to), and by alarm ids', async () => {
      const b1 = d('al_disp_b1', 'ent-disp-b', BIG_MS + 1000);
      const b2 = d('al_disp_b2', 'ent-disp-b', BIG_MS + 2000, { disposedAt: BIG_MS + 10 * 3_600_000 });
      const c1 = d('al_disp_c1', 'ent-disp-c', BIG_MS + 1500);
      for (const x of [b2, c1, b1]) await store.disposals.add(x);
      expect(await store.disposals.list({ enterprises: ['ent-disp-b'], from: BIG_MS, to: BIG_MS + 3000 })).toEqual([b1, b2]);
      expect(await store.disposals.list({ enterprises: ['ent-disp-b', 'ent-disp-c'], from: BIG_MS + 1000, to: BIG_MS + 2000 })).toEqual([b1, c1]);
      expect(await store.disposals.list({ enterprises: [], from: 0, to: BIG_MS * 2 })).toEqual([]);
      const m = await store.disposals.byAlarms(['al_disp_b2', 'al_disp_c1', 'al_disp_zz']);
      expect([...m.keys()].sort()).toEqual(['al_disp_b2', 'al_disp_c1']);
      expect(m.get('al_disp_b2')).toEqual(b2);
    });

    it('chains each disposal in the audit log with the person and whether it was the same day', async () => {
      await store.disposals.add(d('al_disp_audit', 'ent-disp-d', BIG_MS, { disposedAt: BIG_MS + 7_200_000 }));
      const entries = await store.audit.entries(0, 100, { kind: 'alarm-disposal', ref: 'al_disp_audit' });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ kind: 'alarm-disposal', action: 'dispose', actor: '王调度' });
      expect(JSON.parse(entries[0].payload)).toMatchObject({ sameDay: false, responsible: '李班长' });
    });
  });
}
