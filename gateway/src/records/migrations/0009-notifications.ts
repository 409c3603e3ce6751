// Notifications to persons (issue 15): one row per message to one person over one channel —
// email, SMS, voice — with its delivery state, so the alarm and hazard pages show who was told,
// how, when, and whether it arrived; and an escalation chain resumes after a restart without
// calling anyone twice.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('ref_kind', 'text', (c) => c.notNull())
      .addColumn('ref_id', 'text', (c) => c.notNull())
      .addColumn('enterprise', 'text', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('person', 'text', (c) => c.notNull())
      .addColumn('person_name', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('queued_at', t.int64, (c) => c.notNull())
      .addColumn('updated_at', t.int64, (c) => c.notNull())
      .addColumn('delivered_at', t.int64)
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('notifications_ref').on('notifications').columns(['ref_kind', 'ref_id']).execute();
    await db.schema.createIndex('notifications_queued_at').on('notifications').columns(['queued_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('notifications').execute();
  },
});
export default migration;
