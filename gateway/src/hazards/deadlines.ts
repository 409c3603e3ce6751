// Deadlines of the hazard loop (DOMAIN §7), pure functions of the hazard and an explicit `now`.
import type { Hazard, HazardFlags } from './types.ts';

export const DAY_MS = 86_400_000;
/** reporter feedback within 10 days of the check [V] */
export const FEEDBACK_DAYS = 10;
/** case closed within 60 days of the report [V] */
export const CASE_DAYS = 60;
/** +30 days with approval [V] */
export const CASE_EXTENSION_DAYS = 30;
/** on-site acceptance within 10 days after the rectification deadline [V2] */
export const ACCEPTANCE_DAYS = 10;

/**
 * Reporter feedback due: the check (现场核查) starts at `verify` (verifiedAt); its result
 * (confirm / reject) must reach the reporter — it does, through by-code, the moment it is
 * recorded — within 10 days. null until the check starts. After a reopen the new check counts.
 */
export function feedbackDueBy(h: Pick<Hazard, 'verifiedAt'>): number | null {
  return h.verifiedAt === undefined ? null : h.verifiedAt + FEEDBACK_DAYS * DAY_MS;
}

/** When the check's result was given to the reporter (confirmedAt / rejectedAt), if it was. */
export function feedbackGivenAt(h: Pick<Hazard, 'confirmedAt' | 'rejectedAt'>): number | undefined {
  return h.confirmedAt ?? h.rejectedAt;
}

/** reportedAt + 60 days, +30 days once extended (`extend`). */
export function caseDueBy(h: Pick<Hazard, 'reportedAt' | 'caseExtension'>): number {
  return h.reportedAt + (CASE_DAYS + (h.caseExtension ? CASE_EXTENSION_DAYS : 0)) * DAY_MS;
}

/** Rectification deadline + 10 days; null before `assign`. */
export function acceptanceDueBy(h: Pick<Hazard, 'rectification'>): number | null {
  return h.rectification ? h.rectification.deadline + ACCEPTANCE_DAYS * DAY_MS : null;
}

/** The case is done (办结) when closed, or when rejected. */
export function caseDoneAt(h: Pick<Hazard, 'closedAt' | 'rejectedAt'>): number | undefined {
  return h.closedAt ?? h.rejectedAt;
}

export function flags(h: Hazard, now: number): HazardFlags {
  const fb = feedbackDueBy(h);
  const acc = acceptanceDueBy(h);
  const given = feedbackGivenAt(h);
  const done = caseDoneAt(h);
  return {
    overdueRectification: h.state === 'rectifying' && h.rectification !== undefined && now > h.rectification.deadline,
    feedbackLate: fb !== null && (given ?? now) > fb,
    caseLate: (done ?? now) > caseDueBy(h),
    acceptanceLate: acc !== null && (h.closedAt ?? now) > acc,
  };
}

/** The hazard with its derived deadline fields and flags recomputed for `now` (for reads). */
export function withDeadlines(h: Hazard, now: number): Hazard {
  const next = { ...h, feedbackDueBy: feedbackDueBy(h), caseDueBy: caseDueBy(h) };
  return { ...next, flags: flags(next, now) };
}
