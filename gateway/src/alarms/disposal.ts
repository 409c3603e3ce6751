// Alarm disposal (报警处置, issue 14): acknowledging says "seen"; disposing says what caused it,
// what was done, with what result, and who is responsible. "Handled the same day" (seed 003:
// 当天完成处置; DOMAIN.md §0) means disposed before the alarm's `dueBy`, not merely acknowledged.
// Pure: the causes a console offers per rule family, the body check, and the same-day figures.
import { z } from 'zod';
import { HazardlineError, parseBody } from '../errors.ts';
import type { AlarmDisposal } from '../records/disposal-records.ts';

export interface Cause {
  id: string;
  zh: string;
  en: string;
}

const c = (id: string, zh: string, en: string): Cause => ({ id, zh, en });
const OTHER = c('other', '其他（请说明）', 'Other (describe)');
const FALSE_ALARM = c('false-alarm', '误报（传感器故障/标定偏差）', 'False alarm (sensor fault or calibration)');

/** Likely causes by rule family (the part of the rule id before the first dot); every list ends with false alarm and other. */
export const DISPOSAL_CAUSES: Readonly<Record<string, readonly Cause[]>> = {
  gas: [c('leak', '设备/管道泄漏', 'Equipment or pipe leak'), c('ventilation', '通风不良', 'Poor ventilation'), c('gas-emission', '地层/采空区涌出', 'Emission from strata or old workings'), c('operation', '违规作业', 'Unsafe work')],
  slope: [c('rainfall', '降雨/渗水', 'Rainfall or seepage'), c('blasting', '爆破振动', 'Blasting vibration'), c('excavation', '坡脚开挖/超挖', 'Toe excavation'), c('creep', '边坡蠕变', 'Slope creep')],
  personnel: [c('overcrowding', '超员作业', 'Too many people'), c('unauthorised-entry', '无关人员进入', 'Unauthorised entry'), c('overtime', '超时作业', 'Working overtime'), c('sos', '人员求救', 'Distress call'), c('tag', '定位卡异常', 'Tag fault')],
  belt: [c('overload', '超能力生产', 'Production over capacity'), c('secret-operation', '停产期间违规运行', 'Running while declared stopped'), c('belt-fault', '皮带跑偏/撕裂/打滑', 'Belt misalignment, tear or slip'), c('protection', '保护装置失效', 'Protection device failed')],
  power: [c('secret-operation', '停产期间违规生产（明停暗开）', 'Producing while declared stopped (明停暗开)'), c('fake-offline', '人为断网（虚假离线）', 'Cut off on purpose (fake offline)'), c('maintenance', '检修用电', 'Maintenance load')],
  device: [c('power-loss', '设备断电', 'Device lost power'), c('network', '网络中断', 'Network outage'), c('device-fault', '设备故障', 'Device fault'), c('tampering', '人为破坏/遮挡', 'Tampering')],
  data: [c('sensor-fault', '传感器故障', 'Sensor fault'), c('replay', '数据重放/造假', 'Replayed or forged data'), c('clock', '时钟错误', 'Clock error')],
  hazard: [c('rectification-late', '整改未按期完成', 'Rectification late')],
  accident: [c('direct-reported', '已向监管部门直报', 'Reported to the regulator'), c('rescue', '已组织救援/善后', 'Rescue and aftermath organised'), c('late-report', '迟报（说明原因）', 'Reported late (give the reason)')],
  video: [c('violation', '人员违章（三违）', 'Worker violation (三违)'), c('supervision', '现场监护/管理缺位', 'Supervision missing'), c('contractor', '承包商人员违章', 'Contractor violation'), c('misdetect', '识别错误（误识别）', 'Misdetection')],
  seal: [c('secret-operation', '停产期间擅自启封（明停暗开）', 'Opened while declared stopped (明停暗开)'), c('approved-entry', '经批准的检修/巡查进入', 'Approved maintenance or inspection entry'), c('tampering', '人为破坏', 'Tampering'), c('device-fault', '封条设备故障', 'Seal device fault')],
};

/** The causes a console offers for this rule: its family's, then false alarm and other. */
export function causesFor(rule: string): Cause[] {
  return [...(DISPOSAL_CAUSES[rule.split('.')[0]] ?? []), FALSE_ALARM, OTHER];
}

const text = (max: number) => z.string().trim().min(1, 'required').max(max);

const disposeSchema = z.strictObject({
  /** a cause id of causesFor(rule), or free text */
  cause: text(200),
  /** free text beside the cause (required for `other`) */
  causeText: z.string().trim().max(2000).optional(),
  measures: text(4000),
  result: text(2000),
  /** the person responsible on site; default the person recording it */
  responsible: z.string().trim().max(200).optional(),
  note: z.string().trim().max(2000).optional(),
});

export type DisposeBody = z.infer<typeof disposeSchema>;

/** A POST /alarms/{id}/dispose body, checked; the cause rendered as the rule's words (zh) plus any free text. */
export function parseDisposal(body: unknown, rule: string): { cause: string; measures: string; result: string; responsible?: string; note: string | null } {
  const b = parseBody(disposeSchema, body);
  const known = causesFor(rule).find((x) => x.id === b.cause);
  if (known?.id === 'other' && !b.causeText) throw Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', 'causeText: required when the cause is other', 400), { field: 'causeText' });
  const cause = known ? (known.id === 'other' ? b.causeText! : b.causeText ? `${known.zh}：${b.causeText}` : known.zh) : b.causeText ? `${b.cause}：${b.causeText}` : b.cause;
  return { cause, measures: b.measures, result: b.result, ...(b.responsible ? { responsible: b.responsible } : {}), note: b.note || null };
}

/** The alarm figures of one enterprise and local day. */
export interface DayDisposal {
  enterprise: string;
  /** local date YYYY-MM-DD (the day the alarm is due by) */
  day: string;
  /** live alarms raised that day (backfilled ones are not pushed, so not counted) */
  raised: number;
  acknowledged: number;
  disposed: number;
  /** disposed by the end of their day (dueBy) */
  sameDay: number;
  /** sameDay / raised; null when nothing was raised */
  sameDayDisposalRate: number | null;
}

export interface RateAlarm {
  id: string;
  enterprise: string;
  dueBy: number;
  ackedAt: number | null;
  retroactive: boolean;
}

/** Same-day disposal per enterprise and day, in enterprise then day order. `dayOf` names the local day of a due time. */
export function sameDayRates(alarms: readonly RateAlarm[], disposals: ReadonlyMap<string, Pick<AlarmDisposal, 'disposedAt' | 'dueBy'>>, dayOf: (ts: number) => string): DayDisposal[] {
  const by = new Map<string, DayDisposal>();
  for (const a of alarms) {
    if (a.retroactive) continue;
    const day = dayOf(a.dueBy);
    const k = `${a.enterprise}\u0000${day}`;
    let row = by.get(k);
    if (!row) by.set(k, (row = { enterprise: a.enterprise, day, raised: 0, acknowledged: 0, disposed: 0, sameDay: 0, sameDayDisposalRate: null }));
    row.raised++;
    if (a.ackedAt !== null) row.acknowledged++;
    const d = disposals.get(a.id);
    if (d) {
      row.disposed++;
      if (d.disposedAt <= a.dueBy) row.sameDay++;
    }
  }
  const rows = [...by.values()].sort((x, y) => (x.enterprise === y.enterprise ? x.day.localeCompare(y.day) : x.enterprise.localeCompare(y.enterprise)));
  for (const r of rows) r.sameDayDisposalRate = r.raised === 0 ? null : Math.round((r.sameDay / r.raised) * 10_000) / 10_000;
  return rows;
}
