// The contract between the rule engine (rules/) and the alarm manager (gateway/src/alarms):
// the engine turns durable frames into Conditions, in event time; the alarm manager turns
// Conditions into ISA-18.2 alarms (CONTRACT §6). rules/ imports only the model types of the
// gateway (ARCHITECTURE.md).
import type { Frame } from '../../gateway/src/model/types.ts';
import type { AssetModel, DeclaredStatus } from '../../gateway/src/model/assets.ts';

/** 红/橙/黄/蓝, highest first in CONTRACT §6; ascending here so an index compares severities. */
export const SEVERITIES = ['blue', 'yellow', 'orange', 'red'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** What an alarm is about: a device, a zone, a site or a whole enterprise. */
export interface Subject {
  enterprise: string;
  site?: string;
  zone?: string;
  device?: string;
}

export interface Text {
  zh: string;
  en: string;
}

/**
 * A rule's verdict on one subject at one instant (event time). `active: true` means the
 * condition holds with `severity` from `ts` on (raised, or changed severity); `active: false`
 * means it cleared at `ts`. The engine emits a Condition only on a change (raise, severity
 * change, clear) and, while active, when the value reaches a new peak — never per reading.
 */
export interface Condition {
  rule: string;
  /** the rule + subject (+ metric) identity: one open alarm per key (CONTRACT §6) */
  key: string;
  subject: Subject;
  metric?: string;
  active: boolean;
  severity: Severity;
  value?: number;
  threshold?: number;
  /** event time of the change (for a raise: when the condition started holding, after the on-delay) */
  ts: number;
  message: Text;
  /** the pack asks that this condition opens a hazard report of this level (issue 5) */
  hazard?: 'general' | 'major';
  /** the readings or facts behind the verdict, for the regulator's evidence view */
  evidence?: Record<string, unknown>;
}

/** Severity escalation of repeated activations of one rule on one subject (DOMAIN.md §4 tailings rule). */
export interface EscalationSpec {
  /** window over which activations are counted, ms (default 24 h) */
  windowMs: number;
  /** `count` activations at `from` within the window raise the alarm to `to` */
  steps: { from: Severity; count: number; to: Severity }[];
}

/** What a compiled rule exposes to the alarm manager and the API. */
export interface RuleInfo {
  id: string;
  kind: string;
  title: Text;
  /** DOMAIN.md section(s) behind the rule's numbers */
  domain: string;
  escalation?: EscalationSpec;
}

/** The environment rules run in: the asset model (read-only) and the declared-status history. */
export interface RuleEnv {
  assets: AssetModel;
  /** the enterprise's declared status at event time `ts` (config default, then declarations) */
  declaredStatusAt(enterprise: string, ts: number): DeclaredStatus;
  /** IANA time zone of local days and months (default Asia/Shanghai) */
  timezone: string;
  /**
   * The enterprise's event clock follows its data only, not the wall clock in between (central
   * mode: an edge forwards it, possibly hours late, and a silent link is not silent devices).
   */
  dataClockOnly?: (enterprise: string) => boolean;
}

export interface Evaluator {
  readonly rules: RuleInfo[];
  /** A durable frame (WAL order), with its arrival (wall) time. */
  ingest(frame: Frame, arrivalMs: number): void;
  /**
   * Advance time-driven rules (offline, on/off delays with no new reading) to wall time `now`.
   * Each enterprise's event-time clock is its latest event time plus the wall time elapsed
   * since that frame arrived, so a replay at any speed and live data both work.
   */
  tick(now: number): void;
  /** A declared-status change from event time `from` on (PUT /enterprises/{id}/declared-status). */
  declare(enterprise: string, status: DeclaredStatus, from: number): void;
  onCondition(fn: (c: Condition) => void): void;
  /** Windows, counters and open conditions, JSON-serialisable: persisted so a restart neither re-fires nor forgets. */
  exportState(): unknown;
  importState(state: unknown): void;
}
