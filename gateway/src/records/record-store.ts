// The records database (CONTRACT §2 `storage.records`) in SQLite or PostgreSQL through one Kysely
// handle, as one repository per record concern: alarms (§6), hazards with reporters and rewards
// (§8), the audit chain, rule-engine state, verification tasks (§7), declared status and alarm disposals. A new
// concern adds its tables in a numbered migration (migrations/), its rows in schema.ts, a
// repository file here and a contract suite under test/contracts/records/ that every backend
// passes (test/integration/records-sqlite.test.ts, test/integration/records-postgres.test.ts).
import { Migrator, sql } from 'kysely';
import { ConfigError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { AlarmRecords } from './alarm-records.ts';
import { AuditLog } from './audit-log.ts';
import { DeclarationRecords } from './declaration-records.ts';
import { DisposalRecords } from './disposal-records.ts';
import { NotificationRecords } from './notification-records.ts';
import { HandoverRecords } from './handover-records.ts';
import { ReportRunRecords } from './report-run-records.ts';
import { DownlinkRecords } from './downlink-records.ts';
import { CONFIG_KEY, openPostgres, openSqlite, type OpenedDb } from './dialects.ts';
import { HazardRecords } from './hazard-records.ts';
import { ClusterRecords } from './cluster-records.ts';
import { EdgeLinkRecords } from './edge-link-records.ts';
import { AccidentRecords } from './accident-records.ts';
import { PeriodRecords } from './period-records.ts';
import { ResumptionRecords } from './resumption-records.ts';
import { SanweiRecords } from './sanwei-records.ts';
import { LeaseRecords } from './lease-records.ts';
import { recordsMigrationProvider } from './migrations/index.ts';
import { RuleStateRecords } from './rule-state-records.ts';
import type { Flavor } from './schema.ts';
import type { Db } from './tx.ts';
import { VerificationRecords } from './verification-records.ts';

export { DEFAULT_ALARM_LIST_LIMIT } from './alarm-records.ts';
export type { HazardDoc } from './hazard-records.ts';
export type { RowMismatch } from './row-check.ts';
export type { RuleStateSnapshot } from './rule-state-records.ts';
export type { StatusDeclaration } from './declaration-records.ts';
export type { AlarmDisposal } from './disposal-records.ts';

export interface OpenRecordStoreOptions {
  /** gateway.dataDir: SQLite keeps `records.db` here */
  dataDir: string;
  /** PostgreSQL schema for every table (created if missing); default `public`. Ignored for SQLite. */
  schema?: string;
  /** PostgreSQL pool size; default 10 */
  poolSize?: number;
  log?: Logger;
}

export class RecordStore {
  readonly alarms: AlarmRecords;
  readonly hazards: HazardRecords;
  readonly audit: AuditLog;
  readonly state: RuleStateRecords;
  readonly verifications: VerificationRecords;
  readonly declarations: DeclarationRecords;
  readonly disposals: DisposalRecords;
  readonly notifications: NotificationRecords;
  readonly handovers: HandoverRecords;
  readonly reportRuns: ReportRunRecords;
  readonly downlink: DownlinkRecords;
  /** cluster mode only (PostgreSQL): instances, and a new owner's view of alarm history */
  readonly cluster: ClusterRecords;
  /** cluster mode only (PostgreSQL): partition leases, fenced by epoch */
  readonly leases: LeaseRecords;
  /** accident reports and the regulator's receipts (issue 17) */
  readonly accidents: AccidentRecords;
  /** special periods set by regulators (issue 17) */
  readonly periods: PeriodRecords;
  /** resumption requests (复工复产) and the regulators' decisions (issue 17) */
  readonly resumptions: ResumptionRecords;
  /** 三违 records per person (issue 17) */
  readonly sanwei: SanweiRecords;
  /** cluster mode only (PostgreSQL): each edge's rows applied and its link */
  readonly edgeLinks: EdgeLinkRecords;

  constructor(
    private readonly db: Db,
    readonly flavor: Flavor,
    /** file path or `PostgreSQL at host:port/db`, for logs and /healthz (no credentials) */
    readonly target: string,
    /** the PostgreSQL schema holding the tables */
    readonly schema?: string,
  ) {
    this.alarms = new AlarmRecords(db, flavor);
    this.hazards = new HazardRecords(db);
    this.audit = new AuditLog(db);
    this.state = new RuleStateRecords(db);
    this.verifications = new VerificationRecords(db);
    this.declarations = new DeclarationRecords(db);
    this.disposals = new DisposalRecords(db);
    this.notifications = new NotificationRecords(db);
    this.handovers = new HandoverRecords(db);
    this.reportRuns = new ReportRunRecords(db);
    this.downlink = new DownlinkRecords(db);
    this.cluster = new ClusterRecords(db);
    this.leases = new LeaseRecords(db);
    this.edgeLinks = new EdgeLinkRecords(db);
    this.accidents = new AccidentRecords(db);
    this.periods = new PeriodRecords(db);
    this.resumptions = new ResumptionRecords(db);
    this.sanwei = new SanweiRecords(db);
  }

  /**
   * Runs `fn` in one transaction, with a store bound to it: use `tx`, not this store, inside
   * (SQLite has one connection, which the transaction holds). Nested calls join the outer one.
   */
  async transaction<T>(fn: (tx: RecordStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new RecordStore(trx, this.flavor, this.target, this.schema)));
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  /** Names of the migrations applied to this database, in order (for /healthz, support). */
  async appliedMigrations(): Promise<string[]> {
    const infos = await migrator({ db: this.db, flavor: this.flavor, target: this.target, schema: this.schema }).getMigrations();
    return infos.filter((m) => m.executedAt !== undefined).map((m) => m.name);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/**
 * Opens the records store of `storage.records` (`sqlite` or `postgres://...`) and brings its
 * schema to the latest migration. A PostgreSQL server that cannot be reached fails with
 * StoreUnavailableError naming `storage.records` and host:port (never the password).
 */
export async function openRecordStore(spec: string, opts: OpenRecordStoreOptions): Promise<RecordStore> {
  let opened: OpenedDb;
  if (spec === 'sqlite') opened = openSqlite(opts.dataDir);
  else if (/^postgres(ql)?:\/\//.test(spec)) opened = await openPostgres(spec, opts);
  else throw new ConfigError([`${CONFIG_KEY}: expected "sqlite" or a postgres://... URL`]);
  try {
    await migrate(opened);
  } catch (err) {
    await opened.db.destroy().catch(() => {});
    throw err;
  }
  return new RecordStore(opened.db, opened.flavor, opened.target, opened.schema);
}

function migrator(o: OpenedDb): Migrator {
  return new Migrator({ db: o.db, provider: recordsMigrationProvider(o.flavor), migrationTableSchema: o.schema });
}

async function migrate(o: OpenedDb): Promise<void> {
  const { error, results } = await migrator(o).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`${CONFIG_KEY}: migration ${failed ?? '(setup)'} failed on ${o.target}: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}
