// Every figure of GET /api/v1/stats against a known history (issue 15): November 2026 in
// Asia/Shanghai, two enterprises, eight hazards, four alarms, three verification tasks.
import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition } from '../alarms/types.ts';
import type { Hazard } from '../hazards/types.ts';
import type { Verification } from '../inspection/inspection-service.ts';
import type { AlarmDisposal } from '../records/disposal-records.ts';
import { parsePeriod } from './period.ts';
import { computeStats, type EnterpriseNow } from './stats.ts';

const TZ = 'Asia/Shanghai';
const t = (local: string) => Date.parse(`${local}+08:00`);
const NOW = t('2026-12-01T09:00:00');
const period = parsePeriod({ month: '2026-11' }, NOW, TZ, () => NaN);

function hz(id: string, over: Partial<Hazard>): Hazard {
  return { id, enterprise: 'ent-a', jurisdiction: 'taian', source: 'worker', level: 'general', category: 'static', title: id, description: '', state: 'reported', anonymous: false, reportedAt: t('2026-11-01T00:00:00'), feedbackDueBy: null, caseDueBy: 0, flags: { overdueRectification: false, feedbackLate: false, caseLate: false, acceptanceLate: false }, ...over } as Hazard;
}
const rect = (deadline: string) => ({ owner: '张工', measures: '更换', funds: 100, deadline: t(deadline) });

const HAZARDS: Hazard[] = [
  hz('h1', { reportedAt: t('2026-11-02T09:00:00'), state: 'closed', confirmedAt: t('2026-11-02T10:00:00'), rectification: rect('2026-11-05T18:00:00'), rectifiedAt: t('2026-11-03T09:00:00'), reward: { amount: 100, tier: 2, paidAt: t('2026-11-04T10:00:00'), paidBy: 'officer-zhao' } }),
  hz('h2', { reportedAt: t('2026-11-10T10:00:00'), level: 'major', category: 'dynamic', state: 'rectifying', rectification: rect('2026-11-15T18:00:00') }),
  hz('h3', { reportedAt: t('2026-11-10T11:00:00'), source: 'alarm', state: 'rejected' }),
  hz('h4', { enterprise: 'ent-b', jurisdiction: 'jinan', reportedAt: t('2026-11-20T08:00:00'), source: 'self', state: 'rectified', rectification: rect('2026-11-21T18:00:00'), rectifiedAt: t('2026-11-22T08:00:00') }),
  hz('h5', { enterprise: 'ent-b', jurisdiction: 'jinan', reportedAt: t('2026-11-25T08:00:00'), source: 'inspection', level: 'major' }),
  // reported in October, rewarded (outside duties, tier 3 × 2) on 1 November: a November reward, not a November hazard
  hz('h6', { reportedAt: t('2026-10-28T08:00:00'), state: 'rewarded', rectifiedAt: t('2026-10-29T08:00:00'), reward: { amount: 400, tier: 3, outsideDuties: true, paidAt: t('2026-11-01T08:00:00') } }),
  hz('h7', { reportedAt: t('2026-11-26T08:00:00'), state: 'confirmed' }),
  // a later report of h7's hazard: never rewarded, so not pending either
  hz('h8', { reportedAt: t('2026-11-27T08:00:00'), state: 'confirmed', duplicateOf: 'h7' }),
];

function al(id: string, over: Partial<Alarm>): Alarm {
  const raisedAt = over.raisedAt!;
  const day = new Date(raisedAt + 8 * 3_600_000).toISOString().slice(0, 10);
  return { id, rule: 'gas.lel-high', key: id, severity: 'red', state: 'closed', active: false, enterprise: 'ent-a', site: 's1', zone: null, device: 'gas-01', metric: null, value: null, peak: null, threshold: null, message: id, messageEn: id, count: 1, updatedAt: raisedAt, ackedAt: null, ackedBy: null, ackNote: null, clearedAt: null, closedAt: null, shelvedUntil: null, shelveReason: null, suppressedReason: null, dueBy: t(`${day}T23:59:59.999`), retroactive: false, escalations: 0, hazardId: null, evidence: null, origin: null, ...over } as Alarm;
}
const ALARMS: Alarm[] = [
  al('a1', { raisedAt: t('2026-11-05T10:00:00'), ackedAt: t('2026-11-05T10:06:00') }),
  al('a2', { rule: 'power.secret-operation', severity: 'orange', device: 'meter-main', raisedAt: t('2026-11-12T22:00:00'), ackedAt: t('2026-11-12T22:10:00') }),
  al('a3', { enterprise: 'ent-b', site: 'p1', device: 'gas-h2s-1', rule: 'gas.h2s-high', severity: 'yellow', raisedAt: t('2026-11-20T08:00:00') }),
  al('a4', { rule: 'device.offline', severity: 'blue', device: 'gas-02', raisedAt: t('2026-11-20T09:00:00'), ackedAt: t('2026-11-20T09:02:00') }),
];
const raise = (alarmId: string, ts: number): AlarmTransition => ({ alarmId, ts, action: 'raise', fromState: null, toState: 'active_unacked', severity: 'red', actor: 'system', note: null, value: null });
// a1 chatters: raised three times within 40 s
const TRANSITIONS = [raise('a1', t('2026-11-05T10:00:00')), raise('a1', t('2026-11-05T10:00:20')), raise('a1', t('2026-11-05T10:00:40')), ...ALARMS.slice(1).map((a) => raise(a.id, a.raisedAt))];
const disposal = (a: Alarm, at: number): AlarmDisposal => ({ alarmId: a.id, enterprise: a.enterprise, rule: a.rule, raisedAt: a.raisedAt, dueBy: a.dueBy, disposedAt: at, disposedBy: 'disp-wang', cause: 'x', measures: 'y', result: 'z', responsible: '王', note: null });
const DISPOSALS = new Map([
  ['a1', disposal(ALARMS[0], t('2026-11-05T11:00:00'))],
  // the next morning: not the same day
  ['a2', disposal(ALARMS[1], t('2026-11-13T09:00:00'))],
]);
const vf = (id: string, enterprise: string, state: Verification['state']): Verification => ({ id, enterprise, jurisdiction: enterprise === 'ent-a' ? 'taian' : 'jinan', finding: '明停暗开', alarmIds: [], dueBy: t('2026-11-30T00:00:00'), state, createdAt: t('2026-11-13T09:00:00'), createdBy: 'reg-sun' });
const VERIFICATIONS = [vf('v1', 'ent-a', 'confirmed'), vf('v2', 'ent-a', 'open'), vf('v3', 'ent-b', 'not-confirmed')];
const ENTERPRISES: EnterpriseNow[] = [
  { id: 'ent-b', name: '乙化工', jurisdiction: 'jinan', riskColour: 'blue', riskScore: 0, devices: { total: 4, offline: 0 } },
  { id: 'ent-a', name: '甲矿业', jurisdiction: 'taian', riskColour: 'red', riskScore: 40, devices: { total: 10, offline: 1 } },
];

const stats = () => computeStats({ period, timezone: TZ, now: NOW, rewardFrom: 'confirmed', enterprises: ENTERPRISES, hazards: HAZARDS, alarms: ALARMS, transitions: TRANSITIONS, disposals: DISPOSALS, verifications: VERIFICATIONS });

describe('computeStats over a known November', () => {
  it('hazards: found, by source, worker share, level, category, rectified, 整改率, overdue, open majors, mean time to rectify', () => {
    expect(stats().hazards).toEqual({
      found: 7,
      bySource: { worker: 4, alarm: 1, inspection: 1, self: 1 },
      workerShare: 0.5714,
      byLevel: { general: 5, major: 2 },
      byCategory: { static: 6, dynamic: 1 },
      // h1 h2 h4 h7 h8 past the check; h3 rejected; h5 not yet checked
      confirmed: 5,
      rejected: 1,
      rectified: 2,
      rectificationRate: 0.4,
      // h2: deadline 15 Nov, still rectifying
      overdue: 1,
      // h4: rectified a day after its deadline
      rectifiedLate: 1,
      // h1 24 h, h4 48 h
      meanHoursToRectify: 36,
      openMajors: 2,
    });
  });

  it('rewards: paid in the period whenever reported, by tier; pending = the reward step allowed now', () => {
    expect(stats().rewards).toEqual({ count: 2, amount: 500, byTier: [{ tier: 2, count: 1, amount: 100 }, { tier: 3, count: 1, amount: 400 }], pending: 2 });
  });

  it('alarms: by severity and family, same-day disposal, mean ack and dispose times, chattering, bad actors', () => {
    const a = stats().alarms;
    expect(a).toEqual({
      raised: 4,
      bySeverity: { red: 1, orange: 1, yellow: 1, blue: 1 },
      byFamily: { gas: 2, power: 1, device: 1 },
      disposed: 2,
      sameDayDisposed: 1,
      sameDayDisposalRate: 0.25,
      // (6 + 10 + 2) / 3 acknowledged
      meanMinutesToAck: 6,
      // (60 + 660) / 2 disposed
      meanMinutesToDispose: 360,
      floods: [],
      chattering: [{ alarmId: 'a1', rule: 'gas.lel-high', subject: 'ent-a/s1/gas-01', activations: 3 }],
      topBadActors: [
        { rule: 'gas.lel-high', subject: 'ent-a/s1/gas-01', activations: 3 },
        { rule: 'power.secret-operation', subject: 'ent-a/s1/meter-main', activations: 1 },
        { rule: 'gas.h2s-high', subject: 'ent-b/p1/gas-h2s-1', activations: 1 },
        { rule: 'device.offline', subject: 'ent-a/s1/gas-02', activations: 1 },
      ],
    });
  });

  it('inspection: 明停暗开 findings by rule and the verification outcomes; devices online', () => {
    const s = stats();
    expect(s.inspection).toEqual({ findings: { 'power.secret-operation': 1, 'power.fake-offline': 0, 'belt.running-while-stopped': 0, 'personnel.stopped-site': 0, 'seal.opened-while-stopped': 0 }, findingsTotal: 1, verifications: { created: 3, confirmed: 1, notConfirmed: 1, open: 1 } });
    expect(s.devices).toEqual({ total: 14, offline: 1, onlineRate: 0.9286 });
  });

  it('enterprises ranked by risk colour, each with its own figures', () => {
    expect(stats().enterprises).toEqual([
      { id: 'ent-a', name: '甲矿业', jurisdiction: 'taian', riskColour: 'red', riskScore: 40, hazardsFound: 5, workerReports: 4, rectificationRate: 0.25, overdue: 1, openMajors: 1, alarmsRaised: 3, redAlarms: 1, sameDayDisposalRate: 0.3333, findings: 1, devices: { total: 10, offline: 1, onlineRate: 0.9 } },
      { id: 'ent-b', name: '乙化工', jurisdiction: 'jinan', riskColour: 'blue', riskScore: 0, hazardsFound: 2, workerReports: 0, rectificationRate: 1, overdue: 0, openMajors: 1, alarmsRaised: 1, redAlarms: 0, sameDayDisposalRate: 0, findings: 0, devices: { total: 4, offline: 0, onlineRate: 1 } },
    ]);
  });

  it('trend: one row per local day of November', () => {
    const trend = stats().trend;
    expect(trend).toHaveLength(30);
    expect(trend[0].day).toBe('2026-11-01');
    expect(trend[29].day).toBe('2026-11-30');
    const nonZero = trend.filter((d) => d.hazardsFound + d.rectified + d.alarmsRaised > 0);
    expect(nonZero).toEqual([
      { day: '2026-11-02', hazardsFound: 1, workerReports: 1, rectified: 0, alarmsRaised: 0, redAlarms: 0, sameDayDisposed: 0 },
      { day: '2026-11-03', hazardsFound: 0, workerReports: 0, rectified: 1, alarmsRaised: 0, redAlarms: 0, sameDayDisposed: 0 },
      { day: '2026-11-05', hazardsFound: 0, workerReports: 0, rectified: 0, alarmsRaised: 1, redAlarms: 1, sameDayDisposed: 1 },
      { day: '2026-11-10', hazardsFound: 2, workerReports: 1, rectified: 0, alarmsRaised: 0, redAlarms: 0, sameDayDisposed: 0 },
      { day: '2026-11-12', hazardsFound: 0, workerReports: 0, rectified: 0, alarmsRaised: 1, redAlarms: 0, sameDayDisposed: 0 },
      { day: '2026-11-20', hazardsFound: 1, workerReports: 0, rectified: 0, alarmsRaised: 2, redAlarms: 0, sameDayDisposed: 0 },
      { day: '2026-11-22', hazardsFound: 0, workerReports: 0, rectified: 1, alarmsRaised: 0, redAlarms: 0, sameDayDisposed: 0 },
      { day: '2026-11-25', hazardsFound: 1, workerReports: 0, rectified: 0, alarmsRaised: 0, redAlarms: 0, sameDayDisposed: 0 },
      { day: '2026-11-26', hazardsFound: 1, workerReports: 1, rectified: 0, alarmsRaised: 0, redAlarms: 0, sameDayDisposed: 0 },
      { day: '2026-11-27', hazardsFound: 1, workerReports: 1, rectified: 0, alarmsRaised: 0, redAlarms: 0, sameDayDisposed: 0 },
    ]);
  });

  it('rewards from closed: a report still rectifying is not pending', () => {
    const s = computeStats({ period, timezone: TZ, now: NOW, rewardFrom: 'closed', enterprises: ENTERPRISES, hazards: HAZARDS, alarms: [], transitions: [], disposals: new Map(), verifications: [] });
    expect(s.rewards.pending).toBe(0);
  });

  it('an empty period: counts 0, rates and means null', () => {
    const s = computeStats({ period: parsePeriod({ month: '2026-09' }, NOW, TZ, () => NaN), timezone: TZ, now: NOW, rewardFrom: 'confirmed', enterprises: [], hazards: HAZARDS, alarms: [], transitions: [], disposals: new Map(), verifications: [] });
    expect(s.hazards).toMatchObject({ found: 0, workerShare: null, rectificationRate: null, meanHoursToRectify: null, openMajors: 0 });
    expect(s.rewards).toEqual({ count: 0, amount: 0, byTier: [], pending: 0 });
    expect(s.alarms).toMatchObject({ raised: 0, sameDayDisposalRate: null, meanMinutesToAck: null });
    expect(s.devices.onlineRate).toBeNull();
  });
});
