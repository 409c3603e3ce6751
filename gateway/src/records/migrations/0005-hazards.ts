// Hazard reports (CONTRACT §8, DOMAIN.md §7). A hazard is stored as a JSON document with the
// columns lists and scoping filter on; its history is append-only. Reporter identities live in
// their own table, read only for the accepting officer and regulators (CONTRACT §8), and the
// reward ledger records payer and payment time (奖励兑现).
import type { Kysely } from 'kysely';
import { withAutoId, type RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('hazards')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('enterprise', 'text', (c) => c.notNull())
      .addColumn('jurisdiction', 'text', (c) => c.notNull())
      .addColumn('site', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('report_code', 'text', (c) => c.unique())
      .addColumn('reported_at', t.int64, (c) => c.notNull())
      .addColumn('updated_at', t.int64, (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hazards_enterprise_reported_at').on('hazards').columns(['enterprise', 'reported_at']).execute();
    await db.schema.createIndex('hazards_state').on('hazards').column('state').execute();
    await withAutoId(db.schema.createTable('hazard_history'), t)
      .addColumn('hazard_id', 'text', (c) => c.notNull().references('hazards.id'))
      .addColumn('at', t.int64, (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('entry', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hazard_history_hazard_id').on('hazard_history').column('hazard_id').execute();
    await db.schema
      .createTable('reporters')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .addColumn('phone', 'text')
      .addColumn('created_at', t.int64, (c) => c.notNull())
      .execute();
    await withAutoId(db.schema.createTable('reward_ledger'), t)
      .addColumn('hazard_id', 'text', (c) => c.notNull().references('hazards.id'))
      .addColumn('reporter_id', 'text')
      .addColumn('amount', t.float, (c) => c.notNull())
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('payer', 'text', (c) => c.notNull())
      .addColumn('paid_at', t.int64, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reward_ledger_hazard_id').on('reward_ledger').column('hazard_id').execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['reward_ledger', 'reporters', 'hazard_history', 'hazards']) await db.schema.dropTable(table).execute();
  },
});
export default migration;
