// The tamper-evident audit log ("全程留痕", DOMAIN.md §7): every alarm and hazard transition is
// appended with the hash of the entry before it, so an edited or deleted entry breaks the
// chain (`hazardline audit verify`). `seq` is assigned by the writer (1, 2, 3, … without gaps).
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('audit_log')
      .addColumn('seq', t.int64, (c) => c.primaryKey())
      .addColumn('at', t.int64, (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ref', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_by_ref').on('audit_log').columns(['kind', 'ref']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('audit_log').execute();
  },
});
export default migration;
