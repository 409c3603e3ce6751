// Shift handovers (交接班, issue 15): the outgoing dispatcher's handover — open alarms and their
// state, what was disposed, notes — and the incoming dispatcher's acceptance, each with its person.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('shift_handovers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('from_person', 'text', (c) => c.notNull())
      .addColumn('to_person', 'text')
      .addColumn('created_at', t.int64, (c) => c.notNull())
      .addColumn('accepted_at', t.int64)
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('shift_handovers_created_at').on('shift_handovers').columns(['created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('shift_handovers').execute();
  },
});
export default migration;
