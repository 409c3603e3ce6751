// The shared vocabulary of rules, alarms, hazards and notifications (issue 13): what an alarm is
// about (Subject), how bad it is (Severity, 红/橙/黄/蓝) and a rule's verdict (Condition). The rule
// engine produces Conditions, the alarm manager consumes them; both import them from here, the
// model, which imports nothing of either.

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

