// Alarms and their transitions (CONTRACT §6): one row per alarm, updated in place, and an
// append-only transition log referencing it (every transition kept with actor and time).
import type { Kysely } from 'kysely';
import { withAutoId, type RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = (t) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('alarms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('rule', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('active', t.bool, (c) => c.notNull())
      .addColumn('enterprise', 'text', (c) => c.notNull())
      .addColumn('site', 'text')
      .addColumn('zone', 'text')
      .addColumn('device', 'text')
      .addColumn('metric', 'text')
      .addColumn('value', t.float)
      .addColumn('peak', t.float)
      .addColumn('threshold', t.float)
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('message_en', 'text', (c) => c.notNull())
      .addColumn('count', t.int64, (c) => c.notNull())
      .addColumn('raised_at', t.int64, (c) => c.notNull())
      .addColumn('updated_at', t.int64, (c) => c.notNull())
      .addColumn('acked_at', t.int64)
      .addColumn('acked_by', 'text')
      .addColumn('ack_note', 'text')
      .addColumn('cleared_at', t.int64)
      .addColumn('closed_at', t.int64)
      .addColumn('shelved_until', t.int64)
      .addColumn('shelve_reason', 'text')
      .addColumn('suppressed_reason', 'text')
      .addColumn('due_by', t.int64, (c) => c.notNull())
      .addColumn('retroactive', t.bool, (c) => c.notNull())
      .addColumn('escalations', t.int64, (c) => c.notNull())
      .addColumn('hazard_id', 'text')
      .addColumn('evidence', 'text')
      .execute();
    // open lookup by rule+subject key, open/closed lists, per-enterprise lists newest first
    await db.schema.createIndex('alarms_key').on('alarms').column('key').execute();
    await db.schema.createIndex('alarms_state').on('alarms').column('state').execute();
    await db.schema.createIndex('alarms_enterprise_raised_at').on('alarms').columns(['enterprise', 'raised_at']).execute();

    await withAutoId(db.schema.createTable('alarm_transitions'), t)
      .addColumn('alarm_id', 'text', (c) => c.notNull().references('alarms.id'))
      .addColumn('ts', t.int64, (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('value', t.float)
      .execute();
    await db.schema.createIndex('alarm_transitions_alarm_id').on('alarm_transitions').column('alarm_id').execute();
    await db.schema.createIndex('alarm_transitions_ts').on('alarm_transitions').column('ts').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('alarm_transitions').execute();
    await db.schema.dropTable('alarms').execute();
  },
});
export default migration;
