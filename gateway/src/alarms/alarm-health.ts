// Alarm-system health per ISA-18.2 / EEMUA 191 (DOMAIN.md §8): the rate an operator faces,
// floods (≥ 10 alarms in 10 min), chattering (≥ 3 activations of one alarm in 1 min), stale
// alarms (active > 24 h), the top bad actors and the priority mix.
import type { Alarm, AlarmTransition } from './types.ts';

const TEN_MIN = 600_000;

export interface AlarmHealth {
  windowHours: number;
  /** activations (raises) in the window */
  activations: number;
  /** mean activations per 10 minutes over the window; target about 1 per operator */
  per10Min: number;
  /** activations in the latest 10 minutes */
  last10Min: number;
  /** activations in every fixed, aligned 10-minute window of the period, oldest first: [window start ms, count] */
  series: [number, number][];
  /** 10-minute windows (fixed, aligned) with ≥ 10 activations */
  floods: { start: string; activations: number }[];
  /** alarms activated ≥ 3 times within one minute */
  chattering: { alarmId: string; rule: string; subject: string; activations: number }[];
  /** open alarms active for more than 24 h */
  stale: { alarmId: string; rule: string; subject: string; activeHours: number }[];
  topBadActors: { rule: string; subject: string; activations: number }[];
  /** share of activations by severity (target ≈ 80 % low, 15 % medium, 5 % high) */
  priorityMix: Record<string, number>;
  open: number;
}

const subjectOf = (a: Alarm) => [a.enterprise, a.site, a.zone, a.device].filter(Boolean).join('/');

export function alarmHealth(transitions: AlarmTransition[], alarms: Map<string, Alarm>, open: Alarm[], now: number, windowHours = 24): AlarmHealth {
  const since = now - windowHours * 3_600_000;
  const raises = transitions.filter((t) => t.action === 'raise' && t.ts >= since && t.ts <= now).sort((a, b) => a.ts - b.ts);
  const buckets = new Map<number, number>();
  for (const t of raises) buckets.set(Math.floor(t.ts / TEN_MIN), (buckets.get(Math.floor(t.ts / TEN_MIN)) ?? 0) + 1);
  const floods = [...buckets].filter(([, n]) => n >= 10).map(([b, n]) => ({ start: new Date(b * TEN_MIN).toISOString(), activations: n }));
  const byAlarm = new Map<string, number[]>();
  for (const t of raises) byAlarm.set(t.alarmId, [...(byAlarm.get(t.alarmId) ?? []), t.ts]);
  const chattering: AlarmHealth['chattering'] = [];
  for (const [id, ts] of byAlarm) {
    let max = 0;
    for (let i = 0, j = 0; j < ts.length; j++) {
      while (ts[j] - ts[i] > 60_000) i++;
      max = Math.max(max, j - i + 1);
    }
    const a = alarms.get(id);
    if (max >= 3 && a) chattering.push({ alarmId: id, rule: a.rule, subject: subjectOf(a), activations: max });
  }
  const actors = new Map<string, { rule: string; subject: string; activations: number }>();
  const mix: Record<string, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
  for (const t of raises) {
    mix[t.severity] = (mix[t.severity] ?? 0) + 1;
    const a = alarms.get(t.alarmId);
    if (!a) continue;
    const k = `${a.rule}|${subjectOf(a)}`;
    const e = actors.get(k) ?? { rule: a.rule, subject: subjectOf(a), activations: 0 };
    e.activations++;
    actors.set(k, e);
  }
  for (const s of Object.keys(mix)) mix[s] = raises.length ? +(mix[s] / raises.length).toFixed(3) : 0;
  const stale = open.filter((a) => a.active && now - a.raisedAt > 24 * 3_600_000).map((a) => ({ alarmId: a.id, rule: a.rule, subject: subjectOf(a), activeHours: +((now - a.raisedAt) / 3_600_000).toFixed(1) }));
  const series: [number, number][] = [];
  for (let b = Math.floor(since / TEN_MIN); b <= Math.floor(now / TEN_MIN); b++) series.push([b * TEN_MIN, buckets.get(b) ?? 0]);
  return {
    windowHours,
    activations: raises.length,
    per10Min: +((raises.length / (windowHours * 6)) || 0).toFixed(2),
    last10Min: raises.filter((t) => t.ts > now - TEN_MIN).length,
    series,
    floods,
    chattering,
    stale,
    topBadActors: [...actors.values()].sort((a, b) => b.activations - a.activations).slice(0, 10),
    priorityMix: mix,
    open: open.length,
  };
}
