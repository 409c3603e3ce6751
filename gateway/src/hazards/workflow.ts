// The hazard workflow (隐患上报 → 现场核查 → 限期整改 → 结果反馈 → 奖励兑现 → 公示备案;
// CONTRACT §8, DOMAIN §7). Pure: no I/O, no clock (time comes in as `now`), no randomness
// except the injected `random` of createHazard. Inputs are never mutated.
//
// States and transitions (CONTRACT §8; `extend` is our additive extension):
//
//   verify   reported                    → verifying
//   confirm  verifying                   → confirmed   {level?, duplicateOf?}
//   reject   verifying                   → rejected    {reason}
//   assign   confirmed                   → rectifying  {owner, measures, funds, deadline, plan (major)}
//   rectify  rectifying                  → rectified   {evidence}
//   close    rectified                   → closed      {note?}  (major: regulator approval recorded)
//   reward   confirmed … closed          → (same); closed → rewarded
//                                          {amount} worker source, not a duplicate, tier amount
//                                          (× multiplier when found outside duties); `rewardFrom:
//                                          closed` allows it only from closed (seed 000: 核实确认后即刻足额兑付)
//   publish  closed | rewarded           → published
//   reopen   rejected | closed           → verifying   {reason}
//   extend   any open state              → (same)      {reason} once: case deadline +30 days
//
// Role × action (scope first: a hazard outside the actor's enterprises / jurisdictions is 404;
// then role: 403; then state: 409 with `allowed`; then fields: 400 with `field`):
//
//   action   worker  dispatcher  officer                       regulator  admin
//   create   worker  alarm       alarm, worker (transcribed),  inspection any
//                                self (自查)
//   verify   -       -           yes, not inspection source    yes        yes
//   confirm  -       -           yes, not inspection source;   yes        yes
//                                may not downgrade a major
//   reject   -       -           yes, not inspection source    yes        yes
//   assign   -       -           yes                           yes        yes
//   rectify  -       -           yes                           yes        yes
//   close    -       -           general, not inspection src   yes        yes
//   reopen   -       -           -                             yes        yes
//   reward   -       -           yes                           yes        yes
//   publish  -       -           yes                           yes        yes
//   extend   -       -           -                             yes        yes
import type { Role } from '../api/auth.ts';
import { HazardlineError, type ErrorCode } from '../errors.ts';
import { caseDueBy, feedbackDueBy, flags } from './deadlines.ts';
import { newReportCode } from './report-code.ts';
import {
  DEFAULT_REWARD_TIERS,
  HAZARD_ACTIONS,
  HAZARD_CATEGORIES,
  HAZARD_LEVELS,
  HAZARD_SOURCES,
  OPEN_STATES,
  REPORT_CHANNELS,
  type Actor,
  type CreateHazardInput,
  type Hazard,
  type HazardAction,
  type HazardActionName,
  type HazardHistoryEntry,
  type HazardSource,
  type HazardState,
  type RewardFrom,
  type WorkflowEffect,
  type WorkflowResult,
} from './types.ts';

// ---- errors ----

export type WorkflowStatus = 400 | 403 | 404 | 409;

const CODES: Record<WorkflowStatus, ErrorCode> = {
  400: 'HL_ERR_BAD_REQUEST',
  403: 'HL_ERR_FORBIDDEN',
  404: 'HL_ERR_NOT_FOUND',
  409: 'HL_ERR_CONFLICT',
};

/** A refused workflow step; a HazardlineError, so the API renders it as `{error: {code, message}}`. */
export class WorkflowError extends HazardlineError {
  /** 409: the actions this actor may take on this hazard now */
  readonly allowed?: HazardActionName[];
  constructor(
    readonly status: WorkflowStatus,
    message: string,
    extra: { field?: string; allowed?: HazardActionName[] } = {},
  ) {
    super(CODES[status], message, status);
    this.name = 'WorkflowError';
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.allowed !== undefined) this.allowed = extra.allowed;
  }
}

const bad = (field: string, message: string) => new WorkflowError(400, `${field}: ${message}`, { field });
const notFound = (what = 'hazard') => new WorkflowError(404, `${what} not found`);

// ---- tables ----

const TRANSITIONS: Record<HazardActionName, { from: readonly HazardState[]; to: HazardState | 'same' }> = {
  verify: { from: ['reported'], to: 'verifying' },
  confirm: { from: ['verifying'], to: 'confirmed' },
  reject: { from: ['verifying'], to: 'rejected' },
  assign: { from: ['confirmed'], to: 'rectifying' },
  rectify: { from: ['rectifying'], to: 'rectified' },
  close: { from: ['rectified'], to: 'closed' },
  // closed → rewarded; from confirmed to rectified the state stays (stateRefusal narrows by rewardFrom)
  reward: { from: ['confirmed', 'rectifying', 'rectified', 'closed'], to: 'same' },
  publish: { from: ['closed', 'rewarded'], to: 'published' },
  reopen: { from: ['rejected', 'closed'], to: 'verifying' },
  extend: { from: OPEN_STATES, to: 'same' },
};

/** Which role may take which action at all (hazard-dependent limits in roleRefusal()). */
export const ROLE_ACTIONS: Record<Role, readonly HazardActionName[]> = {
  worker: [],
  dispatcher: [],
  officer: ['verify', 'confirm', 'reject', 'assign', 'rectify', 'close', 'reward', 'publish'],
  regulator: HAZARD_ACTIONS,
  admin: HAZARD_ACTIONS,
};

/** Which sources each role may create (the first is the default; officer: alarm when alarmId is given). */
export const ROLE_CREATE_SOURCES: Record<Role, readonly HazardSource[]> = {
  worker: ['worker'],
  dispatcher: ['alarm'],
  officer: ['worker', 'alarm', 'self'],
  regulator: ['inspection'],
  admin: HAZARD_SOURCES,
};

/** Actions an enterprise officer may not take on a regulator's finding (the regulator checks and accepts it). */
const INSPECTION_REGULATOR_ONLY: readonly HazardActionName[] = ['verify', 'confirm', 'reject', 'close'];

// ---- scope and permissions ----

/** CONTRACT §7 scoping: admin all; regulator by jurisdiction; every other role by enterprise. */
export function visible(h: Pick<Hazard, 'enterprise' | 'jurisdiction'>, actor: Actor): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'regulator') return h.jurisdiction !== '' && actor.jurisdictions.includes(h.jurisdiction);
  return actor.enterprises.includes(h.enterprise);
}

/** Why this role may never take `action` on this hazard (403), or undefined. */
export function roleRefusal(h: Hazard, actor: Actor, action: HazardActionName): string | undefined {
  if (!ROLE_ACTIONS[actor.role].includes(action)) return `role ${actor.role} may not ${action} a hazard`;
  if (actor.role === 'officer') {
    if (action === 'close' && h.level === 'major')
      return 'a major hazard (重大事故隐患) cannot be closed by the enterprise alone: a regulator reviews and closes it';
    if (h.source === 'inspection' && INSPECTION_REGULATOR_ONLY.includes(action))
      return `a regulator's inspection finding is ${action === 'close' ? 'closed' : 'checked'} by a regulator, not by the enterprise`;
  }
  return undefined;
}

/** Why the hazard's state (or its own properties) rules `action` out now (409), or undefined. */
export function stateRefusal(h: Hazard, action: HazardActionName, rewardFrom: RewardFrom = 'confirmed'): string | undefined {
  const t = TRANSITIONS[action];
  if (!t.from.includes(h.state)) return `cannot ${action} a hazard in state ${h.state}`;
  if (action === 'reward') {
    if (rewardFrom === 'closed' && h.state !== 'closed') return `cannot reward a hazard in state ${h.state}: rewards are paid once it is closed (hazards.rewardFrom: closed)`;
    if (h.source !== 'worker') return `only worker reports (安全举手) are rewarded; this hazard's source is ${h.source}`;
    if (h.duplicateOf !== undefined) return `confirmed as a duplicate of ${h.duplicateOf}: only the first valid reporter is rewarded`;
    if (h.reward !== undefined) return 'already rewarded';
  }
  if (action === 'extend' && h.caseExtension !== undefined) return 'the case deadline has already been extended once';
  return undefined;
}

/** The actions this actor may take on this hazard now (the `allowed` of a 409). */
export function allowedActions(h: Hazard, actor: Actor, rewardFrom: RewardFrom = 'confirmed'): HazardActionName[] {
  if (!visible(h, actor)) return [];
  return HAZARD_ACTIONS.filter((a) => roleRefusal(h, actor, a) === undefined && stateRefusal(h, a, rewardFrom) === undefined);
}

// ---- field checks ----

function text(field: string, v: unknown, required: true): string;
function text(field: string, v: unknown, required: false): string | undefined;
function text(field: string, v: unknown, required: boolean): string | undefined;
function text(field: string, v: unknown, required: boolean): string | undefined {
  if (v === undefined || v === null) {
    if (required) throw bad(field, 'required');
    return undefined;
  }
  if (typeof v !== 'string') throw bad(field, 'expected a string');
  const s = v.trim();
  if (s === '') {
    if (required) throw bad(field, 'must not be empty');
    return undefined;
  }
  return s;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Epoch ms (number or digit string) or RFC 3339 with an offset (CONTRACT §7). */
export function parseTimeInput(field: string, v: unknown): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || !Number.isInteger(v) || v < 0) throw bad(field, 'expected epoch milliseconds or an RFC 3339 time');
    return v;
  }
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    if (RFC3339.test(v)) {
      const t = Date.parse(v);
      if (Number.isFinite(t)) return t;
    }
  }
  throw bad(field, 'expected epoch milliseconds or an RFC 3339 time with an offset');
}

// ---- apply ----

export interface WorkflowOptions {
  /** reward amounts in yuan; default DEFAULT_REWARD_TIERS */
  rewardTiers?: readonly number[];
  /** from when a worker's report may be rewarded; default `confirmed` (seed 000) */
  rewardFrom?: RewardFrom;
  /** a report found outside the reporter's duties (岗位职责外, seed 003) earns its tier times this; default 2 */
  outsideDutiesMultiplier?: number;
  /**
   * Look up another hazard (for `confirm {duplicateOf}`): when given, the target must exist in the
   * same enterprise, be valid (not rejected) and be reported earlier; chains resolve to the first report.
   */
  find?: (id: string) => Hazard | undefined;
}

function entryOf(h: Hazard, action: HazardActionName, from: HazardState, actor: Actor, now: number, note?: string, details?: Record<string, unknown>): HazardHistoryEntry {
  const e: HazardHistoryEntry = { hazardId: h.id, action, from, to: h.state, actor: { role: actor.role, id: actor.id }, at: now };
  if (note !== undefined) e.note = note;
  if (details !== undefined) e.details = details;
  return e;
}

/** Derived fields (due dates, flags) recomputed for `now`. */
function finish(h: Hazard, now: number): Hazard {
  h.feedbackDueBy = feedbackDueBy(h);
  h.caseDueBy = caseDueBy(h);
  h.flags = flags(h, now);
  return h;
}

/** Follow duplicateOf links to the first report; throws on a cycle back to `selfId`. */
function resolveDuplicate(selfId: string, targetId: string, h: Hazard, opts: WorkflowOptions): string {
  if (targetId === selfId) throw bad('duplicateOf', 'a report cannot duplicate itself');
  if (!opts.find) return targetId;
  let id = targetId;
  const seen = new Set<string>([selfId]);
  for (;;) {
    const t = opts.find(id);
    // another enterprise's hazard answers exactly like a missing one (CONTRACT §7)
    if (!t || t.enterprise !== h.enterprise) throw bad('duplicateOf', `unknown hazard ${targetId}`);
    if (t.state === 'rejected') throw bad('duplicateOf', `hazard ${id} was rejected: link to a valid report`);
    if (!(t.reportedAt < h.reportedAt || (t.reportedAt === h.reportedAt && t.id < h.id)))
      throw bad('duplicateOf', `hazard ${id} was reported after this one: the earlier report is the first valid one`);
    if (t.duplicateOf === undefined) return t.id;
    if (seen.has(t.duplicateOf)) throw bad('duplicateOf', 'duplicate links form a cycle');
    seen.add(t.id);
    id = t.duplicateOf;
  }
}

/**
 * One workflow step. Returns the new hazard (the input is not touched), its history entry and
 * the side effects for the caller, or throws a WorkflowError: 404 out of scope, 403 role,
 * 409 illegal step (with `allowed`), 400 bad field (with `field`).
 */
export function apply(h: Hazard, action: HazardAction, actor: Actor, now: number, opts: WorkflowOptions = {}): WorkflowResult {
  if (!visible(h, actor)) throw notFound();
  const name = (action as { action?: unknown } | null)?.action;
  if (typeof name !== 'string' || !(HAZARD_ACTIONS as readonly string[]).includes(name))
    throw bad('action', `expected one of ${HAZARD_ACTIONS.join(', ')}`);
  const a = action;
  const forbidden = roleRefusal(h, actor, a.action);
  if (forbidden) throw new WorkflowError(403, forbidden);
  const conflict = stateRefusal(h, a.action, opts.rewardFrom);
  if (conflict) {
    const allowed = allowedActions(h, actor, opts.rewardFrom);
    throw new WorkflowError(409, `${conflict}; allowed: ${allowed.length ? allowed.join(', ') : 'none'}`, { allowed });
  }

  const from = h.state;
  const n: Hazard = structuredClone(h);
  const t = a.action === 'reward' && h.state === 'closed' ? 'rewarded' : TRANSITIONS[a.action].to;
  if (t !== 'same') n.state = t;
  const effects: WorkflowEffect[] = [];
  let note: string | undefined;
  let details: Record<string, unknown> | undefined;

  switch (a.action) {
    case 'verify': {
      note = text('note', a.note, false);
      n.verifiedAt = now;
      n.acceptedBy = actor.id;
      break;
    }
    case 'confirm': {
      note = text('note', a.note, false);
      let level = h.level;
      if (a.level !== undefined) {
        if (!(HAZARD_LEVELS as readonly unknown[]).includes(a.level)) throw bad('level', `expected ${HAZARD_LEVELS.join(' or ')}`);
        level = a.level;
      }
      if (actor.role === 'officer' && h.level === 'major' && level !== 'major')
        throw new WorkflowError(403, 'the enterprise cannot downgrade a major hazard (重大事故隐患): a regulator decides');
      const dupRaw = text('duplicateOf', a.duplicateOf, false);
      const dup = dupRaw === undefined ? undefined : resolveDuplicate(h.id, dupRaw, h, opts);
      if (a.category !== undefined) {
        if (!(HAZARD_CATEGORIES as readonly unknown[]).includes(a.category)) throw bad('category', `expected ${HAZARD_CATEGORIES.join(' or ')}`);
        n.category = a.category;
      }
      if (a.outsideDuties !== undefined) {
        if (typeof a.outsideDuties !== 'boolean') throw bad('outsideDuties', 'expected true or false');
        if (h.source !== 'worker' && a.outsideDuties) throw bad('outsideDuties', "only a worker's report is found inside or outside the reporter's duties");
        if (a.outsideDuties) n.outsideDuties = true;
        else delete n.outsideDuties;
      }
      n.level = level;
      n.confirmedAt = now;
      if (dup === undefined) delete n.duplicateOf;
      else n.duplicateOf = dup;
      details = { level, category: n.category, ...(level !== h.level ? { previousLevel: h.level } : {}), ...(dup !== undefined ? { duplicateOf: dup } : {}), ...(n.outsideDuties ? { outsideDuties: true } : {}) };
      if (level === 'major') {
        effects.push({ kind: 'direct-report', hazardId: h.id, enterprise: h.enterprise, jurisdiction: h.jurisdiction });
        details.directReport = true;
      }
      break;
    }
    case 'reject': {
      const reason = text('reason', a.reason, true);
      n.rejectedAt = now;
      n.rejectReason = reason;
      note = reason;
      break;
    }
    case 'assign': {
      const owner = text('owner', a.owner, true);
      const measures = text('measures', a.measures, true);
      let funds = 0;
      if (a.funds === undefined || a.funds === null) {
        if (h.level === 'major') throw bad('funds', 'required for a major hazard (五到位)');
      } else if (typeof a.funds !== 'number' || !Number.isFinite(a.funds) || a.funds < 0) {
        throw bad('funds', 'expected a non-negative number of yuan');
      } else funds = a.funds;
      if (a.deadline === undefined || a.deadline === null) throw bad('deadline', 'required');
      const deadline = parseTimeInput('deadline', a.deadline);
      if (deadline <= now) throw bad('deadline', 'must be in the future');
      const plan = text('plan', a.plan, false);
      if (h.level === 'major' && plan === undefined) throw bad('plan', 'a rectification plan is required for a major hazard (五到位)');
      n.rectification = { owner, measures, funds, deadline, ...(plan !== undefined ? { plan } : {}) };
      n.assignedAt = now;
      details = { rectification: n.rectification };
      break;
    }
    case 'rectify': {
      const evidence = text('evidence', a.evidence, true);
      note = text('note', a.note, false);
      n.evidence = evidence;
      n.rectifiedAt = now;
      details = { evidence, late: h.rectification !== undefined && now > h.rectification.deadline };
      break;
    }
    case 'close': {
      note = text('note', a.note, false);
      n.closedAt = now;
      if (note !== undefined) n.closeNote = note;
      if (h.level === 'major') {
        n.regulatorApproval = { by: actor.id, role: actor.role, at: now, ...(note !== undefined ? { note } : {}) };
        details = { regulatorApproval: n.regulatorApproval };
      }
      break;
    }
    case 'reward': {
      const outside = h.outsideDuties === true;
      const tiers = rewardAmounts(h, opts);
      const idx = typeof a.amount === 'number' ? tiers.indexOf(a.amount) : -1;
      if (idx < 0) throw bad('amount', `expected one of the reward tiers ${tiers.join(', ')} yuan${outside ? ' (found outside the reporter\'s duties: the tiers × ' + (opts.outsideDutiesMultiplier ?? 2) + ')' : ''}`);
      n.reward = { amount: a.amount, tier: idx + 1, ...(outside ? { outsideDuties: true } : {}), paidBy: actor.id, paidAt: now };
      n.rewardedAt = now;
      details = { amount: a.amount, tier: idx + 1, ...(outside ? { outsideDuties: true } : {}) };
      break;
    }
    case 'publish': {
      note = text('note', a.note, false);
      n.publishedAt = now;
      break;
    }
    case 'reopen': {
      const reason = text('reason', a.reason, true);
      note = reason;
      // the previous cycle stays in the history (全程留痕); the hazard starts a new check
      details = {
        previous: {
          state: h.state,
          level: h.level,
          confirmedAt: h.confirmedAt,
          rejectedAt: h.rejectedAt,
          rejectReason: h.rejectReason,
          duplicateOf: h.duplicateOf,
          rectification: h.rectification,
          evidence: h.evidence,
          rectifiedAt: h.rectifiedAt,
          closedAt: h.closedAt,
          regulatorApproval: h.regulatorApproval,
        },
      };
      for (const k of ['confirmedAt', 'rejectedAt', 'rejectReason', 'duplicateOf', 'rectification', 'assignedAt', 'evidence', 'rectifiedAt', 'closedAt', 'closeNote', 'regulatorApproval'] as const) delete n[k];
      n.verifiedAt = now;
      break;
    }
    case 'extend': {
      const reason = text('reason', a.reason, true);
      note = reason;
      n.caseExtension = { by: actor.id, role: actor.role, at: now, reason };
      details = { caseDueBy: caseDueBy(n) };
      break;
    }
  }
  finish(n, now);
  return { hazard: n, entry: entryOf(n, a.action, from, actor, now, note, details), effects };
}

/** The reward amounts this hazard may be paid, in yuan: the tiers, times the multiplier when found outside the reporter's duties. */
export function rewardAmounts(h: Pick<Hazard, 'outsideDuties'>, opts: Pick<WorkflowOptions, 'rewardTiers' | 'outsideDutiesMultiplier'> = {}): number[] {
  const tiers = opts.rewardTiers ?? DEFAULT_REWARD_TIERS;
  const m = h.outsideDuties === true ? (opts.outsideDutiesMultiplier ?? 2) : 1;
  return tiers.map((t) => Math.round(t * m * 100) / 100);
}

// ---- create ----

export interface CreateContext {
  /** the new hazard's id (the caller's id scheme) */
  id: string;
  /** the enterprise's jurisdiction, from the asset model */
  jurisdiction: string;
  /** uniform [0, 1), cryptographic in production: the report code's entropy */
  random: () => number;
  /** opaque reference to the reporter's stored identity (non-anonymous worker reports); default the worker's own id */
  reporterId?: string;
}

/** "职工 刘*": the first character of the name only; "职工" without a name. */
export function maskReporterName(name: string | undefined): string {
  const first = name === undefined ? undefined : Array.from(name.trim())[0];
  return first === undefined ? '职工' : `职工 ${first}*`;
}

export const ANONYMOUS_ALIAS = '匿名';

/**
 * A new hazard in state `reported`. Worker reports get a report code (the reporter's receipt).
 * Throws 404 (enterprise out of scope), 403 (role may not create this source), 400 (field).
 */
export function createHazard(input: CreateHazardInput, actor: Actor, now: number, ctx: CreateContext): WorkflowResult & { reportCode?: string } {
  if (input === null || typeof input !== 'object') throw bad('body', 'expected an object');
  const enterprise = text('enterprise', input.enterprise, true);
  if (!visible({ enterprise, jurisdiction: ctx.jurisdiction }, actor)) throw notFound('enterprise');

  const alarmId = text('alarmId', input.alarmId, false);
  const permitted = ROLE_CREATE_SOURCES[actor.role];
  let source: HazardSource;
  if (input.source !== undefined) {
    if (!(HAZARD_SOURCES as readonly unknown[]).includes(input.source)) throw bad('source', `expected one of ${HAZARD_SOURCES.join(', ')}`);
    source = input.source;
  } else if (alarmId !== undefined && permitted.includes('alarm')) source = 'alarm';
  else source = permitted[0] as HazardSource;
  if (!permitted.includes(source)) throw new WorkflowError(403, `role ${actor.role} may not create a hazard of source ${source}`);
  if (source === 'alarm' && alarmId === undefined) throw bad('alarmId', 'required for a hazard made from an alarm');
  if (source !== 'alarm' && alarmId !== undefined) throw bad('alarmId', 'only for a hazard made from an alarm');

  const title = text('title', input.title, true);
  const description = text('description', input.description, false) ?? '';
  const level = input.level ?? 'general';
  if (!(HAZARD_LEVELS as readonly unknown[]).includes(level)) throw bad('level', `expected ${HAZARD_LEVELS.join(' or ')}`);
  const category = input.category ?? 'static';
  if (!(HAZARD_CATEGORIES as readonly unknown[]).includes(category)) throw bad('category', `expected ${HAZARD_CATEGORIES.join(' or ')}`);
  if (input.anonymous !== undefined && typeof input.anonymous !== 'boolean') throw bad('anonymous', 'expected true or false');
  const anonymous = input.anonymous === true;
  if (input.channel !== undefined && !(REPORT_CHANNELS as readonly unknown[]).includes(input.channel)) throw bad('channel', `expected one of ${REPORT_CHANNELS.join(', ')}`);
  if (source !== 'worker') {
    if (input.channel !== undefined) throw bad('channel', "only a worker's report has a channel");
    if (anonymous) throw bad('anonymous', 'only a worker report can be anonymous');
    if (input.reporter !== undefined && input.reporter !== null) throw bad('reporter', 'only a worker report names a reporter');
  }
  const reporterName = text('reporter.name', input.reporter?.name, false);

  const h: Hazard = {
    id: ctx.id,
    enterprise,
    jurisdiction: ctx.jurisdiction,
    source,
    level,
    category,
    title,
    description,
    state: 'reported',
    anonymous,
    reportedAt: now,
    feedbackDueBy: null,
    caseDueBy: 0,
    flags: { overdueRectification: false, feedbackLate: false, caseLate: false, acceptanceLate: false },
  };
  for (const k of ['site', 'zone', 'device'] as const) {
    const v = text(k, input[k], false);
    if (v !== undefined) h[k] = v;
  }
  if (alarmId !== undefined) h.alarmId = alarmId;
  let reportCode: string | undefined;
  if (source === 'worker') {
    reportCode = newReportCode(ctx.random);
    h.reportCode = reportCode;
    // a worker files on the page; an officer transcribes what came by phone, chat group or in person
    h.channel = actor.role === 'worker' ? 'app' : (input.channel ?? 'in-person');
    if (anonymous) h.reporterAlias = ANONYMOUS_ALIAS;
    else {
      const ref = ctx.reporterId ?? (actor.role === 'worker' ? actor.id : undefined);
      if (ref !== undefined) h.reporterId = ref;
      h.reporterAlias = maskReporterName(reporterName ?? (actor.role === 'worker' ? actor.name : undefined));
    }
  }
  finish(h, now);
  // an anonymous worker's own token id would name them: the history says "anonymous"
  const actorId = anonymous && actor.role === 'worker' ? 'anonymous' : actor.id;
  const entry: HazardHistoryEntry = {
    hazardId: h.id,
    action: 'create',
    from: null,
    to: 'reported',
    actor: { role: actor.role, id: actorId },
    at: now,
    details: { source, level, category, anonymous, ...(alarmId !== undefined ? { alarmId } : {}), ...(h.channel !== undefined ? { channel: h.channel } : {}) },
  };
  return { hazard: h, entry, effects: [], ...(reportCode !== undefined ? { reportCode } : {}) };
}
