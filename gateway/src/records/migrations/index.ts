// The in-code migration provider: every records migration, by name. Names sort in the order
// they run (Kysely runs them alphabetically), so they carry a 4-digit number. Append only: a
// released migration is never edited or renumbered; a schema change is a new file here.
import type { Migration, MigrationProvider } from 'kysely';
import type { Flavor } from '../schema.ts';
import alarms from './0001-alarms.ts';
import ruleState from './0002-rule-state.ts';
import statusDeclarations from './0003-status-declarations.ts';
import auditLog from './0004-audit-log.ts';
import hazards from './0005-hazards.ts';
import verifications from './0006-verifications.ts';
import alarmOrigin from './0007-alarm-origin.ts';
import alarmDisposals from './0008-alarm-disposals.ts';
import notifications from './0009-notifications.ts';
import shiftHandovers from './0010-shift-handovers.ts';
import reportRuns from './0011-report-runs.ts';
import downlink from './0012-downlink.ts';
import cluster from './0013-cluster.ts';
import edgeLinks from './0014-edge-links.ts';
import accidents from './0015-accidents.ts';
import specialPeriods from './0016-special-periods.ts';
import resumptions from './0017-resumptions.ts';
import sanwei from './0018-sanwei.ts';
import { sqlTypes, type RecordsMigration } from './sql-types.ts';

export const RECORDS_MIGRATIONS: Readonly<Record<string, RecordsMigration>> = {
  '0001-alarms': alarms,
  '0002-rule-state': ruleState,
  '0003-status-declarations': statusDeclarations,
  '0004-audit-log': auditLog,
  '0005-hazards': hazards,
  '0006-verifications': verifications,
  '0007-alarm-origin': alarmOrigin,
  '0008-alarm-disposals': alarmDisposals,
  '0009-notifications': notifications,
  '0010-shift-handovers': shiftHandovers,
  '0011-report-runs': reportRuns,
  '0012-downlink': downlink,
  '0013-cluster': cluster,
  '0014-edge-links': edgeLinks,
  '0015-accidents': accidents,
  '0016-special-periods': specialPeriods,
  '0017-resumptions': resumptions,
  '0018-sanwei': sanwei,
};

export function recordsMigrationProvider(flavor: Flavor): MigrationProvider {
  const t = sqlTypes(flavor);
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(RECORDS_MIGRATIONS)) out[name] = m(t);
      return out;
    },
  };
}
