// The contract of one record repository: NotificationRecords (notification-records.ts).
// Run on every backend by test/contracts/records/index.ts (SQLite and PostgreSQL).
import { beforeAll, describe, expect, it } from 'vitest';
import type { PersonNotification } from '../../../gateway/src/records/notification-records.ts';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import { BIG_MS, type RecordsContext } from './fixtures.ts';

export function notificationsContract(c: RecordsContext): void {
  describe('NotificationRecords (notification-records.ts)', () => {
    let store: RecordStore;
    beforeAll(() => {
      store = c.store();
    });
    const n = (id: string, over: Partial<PersonNotification> = {}): PersonNotification => ({ id, refKind: 'alarm', refId: 'al_nt_1', enterprise: 'ent-nt', policy: 'red-chain', step: 0, person: 'p-wang', personName: '王值班', channel: 'sms', address: '13800000001', subject: '红色报警', status: 'queued', attempts: 0, queuedAt: BIG_MS, updatedAt: BIG_MS, deliveredAt: null, lastError: null, ...over });

    it('stores every field with 64-bit times; byRef oldest first; update records the outcome', async () => {
      await store.notifications.add(n('nt_2', { queuedAt: BIG_MS + 10, updatedAt: BIG_MS + 10, channel: 'email', address: 'wang@example.com' }));
      await store.notifications.add(n('nt_1'));
      await store.notifications.add(n('nt_other', { refId: 'al_nt_2' }));
      expect((await store.notifications.byRef('alarm', 'al_nt_1')).map((x) => x.id)).toEqual(['nt_1', 'nt_2']);
      await store.notifications.update('nt_1', { status: 'delivered', attempts: 2, updatedAt: BIG_MS + 60_000, deliveredAt: BIG_MS + 60_000, lastError: 'http 503' });
      expect((await store.notifications.byRef('alarm', 'al_nt_1'))[0]).toEqual(n('nt_1', { status: 'delivered', attempts: 2, updatedAt: BIG_MS + 60_000, deliveredAt: BIG_MS + 60_000, lastError: 'http 503' }));
      expect(await store.notifications.byRef('hazard', 'al_nt_1')).toEqual([]);
    });

    it('lists by enterprise newest first, by status; unsettled = queued or retrying', async () => {
      await store.notifications.add(n('nt_l1', { enterprise: 'ent-nt-l', queuedAt: BIG_MS + 1, status: 'failed' }));
      await store.notifications.add(n('nt_l2', { enterprise: 'ent-nt-l', queuedAt: BIG_MS + 2, status: 'retrying' }));
      expect((await store.notifications.list({ enterprises: ['ent-nt-l'] })).map((x) => x.id)).toEqual(['nt_l2', 'nt_l1']);
      expect((await store.notifications.list({ enterprises: ['ent-nt-l'], status: 'failed' })).map((x) => x.id)).toEqual(['nt_l1']);
      expect(await store.notifications.list({ enterprises: [] })).toEqual([]);
      const unsettled = (await store.notifications.unsettled()).map((x) => x.id);
      expect(unsettled).toContain('nt_l2');
      expect(unsettled).not.toContain('nt_l1');
    });
  });
}
