// Scheduled report runs (issue 15): each run of a schedule, its files (kept for download) and
// each delivery (email, webhook) with attempts and the last error, so a failed one is visible and
// retried.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('report_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('schedule', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', t.int64, (c) => c.notNull())
      .addColumn('updated_at', t.int64, (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('report_runs_created_at').on('report_runs').columns(['created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('report_runs').execute();
  },
});
export default migration;
