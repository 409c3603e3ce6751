// Alarms mirrored from an edge gateway (issue 7, docs/uplink.md): `origin` names the edge whose
// rule engine raised the alarm; null for alarms raised here.
import type { Kysely } from 'kysely';
import type { RecordsMigration } from './sql-types.ts';

const migration: RecordsMigration = () => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('alarms').addColumn('origin', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('alarms').dropColumn('origin').execute();
  },
});
export default migration;
