// The contract of one record repository: HandoverRecords (handover-records.ts): offered, then
// accepted once, each step in the audit chain. Run on every backend by index.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { HandoverNotOffered, type HandoverDoc } from '../../../gateway/src/records/handover-records.ts';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import { BIG_MS, type RecordsContext } from './fixtures.ts';

export function handoversContract(c: RecordsContext): void {
  describe('HandoverRecords (handover-records.ts)', () => {
    let store: RecordStore;
    beforeAll(() => {
      store = c.store();
    });
    const h = (id: string, over: Partial<HandoverDoc & { notes: string }> = {}) => ({ id, state: 'offered' as const, enterprises: ['ent-ho'], from: '王调度', to: null, createdAt: BIG_MS, acceptedAt: null, notes: '3 号皮带跑偏待查', ...over });

    it('offers, accepts once (a second accept is HandoverNotOffered), both in the audit chain', async () => {
      await store.handovers.add(h('ho_1'));
      expect(await store.handovers.get('ho_1')).toEqual(h('ho_1'));
      const accepted = h('ho_1', { state: 'accepted', to: '李调度', acceptedAt: BIG_MS + 60_000 });
      await store.handovers.accept(accepted);
      expect(await store.handovers.get('ho_1')).toEqual(accepted);
      await expect(store.handovers.accept({ ...accepted, to: '赵调度' })).rejects.toBeInstanceOf(HandoverNotOffered);
      const audit = await store.audit.entries(0, 10_000, { kind: 'shift-handover', ref: 'ho_1' });
      expect(audit.map((e) => [e.action, e.actor])).toEqual([['hand-over', '王调度'], ['accept', '李调度']]);
    });

    it('lists newest first, by state', async () => {
      await store.handovers.add(h('ho_2', { createdAt: BIG_MS + 1000 }));
      const ids = (await store.handovers.list()).map((x) => x.id);
      expect(ids.indexOf('ho_2')).toBeLessThan(ids.indexOf('ho_1'));
      expect((await store.handovers.list({ state: 'offered' })).map((x) => x.id)).toContain('ho_2');
      expect((await store.handovers.list({ state: 'offered' })).map((x) => x.id)).not.toContain('ho_1');
    });
  });
}
