// Alarms as CONTRACT §6 defines them: one condition of one rule on one subject, with the
// ISA-18.2 states (DOMAIN.md §8) and every transition kept with actor and time.
import type { Severity } from '../model/vocabulary.ts';

export type AlarmState = 'active_unacked' | 'active_acked' | 'cleared_unacked' | 'normal' | 'shelved' | 'suppressed';
/** states in which an alarm is open: one open alarm per rule and subject (CONTRACT §6) */
export const OPEN_STATES: readonly AlarmState[] = ['active_unacked', 'active_acked', 'cleared_unacked', 'shelved', 'suppressed'];

export interface Alarm {
  id: string;
  rule: string;
  /** rule + subject (+ metric) identity, from the rule engine */
  key: string;
  severity: Severity;
  state: AlarmState;
  /** the condition still holds (independent of ack/shelve/suppress) */
  active: boolean;
  enterprise: string;
  site: string | null;
  zone: string | null;
  device: string | null;
  metric: string | null;
  value: number | null;
  peak: number | null;
  threshold: number | null;
  message: string;
  messageEn: string;
  /** activations folded into this alarm (re-triggers while open) */
  count: number;
  /** event time the condition was first raised (RFC 3339 in JSON) */
  raisedAt: number;
  /** event time of the latest activation / update */
  updatedAt: number;
  ackedAt: number | null;
  ackedBy: string | null;
  ackNote: string | null;
  clearedAt: number | null;
  /** when the alarm returned to `normal` and closed */
  closedAt: number | null;
  shelvedUntil: number | null;
  shelveReason: string | null;
  suppressedReason: string | null;
  /** end of the local day of raisedAt: a pushed alarm must be handled the same day (DOMAIN.md §0) */
  dueBy: number;
  /** raised from backfilled data after the fact (issue 7): recorded, not pushed as live */
  retroactive: boolean;
  /** escalations applied (repeated activations, unhandled) */
  escalations: number;
  hazardId: string | null;
  evidence: Record<string, unknown> | null;
  /** central mode: the edge gateway whose rules raised it (mirrored over the uplink, docs/uplink.md); null: raised here */
  origin: string | null;
  /** mirrored: the alarm's id at the edge, when it differs from `id` (this gateway's own alarm, adopted) */
  originId?: string;
  /** mirrored: the edge queue row that last changed it, `epoch:seq` (a replayed row changes nothing) */
  originRev?: string;
}

export type AlarmAction = 'raise' | 'update' | 'escalate' | 'ack' | 'clear' | 'close' | 'shelve' | 'unshelve' | 'suppress' | 'unsuppress' | 'hazard';

/** One transition, kept with actor and time (全程留痕). */
export interface AlarmTransition {
  alarmId: string;
  /** event time of the transition (rule time for raise/clear, wall time for operator actions) */
  ts: number;
  action: AlarmAction;
  fromState: AlarmState | null;
  toState: AlarmState;
  severity: Severity;
  /** `system` for rule-driven transitions, else the token's principal */
  actor: string;
  note: string | null;
  value: number | null;
}

export interface AlarmFilter {
  open?: boolean;
  enterprises?: string[];
  severity?: Severity;
  /** raised at or after (epoch ms) */
  since?: number;
  rule?: string;
  limit?: number;
}
