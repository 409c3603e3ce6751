// 三违 records (issue 17, docs/sanwei.md): violations of rules, orders and discipline per person,
// in the enterprise's ledger.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('sanwei_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('enterprise', 'text', (c) => c.notNull())
      .addColumn('occurred_at', t.int64, (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sanwei_records_enterprise_occurred_at').on('sanwei_records').columns(['enterprise', 'occurred_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('sanwei_records').execute();
  },
});
export default migration;
