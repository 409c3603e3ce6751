// The words of a message to a person (issue 15): short enough for an SMS, Chinese, names not ids.
// Never the reporter of a hazard, never a report code (CONTRACT §8).
import type { Alarm } from '../alarms/types.ts';
import type { Hazard } from '../hazards/types.ts';
import { HAZARD_STATE_WORDS, SEVERITY_WORDS } from '../model/words.ts';
import { localTime } from '../reports/table.ts';
import type { AssetNames } from '../model/asset-names.ts';

export type PlaceNames = Pick<AssetNames, 'enterprise' | 'place'>;

export function alarmMessage(a: Alarm, step: number, afterMinutes: number, names: PlaceNames, tz: string): { subject: string; text: string } {
  const where = [names.enterprise(a.enterprise), names.place(a.enterprise, a.site, a.zone, a.device)].filter(Boolean).join(' ');
  if (a.rule.startsWith('accident.')) return accidentMessage(a, step, afterMinutes, where);
  const value = a.peak ?? a.value;
  const head = step === 0 ? `【${SEVERITY_WORDS[a.severity].zh}报警】` : `【${SEVERITY_WORDS[a.severity].zh}报警·${afterMinutes}分钟未确认】`;
  const subject = `${head}${where} ${a.message}${value !== null && value !== undefined ? ` ${value}` : ''}`;
  const text = `${subject}\n报警时间：${localTime(a.raisedAt, tz)}\n请登录调度台确认并处置。报警编号 ${a.id}`;
  return { subject, text };
}

/**
 * An accident report reaching a person (issue 17: 亡人事故…30分钟内直报): the direct report to the
 * regulator's contacts, who sign for it in the regulator's console; the message is the report's.
 */
function accidentMessage(a: Alarm, step: number, afterMinutes: number, where: string): { subject: string; text: string } {
  const what = a.rule === 'accident.direct-report-overdue' ? '事故直报超时' : '事故直报';
  const head = step === 0 ? `【${what}】` : `【${what}·${afterMinutes}分钟未签收】`;
  const subject = `${head}${where} ${a.message}`;
  return { subject, text: `${subject}\n请登录监管端「事故·复工·特殊时期」签收。报警编号 ${a.id}` };
}

export function hazardMessage(h: Hazard, action: string, names: PlaceNames): { subject: string; text: string } {
  const what = action === 'direct-report' ? '重大隐患直报' : h.level === 'major' ? '重大隐患' : '隐患';
  const where = [names.enterprise(h.enterprise), names.place(h.enterprise, h.site, h.zone, h.device)].filter(Boolean).join(' ');
  const subject = `【${what}】${where} ${h.title}（${HAZARD_STATE_WORDS[h.state].zh}）`;
  const text = `${subject}\n编号 ${h.id}，请登录系统查看并督办。`;
  return { subject, text };
}
