// The alarm's fields, written once (issue 13): each with its records-database column and its
// kind, from which the Alarm type (alarms/types.ts), the row type (records/schema.ts), the row
// mapping (records/alarm-rows.ts), the CONTRACT §6 JSON (alarm-json.ts) and the consoles' copy
// (dashboards/web/src/api.ts imports AlarmJson from here) all derive. A new field is one line
// here plus a numbered migration. Kept free of Node imports: the consoles' compiler reads it.
import type { Severity } from '../model/vocabulary.ts';

export type AlarmState = 'active_unacked' | 'active_acked' | 'cleared_unacked' | 'normal' | 'shelved' | 'suppressed';

/**
 * text, num, time (epoch ms; RFC 3339 in JSON) and json (an object; JSON text in the database),
 * with `?` when null is allowed; bool (BOOLEAN in PostgreSQL, 0/1 in SQLite); severity and
 * state are text with a closed set of values.
 */
export type FieldKind = 'text' | 'text?' | 'num' | 'num?' | 'time' | 'time?' | 'bool' | 'json?' | 'severity' | 'state';

interface Field {
  readonly col: string;
  readonly kind: FieldKind;
  /** in the CONTRACT §6 JSON (default true) */
  readonly json?: false;
}

/** In CONTRACT §6 order: the JSON lists its fields in this order (with `overdue` after `dueBy`). */
export const ALARM_FIELDS = {
  id: { col: 'id', kind: 'text' },
  rule: { col: 'rule', kind: 'text' },
  /** rule + subject (+ metric) identity, from the rule engine: one open alarm per key */
  key: { col: 'key', kind: 'text', json: false },
  severity: { col: 'severity', kind: 'severity' },
  state: { col: 'state', kind: 'state' },
  /** the condition still holds (independent of ack/shelve/suppress) */
  active: { col: 'active', kind: 'bool' },
  enterprise: { col: 'enterprise', kind: 'text' },
  site: { col: 'site', kind: 'text?' },
  zone: { col: 'zone', kind: 'text?' },
  device: { col: 'device', kind: 'text?' },
  metric: { col: 'metric', kind: 'text?' },
  value: { col: 'value', kind: 'num?' },
  peak: { col: 'peak', kind: 'num?' },
  threshold: { col: 'threshold', kind: 'num?' },
  message: { col: 'message', kind: 'text' },
  messageEn: { col: 'message_en', kind: 'text' },
  /** activations folded into this alarm (re-triggers while open) */
  count: { col: 'count', kind: 'num' },
  /** event time the condition was first raised */
  raisedAt: { col: 'raised_at', kind: 'time' },
  /** event time of the latest activation / update */
  updatedAt: { col: 'updated_at', kind: 'time' },
  ackedAt: { col: 'acked_at', kind: 'time?' },
  ackedBy: { col: 'acked_by', kind: 'text?' },
  ackNote: { col: 'ack_note', kind: 'text?' },
  clearedAt: { col: 'cleared_at', kind: 'time?' },
  /** when the alarm returned to `normal` and closed */
  closedAt: { col: 'closed_at', kind: 'time?' },
  shelvedUntil: { col: 'shelved_until', kind: 'time?' },
  shelveReason: { col: 'shelve_reason', kind: 'text?' },
  suppressedReason: { col: 'suppressed_reason', kind: 'text?' },
  /** end of the local day of raisedAt: a pushed alarm must be handled the same day (DOMAIN.md §0); local time with offset in JSON */
  dueBy: { col: 'due_by', kind: 'time' },
  /** raised from backfilled data after the fact (issue 7): recorded, not pushed as live */
  retroactive: { col: 'retroactive', kind: 'bool' },
  /** escalations applied (repeated activations, unhandled) */
  escalations: { col: 'escalations', kind: 'num' },
  hazardId: { col: 'hazard_id', kind: 'text?' },
  evidence: { col: 'evidence', kind: 'json?' },
  /** central mode: the edge gateway whose rules raised it (mirrored over the uplink, docs/uplink.md); null: raised here */
  origin: { col: 'origin', kind: 'text?' },
} as const satisfies Record<string, Field>;

type Fields = typeof ALARM_FIELDS;
export type AlarmFieldName = keyof Fields;

type ValueOf<K extends FieldKind> = K extends 'text'
  ? string
  : K extends 'text?'
    ? string | null
    : K extends 'num' | 'time'
      ? number
      : K extends 'num?' | 'time?'
        ? number | null
        : K extends 'bool'
          ? boolean
          : K extends 'json?'
            ? Record<string, unknown> | null
            : K extends 'severity'
              ? Severity
              : AlarmState;

type JsonOf<K extends FieldKind> = K extends 'time' ? string : K extends 'time?' ? string | null : ValueOf<K>;

/** The fields of an alarm in memory (alarms/types.ts `Alarm` adds the mirror marks). */
export type AlarmFieldValues = { -readonly [N in AlarmFieldName]: ValueOf<Fields[N]['kind']> };

type JsonFieldName = { [N in AlarmFieldName]: Fields[N] extends { json: false } ? never : N }[AlarmFieldName];

/** An alarm as CONTRACT §6 JSON: times as RFC 3339 (UTC), `dueBy` local with its offset, `overdue` computed when read. */
export type AlarmJson = { [N in JsonFieldName]: JsonOf<Fields[N]['kind']> } & { overdue: boolean };

/** The fields with their names, in order (for the mappers). */
export const ALARM_FIELD_LIST = Object.entries(ALARM_FIELDS) as [AlarmFieldName, Field][];
