// Accident reports (issue 17, docs/accidents.md): one row per accident, the document as JSON with
// the columns that lists and the direct-report check filter on.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('accidents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('enterprise', 'text', (c) => c.notNull())
      .addColumn('jurisdiction', 'text', (c) => c.notNull())
      .addColumn('occurred_at', t.int64, (c) => c.notNull())
      .addColumn('reported_at', t.int64, (c) => c.notNull())
      .addColumn('received_at', t.int64)
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('accidents_reported_at').on('accidents').columns(['reported_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('accidents').execute();
  },
});
export default migration;
