// The centre's outbox to its edges (issue 16, "down the link, too"): what the centre decided for an
// edge's enterprise — a declared status, an acknowledgement or a shelve of a mirrored alarm — in
// order per edge (`seq`), kept until the edge's hello says it applied it.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('downlink')
      .addColumn('edge', 'text', (c) => c.notNull())
      .addColumn('seq', t.int64, (c) => c.notNull())
      .addColumn('at', t.int64, (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('downlink_pk', ['edge', 'seq'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('downlink').execute();
  },
});
export default migration;
