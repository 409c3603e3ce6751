// Alarm JSON as CONTRACT §6 shows it, walking the field list of alarm-fields.ts: RFC 3339 times
// (UTC), `dueBy` in local time with its offset, and the overdue flag computed when read.
import { ALARM_FIELD_LIST, type AlarmJson } from './alarm-fields.ts';
import type { Alarm } from './types.ts';
import { formatLocal } from './local-time.ts';

export type { AlarmJson } from './alarm-fields.ts';

export function alarmJson(a: Alarm, timezone: string, now: number): AlarmJson {
  const out: Record<string, unknown> = {};
  for (const [name, f] of ALARM_FIELD_LIST) {
    if (f.json === false) continue;
    const v = a[name];
    if (name === 'dueBy') {
      out.dueBy = formatLocal(a.dueBy, timezone);
      out.overdue = a.state !== 'normal' && a.ackedAt === null && now > a.dueBy;
    } else out[name] = f.kind === 'time' || f.kind === 'time?' ? (v === null ? null : new Date(v as number).toISOString()) : v;
  }
  return out as AlarmJson;
}
