// Offline verification tasks (线下核查, CONTRACT §7): a regulator's finding from online
// inspection, sent to inspectors with a due date; the on-site result confirms it (→ a hazard
// report of source `inspection`) or closes it with the reason.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('verifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('enterprise', 'text', (c) => c.notNull())
      .addColumn('jurisdiction', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', t.int64, (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('verifications_jurisdiction_created_at').on('verifications').columns(['jurisdiction', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('verifications').execute();
  },
});
export default migration;
