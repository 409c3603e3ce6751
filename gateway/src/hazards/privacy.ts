// Reporter protection (CONTRACT §8, DOMAIN §0/§7): the reporter's identity is visible only to
// the accepting officer (the one who verified the report) and to regulators of the jurisdiction;
// never to workers, dispatchers, other officers, other enterprises, admins or the public.
import { normaliseReportCode } from './report-code.ts';
import type { Actor, Hazard, HazardHistoryEntry, HazardLevel, HazardState } from './types.ts';
import { visible } from './workflow.ts';

/** May this viewer see the reporter reference (reporterId, reportCode, the reporting worker's id)? */
export function seesReporter(h: Hazard, viewer: Actor): boolean {
  if (!visible(h, viewer)) return false;
  if (viewer.role === 'regulator') return true;
  return viewer.role === 'officer' && h.acceptedBy !== undefined && h.acceptedBy === viewer.id;
}

const REDACTED = '(redacted)';

/**
 * The hazard as this viewer may see it: null when out of scope (answer 404); otherwise without
 * the reporter reference and the report code unless seesReporter(). `reporterAlias` is the
 * public masked form and stays.
 */
export function redact(h: Hazard, viewer: Actor): Hazard | null {
  if (!visible(h, viewer)) return null;
  const out = structuredClone(h);
  // the mark is for the gateway alone: it ties the report to a worker's token
  delete out.reporterMark;
  if (seesReporter(h, viewer)) return out;
  delete out.reporterId;
  delete out.reportCode;
  if (out.photos) out.photos = out.photos.map(redactPhoto);
  return out;
}

/** The uploader of a reporter's photo is the reporter: redacted wherever the reporter is (records from before issue 12 named the worker). */
export function redactPhoto<P extends { by: string }>(p: P): P {
  return p.by.startsWith('worker:') ? { ...p, by: REPORTER_UPLOADER } : p;
}
export const REPORTER_UPLOADER = 'worker:reporter';

/** History entries as this viewer may see them: a reporting worker's own id is masked. */
export function redactHistory(h: Hazard, entries: readonly HazardHistoryEntry[], viewer: Actor): HazardHistoryEntry[] | null {
  if (!visible(h, viewer)) return null;
  const sees = seesReporter(h, viewer);
  return entries.map((e) => {
    const c = structuredClone(e);
    if (!sees && c.actor.role === 'worker') c.actor.id = REDACTED;
    return c;
  });
}

export const PUBLIC_STATES: readonly HazardState[] = ['closed', 'rewarded', 'published'];

/** One entry of the public notice (公示备案, GET /api/v1/public/hazards). */
export interface PublicNotice {
  id: string;
  enterprise: string;
  site?: string;
  title: string;
  level: HazardLevel;
  category: Hazard['category'];
  source: Hazard['source'];
  state: HazardState;
  /** rectification measures and deadline; no owner, no funds */
  measures?: string;
  deadline?: number;
  reportedAt: number;
  closedAt?: number;
  publishedAt?: number;
  /** worker reports: "匿名" or "职工 刘*" */
  reporter?: string;
  /** worker reports that were rewarded: yuan */
  rewardAmount?: number;
}

/**
 * The public shape of a closed (rewarded, published) hazard, or null for any other state. Built
 * from an allow-list: no description (free text may name people), no zone or device, no
 * reporter reference, no report code, no history.
 */
export function publicNotice(h: Hazard): PublicNotice | null {
  if (!PUBLIC_STATES.includes(h.state)) return null;
  const p: PublicNotice = {
    id: h.id,
    enterprise: h.enterprise,
    title: h.title,
    level: h.level,
    category: h.category,
    source: h.source,
    state: h.state,
    reportedAt: h.reportedAt,
  };
  if (h.site !== undefined) p.site = h.site;
  if (h.rectification) {
    p.measures = h.rectification.measures;
    p.deadline = h.rectification.deadline;
  }
  if (h.closedAt !== undefined) p.closedAt = h.closedAt;
  if (h.publishedAt !== undefined) p.publishedAt = h.publishedAt;
  if (h.source === 'worker') p.reporter = h.anonymous ? '匿名' : (h.reporterAlias ?? '职工');
  if (h.reward) p.rewardAmount = h.reward.amount;
  return p;
}

/** GET /api/v1/hazards/by-code/{code}: what the reporter learns — state, feedback, reward; nothing about other reports. */
export interface ReporterView {
  reportCode: string;
  title: string;
  state: HazardState;
  reportedAt: number;
  feedback: {
    verifiedAt?: number;
    confirmedAt?: number;
    rejectedAt?: number;
    rejectReason?: string;
    level?: HazardLevel;
    rectificationDeadline?: number;
    rectifiedAt?: number;
    closedAt?: number;
    publishedAt?: number;
  };
  reward?: { amount: number; paidAt?: number };
}

export function reporterView(h: Hazard): ReporterView | null {
  if (h.reportCode === undefined) return null;
  const f: ReporterView['feedback'] = {};
  if (h.verifiedAt !== undefined) f.verifiedAt = h.verifiedAt;
  if (h.confirmedAt !== undefined) {
    f.confirmedAt = h.confirmedAt;
    f.level = h.level;
  }
  if (h.rejectedAt !== undefined) f.rejectedAt = h.rejectedAt;
  if (h.rejectReason !== undefined) f.rejectReason = h.rejectReason;
  if (h.rectification) f.rectificationDeadline = h.rectification.deadline;
  if (h.rectifiedAt !== undefined) f.rectifiedAt = h.rectifiedAt;
  if (h.closedAt !== undefined) f.closedAt = h.closedAt;
  if (h.publishedAt !== undefined) f.publishedAt = h.publishedAt;
  const v: ReporterView = { reportCode: h.reportCode, title: h.title, state: h.state, reportedAt: h.reportedAt, feedback: f };
  if (h.reward) v.reward = { amount: h.reward.amount, ...(h.reward.paidAt !== undefined ? { paidAt: h.reward.paidAt } : {}) };
  return v;
}

/** The hazard with this report code (typed-in codes are normalised), or undefined. */
export function findByCode(hazards: Iterable<Hazard>, code: string): Hazard | undefined {
  const c = normaliseReportCode(code);
  if (c === undefined) return undefined;
  for (const h of hazards) if (h.reportCode === c) return h;
  return undefined;
}
