// Declared production status history of enterprises (producing / stopped / rectifying): append
// only, so that a rule can ask what was declared at any past event time (明停暗开, DOMAIN.md §6).
import type { Kysely } from 'kysely';
import { withAutoId, type RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await withAutoId(db.schema.createTable('status_declarations'), t)
      .addColumn('enterprise', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      // `from` in the API; a reserved word in SQL
      .addColumn('valid_from', t.int64, (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', t.int64, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('status_declarations_enterprise_from').on('status_declarations').columns(['enterprise', 'valid_from']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('status_declarations').execute();
  },
});
export default migration;
