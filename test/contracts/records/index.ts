// The abstract test suite every records backend must pass (ARCHITECTURE.md: like
// aedes-persistence's abstract tests; SQLite and PostgreSQL run this one suite): the store
// itself (migrations, ping), then one contract per record repository.
// `open` may be called more than once and must return a store on the SAME database each time
// (the migrations-idempotent test opens a second one). Tests share that database, so each one
// works under its own enterprise ids, keys and times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';
import { alarmRecordsContract } from './alarms.ts';
import { auditLogContract } from './audit.ts';
import { declarationsContract } from './declarations.ts';
import { disposalsContract } from './disposals.ts';
import { fullAlarm, MIGRATIONS, type RecordsContext } from './fixtures.ts';
import { hazardRecordsContract } from './hazards.ts';
import { ruleStateContract } from './rule-state.ts';
import { verificationsContract } from './verifications.ts';
import { notificationsContract } from './notifications.ts';
import { handoversContract } from './handovers.ts';
import { reportRunsContract } from './report-runs.ts';
import { downlinkContract } from './downlink.ts';

export { BIG_MS, fullAlarm, nullAlarm, transition } from './fixtures.ts';

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
      await store.alarms.insert(fullAlarm('al_idem', { enterprise: 'ent-idem' }));
      const again = await open();
      try {
        expect(await again.appliedMigrations()).toEqual(MIGRATIONS);
        expect(await again.alarms.get('al_idem')).toEqual(fullAlarm('al_idem', { enterprise: 'ent-idem' }));
      } finally {
        await again.close();
      }
    });

    const c: RecordsContext = { store: () => store, open, exec };
    alarmRecordsContract(c);
    ruleStateContract(c);
    declarationsContract(c);
    auditLogContract(c);
    hazardRecordsContract(c);
    verificationsContract(c);
    disposalsContract(c);
    notificationsContract(c);
    handoversContract(c);
    reportRunsContract(c);
    downlinkContract(c);
  });
}
