// Alarm and transition ⇄ row mapping, field by field, so that the compiler checks that every
// field of the types in alarms/types.ts has its column (and back).
import type { Insertable, Selectable } from 'kysely';
import type { Severity } from '../model/vocabulary.ts';
import type { Alarm, AlarmAction, AlarmState, AlarmTransition } from '../alarms/types.ts';
import type { AlarmTransitionsTable, AlarmsTable, Flavor } from './schema.ts';

export type AlarmRow = Selectable<AlarmsTable>;
export type TransitionRow = Selectable<AlarmTransitionsTable>;

/** BOOLEAN for postgres; better-sqlite3 binds no booleans, so 0/1 there */
export const boolParam = (flavor: Flavor, v: boolean): boolean | number => (flavor === 'sqlite' ? (v ? 1 : 0) : v);
const fromBool = (v: boolean | number): boolean => v === true || v === 1;

export function alarmToRow(a: Alarm, flavor: Flavor): Insertable<AlarmsTable> {
  return {
    id: a.id,
    rule: a.rule,
    key: a.key,
    severity: a.severity,
    state: a.state,
    active: boolParam(flavor, a.active),
    enterprise: a.enterprise,
    site: a.site,
    zone: a.zone,
    device: a.device,
    metric: a.metric,
    value: a.value,
    peak: a.peak,
    threshold: a.threshold,
    message: a.message,
    message_en: a.messageEn,
    count: a.count,
    raised_at: a.raisedAt,
    updated_at: a.updatedAt,
    acked_at: a.ackedAt,
    acked_by: a.ackedBy,
    ack_note: a.ackNote,
    cleared_at: a.clearedAt,
    closed_at: a.closedAt,
    shelved_until: a.shelvedUntil,
    shelve_reason: a.shelveReason,
    suppressed_reason: a.suppressedReason,
    due_by: a.dueBy,
    retroactive: boolParam(flavor, a.retroactive),
    escalations: a.escalations,
    hazard_id: a.hazardId,
    evidence: a.evidence === null ? null : JSON.stringify(a.evidence),
    origin: a.origin,
    origin_id: a.originId ?? null,
    origin_rev: a.originRev ?? null,
  };
}

export function rowToAlarm(r: AlarmRow): Alarm {
  return {
    id: r.id,
    rule: r.rule,
    key: r.key,
    severity: r.severity as Severity,
    state: r.state as AlarmState,
    active: fromBool(r.active),
    enterprise: r.enterprise,
    site: r.site,
    zone: r.zone,
    device: r.device,
    metric: r.metric,
    value: r.value,
    peak: r.peak,
    threshold: r.threshold,
    message: r.message,
    messageEn: r.message_en,
    count: r.count,
    raisedAt: r.raised_at,
    updatedAt: r.updated_at,
    ackedAt: r.acked_at,
    ackedBy: r.acked_by,
    ackNote: r.ack_note,
    clearedAt: r.cleared_at,
    closedAt: r.closed_at,
    shelvedUntil: r.shelved_until,
    shelveReason: r.shelve_reason,
    suppressedReason: r.suppressed_reason,
    dueBy: r.due_by,
    retroactive: fromBool(r.retroactive),
    escalations: r.escalations,
    hazardId: r.hazard_id,
    evidence: r.evidence === null ? null : (JSON.parse(r.evidence) as Record<string, unknown>),
    origin: r.origin ?? null,
    ...(r.origin_id ? { originId: r.origin_id } : {}),
    ...(r.origin_rev ? { originRev: r.origin_rev } : {}),
  };
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
