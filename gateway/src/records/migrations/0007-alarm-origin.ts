// Alarms mirrored from an edge gateway (issue 7, docs/uplink.md): `origin` names the edge whose
// rule engine raised the alarm (null for alarms raised here), `origin_id` the alarm's id at the
// edge (the same as `id` unless this gateway had raised the alarm first and adopted the edge's),
// `origin_rev` the edge queue row (`epoch:seq`) that last changed it, so a replayed row changes
// nothing.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = () => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('alarms').addColumn('origin', 'text').execute();
    await db.schema.alterTable('alarms').addColumn('origin_id', 'text').execute();
    await db.schema.alterTable('alarms').addColumn('origin_rev', 'text').execute();
    await db.schema.createIndex('alarms_origin_id').on('alarms').columns(['origin', 'origin_id']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('alarms_origin_id').execute();
    await db.schema.alterTable('alarms').dropColumn('origin_rev').execute();
    await db.schema.alterTable('alarms').dropColumn('origin_id').execute();
    await db.schema.alterTable('alarms').dropColumn('origin').execute();
  },
});
export default migration;
