// The contract of one record repository: ReportRunRecords (report-run-records.ts).
// Run on every backend by index.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import { BIG_MS, type RecordsContext } from './fixtures.ts';

export function reportRunsContract(c: RecordsContext): void {
  describe('ReportRunRecords (report-run-records.ts)', () => {
    let store: RecordStore;
    beforeAll(() => {
      store = c.store();
    });
    const run = (id: string, createdAt: number, over: Record<string, unknown> = {}) => ({ id, schedule: 'monthly-rr', status: 'delivering', createdAt, updatedAt: createdAt, files: [{ format: 'xlsx', name: 'a.xlsx', bytes: 10 }], ...over });

    it('saves, updates, lists newest first, by schedule and status; olderThan; delete', async () => {
      await store.reportRuns.save(run('rr_1', BIG_MS), true);
      await store.reportRuns.save(run('rr_2', BIG_MS + 1000), true);
      await store.reportRuns.save(run('rr_1', BIG_MS, { status: 'delivered', updatedAt: BIG_MS + 5 }), false);
      expect(await store.reportRuns.get('rr_1')).toEqual(run('rr_1', BIG_MS, { status: 'delivered', updatedAt: BIG_MS + 5 }));
      expect((await store.reportRuns.list({ schedule: 'monthly-rr' })).map((r) => r.id)).toEqual(['rr_2', 'rr_1']);
      expect((await store.reportRuns.list({ schedule: 'monthly-rr', status: 'delivering' })).map((r) => r.id)).toEqual(['rr_2']);
      expect((await store.reportRuns.olderThan(BIG_MS + 1)).map((r) => r.id)).toContain('rr_1');
      await store.reportRuns.delete('rr_1');
      expect(await store.reportRuns.get('rr_1')).toBeUndefined();
    });
  });
}
