// Row types of the records database as Kysely sees them: snake_case columns, times as epoch ms
// (BIGINT in PostgreSQL, INTEGER in SQLite; int8 is parsed to number by the pg pool, see
// dialects.ts), JSON as text. Booleans are BOOLEAN in PostgreSQL and 0/1 in SQLite, so their
// column type admits both and alarm-rows.ts converts. A new aggregate adds its tables here and
// a numbered migration under migrations/.
import type { ColumnType, Generated } from 'kysely';
import type { ALARM_FIELDS, FieldKind } from '../alarms/alarm-fields.ts';

/** which SQL dialect a store speaks: the few type differences live in one place per layer */
export type Flavor = 'sqlite' | 'postgres';

/** BOOLEAN (postgres) or INTEGER 0/1 (sqlite) */
export type BoolColumn = ColumnType<boolean | number, boolean | number, boolean | number>;

type AlarmFields = typeof ALARM_FIELDS;
type ColumnOf<K extends FieldKind> = K extends 'bool'
  ? BoolColumn
  : K extends 'text' | 'severity' | 'state'
    ? string
    : K extends 'text?' | 'json?'
      ? string | null
      : K extends 'num' | 'time'
        ? number
        : number | null;

/** One column per field of alarms/alarm-fields.ts (JSON as text), and the mirror marks. */
export type AlarmsTable = { [N in keyof AlarmFields as AlarmFields[N]['col']]: ColumnOf<AlarmFields[N]['kind']> } & {
  origin_id: string | null;
  origin_rev: string | null;
};

export interface AlarmTransitionsTable {
  /** insertion order: the order transitions happened in, whatever their ts */
  id: Generated<number>;
  alarm_id: string;
  ts: number;
  action: string;
  from_state: string | null;
  to_state: string;
  severity: string;
  actor: string;
  note: string | null;
  value: number | null;
}

export interface RuleStateTable {
  name: string;
  seq: number;
  /** JSON text */
  state: string;
}

export interface StatusDeclarationsTable {
  id: Generated<number>;
  enterprise: string;
  status: string;
  valid_from: number;
  reason: string | null;
  actor: string;
  at: number;
}

export interface AuditLogTable {
  seq: number;
  at: number;
  kind: string;
  ref: string;
  action: string;
  actor: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

export interface HazardsTable {
  id: string;
  enterprise: string;
  jurisdiction: string;
  site: string | null;
  state: string;
  level: string;
  source: string;
  report_code: string | null;
  reported_at: number;
  updated_at: number;
  /** JSON text: the whole hazard */
  doc: string;
}

export interface HazardHistoryTable {
  id: Generated<number>;
  hazard_id: string;
  at: number;
  action: string;
  from_state: string | null;
  to_state: string;
  actor: string;
  /** JSON text: the whole history entry */
  entry: string;
}

export interface ReportersTable {
  id: string;
  name: string | null;
  phone: string | null;
  created_at: number;
}

export interface RewardLedgerTable {
  id: Generated<number>;
  hazard_id: string;
  reporter_id: string | null;
  amount: number;
  tier: string;
  payer: string;
  paid_at: number;
}

export interface VerificationsTable {
  id: string;
  enterprise: string;
  jurisdiction: string;
  state: string;
  created_at: number;
  /** JSON text: the whole task */
  doc: string;
}

export interface AlarmDisposalsTable {
  alarm_id: string;
  enterprise: string;
  rule: string;
  raised_at: number;
  due_by: number;
  disposed_at: number;
  disposed_by: string;
  cause: string;
  measures: string;
  result: string;
  responsible: string;
  note: string | null;
}

export interface NotificationsTable {
  id: string;
  ref_kind: string;
  ref_id: string;
  enterprise: string;
  policy: string;
  step: number;
  person: string;
  person_name: string;
  channel: string;
  address: string;
  subject: string;
  status: string;
  attempts: number;
  queued_at: number;
  updated_at: number;
  delivered_at: number | null;
  last_error: string | null;
}

export interface ShiftHandoversTable {
  id: string;
  state: string;
  from_person: string;
  to_person: string | null;
  created_at: number;
  accepted_at: number | null;
  /** JSON text: the whole handover */
  doc: string;
}

export interface ReportRunsTable {
  id: string;
  schedule: string;
  status: string;
  created_at: number;
  updated_at: number;
  /** JSON text: the whole run */
  doc: string;
}

export interface DownlinkTable {
  edge: string;
  seq: number;
  at: number;
  /** JSON text: the item */
  item: string;
}

export interface ClusterInstancesTable {
  id: string;
  http: string;
  started_at: number;
  heartbeat_at: number;
}

export interface ClusterPartitionsTable {
  partition: number;
  owner: string | null;
  /** fencing: raised at every change of owner; an owner's writes carry the epoch it took */
  epoch: Generated<number>;
  expires_at: Generated<number>;
  /** the last stream sequence the owner folded into its state */
  seq: Generated<number>;
  lag: Generated<number>;
  taken_at: number | null;
}

export interface EdgeLinksTable {
  edge: string;
  /** the edge queue's identity the rows are numbered in */
  epoch: Generated<number>;
  /** rows durable in the cluster, per lane, each following on from the one before */
  hwm_p: Generated<number>;
  hwm_b: Generated<number>;
  state: Generated<string>;
  instance: string | null;
  connected: Generated<number>;
  connected_at: number | null;
  last_heard_at: number | null;
  hello: string | null;
  hello_at: number | null;
  updated_at: Generated<number>;
}

export interface AccidentsTable {
  id: string;
  enterprise: string;
  jurisdiction: string;
  occurred_at: number;
  reported_at: number;
  received_at: number | null;
  doc: string;
}

export interface SpecialPeriodsTable {
  id: string;
  jurisdiction: string;
  from_ts: number;
  to_ts: number;
  doc: string;
}

export interface ResumptionsTable {
  id: string;
  enterprise: string;
  state: string;
  requested_at: number;
  doc: string;
}

export interface SanweiTable {
  id: string;
  enterprise: string;
  occurred_at: number;
  doc: string;
}

export interface RecordsDb {
  alarms: AlarmsTable;
  alarm_transitions: AlarmTransitionsTable;
  rule_state: RuleStateTable;
  status_declarations: StatusDeclarationsTable;
  audit_log: AuditLogTable;
  hazards: HazardsTable;
  hazard_history: HazardHistoryTable;
  reporters: ReportersTable;
  reward_ledger: RewardLedgerTable;
  verifications: VerificationsTable;
  alarm_disposals: AlarmDisposalsTable;
  notifications: NotificationsTable;
  shift_handovers: ShiftHandoversTable;
  report_runs: ReportRunsTable;
  downlink: DownlinkTable;
  cluster_instances: ClusterInstancesTable;
  cluster_partitions: ClusterPartitionsTable;
  edge_links: EdgeLinksTable;
  accidents: AccidentsTable;
  special_periods: SpecialPeriodsTable;
  resumptions: ResumptionsTable;
  sanwei_records: SanweiTable;
}
