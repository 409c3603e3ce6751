// Special periods (issue 17, docs/special-periods.md): time-scoped policies a regulator sets for a
// jurisdiction — the document as JSON with the columns lists filter on.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('special_periods')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('jurisdiction', 'text', (c) => c.notNull())
      .addColumn('from_ts', t.int64, (c) => c.notNull())
      .addColumn('to_ts', t.int64, (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('special_periods').execute();
  },
});
export default migration;
