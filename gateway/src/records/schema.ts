// Row types of the records database as Kysely sees them: snake_case columns, times as epoch ms
// (BIGINT in PostgreSQL, INTEGER in SQLite; int8 is parsed to number by the pg pool, see
// dialects.ts), JSON as text. Booleans are BOOLEAN in PostgreSQL and 0/1 in SQLite, so their
// column type admits both and alarm-rows.ts converts. A new aggregate adds its tables here and
// a numbered migration under migrations/.
import type { ColumnType, Generated } from 'kysely';

/** which SQL dialect a store speaks: the few type differences live in one place per layer */
export type Flavor = 'sqlite' | 'postgres';

/** BOOLEAN (postgres) or INTEGER 0/1 (sqlite) */
export type BoolColumn = ColumnType<boolean | number, boolean | number, boolean | number>;

export interface AlarmsTable {
  id: string;
  rule: string;
  key: string;
  severity: string;
  state: string;
  active: BoolColumn;
  enterprise: string;
  site: string | null;
  zone: string | null;
  device: string | null;
  metric: string | null;
  value: number | null;
  peak: number | null;
  threshold: number | null;
  message: string;
  message_en: string;
  count: number;
  raised_at: number;
  updated_at: number;
  acked_at: number | null;
  acked_by: string | null;
  ack_note: string | null;
  cleared_at: number | null;
  closed_at: number | null;
  shelved_until: number | null;
  shelve_reason: string | null;
  suppressed_reason: string | null;
  due_by: number;
  retroactive: BoolColumn;
  escalations: number;
  hazard_id: string | null;
  /** JSON text */
  evidence: string | null;
  /** the edge gateway an alarm was mirrored from (null: raised here) */
  origin: string | null;
  origin_id: string | null;
  origin_rev: string | null;
}

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
}
