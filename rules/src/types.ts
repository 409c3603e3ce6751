// The contract between the rule engine (rules/) and the alarm manager (gateway/src/alarms):
// the engine turns durable frames into Conditions, in event time; the alarm manager turns
// Conditions into ISA-18.2 alarms (CONTRACT §6). rules/ imports only the model types of the
// gateway (ARCHITECTURE.md).
import type { Frame } from '../../gateway/src/model/types.ts';
import type { AssetModel, DeclaredStatus } from '../../gateway/src/model/assets.ts';

export { SEVERITIES, severityRank } from '../../gateway/src/model/vocabulary.ts';
export type { Condition, Severity, Subject, Text } from '../../gateway/src/model/vocabulary.ts';
import type { Condition, Severity, Text } from '../../gateway/src/model/vocabulary.ts';

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
  /**
   * Special periods (issue 17): the factor applied to the enterprise's `above` thresholds at event
   * time `ts` — below 1 raises earlier (a tightened threshold); 1 (or absent) outside any period.
   */
  tightenAt?: (enterprise: string, ts: number) => number;
  /** Special periods: the factor on raise delays (`onDelay…` of the threshold, occupancy,
   * running-while-stopped and fake-offline kinds) at event time `ts`; 1 (or absent) outside any period. */
  delayAt?: (enterprise: string, ts: number) => number;
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
  /** exportState as JSON text in parts, in steps (the last returns the parts); feed nothing until it is done */
  exportSteps(): Generator<void, string[], void>;
  importState(state: unknown): void;
}
