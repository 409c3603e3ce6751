// Rule-engine state snapshots: one JSON document per name, with the WAL sequence number it
// reflects, so that the evaluator resumes from the snapshot and replays the WAL after `seq`.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('rule_state')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('seq', t.int64, (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('rule_state').execute();
  },
});
export default migration;
