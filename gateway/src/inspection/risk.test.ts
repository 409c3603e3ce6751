import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmState } from '../alarms/types.ts';
import type { Hazard, HazardFlags, HazardLevel, HazardState } from '../hazards/types.ts';
import type { Severity } from '../model/vocabulary.ts';
import { RISK_WEIGHTS, colourForScore, computeRisk, type RiskInput, type RiskResult } from './risk.ts';

const NOW = Date.UTC(2026, 10, 22, 0, 0, 0);
const DAY = 86_400_000;
let seq = 0;

function alarm(rule: string, severity: Severity, over: Partial<Alarm> = {}): Alarm {
  seq++;
  return {
    id: `al_${seq}`, rule, key: `${rule}|d${seq}`, severity, state: 'active_unacked' as AlarmState, active: true,
    enterprise: 'ent-a', site: 's1', zone: null, device: `d${seq}`, metric: null, value: null, peak: null, threshold: null,
    message: '', messageEn: '', count: 1, raisedAt: NOW - 3_600_000, updatedAt: NOW - 3_600_000,
    ackedAt: null, ackedBy: null, ackNote: null, clearedAt: null, closedAt: null, shelvedUntil: null, shelveReason: null,
    suppressedReason: null, dueBy: NOW + 3_600_000, retroactive: false, escalations: 0, hazardId: null, evidence: null, origin: null,
    ...over,
  };
}

const NO_FLAGS: HazardFlags = { overdueRectification: false, feedbackLate: false, caseLate: false, acceptanceLate: false };
function hazard(level: HazardLevel, state: HazardState, flags: Partial<HazardFlags> = {}, over: Partial<Hazard> = {}): Hazard {
  seq++;
  return {
    id: `hz_${seq}`, enterprise: 'ent-a', jurisdiction: 'j1', source: 'worker', level, category: 'static',
    title: 't', description: 'd', state, anonymous: true, reportedAt: NOW - 20 * DAY, feedbackDueBy: null,
    caseDueBy: NOW + 40 * DAY, flags: { ...NO_FLAGS, ...flags }, ...over,
  };
}

function input(over: Partial<RiskInput> = {}): RiskInput {
  return {
    enterprise: { id: 'ent-a', declaredStatus: 'producing' },
    openAlarms: [], hazards: [], verifications: [], devices: { total: 10, offline: 0 }, now: NOW,
    ...over,
  };
}

const sum = (r: RiskResult): number => r.reasons.reduce((s, x) => s + x.points, 0);
const keys = (r: RiskResult): string[] => r.reasons.map((x) => x.key);
const times = <T>(n: number, f: () => T): T[] => Array.from({ length: n }, f);

describe('computeRisk: nothing open', () => {
  it('is blue with score 0 and no reasons', () => {
    const r = computeRisk(input());
    expect(r).toEqual({ colour: 'blue', score: 0, reasons: [] });
  });
  it('ignores closed alarms, other enterprises, closed hazards, general hazards in the normal loop, old and unconfirmed verifications', () => {
    const r = computeRisk(input({
      openAlarms: [alarm('gas.lel', 'red', { state: 'normal' }), alarm('gas.lel', 'red', { enterprise: 'ent-b' })],
      hazards: [
        hazard('major', 'closed'), hazard('major', 'rejected'), hazard('general', 'rectifying'),
        hazard('major', 'rectifying', { overdueRectification: true }, { enterprise: 'ent-b' }),
      ],
      verifications: [
        { result: 'confirmed', finding: 'old', at: NOW - 91 * DAY },
        { result: 'not-confirmed', finding: 'no', at: NOW - DAY },
        { result: 'pending', finding: 'p', at: NOW - DAY },
      ],
      devices: { total: 0, offline: 0 },
    }));
    expect(r).toEqual({ colour: 'blue', score: 0, reasons: [] });
  });
});

describe('computeRisk: each scoring rule', () => {
  it('open alarms by severity: red 20, orange 8, yellow 3, blue 1', () => {
    const r = computeRisk(input({ openAlarms: [alarm('gas.lel', 'red'), alarm('gas.co', 'red'), alarm('slope.rate', 'orange'), alarm('gas.co', 'yellow'), alarm('personnel.overtime', 'blue')] }));
    expect(r.reasons).toEqual([
      { key: 'alarms.red', points: 40, zh: '红色报警 2 条 × 20 = 40', en: '2 red alarms × 20 = 40', ref: 'DOMAIN §8' },
      { key: 'alarms.orange', points: 8, zh: '橙色报警 1 条 × 8 = 8', en: '1 orange alarm × 8 = 8', ref: 'DOMAIN §8' },
      { key: 'alarms.yellow', points: 3, zh: '黄色报警 1 条 × 3 = 3', en: '1 yellow alarm × 3 = 3', ref: 'DOMAIN §8' },
      { key: 'alarms.blue', points: 1, zh: '蓝色报警 1 条 × 1 = 1', en: '1 blue alarm × 1 = 1', ref: 'DOMAIN §8' },
    ]);
    expect(r.score).toBe(52);
    expect(r.colour).toBe('orange');
  });

  it('severity lines are capped (red 60, orange 40, yellow 15, blue 5) and say so', () => {
    const r = computeRisk(input({ openAlarms: [
      ...times(4, () => alarm('gas.lel', 'red')), ...times(6, () => alarm('slope.rate', 'orange')),
      ...times(6, () => alarm('gas.co', 'yellow')), ...times(6, () => alarm('x.y', 'blue')),
    ] }));
    expect(r.reasons.map((x) => [x.points, x.zh])).toEqual([
      [60, '红色报警 4 条 × 20 = 80，封顶 60'],
      [40, '橙色报警 6 条 × 8 = 48，封顶 40'],
      [15, '黄色报警 6 条 × 3 = 18，封顶 15'],
      [5, '蓝色报警 6 条 × 1 = 6，封顶 5'],
    ]);
    expect(r.reasons[0].en).toBe('4 red alarms × 20 = 80, capped at 60');
    expect(r.score).toBe(120);
  });

  it('counts shelved, suppressed and cleared-unacked alarms (open states), one alarm once regardless of activations', () => {
    const r = computeRisk(input({ openAlarms: [
      alarm('gas.lel', 'red', { state: 'shelved' }), alarm('gas.lel', 'red', { state: 'suppressed' }),
      alarm('gas.lel', 'red', { state: 'cleared_unacked', active: false, count: 9 }),
    ] }));
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0].zh).toBe('红色报警 3 条 × 20 = 60');
  });

  it('明停暗开 (power.secret-operation, belt.running-while-stopped): 40 each, not also by severity', () => {
    const r = computeRisk(input({
      enterprise: { id: 'ent-a', declaredStatus: 'stopped' },
      openAlarms: [alarm('power.secret-operation', 'orange'), alarm('belt.running-while-stopped', 'orange')],
    }));
    expect(r.reasons).toEqual([{
      key: 'secret-operation', points: 80, ref: 'DOMAIN §5, §6',
      zh: '明停暗开报警 2 条 × 40 = 80（申报状态：停产）',
      en: '2 secret-operation (明停暗开) alarms × 40 = 80 (declared stopped)',
    }]);
    expect(r.score).toBe(80);
    expect(r.colour).toBe('red');
  });

  it('虚假离线 40 and 超能力 40 each, capped at 80', () => {
    const r = computeRisk(input({ openAlarms: [
      alarm('power.fake-offline', 'orange'),
      alarm('belt.over-capacity-day', 'orange'), alarm('belt.over-capacity-month', 'red'), alarm('belt.over-capacity-day', 'orange', { device: 'b2' }),
    ] }));
    expect(r.reasons.map((x) => [x.key, x.points, x.zh])).toEqual([
      ['fake-offline', 40, '虚假离线报警 1 条 × 40 = 40'],
      ['over-capacity', 80, '超能力生产报警 3 条 × 40 = 120，封顶 80'],
    ]);
    expect(r.score).toBe(120);
  });

  it('over-capacity alone (one day alarm) makes the enterprise orange', () => {
    const r = computeRisk(input({ openAlarms: [alarm('belt.over-capacity-day', 'orange')] }));
    expect(r).toMatchObject({ score: 40, colour: 'orange' });
    expect(r.reasons[0].en).toBe('1 over-capacity (超能力) alarm × 40 = 40');
  });

  it('data.* alarms 10 each (capped at 30), not also by severity', () => {
    const one = computeRisk(input({ openAlarms: [alarm('data.flatline', 'yellow')] }));
    expect(one.reasons).toEqual([{
      key: 'data-integrity', points: 10, ref: 'DOMAIN §6',
      zh: '数据真实性报警（停滞/计数倒退/重放） 1 条 × 10 = 10',
      en: '1 data-integrity alarm (flat-line / counter backwards / replay) × 10 = 10',
    }]);
    expect(one.colour).toBe('yellow');
    const four = computeRisk(input({ openAlarms: [alarm('data.flatline', 'yellow'), alarm('data.replay', 'yellow'), alarm('data.counter-backwards', 'yellow'), alarm('data.flatline', 'yellow')] }));
    expect(four.score).toBe(30);
    expect(four.reasons[0].zh).toBe('数据真实性报警（停滞/计数倒退/重放） 4 条 × 10 = 40，封顶 30');
  });

  it('device.offline alarms are not scored one by one: the offline share is', () => {
    const r = computeRisk(input({ openAlarms: [alarm('device.offline', 'orange'), alarm('device.offline', 'orange')], devices: { total: 10, offline: 2 } }));
    expect(r).toEqual({ colour: 'blue', score: 0, reasons: [] });
  });

  it('devices offline share > 20 %: 15 once', () => {
    const r = computeRisk(input({ devices: { total: 10, offline: 3 } }));
    expect(r.reasons).toEqual([{
      key: 'devices.offline', points: 15, ref: 'DOMAIN §2, §6',
      zh: '监测设备离线 3/10 = 30 % > 20 % → 15', en: 'monitoring devices offline 3/10 = 30 % > 20 % → 15',
    }]);
    expect(r.colour).toBe('yellow');
  });

  it('devices offline share edge: exactly 20 % adds nothing, just above adds 15', () => {
    expect(computeRisk(input({ devices: { total: 5, offline: 1 } })).score).toBe(0);
    expect(computeRisk(input({ devices: { total: 100, offline: 20 } })).score).toBe(0);
    expect(computeRisk(input({ devices: { total: 100, offline: 21 } })).score).toBe(15);
    expect(computeRisk(input({ devices: { total: 3, offline: 1 } })).reasons[0].zh).toBe('监测设备离线 1/3 = 33.3 % > 20 % → 15');
  });

  it('open major hazards 30 each once confirmed (confirmed / rectifying / rectified), not while only reported', () => {
    const r = computeRisk(input({ hazards: [hazard('major', 'confirmed'), hazard('major', 'rectified'), hazard('major', 'reported'), hazard('major', 'verifying'), hazard('general', 'confirmed')] }));
    expect(r.reasons).toEqual([{ key: 'hazards.major', points: 60, ref: 'DOMAIN §7', zh: '未销号重大事故隐患 2 项 × 30 = 60', en: '2 open major hazards × 30 = 60' }]);
    expect(r.colour).toBe('red');
  });

  it('overdue rectification 25 each (general hazard: no override)', () => {
    const r = computeRisk(input({ hazards: [hazard('general', 'rectifying', { overdueRectification: true })] }));
    expect(r).toEqual({ colour: 'yellow', score: 25, reasons: [
      { key: 'hazards.overdue-rectification', points: 25, ref: 'DOMAIN §7', zh: '隐患逾期未整改 1 项 × 25 = 25', en: '1 hazard overdue for rectification × 25 = 25' },
    ] });
  });

  it('late feedback, late case and late acceptance 10 each, one line per flag', () => {
    const r = computeRisk(input({ hazards: [
      hazard('general', 'verifying', { feedbackLate: true, caseLate: true }),
      hazard('general', 'rectified', { acceptanceLate: true, caseLate: true }),
    ] }));
    expect(r.reasons.map((x) => [x.key, x.points, x.zh])).toEqual([
      ['hazards.feedback-late', 10, '隐患结果反馈超期（核查后 10 日） 1 项 × 10 = 10'],
      ['hazards.case-late', 20, '隐患办结超期（60 日，延期 +30 日） 2 项 × 10 = 20'],
      ['hazards.acceptance-late', 10, '隐患整改验收超期（期限后 10 日） 1 项 × 10 = 10'],
    ]);
    expect(r).toMatchObject({ score: 40, colour: 'orange' });
  });

  it('confirmed verifications in the last 90 days: 30 each, findings listed in time order; not-confirmed and pending 0', () => {
    const r = computeRisk(input({ verifications: [
      { result: 'confirmed', finding: '夜间主变负荷异常', at: NOW - 10 * DAY },
      { result: 'not-confirmed', finding: '误报', at: NOW - 5 * DAY },
      { result: 'confirmed', finding: '井口封条破损', at: NOW - 90 * DAY },
      { result: 'pending', finding: '待查', at: NOW - DAY },
    ] }));
    expect(r.reasons).toEqual([{
      key: 'verifications.confirmed', points: 60, ref: 'DOMAIN §0, §9',
      zh: '近 90 天线下核查属实 2 次 × 30 = 60（井口封条破损；夜间主变负荷异常）',
      en: '2 on-site verifications confirmed in the last 90 days × 30 = 60 (井口封条破损; 夜间主变负荷异常)',
    }]);
    expect(r.colour).toBe('red');
  });

  it('verification window edge: exactly 90 days counts, 90 days + 1 ms does not', () => {
    const at90 = computeRisk(input({ verifications: [{ result: 'confirmed', finding: 'f', at: NOW - 90 * DAY }] }));
    const past = computeRisk(input({ verifications: [{ result: 'confirmed', finding: 'f', at: NOW - 90 * DAY - 1 }] }));
    expect(at90.score).toBe(30);
    expect(past.score).toBe(0);
  });
});

describe('computeRisk: thresholds at their edges', () => {
  // build exact scores from blue (1), yellow (3) alarms and data-integrity (10) lines, all uncapped here
  const withScore = (n: number): RiskResult => {
    const alarms: Alarm[] = [];
    let left = n;
    while (left >= 20) { alarms.push(alarm('gas.lel', 'red')); left -= 20; }
    while (left >= 8) { alarms.push(alarm('slope.rate', 'orange')); left -= 8; }
    while (left >= 3) { alarms.push(alarm('gas.co', 'yellow')); left -= 3; }
    while (left >= 1) { alarms.push(alarm('x.y', 'blue')); left -= 1; }
    return computeRisk(input({ openAlarms: alarms }));
  };
  it.each([
    [0, 'blue'], [9, 'blue'], [10, 'yellow'], [29, 'yellow'], [30, 'orange'], [59, 'orange'], [60, 'red'], [61, 'red'],
  ] as const)('score %i → %s', (score, colour) => {
    const r = withScore(score);
    expect(r.score).toBe(score);
    expect(r.colour).toBe(colour);
    expect(colourForScore(score)).toBe(colour);
  });
});

describe('computeRisk: overriding rules (raise, never lower; 0 points)', () => {
  it('an open red 明停暗开 alarm makes the enterprise red even though its score is orange', () => {
    const r = computeRisk(input({ enterprise: { id: 'ent-a', declaredStatus: 'rectifying' }, openAlarms: [alarm('power.secret-operation', 'red')] }));
    expect(r.score).toBe(40);
    expect(r.colour).toBe('red');
    expect(r.reasons).toEqual([
      { key: 'secret-operation', points: 40, ref: 'DOMAIN §5, §6', zh: '明停暗开报警 1 条 × 40 = 40（申报状态：停产整顿）', en: '1 secret-operation (明停暗开) alarm × 40 = 40 (declared rectifying)' },
      { key: 'override.secret-operation', points: 0, ref: 'DOMAIN §5, §6', zh: '明停暗开红色报警 1 条未消除 → 至少红色（得分 40 对应橙色）', en: '1 open red secret-operation (明停暗开) alarm → at least red (score 40 alone is orange)' },
    ]);
  });

  it('an orange 明停暗开 alarm does not override', () => {
    const r = computeRisk(input({ openAlarms: [alarm('power.secret-operation', 'orange')] }));
    expect(r.colour).toBe('orange');
    expect(keys(r)).toEqual(['secret-operation']);
  });

  it('an open red 虚假离线 alarm makes the enterprise red', () => {
    const r = computeRisk(input({ openAlarms: [alarm('power.fake-offline', 'red')] }));
    expect(r).toMatchObject({ score: 40, colour: 'red' });
    expect(r.reasons[1]).toEqual({ key: 'override.fake-offline', points: 0, ref: 'DOMAIN §6', zh: '虚假离线红色报警 1 条未消除 → 至少红色（得分 40 对应橙色）', en: '1 open red fake-offline (虚假离线) alarm → at least red (score 40 alone is orange)' });
  });

  it('an overdue major hazard makes the enterprise red', () => {
    const r = computeRisk(input({ hazards: [hazard('major', 'rectifying', { overdueRectification: true })] }));
    expect(r.score).toBe(55);
    expect(r.colour).toBe('red');
    expect(r.reasons.map((x) => [x.key, x.points, x.zh])).toEqual([
      ['hazards.major', 30, '未销号重大事故隐患 1 项 × 30 = 30'],
      ['hazards.overdue-rectification', 25, '隐患逾期未整改 1 项 × 25 = 25'],
      ['override.overdue-major-hazard', 0, '重大事故隐患逾期未整改 1 项 → 至少红色（得分 55 对应橙色）'],
    ]);
  });

  it('when the score is already red the override line is still shown, without the band note', () => {
    const r = computeRisk(input({ openAlarms: [alarm('power.secret-operation', 'red'), alarm('gas.lel', 'red')] }));
    expect(r).toMatchObject({ score: 60, colour: 'red' });
    expect(r.reasons.at(-1)?.zh).toBe('明停暗开红色报警 1 条未消除 → 至少红色');
    expect(r.reasons.at(-1)?.en).toBe('1 open red secret-operation (明停暗开) alarm → at least red');
  });

  it('several overrides each get a line', () => {
    const r = computeRisk(input({
      openAlarms: [alarm('power.secret-operation', 'red'), alarm('power.fake-offline', 'red')],
      hazards: [hazard('major', 'rectifying', { overdueRectification: true })],
    }));
    expect(keys(r).filter((k) => k.startsWith('override.'))).toEqual(['override.secret-operation', 'override.fake-offline', 'override.overdue-major-hazard']);
    expect(r.colour).toBe('red');
  });
});

describe('computeRisk: invariants', () => {
  const busy = (): RiskInput => input({
    enterprise: { id: 'ent-a', declaredStatus: 'stopped' },
    openAlarms: [
      alarm('power.secret-operation', 'red'), alarm('power.fake-offline', 'red'), alarm('belt.over-capacity-month', 'red'),
      alarm('data.replay', 'yellow'), ...times(5, () => alarm('gas.lel', 'red')), alarm('slope.rate', 'orange'), alarm('device.offline', 'orange'),
    ],
    hazards: [hazard('major', 'rectifying', { overdueRectification: true, caseLate: true }), hazard('general', 'verifying', { feedbackLate: true })],
    verifications: [{ result: 'confirmed', finding: 'b', at: NOW - DAY }, { result: 'confirmed', finding: 'a', at: NOW - DAY }],
    devices: { total: 4, offline: 2 },
  });

  it('the reasons sum to the score, zh and en on every line', () => {
    const r = computeRisk(busy());
    expect(sum(r)).toBe(r.score);
    expect(r.score).toBe(40 + 40 + 40 + 60 + 8 + 10 + 30 + 25 + 10 + 10 + 60 + 15);
    for (const x of r.reasons) {
      expect(x.zh.length).toBeGreaterThan(0);
      expect(x.en.length).toBeGreaterThan(0);
      expect(Number.isInteger(x.points) && x.points >= 0).toBe(true);
    }
  });

  it('is deterministic: same input, same output; input order of verifications does not matter', () => {
    const a = busy();
    const b = { ...a, verifications: [...a.verifications].reverse() };
    expect(computeRisk(a)).toEqual(computeRisk(a));
    expect(computeRisk(b)).toEqual(computeRisk(a));
  });

  it('does not read the clock: time comes only from `now`', () => {
    const v = [{ result: 'confirmed' as const, finding: 'f', at: NOW - 10 * DAY }];
    expect(computeRisk(input({ verifications: v })).score).toBe(30);
    expect(computeRisk(input({ verifications: v, now: NOW + 81 * DAY })).score).toBe(0);
    expect(() => computeRisk(input({ now: Number.NaN }))).toThrow(TypeError);
  });

  it('does not mutate its input', () => {
    const i = busy();
    const snapshot = structuredClone(i);
    computeRisk(i);
    expect(i).toEqual(snapshot);
  });

  it('RISK_WEIGHTS is frozen and weights can be passed in', () => {
    expect(Object.isFrozen(RISK_WEIGHTS)).toBe(true);
    expect(Object.isFrozen(RISK_WEIGHTS.alarms.red)).toBe(true);
    const custom = { ...RISK_WEIGHTS, alarms: { ...RISK_WEIGHTS.alarms, red: { points: 35, cap: null } }, thresholds: { red: 70, orange: 35, yellow: 10 } };
    const r = computeRisk(input({ openAlarms: times(2, () => alarm('gas.lel', 'red')) }), custom);
    expect(r).toMatchObject({ score: 70, colour: 'red' });
    expect(r.reasons[0].zh).toBe('红色报警 2 条 × 35 = 70');
  });
});
