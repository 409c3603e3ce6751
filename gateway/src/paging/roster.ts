// Who is on duty (值班) for an enterprise at an instant (issue 15): shifts of local HH:MM, a shift
// ending at or before its start running past midnight and belonging to the day it starts. Pure.
import { utcOffsetMs } from '../alarms/local-time.ts';
import type { RosterConfig } from './paging-config.ts';

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export interface OnDuty {
  shift: string;
  persons: string[];
}

/** The shifts of `enterprise` covering `ts`, with their persons (several when shifts overlap). */
export function onDuty(rosters: readonly RosterConfig[], enterprise: string, ts: number, tz: string): OnDuty[] {
  const local = ts + utcOffsetMs(ts, tz);
  const minuteOfDay = Math.floor((local % 86_400_000) / 60_000);
  // ISO weekday 1 = Monday … 7 = Sunday, of today and of yesterday (a night shift started then)
  const today = ((Math.floor(local / 86_400_000) + 3) % 7) + 1;
  const yesterday = ((today + 5) % 7) + 1;
  const out: OnDuty[] = [];
  for (const r of rosters) {
    if (r.enterprise !== enterprise) continue;
    for (const s of r.shifts) {
      const from = minutes(s.from);
      const to = minutes(s.to);
      const on = (day: number) => !s.days || s.days.includes(day);
      const covers = to > from ? minuteOfDay >= from && minuteOfDay < to && on(today) : (minuteOfDay >= from && on(today)) || (minuteOfDay < to && on(yesterday));
      if (covers) out.push({ shift: s.name, persons: s.persons });
    }
  }
  return out;
}

/** The persons behind a step's recipients: `on-duty` resolved at `ts`, ids as given, each once. */
export function recipients(to: readonly string[], rosters: readonly RosterConfig[], enterprise: string, ts: number, tz: string): string[] {
  const out = new Set<string>();
  for (const r of to) {
    if (r === 'on-duty') for (const d of onDuty(rosters, enterprise, ts, tz)) for (const p of d.persons) out.add(p);
    else out.add(r);
  }
  return [...out];
}
