// The contract of one record repository: HazardRecords (hazard-records.ts): hazards, history, reporters, rewards, CONTRACT §8.
// Run on every backend by test/contracts/records/index.ts (SQLite and PostgreSQL).
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import type { HazardListFilter } from '../../../gateway/src/records/hazard-records.ts';
import { BIG_MS, ids, type RecordsContext } from './fixtures.ts';

export function hazardRecordsContract(c: RecordsContext): void {
  describe('HazardRecords (hazard-records.ts)', () => {
    let store: RecordStore;
    beforeAll(() => {
      store = c.store();
    });

  describe('hazards (CONTRACT §8)', () => {
    const hz = (id: string, over: Record<string, unknown> = {}) => ({ id, enterprise: 'ent-hz-a', jurisdiction: 'taian', site: 's1', state: 'reported', level: 'general', source: 'worker', reportCode: `HL-${id.toUpperCase()}`, reportedAt: BIG_MS, title: '吊链隐蔽断口', nested: { measures: ['更换吊链'], funds: 2000 }, ...over });

    it('round-trips the whole document, finds by report code, lists newest first within scope', async () => {
      await store.hazards.save(hz('hz_1'), BIG_MS, true);
      await store.hazards.save(hz('hz_2', { reportedAt: BIG_MS + 10, level: 'major', enterprise: 'ent-hz-b', jurisdiction: 'jinan', reportCode: undefined, source: 'inspection' }), BIG_MS + 10, true);
      await store.hazards.save(hz('hz_3', { reportedAt: BIG_MS + 20, state: 'closed' }), BIG_MS + 20, true);
      expect(await store.hazards.get('hz_1')).toEqual(hz('hz_1'));
      expect(await store.hazards.get('nope')).toBeUndefined();
      expect((await store.hazards.byCode('HL-HZ_3'))?.id).toBe('hz_3');
      const ids = async (f: HazardListFilter) => (await store.hazards.list(f)).map((h) => h.id).filter((id) => id.startsWith('hz_'));
      expect(await ids({ enterprises: ['ent-hz-a', 'ent-hz-b'] })).toEqual(['hz_3', 'hz_2', 'hz_1']);
      expect(await ids({ enterprises: [] })).toEqual([]);
      expect(await ids({ jurisdictions: ['jinan'] })).toEqual(['hz_2']);
      expect(await ids({ enterprises: ['ent-hz-a'], states: ['reported'] })).toEqual(['hz_1']);
      expect(await ids({ level: 'major', enterprises: ['ent-hz-a', 'ent-hz-b'] })).toEqual(['hz_2']);
      await store.hazards.save(hz('hz_1', { state: 'verifying' }), BIG_MS + 30, false);
      expect((await store.hazards.get('hz_1'))?.state).toBe('verifying');
      await expect(store.hazards.save(hz('hz_missing'), BIG_MS, false)).rejects.toThrow(/not found/);
    });

    it('keeps history in order, reporters apart from hazards, and a reward ledger', async () => {
      await store.hazards.save(hz('hz_h'), BIG_MS, true);
      await store.hazards.addHistory({ hazardId: 'hz_h', at: BIG_MS, action: 'report', fromState: null, toState: 'reported', actor: 'worker', entry: { note: '现场发现' } });
      await store.hazards.addHistory({ hazardId: 'hz_h', at: BIG_MS + 1, action: 'verify', fromState: 'reported', toState: 'verifying', actor: 'officer-1', entry: { n: 2 } });
      expect(await store.hazards.history('hz_h')).toEqual([{ note: '现场发现' }, { n: 2 }]);
      await store.hazards.addReporter({ id: 'rp_1', name: '刘欢', phone: '13800000000', createdAt: BIG_MS });
      expect(await store.hazards.getReporter('rp_1')).toEqual({ id: 'rp_1', name: '刘欢', phone: '13800000000', createdAt: BIG_MS });
      // the hazard document never holds the identity
      expect(JSON.stringify(await store.hazards.get('hz_h'))).not.toContain('刘欢');
      await store.hazards.addReward({ hazardId: 'hz_h', reporterId: 'rp_1', amount: 500, tier: '500', payer: '安全科', paidAt: BIG_MS + 5 });
      expect(await store.hazards.rewards('hz_h')).toEqual([{ hazardId: 'hz_h', reporterId: 'rp_1', amount: 500, tier: '500', payer: '安全科', paidAt: BIG_MS + 5 }]);
    });
  });
  });
}
