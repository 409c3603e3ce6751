// Alarm and transition ⇄ row mapping. The alarm's fields and columns are listed once, in
// alarms/alarm-fields.ts; the mapping walks that list.
import type { Insertable, Selectable } from 'kysely';
import type { Severity } from '../model/vocabulary.ts';
import { ALARM_FIELD_LIST } from '../alarms/alarm-fields.ts';
import type { Alarm, AlarmAction, AlarmState, AlarmTransition } from '../alarms/types.ts';
import type { AlarmTransitionsTable, AlarmsTable, Flavor } from './schema.ts';

export type AlarmRow = Selectable<AlarmsTable>;
export type TransitionRow = Selectable<AlarmTransitionsTable>;

/** BOOLEAN for postgres; better-sqlite3 binds no booleans, so 0/1 there */
export const boolParam = (flavor: Flavor, v: boolean): boolean | number => (flavor === 'sqlite' ? (v ? 1 : 0) : v);
const fromBool = (v: boolean | number): boolean => v === true || v === 1;

export function alarmToRow(a: Alarm, flavor: Flavor): Insertable<AlarmsTable> {
  const row: Record<string, unknown> = {};
  for (const [name, f] of ALARM_FIELD_LIST) {
    const v = a[name];
    row[f.col] = f.kind === 'bool' ? boolParam(flavor, v as boolean) : f.kind === 'json?' ? (v === null ? null : JSON.stringify(v)) : v;
  }
  row.origin_id = a.originId ?? null;
  row.origin_rev = a.originRev ?? null;
  return row as Insertable<AlarmsTable>;
}

export function rowToAlarm(r: AlarmRow): Alarm {
  const row = r as unknown as Record<string, unknown>;
  const a: Record<string, unknown> = {};
  for (const [name, f] of ALARM_FIELD_LIST) {
    const v = row[f.col];
    a[name] = f.kind === 'bool' ? fromBool(v as boolean | number) : f.kind === 'json?' ? (v === null || v === undefined ? null : JSON.parse(v as string)) : f.kind.endsWith('?') ? (v ?? null) : v;
  }
  if (r.origin_id) a.originId = r.origin_id;
  if (r.origin_rev) a.originRev = r.origin_rev;
  return a as unknown as Alarm;
}

export function transitionToRow(t: AlarmTransition): Insertable<AlarmTransitionsTable> {
  return {
    alarm_id: t.alarmId,
    ts: t.ts,
    action: t.action,
    from_state: t.fromState,
    to_state: t.toState,
    severity: t.severity,
    actor: t.actor,
    note: t.note,
    value: t.value,
  };
}

export function rowToTransition(r: Omit<TransitionRow, 'id'>): AlarmTransition {
  return {
    alarmId: r.alarm_id,
    ts: r.ts,
    action: r.action as AlarmAction,
    fromState: r.from_state as AlarmState | null,
    toState: r.to_state as AlarmState,
    severity: r.severity as Severity,
    actor: r.actor,
    note: r.note,
    value: r.value,
  };
}
