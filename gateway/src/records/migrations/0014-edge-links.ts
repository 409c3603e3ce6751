// Cluster mode (issue 16, docs/cluster.md §10): one row per edge — the rows of its queue the
// cluster has made durable (per lane, within the queue's epoch), the gaps and loss notices seen,
// and the link as the instance holding the edge's connection last wrote it. Created in SQLite too
// (one migration list), used with PostgreSQL only.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('edge_links')
      .addColumn('edge', 'text', (c) => c.primaryKey())
      .addColumn('epoch', t.int64, (c) => c.notNull().defaultTo(0))
      .addColumn('hwm_p', t.int64, (c) => c.notNull().defaultTo(0))
      .addColumn('hwm_b', t.int64, (c) => c.notNull().defaultTo(0))
      /** JSON: gaps, loss notices, newest event time per enterprise */
      .addColumn('state', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('instance', 'text')
      .addColumn('connected', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('connected_at', t.int64)
      .addColumn('last_heard_at', t.int64)
      /** JSON: the edge's last hello, with the time it came */
      .addColumn('hello', 'text')
      .addColumn('hello_at', t.int64)
      /** the database server's time of the holder's last write of the link */
      .addColumn('updated_at', t.int64, (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('edge_links').execute();
  },
});
export default migration;
