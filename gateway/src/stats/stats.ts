// The figures for people who decide (issue 15): hazards, rewards, alarms, inspection and the
// enterprises ranked, over one scope and one period. Pure: the service loads, this counts.
// Every figure's definition is in docs/stats.md; rates are 0..1 with 4 decimals, null when the
// denominator is 0; durations are means with 1 decimal.
import { alarmHealth } from '../alarms/alarm-health.ts';
import type { Alarm, AlarmTransition } from '../alarms/types.ts';
import { stateRefusal } from '../hazards/workflow.ts';
import type { Hazard, HazardState, RewardFrom } from '../hazards/types.ts';
import type { Verification } from '../inspection/inspection-service.ts';
import type { RiskColour } from '../inspection/risk.ts';
import type { AlarmDisposal } from '../records/disposal-records.ts';
import type { Severity } from '../model/vocabulary.ts';
import { localDate, type Period } from './period.ts';

/** 明停暗开 / 虚假离线 and the other stopped-site findings (DOMAIN.md §5), counted by rule. */
export const FINDING_RULES = ['power.secret-operation', 'power.fake-offline', 'belt.running-while-stopped', 'personnel.stopped-site', 'seal.opened-while-stopped'] as const;

export interface EnterpriseNow {
  id: string;
  name: string | null;
  jurisdiction: string;
  riskColour: RiskColour;
  riskScore: number;
  devices: { total: number; offline: number };
}

export interface StatsInput {
  period: Period;
  timezone: string;
  now: number;
  rewardFrom: RewardFrom;
  /** the enterprises in scope with their state now (risk, devices) */
  enterprises: EnterpriseNow[];
  /** every hazard in scope, whatever its report time (rewards paid in the period may be older) */
  hazards: Hazard[];
  /** the alarms in scope raised in the period */
  alarms: Alarm[];
  /** the raise transitions of those alarms (floods, chattering, bad actors) */
  transitions: AlarmTransition[];
  disposals: Map<string, AlarmDisposal>;
  /** verification tasks in scope created in the period */
  verifications: Verification[];
}

const RECTIFIED: readonly HazardState[] = ['rectified', 'closed', 'rewarded', 'published'];
/** confirmed as a hazard (past the check, not rejected): the denominator of 整改率 */
const CONFIRMED: readonly HazardState[] = ['confirmed', 'rectifying', ...RECTIFIED];
const OPEN: readonly HazardState[] = ['reported', 'verifying', 'confirmed', 'rectifying', 'rectified'];
const COLOUR_RANK: Record<RiskColour, number> = { red: 0, orange: 1, yellow: 2, blue: 3 };

export const rate = (n: number, d: number): number | null => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);
const mean = (xs: number[]): number | null => (xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10);
const familyOf = (rule: string) => rule.split('.')[0];

function hazardFigures(found: Hazard[], asOf: number) {
  const bySource = { worker: 0, alarm: 0, inspection: 0, self: 0 };
  const byLevel = { general: 0, major: 0 };
  const byCategory = { static: 0, dynamic: 0 };
  for (const h of found) {
    bySource[h.source]++;
    byLevel[h.level]++;
    byCategory[h.category]++;
  }
  const confirmed = found.filter((h) => CONFIRMED.includes(h.state));
  const rectified = found.filter((h) => RECTIFIED.includes(h.state));
  const deadline = (h: Hazard) => h.rectification?.deadline;
  // past the rectification deadline and not rectified by the period's end (or now, if sooner)
  const overdue = found.filter((h) => h.state === 'rectifying' && deadline(h) !== undefined && deadline(h)! < asOf);
  const rectifiedLate = rectified.filter((h) => deadline(h) !== undefined && h.rectifiedAt !== undefined && h.rectifiedAt > deadline(h)!);
  return {
    found: found.length,
    bySource,
    workerShare: rate(bySource.worker, found.length),
    byLevel,
    byCategory,
    confirmed: confirmed.length,
    rejected: found.filter((h) => h.state === 'rejected').length,
    rectified: rectified.length,
    rectificationRate: rate(rectified.length, confirmed.length),
    overdue: overdue.length,
    rectifiedLate: rectifiedLate.length,
    meanHoursToRectify: mean(rectified.filter((h) => h.rectifiedAt !== undefined).map((h) => (h.rectifiedAt! - h.reportedAt) / 3_600_000)),
  };
}

export type StatsHazards = ReturnType<typeof hazardFigures> & { openMajors: number };

export function computeStats(i: StatsInput) {
  const { period, timezone: tz } = i;
  const inPeriod = (t: number | undefined) => t !== undefined && t >= period.from && t < period.to;
  const asOf = Math.min(i.now, period.to);
  const found = i.hazards.filter((h) => inPeriod(h.reportedAt));
  const hazards: StatsHazards = { ...hazardFigures(found, asOf), openMajors: i.hazards.filter((h) => h.level === 'major' && OPEN.includes(h.state) && h.reportedAt < period.to).length };

  // rewards paid in the period (whenever reported), and those due now (reward step allowed, not paid)
  const paid = i.hazards.filter((h) => h.reward && inPeriod(h.reward.paidAt ?? h.rewardedAt));
  const tiers = new Map<number, { tier: number; count: number; amount: number }>();
  for (const h of paid) {
    const t = tiers.get(h.reward!.tier) ?? { tier: h.reward!.tier, count: 0, amount: 0 };
    t.count++;
    t.amount += h.reward!.amount;
    tiers.set(t.tier, t);
  }
  const pending = i.hazards.filter((h) => h.reportedAt < period.to && stateRefusal(h, 'reward', i.rewardFrom) === undefined);
  const rewards = { count: paid.length, amount: paid.reduce((n, h) => n + h.reward!.amount, 0), byTier: [...tiers.values()].sort((a, b) => a.tier - b.tier), pending: pending.length };

  // alarms raised in the period
  const bySeverity: Record<Severity, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
  const byFamily: Record<string, number> = {};
  for (const a of i.alarms) {
    bySeverity[a.severity]++;
    byFamily[familyOf(a.rule)] = (byFamily[familyOf(a.rule)] ?? 0) + 1;
  }
  const disposed = i.alarms.filter((a) => i.disposals.has(a.id));
  const sameDay = disposed.filter((a) => i.disposals.get(a.id)!.disposedAt <= a.dueBy);
  const ids = new Map(i.alarms.map((a) => [a.id, a]));
  const raises = i.transitions.filter((t) => t.action === 'raise' && ids.has(t.alarmId) && inPeriod(t.ts));
  const health = alarmHealth(raises, ids, [], period.to - 1, (period.to - period.from) / 3_600_000);
  const alarms = {
    raised: i.alarms.length,
    bySeverity,
    byFamily,
    disposed: disposed.length,
    sameDayDisposed: sameDay.length,
    sameDayDisposalRate: rate(sameDay.length, i.alarms.length),
    meanMinutesToAck: mean(i.alarms.filter((a) => a.ackedAt != null).map((a) => (a.ackedAt! - a.raisedAt) / 60_000)),
    meanMinutesToDispose: mean(disposed.map((a) => (i.disposals.get(a.id)!.disposedAt - a.raisedAt) / 60_000)),
    floods: health.floods,
    chattering: health.chattering,
    topBadActors: health.topBadActors,
  };

  // 明停暗开 / 虚假离线 findings and what the inspectors found on site
  const findings: Record<string, number> = Object.fromEntries(FINDING_RULES.map((r) => [r, 0]));
  for (const a of i.alarms) if (a.rule in findings) findings[a.rule]++;
  const verifications = { created: i.verifications.length, confirmed: 0, notConfirmed: 0, open: 0 };
  for (const v of i.verifications) verifications[v.state === 'confirmed' ? 'confirmed' : v.state === 'not-confirmed' ? 'notConfirmed' : 'open']++;
  const inspection = { findings, findingsTotal: Object.values(findings).reduce((a, b) => a + b, 0), verifications };

  const devices = { total: 0, offline: 0, onlineRate: null as number | null };
  for (const e of i.enterprises) {
    devices.total += e.devices.total;
    devices.offline += e.devices.offline;
  }
  devices.onlineRate = rate(devices.total - devices.offline, devices.total);

  // the enterprises ranked: riskiest colour first, then score, then the most found, then id
  const enterprises = i.enterprises
    .map((e) => {
      const own = <T extends { enterprise: string }>(xs: T[]) => xs.filter((x) => x.enterprise === e.id);
      const h = hazardFigures(own(found), asOf);
      const al = own(i.alarms);
      const sd = al.filter((a) => (i.disposals.get(a.id)?.disposedAt ?? Infinity) <= a.dueBy).length;
      return {
        id: e.id,
        name: e.name,
        jurisdiction: e.jurisdiction,
        riskColour: e.riskColour,
        riskScore: e.riskScore,
        hazardsFound: h.found,
        workerReports: h.bySource.worker,
        rectificationRate: h.rectificationRate,
        overdue: h.overdue,
        openMajors: own(i.hazards).filter((x) => x.level === 'major' && OPEN.includes(x.state) && x.reportedAt < period.to).length,
        alarmsRaised: al.length,
        redAlarms: al.filter((a) => a.severity === 'red').length,
        sameDayDisposalRate: rate(sd, al.length),
        findings: al.filter((a) => a.rule in findings).length,
        devices: { ...e.devices, onlineRate: rate(e.devices.total - e.devices.offline, e.devices.total) },
      };
    })
    .sort((a, b) => COLOUR_RANK[a.riskColour] - COLOUR_RANK[b.riskColour] || b.riskScore - a.riskScore || b.hazardsFound - a.hazardsFound || a.id.localeCompare(b.id));

  // by local day: the trend charts
  const day = new Map(period.days.map((d) => [d, { day: d, hazardsFound: 0, workerReports: 0, rectified: 0, alarmsRaised: 0, redAlarms: 0, sameDayDisposed: 0 }]));
  for (const h of found) {
    const d = day.get(localDate(h.reportedAt, tz));
    if (!d) continue;
    d.hazardsFound++;
    if (h.source === 'worker') d.workerReports++;
  }
  for (const h of i.hazards) if (inPeriod(h.rectifiedAt) && RECTIFIED.includes(h.state)) day.get(localDate(h.rectifiedAt!, tz))!.rectified++;
  for (const a of i.alarms) {
    const d = day.get(localDate(a.raisedAt, tz));
    if (!d) continue;
    d.alarmsRaised++;
    if (a.severity === 'red') d.redAlarms++;
    if ((i.disposals.get(a.id)?.disposedAt ?? Infinity) <= a.dueBy) d.sameDayDisposed++;
  }

  return { hazards, rewards, alarms, inspection, devices, enterprises, trend: [...day.values()] };
}

export type Stats = ReturnType<typeof computeStats>;
