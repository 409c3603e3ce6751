// Hazard reports (隐患, CONTRACT §8; DOMAIN §7): the data the pure workflow works on.
// All times are epoch milliseconds; the API layer renders them as RFC 3339.
import type { Identity, Role } from '../api/auth.ts';

/** `self`: the enterprise's own self-inspection finding (自查), not a worker's report (issue 14) */
export const HAZARD_SOURCES = ['alarm', 'worker', 'inspection', 'self'] as const;
export type HazardSource = (typeof HAZARD_SOURCES)[number];

/**
 * How a worker's report arrived (seed 000: 线上 + 线下 dual channel): `app` the report page,
 * or an officer transcribing one that came by phone, a chat group or in person.
 */
export const REPORT_CHANNELS = ['app', 'phone', 'chat', 'in-person'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

/** When a worker's report may be rewarded: from `confirmed` on (seed 000: 核实确认后即刻足额兑付, the default) or only once closed. */
export type RewardFrom = 'confirmed' | 'closed';

export const HAZARD_LEVELS = ['general', 'major'] as const;
export type HazardLevel = (typeof HAZARD_LEVELS)[number];

export const HAZARD_CATEGORIES = ['static', 'dynamic'] as const;
export type HazardCategory = (typeof HAZARD_CATEGORIES)[number];

/** The states of CONTRACT §8, in loop order. Nothing else is ever stored. */
export const HAZARD_STATES = ['reported', 'verifying', 'confirmed', 'rejected', 'rectifying', 'rectified', 'closed', 'rewarded', 'published'] as const;
export type HazardState = (typeof HAZARD_STATES)[number];

/** States in which the case is still open (duplicate detection, case deadline, extension). */
export const OPEN_STATES: readonly HazardState[] = ['reported', 'verifying', 'confirmed', 'rectifying', 'rectified'];

/**
 * The actions of CONTRACT §8, plus `extend` (the +30 day case extension of DOMAIN §7,
 * an additive extension: it never changes the state).
 */
export const HAZARD_ACTIONS = ['verify', 'confirm', 'reject', 'assign', 'rectify', 'close', 'reopen', 'reward', 'publish', 'extend'] as const;
export type HazardActionName = (typeof HAZARD_ACTIONS)[number];

/** Default reward tiers in yuan (DOMAIN §7: 50–3,000, small hazard small reward). */
export const DEFAULT_REWARD_TIERS: readonly number[] = [50, 100, 200, 500, 1000, 3000];

/** 五到位: measures, funds, deadline, responsible person, plan (plan required for major). */
export interface Rectification {
  owner: string;
  measures: string;
  /** yuan */
  funds: number;
  /** epoch ms */
  deadline: number;
  plan?: string;
}

export interface Reward {
  /** yuan, one of the configured tiers */
  amount: number;
  /** 1-based position of the tier in the configured tiers */
  tier: number;
  /** found outside the reporter's own duties (岗位职责外, seed 003): the tier times the configured multiplier */
  outsideDuties?: boolean;
  paidBy?: string;
  paidAt?: number;
}

/** Who approved a major hazard's close (销号): a regulator (or admin), never the enterprise alone. */
export interface Approval {
  by: string;
  role: Role;
  at: number;
  note?: string;
}

export interface CaseExtension {
  by: string;
  role: Role;
  at: number;
  reason: string;
}

export interface HazardFlags {
  /** in `rectifying` and now > rectification deadline */
  overdueRectification: boolean;
  /** the check result did not reach the reporter within 10 days of the check (see deadlines.ts) */
  feedbackLate: boolean;
  /** not closed / rejected within 60 days of the report (+30 with an extension) */
  caseLate: boolean;
  /** on-site acceptance (close) not done within 10 days after the rectification deadline */
  acceptanceLate: boolean;
}

export interface Hazard {
  id: string;
  enterprise: string;
  /** the enterprise's jurisdiction, stamped at creation: regulators are scoped by it */
  jurisdiction: string;
  site?: string;
  zone?: string;
  device?: string;
  source: HazardSource;
  /** source `alarm`: the alarm it was made from */
  alarmId?: string;
  /** source `worker`: how the report arrived (an officer's transcription says phone, chat or in-person) */
  channel?: ReportChannel;
  /** set on confirm: the reporter found it outside their own duties (岗位职责外, seed 003), a higher reward */
  outsideDuties?: boolean;
  level: HazardLevel;
  category: HazardCategory;
  title: string;
  description: string;
  state: HazardState;
  /** source `worker`: the reporter's receipt code (HL-XXXX-XXXX), a bearer secret for by-code */
  reportCode?: string;
  anonymous: boolean;
  /** opaque reference to the reporter's identity, which lives outside this module (never for anonymous reports) */
  reporterId?: string;
  /**
   * a worker report filed by a worker: HMAC of the hazard id and the worker's actor id under the
   * gateway's reporter key (dataDir/reporter.key), so the reporting worker — named or anonymous —
   * can be recognised (to add photos) without the records naming them. Never shown, never uplinked.
   */
  reporterMark?: string;
  /** public masked form: "匿名" or "职工 刘*" (never more than the first character of the name) */
  reporterAlias?: string;
  /** id of the officer / regulator who accepted the report (verify): may see the reporter reference */
  acceptedBy?: string;
  /** a report confirmed as a later report of the same hazard as this earlier one */
  duplicateOf?: string;
  /** proposed by likelyDuplicates(), filled in by the caller for the hazard JSON */
  possibleDuplicates?: string[];
  rectification?: Rectification;
  evidence?: string;
  reward?: Reward;
  reportedAt: number;
  /** central mode: the edge gateway this record is mirrored from (docs/uplink.md) */
  origin?: string;
  /** central mode: the edge queue row that last changed it, `epoch:seq` */
  originRev?: string;
  verifiedAt?: number;
  confirmedAt?: number;
  rejectedAt?: number;
  assignedAt?: number;
  rectifiedAt?: number;
  closedAt?: number;
  rewardedAt?: number;
  publishedAt?: number;
  rejectReason?: string;
  closeNote?: string;
  /** check + 10 days; null until the check starts */
  feedbackDueBy: number | null;
  /** reportedAt + 60 days (+30 with an extension) */
  caseDueBy: number;
  caseExtension?: CaseExtension;
  flags: HazardFlags;
  /** a major hazard's close approval */
  regulatorApproval?: Approval;
  /** photos attached to the report, stored under dataDir/photos/{hazard id}/ (never in the public notice) */
  photos?: HazardPhoto[];
}

export interface HazardPhoto {
  /** file name inside the hazard's photo folder: `{n}.{jpg|png|webp}` */
  name: string;
  type: 'image/jpeg' | 'image/png' | 'image/webp';
  bytes: number;
  at: number;
  /** `role:id` of who attached it; the reporting worker is `worker:reporter` (never their name) */
  by: string;
}

// ---- request bodies (CONTRACT §8) ----

/** Times in requests: epoch ms or RFC 3339 (CONTRACT §7). */
export type TimeInput = number | string;

export type HazardAction =
  | { action: 'verify'; note?: string }
  | { action: 'confirm'; level?: HazardLevel; category?: HazardCategory; duplicateOf?: string | null; outsideDuties?: boolean; note?: string }
  | { action: 'reject'; reason: string }
  | { action: 'assign'; owner: string; measures: string; funds?: number; deadline: TimeInput; plan?: string }
  | { action: 'rectify'; evidence: string; note?: string }
  | { action: 'close'; note?: string }
  | { action: 'reopen'; reason: string }
  | { action: 'reward'; amount: number }
  | { action: 'publish'; note?: string }
  | { action: 'extend'; reason: string };

/** POST /api/v1/hazards (and POST /api/v1/alarms/{id}/hazard, mapped by the caller). */
export interface CreateHazardInput {
  /** defaults by role: worker → worker, dispatcher → alarm, officer → alarm with alarmId else worker (or `self`), regulator → inspection */
  source?: HazardSource;
  alarmId?: string | null;
  /** a worker report: how it arrived (default `app`; an officer's transcription `in-person` unless given) */
  channel?: ReportChannel;
  enterprise: string;
  site?: string | null;
  zone?: string | null;
  device?: string | null;
  title: string;
  description?: string;
  category?: HazardCategory;
  level?: HazardLevel;
  anonymous?: boolean;
  /** used only to derive the masked alias; name and phone are never stored on the hazard */
  reporter?: { name?: string; phone?: string } | null;
}

/** The acting identity: a token's Identity plus a stable id (token name). */
export type Actor = Identity & { id: string };

export interface HazardHistoryEntry {
  hazardId: string;
  action: HazardActionName | 'create';
  from: HazardState | null;
  to: HazardState;
  actor: { role: Role; id: string };
  at: number;
  note?: string;
  details?: Record<string, unknown>;
}

/** Side effects the caller must carry out (the module itself does no I/O). */
export type WorkflowEffect =
  /** a major hazard was confirmed: push to the regulator at once (直报, CONTRACT §8) */
  | { kind: 'direct-report'; hazardId: string; enterprise: string; jurisdiction: string };

export interface WorkflowResult {
  hazard: Hazard;
  entry: HazardHistoryEntry;
  effects: WorkflowEffect[];
}
