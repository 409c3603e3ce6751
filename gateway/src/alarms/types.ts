// Alarms as CONTRACT §6 defines them: one condition of one rule on one subject, with the
// ISA-18.2 states (DOMAIN.md §8) and every transition kept with actor and time.
import type { Severity } from '../model/vocabulary.ts';
import type { AlarmFieldValues, AlarmState } from './alarm-fields.ts';

export type { AlarmState } from './alarm-fields.ts';
/** states in which an alarm is open: one open alarm per rule and subject (CONTRACT §6) */
export const OPEN_STATES: readonly AlarmState[] = ['active_unacked', 'active_acked', 'cleared_unacked', 'shelved', 'suppressed'];

/** An alarm: its fields are listed once, with their columns and kinds, in alarm-fields.ts. */
export interface Alarm extends AlarmFieldValues {
  /** mirrored: the alarm's id at the edge, when it differs from `id` (this gateway's own alarm, adopted) */
  originId?: string;
  /** mirrored: the edge queue row that last changed it, `epoch:seq` (a replayed row changes nothing) */
  originRev?: string;
}

export type AlarmAction = 'raise' | 'update' | 'escalate' | 'ack' | 'clear' | 'close' | 'shelve' | 'unshelve' | 'suppress' | 'unsuppress' | 'hazard' | 'dispose';

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
