// Alarm disposals (报警处置, issue 14): acknowledging is not disposing. One disposal per alarm —
// cause, measures taken, result, the person responsible, who recorded it and when — kept apart
// from the alarm row (which the alarm writer rewrites whole), with the alarm's due time copied so
// "handled the same day" (seed 003: 当天完成处置) is a column, not a join.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('alarm_disposals')
      .addColumn('alarm_id', 'text', (c) => c.primaryKey())
      .addColumn('enterprise', 'text', (c) => c.notNull())
      .addColumn('rule', 'text', (c) => c.notNull())
      .addColumn('raised_at', t.int64, (c) => c.notNull())
      .addColumn('due_by', t.int64, (c) => c.notNull())
      .addColumn('disposed_at', t.int64, (c) => c.notNull())
      .addColumn('disposed_by', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('measures', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('responsible', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('alarm_disposals_enterprise_raised_at').on('alarm_disposals').columns(['enterprise', 'raised_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('alarm_disposals').execute();
  },
});
export default migration;
