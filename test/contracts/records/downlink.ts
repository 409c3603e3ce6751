// The contract of one record repository: DownlinkRecords (downlink-records.ts): numbered per edge,
// in order, pruned once applied without the numbering starting again. Run on every backend.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import { BIG_MS, type RecordsContext } from './fixtures.ts';

export function downlinkContract(c: RecordsContext): void {
  describe('DownlinkRecords (downlink-records.ts)', () => {
    let store: RecordStore;
    beforeAll(() => {
      store = c.store();
    });

    it('numbers per edge from 1, lists after a number in order, prunes what was applied, never reuses a number', async () => {
      expect(await store.downlink.add('edge-dl', BIG_MS, { kind: 'declare', status: 'stopped' })).toBe(1);
      expect(await store.downlink.add('edge-dl', BIG_MS + 1, { kind: 'ack', alarmId: 'al_1' })).toBe(2);
      expect(await store.downlink.add('edge-dl-2', BIG_MS, { kind: 'ack', alarmId: 'al_9' })).toBe(1);
      expect(await store.downlink.after('edge-dl', 0)).toEqual([
        { seq: 1, at: BIG_MS, item: { kind: 'declare', status: 'stopped' } },
        { seq: 2, at: BIG_MS + 1, item: { kind: 'ack', alarmId: 'al_1' } },
      ]);
      expect((await store.downlink.after('edge-dl', 1)).map((r) => r.seq)).toEqual([2]);
      await store.downlink.prune('edge-dl', 2);
      expect((await store.downlink.after('edge-dl', 0)).map((r) => r.seq)).toEqual([2]);
      expect(await store.downlink.add('edge-dl', BIG_MS + 2, { kind: 'ack', alarmId: 'al_2' })).toBe(3);
      expect((await store.downlink.after('edge-dl-2', 0)).map((r) => r.seq)).toEqual([1]);
    });
  });
}
