// The contract of one record repository: DeclarationRecords (declaration-records.ts): declared status history, chained.
// Run on every backend by test/contracts/records/index.ts (SQLite and PostgreSQL).
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import { BIG_MS, type RecordsContext } from './fixtures.ts';

export function declarationsContract(c: RecordsContext): void {
  describe('DeclarationRecords (declaration-records.ts)', () => {
    let store: RecordStore;
    beforeAll(() => {
      store = c.store();
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
      for (const x of [a3, a1, b2, a1b]) await store.declarations.add(x);
      expect(await store.declarations.list('ent-decl-a')).toEqual([a1, a1b, a3]);
      expect(await store.declarations.list('ent-decl-b')).toEqual([b2]);
      expect(await store.declarations.list('ent-decl-none')).toEqual([]);
      const all = (await store.declarations.list()).filter((x) => x.enterprise.startsWith('ent-decl-'));
      expect(all).toEqual([a1, a1b, b2, a3]);
    });
  });
  });
}
