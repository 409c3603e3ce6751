import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, acceptanceDueBy, caseDueBy, feedbackDueBy, flags, withDeadlines } from './deadlines.ts';
import { likelyDuplicates, similarity } from './duplicates.ts';
import { parseAction, parseCreate } from './parse.ts';
import { findByCode, publicNotice, redact, redactHistory, reporterView } from './privacy.ts';
import { REPORT_CODE_ALPHABET, REPORT_CODE_BITS, isReportCode, newReportCode, normaliseReportCode } from './report-code.ts';
import {
  HAZARD_ACTIONS,
  HAZARD_STATES,
  type Actor,
  type CreateHazardInput,
  type Hazard,
  type HazardAction,
  type HazardActionName,
  type HazardHistoryEntry,
  type HazardSource,
  type HazardState,
} from './types.ts';
import { WorkflowError, allowedActions, apply, createHazard, type WorkflowOptions } from './workflow.ts';

// ---- fixtures ----

const T0 = Date.parse('2026-11-22T08:00:00+08:00');
const H = 3_600_000;

const actor = (role: Actor['role'], id: string, enterprises: string[] = [], jurisdictions: string[] = [], name?: string): Actor => ({
  role,
  id,
  enterprises,
  jurisdictions,
  ...(name ? { name } : {}),
});
const worker = actor('worker', 'wk-liu', ['ent-a'], [], '刘欢');
const worker2 = actor('worker', 'wk-zhang', ['ent-a'], [], '张三');
const dispatcher = actor('dispatcher', 'disp-a', ['ent-a']);
const officer = actor('officer', 'off-a1', ['ent-a']);
const officer2 = actor('officer', 'off-a2', ['ent-a']);
const officerB = actor('officer', 'off-b1', ['ent-b']);
const dispatcherB = actor('dispatcher', 'disp-b', ['ent-b']);
const regulator = actor('regulator', 'reg-1', [], ['j-north']);
const regulatorSouth = actor('regulator', 'reg-2', [], ['j-south']);
const admin = actor('admin', 'root');

/** mulberry32: a seeded [0, 1) source for report codes */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let seq = 0;
function make(source: HazardSource, over: Partial<CreateHazardInput> = {}, at = T0, by?: Actor, ctxOver: { reporterId?: string } = {}) {
  const input: CreateHazardInput = {
    enterprise: 'ent-a',
    site: 's1',
    zone: 'z-stope-301',
    title: '吊链隐蔽断口',
    description: '10 t 行车吊链有隐蔽断口',
    category: 'static',
    level: 'general',
    source,
    ...(source === 'alarm' ? { alarmId: 'al-1' } : {}),
    ...(source === 'worker' ? { anonymous: false, reporter: { name: '刘欢', phone: '13800000000' } } : {}),
    ...over,
  };
  const who = by ?? (source === 'worker' ? worker : source === 'alarm' ? dispatcher : regulator);
  return createHazard(input, who, at, { id: `hz-${++seq}`, jurisdiction: 'j-north', random: seeded(seq), ...(source === 'worker' && !input.anonymous ? { reporterId: 'person-42', ...ctxOver } : ctxOver) });
}

/** A valid body for each action at `now`. */
function body(action: HazardActionName, now: number): HazardAction {
  switch (action) {
    case 'verify':
      return { action };
    case 'confirm':
      return { action };
    case 'reject':
      return { action, reason: '现场核查不属实' };
    case 'assign':
      return { action, owner: '机修班 王工', measures: '更换吊链', funds: 2000, deadline: now + 7 * DAY_MS, plan: '停用行车，更换吊链，验收后恢复' };
    case 'rectify':
      return { action, evidence: '照片 IMG_0001，更换记录' };
    case 'close':
      return { action, note: '验收合格，销号' };
    case 'reopen':
      return { action, reason: '复查发现仍存在' };
    case 'reward':
      return { action, amount: 500 };
    case 'publish':
      return { action };
    case 'extend':
      return { action, reason: '整改周期长，经批准延期' };
  }
}

const PATHS: Record<HazardState, HazardActionName[]> = {
  reported: [],
  verifying: ['verify'],
  confirmed: ['verify', 'confirm'],
  rejected: ['verify', 'reject'],
  rectifying: ['verify', 'confirm', 'assign'],
  rectified: ['verify', 'confirm', 'assign', 'rectify'],
  closed: ['verify', 'confirm', 'assign', 'rectify', 'close'],
  rewarded: ['verify', 'confirm', 'assign', 'rectify', 'close', 'reward'],
  published: ['verify', 'confirm', 'assign', 'rectify', 'close', 'reward', 'publish'],
};

/** Drive a hazard through `steps`, one hour apart, checking each entry against the previous state. */
function run(h: Hazard, steps: HazardActionName[], by: Actor = regulator, start = h.reportedAt, opts: WorkflowOptions = {}) {
  const entries: HazardHistoryEntry[] = [];
  let now = start;
  for (const s of steps) {
    now += H;
    const r = apply(h, body(s, now), by, now, opts);
    expect(r.entry.from).toBe(h.state);
    expect(r.entry.to).toBe(r.hazard.state);
    expect(r.entry.action).toBe(s);
    h = r.hazard;
    entries.push(r.entry);
  }
  return { h, entries, now };
}

function inState(state: HazardState, source: HazardSource = 'worker', over: Partial<CreateHazardInput> = {}): Hazard {
  return run(make(source, over).hazard, PATHS[state]).h;
}

function refusal(f: () => unknown): WorkflowError {
  try {
    f();
  } catch (e) {
    if (e instanceof WorkflowError) return e;
    throw e;
  }
  throw new Error('expected a WorkflowError');
}

// ---- the CONTRACT table, written out independently of workflow.ts ----

const NEXT: Record<HazardActionName, Partial<Record<HazardState, HazardState>>> = {
  verify: { reported: 'verifying' },
  confirm: { verifying: 'confirmed' },
  reject: { verifying: 'rejected' },
  assign: { confirmed: 'rectifying' },
  rectify: { rectifying: 'rectified' },
  close: { rectified: 'closed' },
  // seed 000: paid as soon as confirmed (核实确认后即刻足额兑付); the state moves only from closed
  reward: { confirmed: 'confirmed', rectifying: 'rectifying', rectified: 'rectified', closed: 'rewarded' },
  publish: { closed: 'published', rewarded: 'published' },
  reopen: { rejected: 'verifying', closed: 'verifying' },
  extend: { reported: 'reported', verifying: 'verifying', confirmed: 'confirmed', rectifying: 'rectifying', rectified: 'rectified' },
};

/** legal from each state for a regulator on a general, non-duplicate, never-extended worker report */
const EXPECTED_ALLOWED: Record<HazardState, HazardActionName[]> = {
  reported: ['verify', 'extend'],
  verifying: ['confirm', 'reject', 'extend'],
  confirmed: ['assign', 'extend', 'reward'],
  rejected: ['reopen'],
  rectifying: ['rectify', 'extend', 'reward'],
  rectified: ['close', 'extend', 'reward'],
  closed: ['reopen', 'reward', 'publish'],
  rewarded: ['publish'],
  published: [],
};
const sortActs = (a: readonly string[]) => [...a].sort();

// ---- the full loop, per source ----

describe('the closed loop for each source', () => {
  it('worker report (安全举手): report → check → rectify → close → reward → publish, with a report code', () => {
    const c = make('worker', {}, T0, worker);
    expect(c.hazard.state).toBe('reported');
    expect(c.reportCode).toMatch(/^HL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(c.hazard.reportCode).toBe(c.reportCode);
    expect(c.hazard.reporterId).toBe('person-42');
    expect(c.hazard.reporterAlias).toBe('职工 刘*');
    expect(JSON.stringify(c.hazard)).not.toContain('13800000000');
    expect(JSON.stringify(c.hazard)).not.toContain('刘欢');
    expect(c.entry).toMatchObject({ action: 'create', from: null, to: 'reported', actor: { role: 'worker', id: 'wk-liu' } });
    expect(c.hazard.caseDueBy).toBe(T0 + 60 * DAY_MS);

    const { h, entries } = run(c.hazard, PATHS.published, officer);
    expect(entries.map((e) => e.to)).toEqual(['verifying', 'confirmed', 'rectifying', 'rectified', 'closed', 'rewarded', 'published']);
    expect(h.acceptedBy).toBe('off-a1');
    expect(h.reward).toEqual({ amount: 500, tier: 4, paidBy: 'off-a1', paidAt: T0 + 6 * H });
    expect(h.rectification).toMatchObject({ owner: '机修班 王工', funds: 2000, deadline: T0 + 3 * H + 7 * DAY_MS });
    expect(h.evidence).toBeDefined();
    for (const k of ['verifiedAt', 'confirmedAt', 'assignedAt', 'rectifiedAt', 'closedAt', 'rewardedAt', 'publishedAt'] as const) expect(h[k]).toBeTypeOf('number');
    expect(h.regulatorApproval).toBeUndefined();
    expect(h.flags).toEqual({ overdueRectification: false, feedbackLate: false, caseLate: false, acceptanceLate: false });
    const v = reporterView(h)!;
    expect(v).toMatchObject({ state: 'published', reward: { amount: 500 }, feedback: { level: 'general' } });
  });

  it('alarm → hazard (dispatcher creates): rectified and published, never rewarded', () => {
    const c = make('alarm', { title: '可燃气体浓度超限', description: '52 %LEL ≥ 二级报警 50 %LEL' }, T0, dispatcher);
    expect(c.hazard).toMatchObject({ source: 'alarm', alarmId: 'al-1', state: 'reported', anonymous: false });
    expect(c.reportCode).toBeUndefined();
    expect(c.hazard.reporterId).toBeUndefined();
    const closed = run(c.hazard, PATHS.closed, officer).h;
    const e = refusal(() => apply(closed, body('reward', T0 + DAY_MS), officer, T0 + DAY_MS));
    expect(e.status).toBe(409);
    expect(e.message).toMatch(/only worker reports/);
    expect(e.allowed).toEqual(['publish']);
    const pub = apply(closed, body('publish', T0 + DAY_MS), officer, T0 + DAY_MS).hazard;
    expect(pub.state).toBe('published');
  });

  it('officer may make an alarm hazard (alarmId) or transcribe a chat-group report (worker source)', () => {
    expect(make('alarm', {}, T0, officer).hazard.source).toBe('alarm');
    const t = createHazard({ enterprise: 'ent-a', title: '皮带跑偏', reporter: { name: '赵四' } }, officer, T0, { id: 'hz-t', jurisdiction: 'j-north', random: seeded(1), reporterId: 'person-7' });
    expect(t.hazard).toMatchObject({ source: 'worker', reporterId: 'person-7', reporterAlias: '职工 赵*' });
    expect(t.reportCode).toBeDefined();
    expect(t.entry.actor).toEqual({ role: 'officer', id: 'off-a1' });
  });

  it('inspection finding (regulator) of a major hazard: direct report, 五到位 plan, regulator closes', () => {
    const c = make('inspection', { level: 'major', title: '尾矿库排洪设施堵塞' }, T0, regulator);
    expect(c.hazard).toMatchObject({ source: 'inspection', level: 'major' });
    expect(c.reportCode).toBeUndefined();
    let h = c.hazard;
    expect(refusal(() => apply(h, { action: 'verify' }, officer, T0 + H)).status).toBe(403);
    h = apply(h, { action: 'verify' }, regulator, T0 + H).hazard;
    const conf = apply(h, { action: 'confirm' }, regulator, T0 + 2 * H);
    expect(conf.effects).toEqual([{ kind: 'direct-report', hazardId: h.id, enterprise: 'ent-a', jurisdiction: 'j-north' }]);
    h = conf.hazard;
    const noPlan = refusal(() => apply(h, { action: 'assign', owner: '矿长', measures: '清淤', funds: 50_000, deadline: T0 + 30 * DAY_MS }, officer, T0 + 3 * H));
    expect(noPlan).toMatchObject({ status: 400, field: 'plan' });
    const noFunds = refusal(() => apply(h, { action: 'assign', owner: '矿长', measures: '清淤', deadline: T0 + 30 * DAY_MS, plan: 'p' }, officer, T0 + 3 * H));
    expect(noFunds).toMatchObject({ status: 400, field: 'funds' });
    h = apply(h, { action: 'assign', owner: '矿长', measures: '清淤', funds: 50_000, deadline: T0 + 30 * DAY_MS, plan: '目标、方法、资金、责任人、期限、安全措施、应急预案' }, officer, T0 + 3 * H).hazard;
    h = apply(h, { action: 'rectify', evidence: '清淤完成' }, officer, T0 + 20 * DAY_MS).hazard;
    const e = refusal(() => apply(h, { action: 'close' }, officer, T0 + 21 * DAY_MS));
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/regulator/);
    const closed = apply(h, { action: 'close', note: '现场验收合格' }, regulator, T0 + 21 * DAY_MS);
    expect(closed.hazard.state).toBe('closed');
    expect(closed.hazard.regulatorApproval).toEqual({ by: 'reg-1', role: 'regulator', at: T0 + 21 * DAY_MS, note: '现场验收合格' });
    expect(closed.entry.details).toMatchObject({ regulatorApproval: { by: 'reg-1' } });
    expect(apply(closed.hazard, { action: 'publish' }, officer, T0 + 22 * DAY_MS).hazard.state).toBe('published');
  });

  it('rejected with a reason (malicious false report) keeps the reason; a regulator can reopen', () => {
    let h = run(make('worker').hazard, ['verify'], officer).h;
    expect(refusal(() => apply(h, { action: 'reject', reason: '  ' }, officer, T0 + 2 * H))).toMatchObject({ status: 400, field: 'reason' });
    h = apply(h, { action: 'reject', reason: '恶意虚假举报' }, officer, T0 + 2 * H).hazard;
    expect(h).toMatchObject({ state: 'rejected', rejectReason: '恶意虚假举报', rejectedAt: T0 + 2 * H });
    expect(reporterView(h)!.feedback.rejectReason).toBe('恶意虚假举报');
    expect(refusal(() => apply(h, { action: 'reopen', reason: 'x' }, officer, T0 + 3 * H)).status).toBe(403);
    const r = apply(h, { action: 'reopen', reason: '申诉' }, regulator, T0 + 3 * H);
    expect(r.hazard).toMatchObject({ state: 'verifying', verifiedAt: T0 + 3 * H });
    expect(r.hazard.rejectReason).toBeUndefined();
    expect(r.entry.details).toMatchObject({ previous: { state: 'rejected', rejectReason: '恶意虚假举报' } });
  });

  it('reopen of a closed hazard starts a new check and clears the previous rectification', () => {
    const closed = inState('closed');
    const r = apply(closed, { action: 'reopen', reason: '复查仍存在' }, regulator, T0 + DAY_MS);
    expect(r.hazard.state).toBe('verifying');
    expect(r.hazard.rectification).toBeUndefined();
    expect(r.hazard.closedAt).toBeUndefined();
    expect(r.entry.details).toMatchObject({ previous: { state: 'closed', rectification: { owner: '机修班 王工' } } });
  });

  it('never mutates its input', () => {
    const h = inState('rectified');
    const before = JSON.stringify(h);
    apply(h, body('close', T0 + DAY_MS), officer, T0 + DAY_MS);
    expect(JSON.stringify(h)).toBe(before);
  });
});

// ---- the illegal-transition matrix ----

describe('every illegal step from every state is 409 with the allowed list', () => {
  const matrix = HAZARD_STATES.flatMap((s) => HAZARD_ACTIONS.map((a) => [s, a] as const));
  const hazards = new Map(HAZARD_STATES.map((s) => [s, inState(s)]));

  it('the matrix covers every state × action', () => {
    expect(matrix).toHaveLength(HAZARD_STATES.length * HAZARD_ACTIONS.length);
    for (const s of HAZARD_STATES) expect(sortActs(allowedActions(hazards.get(s)!, regulator))).toEqual(sortActs(EXPECTED_ALLOWED[s]));
  });

  it.each(matrix)('regulator: %s + %s', (state, action) => {
    const h = hazards.get(state)!;
    const now = h.reportedAt + 30 * DAY_MS;
    if (EXPECTED_ALLOWED[state].includes(action)) {
      const r = apply(h, body(action, now), regulator, now);
      expect(r.hazard.state).toBe(NEXT[action][state]);
    } else {
      const e = refusal(() => apply(h, body(action, now), regulator, now));
      expect(e.status).toBe(409);
      expect(e.statusCode).toBe(409);
      expect(e.code).toBe('HL_ERR_CONFLICT');
      expect(sortActs(e.allowed!)).toEqual(sortActs(EXPECTED_ALLOWED[state]));
    }
  });

  it.each(matrix)('admin: %s + %s', (state, action) => {
    const h = hazards.get(state)!;
    const now = h.reportedAt + 30 * DAY_MS;
    if (EXPECTED_ALLOWED[state].includes(action)) expect(apply(h, body(action, now), admin, now).hazard.state).toBe(NEXT[action][state]);
    else {
      const e = refusal(() => apply(h, body(action, now), admin, now));
      expect(e.status).toBe(409);
      expect(sortActs(e.allowed!)).toEqual(sortActs(EXPECTED_ALLOWED[state]));
    }
  });

  it.each(matrix)('officer: %s + %s (403 for reopen/extend, 409 otherwise)', (state, action) => {
    const h = hazards.get(state)!;
    const now = h.reportedAt + 30 * DAY_MS;
    const officerAllowed = EXPECTED_ALLOWED[state].filter((a) => a !== 'reopen' && a !== 'extend');
    if (action === 'reopen' || action === 'extend') expect(refusal(() => apply(h, body(action, now), officer, now)).status).toBe(403);
    else if (officerAllowed.includes(action)) expect(apply(h, body(action, now), officer, now).hazard.state).toBe(NEXT[action][state]);
    else {
      const e = refusal(() => apply(h, body(action, now), officer, now));
      expect(e.status).toBe(409);
      expect(sortActs(e.allowed!)).toEqual(sortActs(officerAllowed));
    }
  });

  it('extend is once only; a later extend is 409 without extend in allowed', () => {
    const h = apply(inState('confirmed'), body('extend', T0 + DAY_MS), regulator, T0 + DAY_MS).hazard;
    const e = refusal(() => apply(h, body('extend', T0 + 2 * DAY_MS), regulator, T0 + 2 * DAY_MS));
    expect(e).toMatchObject({ status: 409, allowed: ['assign', 'reward'] });
  });

  it('an unknown action is a 400 on field action', () => {
    const h = inState('reported');
    expect(refusal(() => apply(h, { action: 'teleport' } as unknown as HazardAction, regulator, T0))).toMatchObject({ status: 400, field: 'action' });
  });
});

// ---- roles and scope ----

describe('roles and scope', () => {
  it('another enterprise (or jurisdiction) never acts: 404, for every action in every state', () => {
    for (const s of HAZARD_STATES) {
      const h = inState(s);
      for (const a of HAZARD_ACTIONS)
        for (const who of [officerB, dispatcherB, regulatorSouth, actor('worker', 'wk-b', ['ent-b'])]) {
          const e = refusal(() => apply(h, body(a, T0 + DAY_MS), who, T0 + DAY_MS));
          expect(e.status).toBe(404);
          expect(e.message).not.toContain('ent-a');
        }
      expect(allowedActions(h, officerB)).toEqual([]);
    }
  });

  it('a worker cannot verify (403), nor take any other action; a dispatcher neither', () => {
    const h = inState('reported');
    expect(refusal(() => apply(h, { action: 'verify' }, worker, T0 + H))).toMatchObject({ status: 403, code: 'HL_ERR_FORBIDDEN' });
    for (const a of HAZARD_ACTIONS) {
      expect(refusal(() => apply(h, body(a, T0 + H), worker, T0 + H)).status).toBe(403);
      expect(refusal(() => apply(h, body(a, T0 + H), dispatcher, T0 + H)).status).toBe(403);
    }
  });

  it('creation: who may create which source, in scope only', () => {
    const base = { enterprise: 'ent-a', title: '护栏缺失' };
    const ctx = { id: 'hz-c', jurisdiction: 'j-north', random: seeded(9) };
    expect(createHazard(base, worker, T0, ctx).hazard.source).toBe('worker');
    expect(createHazard(base, regulator, T0, ctx).hazard.source).toBe('inspection');
    expect(refusal(() => createHazard({ ...base, enterprise: 'ent-b' }, worker, T0, { ...ctx, jurisdiction: 'j-south' })).status).toBe(404);
    expect(refusal(() => createHazard(base, officerB, T0, ctx)).status).toBe(404);
    expect(refusal(() => createHazard(base, regulatorSouth, T0, ctx)).status).toBe(404);
    expect(refusal(() => createHazard({ ...base, source: 'inspection' }, worker, T0, ctx)).status).toBe(403);
    expect(refusal(() => createHazard({ ...base, source: 'inspection' }, officer, T0, ctx)).status).toBe(403);
    expect(refusal(() => createHazard({ ...base, source: 'worker' }, dispatcher, T0, ctx)).status).toBe(403);
    expect(refusal(() => createHazard(base, dispatcher, T0, ctx))).toMatchObject({ status: 400, field: 'alarmId' });
    expect(createHazard({ ...base, alarmId: 'al-9' }, dispatcher, T0, ctx).hazard).toMatchObject({ source: 'alarm', alarmId: 'al-9' });
    expect(refusal(() => createHazard({ ...base, title: ' ' }, worker, T0, ctx))).toMatchObject({ status: 400, field: 'title' });
    expect(refusal(() => createHazard({ ...base, alarmId: 'al-9', reporter: { name: 'x' } }, dispatcher, T0, ctx))).toMatchObject({ status: 400, field: 'reporter' });
    for (const s of ['alarm', 'worker', 'inspection'] as const) expect(createHazard({ ...base, source: s, ...(s === 'alarm' ? { alarmId: 'a' } : {}) }, admin, T0, ctx).hazard.source).toBe(s);
  });

  it('an officer cannot check or close a regulator finding, but rectifies it', () => {
    const v = run(make('inspection').hazard, ['verify'], regulator).h;
    expect(refusal(() => apply(v, { action: 'confirm' }, officer, T0 + DAY_MS)).status).toBe(403);
    expect(refusal(() => apply(v, { action: 'reject', reason: 'no' }, officer, T0 + DAY_MS)).status).toBe(403);
    const rectifying = run(v, ['confirm'], regulator).h;
    const rectified = run(rectifying, ['assign', 'rectify'], officer).h;
    expect(refusal(() => apply(rectified, { action: 'close' }, officer, T0 + DAY_MS)).status).toBe(403);
    expect(allowedActions(rectified, officer)).toEqual([]);
    expect(apply(rectified, { action: 'close' }, regulator, T0 + DAY_MS).hazard.state).toBe('closed');
  });
});

// ---- major hazards ----

describe('major hazards (重大事故隐患)', () => {
  const major = () => run(make('worker', { level: 'major' }).hazard, ['verify'], officer).h;

  it('confirming major pushes to the regulator (direct-report effect); general does not', () => {
    expect(apply(major(), { action: 'confirm' }, officer, T0 + DAY_MS).effects).toHaveLength(1);
    expect(apply(inState('verifying'), { action: 'confirm' }, officer, T0 + DAY_MS).effects).toEqual([]);
    const up = apply(inState('verifying'), { action: 'confirm', level: 'major' }, officer, T0 + DAY_MS);
    expect(up.hazard.level).toBe('major');
    expect(up.effects[0]!.kind).toBe('direct-report');
    expect(up.entry.details).toMatchObject({ level: 'major', previousLevel: 'general', directReport: true });
  });

  it('the enterprise cannot downgrade a major report (and so close it alone); a regulator can', () => {
    expect(refusal(() => apply(major(), { action: 'confirm', level: 'general' }, officer, T0 + DAY_MS)).status).toBe(403);
    expect(apply(major(), { action: 'confirm', level: 'general' }, regulator, T0 + DAY_MS).hazard.level).toBe('general');
  });

  it('plan required; enterprise close refused with a clear message; regulator and admin close with approval recorded', () => {
    let h = apply(major(), { action: 'confirm' }, officer, T0 + DAY_MS).hazard;
    expect(refusal(() => apply(h, { action: 'assign', owner: 'o', measures: 'm', funds: 1, deadline: T0 + 9 * DAY_MS, plan: '' }, officer, T0 + DAY_MS))).toMatchObject({ status: 400, field: 'plan' });
    h = run(h, ['assign', 'rectify'], officer, T0 + DAY_MS).h;
    const e = refusal(() => apply(h, { action: 'close' }, officer, T0 + 3 * DAY_MS));
    expect(e.status).toBe(403);
    expect(e.message).toContain('cannot be closed by the enterprise alone');
    expect(apply(h, { action: 'close' }, regulator, T0 + 3 * DAY_MS).hazard.regulatorApproval).toMatchObject({ by: 'reg-1', role: 'regulator' });
    expect(apply(h, { action: 'close' }, admin, T0 + 3 * DAY_MS).hazard.regulatorApproval).toMatchObject({ by: 'root', role: 'admin' });
  });

  it('general hazards need no plan, funds default to 0', () => {
    const h = apply(inState('confirmed'), { action: 'assign', owner: '班长', measures: '立即紧固', deadline: T0 + DAY_MS }, officer, T0 + 3 * H).hazard;
    expect(h.rectification).toEqual({ owner: '班长', measures: '立即紧固', funds: 0, deadline: T0 + DAY_MS });
  });
});

// ---- deadlines ----

describe('deadlines with explicit now', () => {
  it('feedback due 10 days after the check starts; late when the result comes after it', () => {
    const r = make('worker').hazard;
    expect(r.feedbackDueBy).toBeNull();
    const v = apply(r, { action: 'verify' }, officer, T0 + DAY_MS).hazard;
    expect(v.feedbackDueBy).toBe(T0 + 11 * DAY_MS);
    expect(feedbackDueBy(v)).toBe(T0 + 11 * DAY_MS);
    expect(flags(v, T0 + 11 * DAY_MS).feedbackLate).toBe(false);
    expect(flags(v, T0 + 11 * DAY_MS + 1).feedbackLate).toBe(true);
    const onTime = apply(v, { action: 'confirm' }, officer, T0 + 5 * DAY_MS).hazard;
    expect(flags(onTime, T0 + 100 * DAY_MS).feedbackLate).toBe(false);
    const late = apply(v, { action: 'reject', reason: '不属实' }, officer, T0 + 12 * DAY_MS).hazard;
    expect(late.flags.feedbackLate).toBe(true);
  });

  it('case due 60 days after the report, +30 once extended; closed or rejected in time is never late', () => {
    const h = make('worker').hazard;
    expect(caseDueBy(h)).toBe(T0 + 60 * DAY_MS);
    expect(flags(h, T0 + 60 * DAY_MS).caseLate).toBe(false);
    expect(flags(h, T0 + 60 * DAY_MS + 1).caseLate).toBe(true);
    const ext = apply(h, { action: 'extend', reason: '经批准延期' }, regulator, T0 + 50 * DAY_MS);
    expect(ext.hazard.caseDueBy).toBe(T0 + 90 * DAY_MS);
    expect(ext.hazard.state).toBe('reported');
    expect(ext.entry).toMatchObject({ from: 'reported', to: 'reported', note: '经批准延期', details: { caseDueBy: T0 + 90 * DAY_MS } });
    expect(flags(ext.hazard, T0 + 61 * DAY_MS).caseLate).toBe(false);
    const closed = inState('closed');
    expect(flags(closed, T0 + 365 * DAY_MS).caseLate).toBe(false);
    const lateReject = run(make('worker').hazard, ['verify']).h;
    expect(apply(lateReject, body('reject', 0), officer, T0 + 61 * DAY_MS).hazard.flags.caseLate).toBe(true);
  });

  it('overdue rectification: only while rectifying and strictly after the deadline', () => {
    const h = apply(inState('confirmed'), { action: 'assign', owner: 'o', measures: 'm', deadline: T0 + 7 * DAY_MS }, officer, T0 + DAY_MS).hazard;
    expect(flags(h, T0 + 7 * DAY_MS).overdueRectification).toBe(false);
    expect(flags(h, T0 + 7 * DAY_MS + 1).overdueRectification).toBe(true);
    expect(withDeadlines(h, T0 + 8 * DAY_MS).flags.overdueRectification).toBe(true);
    const done = apply(h, { action: 'rectify', evidence: 'e' }, officer, T0 + 8 * DAY_MS);
    expect(done.entry.details).toMatchObject({ late: true });
    expect(flags(done.hazard, T0 + 9 * DAY_MS).overdueRectification).toBe(false);
  });

  it('acceptance due 10 days after the rectification deadline', () => {
    const h = apply(inState('confirmed'), { action: 'assign', owner: 'o', measures: 'm', deadline: T0 + 7 * DAY_MS }, officer, T0 + DAY_MS).hazard;
    expect(acceptanceDueBy(h)).toBe(T0 + 17 * DAY_MS);
    expect(acceptanceDueBy(inState('confirmed'))).toBeNull();
    const rectified = apply(h, { action: 'rectify', evidence: 'e' }, officer, T0 + 6 * DAY_MS).hazard;
    expect(flags(rectified, T0 + 17 * DAY_MS).acceptanceLate).toBe(false);
    expect(flags(rectified, T0 + 17 * DAY_MS + 1).acceptanceLate).toBe(true);
    const closed = apply(rectified, { action: 'close' }, officer, T0 + 16 * DAY_MS).hazard;
    expect(flags(closed, T0 + 100 * DAY_MS).acceptanceLate).toBe(false);
  });

  it('assign deadline: future only; epoch ms or RFC 3339 with offset', () => {
    const c = inState('confirmed');
    const now = Date.parse('2026-11-25T08:00:00+08:00');
    const a = (deadline: string | number) => apply(c, { action: 'assign', owner: 'o', measures: 'm', deadline }, officer, now);
    expect(a('2026-12-01T18:00:00+08:00').hazard.rectification!.deadline).toBe(Date.parse('2026-12-01T10:00:00Z'));
    expect(a(now + 1).hazard.rectification!.deadline).toBe(now + 1);
    expect(a(String(now + 5)).hazard.rectification!.deadline).toBe(now + 5);
    for (const d of [now, now - 1, '2026-11-01T00:00:00+08:00']) expect(refusal(() => a(d))).toMatchObject({ status: 400, field: 'deadline', message: expect.stringMatching(/future/) });
    for (const d of ['next week', '2026-12-01', '2026-12-01T18:00:00', Number.NaN]) expect(refusal(() => a(d))).toMatchObject({ status: 400, field: 'deadline' });
  });
});

// ---- duplicates and rewards ----

describe('duplicates', () => {
  it('Chinese-aware bigram similarity', () => {
    expect(similarity('吊链隐蔽断口', '吊链隐蔽断口')).toBe(1);
    expect(similarity('吊链隐蔽断口', '吊链有隐蔽断口！')).toBeGreaterThanOrEqual(0.5);
    expect(similarity('ＡＢＣ 吊链', 'abc吊链')).toBe(1);
    expect(similarity('吊链隐蔽断口', '配电柜门未关')).toBe(0);
    expect(similarity('', '吊链')).toBe(0);
  });

  it('same enterprise and zone/device, open at the same time, similar text', () => {
    const a = make('worker', {}, T0).hazard;
    const sameZone = make('worker', { title: '吊链有隐蔽断口', description: '行车吊链断口' }, T0 + H, worker2).hazard;
    const sameDevice = make('alarm', { zone: null, device: 'crane-3', title: '吊链隐蔽断口报警' }, T0 + 2 * H).hazard;
    const aDev = { ...a, device: 'crane-3', zone: undefined } as Hazard;
    const otherZone = make('worker', { zone: 'z-other' }, T0 + H).hazard;
    const otherEnt = { ...make('worker', {}, T0 + H).hazard, enterprise: 'ent-b' };
    const dissimilar = make('worker', { title: '配电柜门未关', description: '柜门敞开' }, T0 + H).hazard;
    const closedBefore = { ...inState('closed'), reportedAt: T0 - 10 * DAY_MS, closedAt: T0 - DAY_MS } as Hazard;
    const rejected = inState('rejected');
    const all = [a, sameZone, sameDevice, otherZone, otherEnt, dissimilar, closedBefore, rejected];
    expect(likelyDuplicates(a, all, T0 + DAY_MS)).toEqual([sameZone.id]);
    expect(likelyDuplicates(aDev, all, T0 + DAY_MS)).toContain(sameDevice.id);
    expect(likelyDuplicates(sameZone, all, T0 + DAY_MS)).toContain(a.id);
    expect(likelyDuplicates(sameZone, all, T0 + DAY_MS)).not.toContain(rejected.id);
  });

  it('a report confirmed as a duplicate cannot be rewarded (409, reward not allowed); it can still be published', () => {
    const first = make('worker', {}, T0).hazard;
    const later = make('worker', {}, T0 + H, worker2).hazard;
    const find = (id: string) => [first, later].find((x) => x.id === id);
    let h = apply(later, { action: 'verify' }, officer, T0 + 2 * H).hazard;
    h = apply(h, { action: 'confirm', duplicateOf: first.id }, officer, T0 + 3 * H, { find }).hazard;
    expect(h.duplicateOf).toBe(first.id);
    h = run(h, ['assign', 'rectify', 'close'], officer, T0 + 3 * H).h;
    const e = refusal(() => apply(h, { action: 'reward', amount: 500 }, officer, T0 + DAY_MS));
    expect(e.status).toBe(409);
    expect(e.message).toMatch(/duplicate.*first valid reporter/);
    expect(e.allowed).toEqual(['publish']);
    expect(refusal(() => apply(h, { action: 'reward', amount: 500 }, admin, T0 + DAY_MS)).allowed).toEqual(['reopen', 'publish']);
    expect(publicNotice(apply(h, { action: 'publish' }, officer, T0 + DAY_MS).hazard)!.rewardAmount).toBeUndefined();
  });

  it('duplicateOf must name an earlier valid report of the same enterprise; chains resolve to the first', () => {
    const first = make('worker', {}, T0).hazard;
    const second = { ...make('worker', {}, T0 + H).hazard, duplicateOf: first.id };
    const third = run(make('worker', {}, T0 + 2 * H).hazard, ['verify']).h;
    const laterOne = make('worker', {}, T0 + 3 * H).hazard;
    const rejected = { ...make('worker', {}, T0 - H).hazard, state: 'rejected' as const };
    const foreign = { ...make('worker', {}, T0 - H).hazard, enterprise: 'ent-b' };
    const find = (id: string) => [first, second, third, laterOne, rejected, foreign].find((x) => x.id === id);
    const conf = (dup: string) => apply(third, { action: 'confirm', duplicateOf: dup }, officer, T0 + DAY_MS, { find });
    expect(conf(second.id).hazard.duplicateOf).toBe(first.id);
    expect(refusal(() => conf(laterOne.id))).toMatchObject({ status: 400, field: 'duplicateOf' });
    expect(refusal(() => conf(rejected.id))).toMatchObject({ status: 400, field: 'duplicateOf' });
    expect(refusal(() => conf(foreign.id)).message).toMatch(/unknown hazard/);
    expect(refusal(() => conf('hz-nope')).message).toMatch(/unknown hazard/);
    expect(refusal(() => conf(third.id)).message).toMatch(/itself/);
  });
});

describe('rewards', () => {
  it('amount must be a configured tier; tier recorded 1-based', () => {
    const c = inState('closed');
    for (const amount of [0, 49, 499, 3001, -50, 1e6]) expect(refusal(() => apply(c, { action: 'reward', amount }, officer, T0 + DAY_MS))).toMatchObject({ status: 400, field: 'amount' });
    for (const [amount, tier] of [[50, 1], [100, 2], [200, 3], [500, 4], [1000, 5], [3000, 6]] as const)
      expect(apply(c, { action: 'reward', amount }, officer, T0 + DAY_MS).hazard.reward).toMatchObject({ amount, tier });
    const custom = { rewardTiers: [80, 800] };
    expect(apply(c, { action: 'reward', amount: 800 }, officer, T0 + DAY_MS, custom).hazard.reward!.tier).toBe(2);
    expect(refusal(() => apply(c, { action: 'reward', amount: 500 }, officer, T0 + DAY_MS, custom)).status).toBe(400);
  });

  it('only worker reports; only once; not after publication without reward', () => {
    expect(refusal(() => apply(inState('closed', 'inspection'), body('reward', 0), regulator, T0 + DAY_MS)).status).toBe(409);
    expect(refusal(() => apply(inState('rewarded'), body('reward', 0), regulator, T0 + DAY_MS)).allowed).toEqual(['publish']);
    const pubNoReward = apply(inState('closed'), { action: 'publish' }, officer, T0 + DAY_MS).hazard;
    expect(refusal(() => apply(pubNoReward, body('reward', 0), regulator, T0 + DAY_MS))).toMatchObject({ status: 409, allowed: [] });
  });
});

// ---- report codes ----

describe('report codes', () => {
  it('HL-XXXX-XXXX from an unambiguous 32-letter alphabet: 40 bits', () => {
    expect(REPORT_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(REPORT_CODE_ALPHABET).size).toBe(32);
    for (const c of '0O1I') expect(REPORT_CODE_ALPHABET).not.toContain(c);
    expect(REPORT_CODE_BITS).toBeGreaterThanOrEqual(40);
    expect(newReportCode(() => 0)).toBe('HL-2222-2222');
    expect(newReportCode(() => 0.999999)).toBe('HL-ZZZZ-ZZZZ');
    expect(() => newReportCode(() => 1)).toThrow(RangeError);
    const rnd = seeded(42);
    const codes = Array.from({ length: 5000 }, () => newReportCode(rnd));
    expect(new Set(codes).size).toBe(5000);
    for (const c of codes) expect(isReportCode(c)).toBe(true);
    expect(normaliseReportCode(' hl-7q2m-abcd ')).toBe('HL-7Q2M-ABCD');
    expect(normaliseReportCode('HL-0000-1111')).toBeUndefined();
  });

  it('by-code: state, feedback, reward; nothing about other reports or the reporter', () => {
    const first = make('worker', {}, T0).hazard;
    const c = make('worker', {}, T0 + H, worker2);
    let h = apply(c.hazard, { action: 'verify' }, officer, T0 + 2 * H).hazard;
    h = apply(h, { action: 'confirm', duplicateOf: first.id }, officer, T0 + 3 * H).hazard;
    h = { ...h, possibleDuplicates: [first.id] };
    expect(findByCode([first, h], c.reportCode!.toLowerCase())).toBe(h);
    expect(findByCode([first, h], 'HL-2222-2222')).toBeUndefined();
    const v = reporterView(h)!;
    const json = JSON.stringify(v);
    expect(v).toMatchObject({ state: 'confirmed', reportCode: c.reportCode, feedback: { confirmedAt: T0 + 3 * H } });
    for (const s of [first.id, 'person-42', 'wk-zhang', 'off-a1', '刘']) expect(json).not.toContain(s);
    expect(reporterView(make('alarm').hazard)).toBeNull();
  });
});

// ---- reporter protection ----

describe('reporter protection', () => {
  const secrets = (h: Hazard) => [h.reporterId ?? 'person-42', h.reportCode ?? 'HL-', '13800000000', '刘欢', 'wk-liu'];

  it('redact: the reporter reference only for the accepting officer and regulators', () => {
    const reported = make('worker', {}, T0, worker).hazard;
    for (const v of [officer, officer2, dispatcher, worker, worker2, admin]) {
      const r = redact(reported, v)!;
      expect(r.reporterId).toBeUndefined();
      expect(r.reportCode).toBeUndefined();
      for (const s of secrets(reported)) expect(JSON.stringify(r)).not.toContain(s);
    }
    expect(redact(reported, regulator)!.reporterId).toBe('person-42');
    expect(redact(reported, officerB)).toBeNull();
    expect(redact(reported, regulatorSouth)).toBeNull();

    const verified = apply(reported, { action: 'verify' }, officer, T0 + H).hazard;
    expect(redact(verified, officer)!.reporterId).toBe('person-42');
    expect(redact(verified, officer2)!.reporterId).toBeUndefined();
    expect(redact(verified, admin)!.reporterId).toBeUndefined();
    expect(redact(verified, regulator)!.reportCode).toBe(reported.reportCode);
  });

  it('redactHistory masks the reporting worker; anonymous reports never record the worker', () => {
    const c = make('worker', {}, T0, worker);
    expect(redactHistory(c.hazard, [c.entry], officer2)![0]!.actor.id).toBe('(redacted)');
    expect(redactHistory(c.hazard, [c.entry], regulator)![0]!.actor.id).toBe('wk-liu');
    expect(redactHistory(c.hazard, [c.entry], officerB)).toBeNull();
    const anon = make('worker', { anonymous: true, reporter: null }, T0, worker);
    expect(anon.hazard.reporterId).toBeUndefined();
    expect(anon.hazard.reporterAlias).toBe('匿名');
    expect(anon.entry.actor.id).toBe('anonymous');
    expect(JSON.stringify(anon)).not.toContain('wk-liu');
  });

  it('publicNotice: closed hazards only, reporter masked, reward amount, nothing identifying', () => {
    expect(publicNotice(inState('rectified'))).toBeNull();
    const rewarded = run(make('worker', { description: '我是三班刘欢，在行车下发现' }, T0, worker).hazard, PATHS.rewarded, officer).h;
    const p = publicNotice(rewarded)!;
    expect(p).toMatchObject({ reporter: '职工 刘*', rewardAmount: 500, measures: '更换吊链', state: 'rewarded' });
    const json = JSON.stringify(p);
    for (const s of [...secrets(rewarded), '三班', 'z-stope-301', '机修班']) expect(json).not.toContain(s);
    const anon = run(make('worker', { anonymous: true, reporter: null }, T0, worker).hazard, PATHS.published, officer).h;
    expect(publicNotice(anon)!.reporter).toBe('匿名');
    expect(publicNotice(inState('closed', 'alarm'))!.reporter).toBeUndefined();
  });
});

// ---- parsing ----

describe('request bodies', () => {
  it('parseAction: CONTRACT §8 bodies; bad ones are 400 naming the field', () => {
    expect(parseAction({ action: 'confirm', level: 'major', duplicateOf: null })).toEqual({ action: 'confirm', level: 'major', duplicateOf: null });
    expect(parseAction({ action: 'assign', owner: 'o', measures: 'm', funds: 2000, deadline: '2026-12-01T18:00:00+08:00', plan: 'p' }).action).toBe('assign');
    expect(refusal(() => parseAction({ action: 'fly' }))).toMatchObject({ status: 400, field: 'action' });
    expect(refusal(() => parseAction(null))).toMatchObject({ status: 400, field: 'action' });
    expect(refusal(() => parseAction({ action: 'assign', owner: 'o', measures: 'm' }))).toMatchObject({ status: 400, field: 'deadline' });
    expect(refusal(() => parseAction({ action: 'reward', amount: '500' }))).toMatchObject({ status: 400, field: 'amount' });
    expect(refusal(() => parseAction({ action: 'close', note: 'x', extra: 1 }))).toMatchObject({ status: 400, field: 'extra' });
    expect(refusal(() => parseAction({ action: 'confirm', level: 'huge' }))).toMatchObject({ status: 400, field: 'level' });
  });

  it('parseCreate: the CONTRACT example passes; bad fields are 400', () => {
    const ok = parseCreate({ enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', device: null, title: '吊链隐蔽断口', description: '...', category: 'static', level: 'general', anonymous: false, reporter: { name: '刘欢', phone: '138' } });
    expect(createHazard(ok, worker, T0, { id: 'hz-p', jurisdiction: 'j-north', random: seeded(3) }).hazard.device).toBeUndefined();
    expect(refusal(() => parseCreate({ enterprise: 'ent-a' }))).toMatchObject({ status: 400, field: 'title' });
    expect(refusal(() => parseCreate({ enterprise: 'ent-a', title: 't', category: 'moving' }))).toMatchObject({ status: 400, field: 'category' });
  });
});

// ---- property: random action sequences ----

describe('property: random sequences', () => {
  const ACTORS = [worker, dispatcher, officer, officer2, officerB, regulator, regulatorSouth, admin];
  const variantBody = (a: HazardActionName, v: number, now: number, ids: string[]): HazardAction => {
    const b = body(a, now) as Record<string, unknown>;
    switch (v) {
      case 0:
        return b as HazardAction;
      case 1: // a different valid-ish variant
        if (a === 'confirm') return { action: 'confirm', duplicateOf: ids[0], level: 'major' };
        if (a === 'reward') return { action: 'reward', amount: 3000 };
        if (a === 'assign') return { ...b, plan: undefined } as HazardAction;
        return b as HazardAction;
      case 2: // broken fields
        if (a === 'assign') return { ...b, deadline: now - 1 } as HazardAction;
        if (a === 'reward') return { action: 'reward', amount: 499 };
        if (a === 'confirm') return { action: 'confirm', duplicateOf: ids[1] };
        return { action: a, reason: '' } as HazardAction;
      default:
        return { action: a } as HazardAction;
    }
  };

  it('never leaves the CONTRACT states, never rewards a duplicate, refusals are typed and consistent', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom<HazardSource>('worker', 'alarm', 'inspection'),
        fc.constantFrom<'general' | 'major'>('general', 'major'),
        // `guided` steps pick one of the actor's allowed actions, so that runs get deep into the loop
        fc.array(
          fc.record({ actor: fc.nat(ACTORS.length - 1), action: fc.constantFrom(...HAZARD_ACTIONS), guided: fc.nat(3).map((n) => n > 0), pick: fc.nat(), variant: fc.nat(3), dt: fc.integer({ min: 0, max: 5 * DAY_MS }) }),
          { minLength: 10, maxLength: 60, size: 'max' },
        ),
        (source, level, steps) => {
          const earlier = make('worker', {}, T0 - DAY_MS).hazard;
          const laterId = 'hz-later';
          const later = { ...make('worker', {}, T0 + 400 * DAY_MS).hazard, id: laterId };
          const c = make(source, { level }, T0, source === 'worker' ? worker : source === 'alarm' ? dispatcher : regulator);
          let h = c.hazard;
          const find = (id: string) => (id === earlier.id ? earlier : id === laterId ? later : undefined);
          let now = T0;
          for (const s of steps) {
            now += s.dt;
            const who = ACTORS[s.actor]!;
            const before = JSON.stringify(h);
            const allowedBefore = allowedActions(h, who);
            const action = s.guided && allowedBefore.length > 0 ? allowedBefore[s.pick % allowedBefore.length]! : s.action;
            try {
              const r = apply(h, variantBody(action, s.variant, now, [earlier.id, laterId]), who, now, { find });
              expect(allowedBefore).toContain(action);
              expect(NEXT[action][h.state]).toBe(r.hazard.state);
              expect(r.entry).toMatchObject({ from: h.state, to: r.hazard.state, action, at: now, actor: { role: who.role, id: who.id } });
              expect(r.hazard.flags).toEqual(flags(r.hazard, now));
              h = r.hazard;
            } catch (e) {
              if (!(e instanceof WorkflowError)) throw e;
              expect([400, 403, 404, 409]).toContain(e.status);
              if (e.status === 404) expect(allowedBefore).toEqual([]);
              if (e.status === 409) {
                expect(e.allowed).toEqual(allowedBefore);
                expect(e.allowed).not.toContain(action);
              }
              if (e.status === 400) expect(e.field).toBeTypeOf('string');
              expect(JSON.stringify(h)).toBe(before);
            }
            expect(HAZARD_STATES).toContain(h.state);
            reached.add(h.state);
            if (h.duplicateOf !== undefined && h.state === 'closed') reached.add('duplicate-closed');
            expect(h.duplicateOf !== undefined && h.reward !== undefined).toBe(false);
            if (h.reward) expect(h.source).toBe('worker');
            if (h.state === 'rewarded') expect(h.reward).toBeDefined();
            if (h.level === 'major' && h.closedAt !== undefined) expect(['regulator', 'admin']).toContain(h.regulatorApproval?.role);
            if (h.duplicateOf !== undefined) expect(h.duplicateOf).toBe(earlier.id);
            expect(publicNotice(h) === null).toBe(!['closed', 'rewarded', 'published'].includes(h.state));
          }
        },
      ),
      { numRuns: 400, seed: 20261122 },
    );
    // the runs went deep enough to test the guards: every state, and a closed duplicate offered a reward
    expect([...reached].sort()).toEqual([...HAZARD_STATES, 'duplicate-closed'].sort());
  });
});

// ---- issue 14: rewards as the seeds say, self-inspection, transcribed reports ----

describe('rewards as the seeds say (issue 14)', () => {
  it('seed 000: paid as soon as confirmed (核实确认后即刻足额兑付): the state stays, the loop goes on, once only', () => {
    const c = inState('confirmed');
    const r = apply(c, { action: 'reward', amount: 500 }, officer, T0 + DAY_MS);
    expect(r.hazard.state).toBe('confirmed');
    expect(r.hazard.reward).toMatchObject({ amount: 500, tier: 4, paidBy: 'off-a1' });
    expect(r.entry).toMatchObject({ action: 'reward', from: 'confirmed', to: 'confirmed' });
    expect(allowedActions(r.hazard, officer)).toEqual(['assign']);
    // on through the loop; once closed it is not paid again, and published from closed
    const done = run(r.hazard, ['assign', 'rectify', 'close'], officer, T0 + DAY_MS).h;
    expect(done.state).toBe('closed');
    expect(allowedActions(done, officer)).toEqual(['publish']);
    expect(refusal(() => apply(done, { action: 'reward', amount: 500 }, officer, T0 + 30 * DAY_MS))).toMatchObject({ status: 409, allowed: ['publish'] });
  });

  it('rewardFrom: closed keeps the old rule: 409 before the close, with the reason', () => {
    const opts: WorkflowOptions = { rewardFrom: 'closed' };
    const e = refusal(() => apply(inState('rectified'), { action: 'reward', amount: 500 }, officer, T0 + DAY_MS, opts));
    expect(e.status).toBe(409);
    expect(e.message).toMatch(/rewardFrom: closed/);
    expect(e.allowed).toEqual(['close']);
    expect(apply(inState('closed'), { action: 'reward', amount: 500 }, officer, T0 + DAY_MS, opts).hazard.state).toBe('rewarded');
  });

  it('seed 003: found outside the reporter\'s duties (岗位职责外) is flagged on confirm and paid the tier × the multiplier', () => {
    const v = inState('verifying');
    const c = apply(v, { action: 'confirm', outsideDuties: true, category: 'dynamic' }, officer, T0 + DAY_MS);
    expect(c.hazard).toMatchObject({ outsideDuties: true, category: 'dynamic' });
    expect(c.entry.details).toMatchObject({ outsideDuties: true, category: 'dynamic' });
    expect(refusal(() => apply(c.hazard, { action: 'reward', amount: 500 }, officer, T0 + DAY_MS))).toMatchObject({ status: 400, field: 'amount' });
    expect(apply(c.hazard, { action: 'reward', amount: 1000 }, officer, T0 + DAY_MS).hazard.reward).toEqual({ amount: 1000, tier: 4, outsideDuties: true, paidBy: 'off-a1', paidAt: T0 + DAY_MS });
    expect(apply(c.hazard, { action: 'reward', amount: 150 }, officer, T0 + DAY_MS, { outsideDutiesMultiplier: 1.5 }).hazard.reward).toMatchObject({ amount: 150, tier: 2 });
    // only a worker's report is inside or outside someone's duties
    const alarm = run(make('alarm', {}, T0, officer).hazard, ['verify'], officer).h;
    expect(refusal(() => apply(alarm, { action: 'confirm', outsideDuties: true }, officer, T0 + DAY_MS))).toMatchObject({ status: 400, field: 'outsideDuties' });
  });
});

describe("the enterprise's own channels (issue 14)", () => {
  it('self-inspection (自查, source self) by an officer: no report code, no reporter, never rewarded', () => {
    const c = createHazard({ enterprise: 'ent-a', source: 'self', title: '配电室门未关' }, officer, T0, { id: 'hz-s', jurisdiction: 'j-north', random: seeded(3) });
    expect(c.hazard).toMatchObject({ source: 'self', state: 'reported' });
    expect(c.reportCode).toBeUndefined();
    expect(c.hazard.channel).toBeUndefined();
    const h = run(c.hazard, ['verify', 'confirm'], officer).h;
    expect(refusal(() => apply(h, { action: 'reward', amount: 500 }, officer, T0 + DAY_MS)).status).toBe(409);
    expect(refusal(() => createHazard({ enterprise: 'ent-a', source: 'self', title: 'x' }, worker, T0, { id: 'hz-w', jurisdiction: 'j-north', random: seeded(3) })).status).toBe(403);
    expect(refusal(() => createHazard({ enterprise: 'ent-a', source: 'self', title: 'x', anonymous: true }, officer, T0, { id: 'hz-x', jurisdiction: 'j-north', random: seeded(3) }))).toMatchObject({ status: 400, field: 'anonymous' });
  });

  it("an officer's transcription counts as a worker's report with its channel (default in person); a worker's own is app", () => {
    const phone = createHazard({ enterprise: 'ent-a', title: '皮带跑偏', channel: 'phone', anonymous: true }, officer, T0, { id: 'hz-p', jurisdiction: 'j-north', random: seeded(4) });
    expect(phone.hazard).toMatchObject({ source: 'worker', channel: 'phone', anonymous: true, reporterAlias: '匿名' });
    expect(phone.reportCode).toBeDefined();
    expect(phone.entry.details).toMatchObject({ channel: 'phone' });
    expect(createHazard({ enterprise: 'ent-a', title: 't' }, officer, T0, { id: 'hz-i', jurisdiction: 'j-north', random: seeded(4) }).hazard.channel).toBe('in-person');
    expect(make('worker').hazard.channel).toBe('app');
    expect(refusal(() => createHazard({ enterprise: 'ent-a', source: 'self', title: 't', channel: 'phone' }, officer, T0, { id: 'hz-c', jurisdiction: 'j-north', random: seeded(4) }))).toMatchObject({ status: 400, field: 'channel' });
    expect(() => parseCreate({ enterprise: 'ent-a', title: 't', channel: 'fax' })).toThrow(/channel/);
  });
});
