// Cluster mode (issue 16, docs/cluster.md): the instances that say they are alive, and one row per
// partition with its owner, the lease's fencing epoch and expiry, and how far the owner has read
// the ingest stream. Created in SQLite too (one migration list), used with PostgreSQL only.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('cluster_instances')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('http', 'text', (c) => c.notNull())
      .addColumn('started_at', t.int64, (c) => c.notNull())
      .addColumn('heartbeat_at', t.int64, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('cluster_partitions')
      .addColumn('partition', 'integer', (c) => c.primaryKey())
      .addColumn('owner', 'text')
      .addColumn('epoch', t.int64, (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', t.int64, (c) => c.notNull().defaultTo(0))
      .addColumn('seq', t.int64, (c) => c.notNull().defaultTo(0))
      .addColumn('lag', t.int64, (c) => c.notNull().defaultTo(0))
      .addColumn('taken_at', t.int64)
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('cluster_partitions').execute();
    await db.schema.dropTable('cluster_instances').execute();
  },
});
export default migration;
