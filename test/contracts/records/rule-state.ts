// The contract of one record repository: RuleStateRecords (rule-state-records.ts): rule-engine snapshots.
// Run on every backend by test/contracts/records/index.ts (SQLite and PostgreSQL).
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import { BIG_MS, type RecordsContext } from './fixtures.ts';

export function ruleStateContract(c: RecordsContext): void {
  describe('RuleStateRecords (rule-state-records.ts)', () => {
    let store: RecordStore;
    beforeAll(() => {
      store = c.store();
    });

  describe('rule-engine state', () => {
    it('loadState of an unknown name is undefined', async () => {
      expect(await store.state.load('nope')).toBeUndefined();
    });

    it('saveState upserts JSON with its seq', async () => {
      const s1 = { windows: { 'gas-01': [[BIG_MS, 1.5]] }, n: null, txt: '区域 z1' };
      await store.state.save('evaluator', 2 ** 40, s1);
      expect(await store.state.load('evaluator')).toEqual({ seq: 2 ** 40, state: s1 });
      await store.state.save('evaluator', 2 ** 40 + 7, [1, 'two', { three: 3 }]);
      expect(await store.state.load('evaluator')).toEqual({ seq: 2 ** 40 + 7, state: [1, 'two', { three: 3 }] });
      await store.state.save('other', 0, 'plain');
      expect(await store.state.load('other')).toEqual({ seq: 0, state: 'plain' });
      expect((await store.state.load('evaluator'))?.seq).toBe(2 ** 40 + 7);
    });

    it('refuses a state that is not JSON', async () => {
      await expect(store.state.save('bad', 1, undefined)).rejects.toThrow(TypeError);
    });
  });
  });
}
