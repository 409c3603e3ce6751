// Config fragment for notifications to persons (issue 15), under `notify`: the people and how to
// reach them, the mail server and the SMS/voice providers (one provider-neutral HTTP template,
// docs/notifications.md), who is on duty per enterprise and shift, the escalation chains for
// unacknowledged alarms, and which hazard changes call whom. Strings pass the loader's `${ENV}`
// substitution first, so passwords and keys stay out of the file.
import { z } from 'zod';
import { SEVERITIES } from '../model/vocabulary.ts';

const str = z.string({ error: 'expected string' }).min(1, { error: 'expected non-empty string' });
const int = (min: number, max: number) => z.number({ error: 'expected integer' }).int({ error: 'expected integer' }).min(min, { error: `expected integer >= ${min}` }).max(max, { error: `expected integer <= ${max}` });
const id = z.string({ error: 'expected string' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { error: 'expected an id of letters, digits, "_", "-" or "." (1-64 chars)' });
const hhmm = z.string({ error: 'expected string' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected HH:MM (24 h)' });
const url = z.string({ error: 'expected string' }).regex(/^https?:\/\/\S+$/, { error: 'expected an http:// or https:// URL' });

export const CHANNELS = ['email', 'sms', 'voice'] as const;
export type ChannelName = (typeof CHANNELS)[number];
const channel = z.enum(CHANNELS, { error: `expected one of ${CHANNELS.join(' | ')}` });

export const personSchema = z.strictObject({
  id,
  name: str,
  email: z.email({ error: 'expected an email address' }).optional(),
  /** mainland mobile numbers or E.164 */
  phone: z.string({ error: 'expected string' }).regex(/^\+?\d{5,15}$/, { error: 'expected a phone number of digits, optionally +country' }).optional(),
});
export type Person = z.infer<typeof personSchema>;

export const emailSchema = z.strictObject({
  host: str,
  port: int(1, 65535).default(587),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it */
  secure: z.boolean().default(false),
  user: str.optional(),
  pass: str.optional(),
  from: str,
  timeoutMs: int(100, 600_000).default(10_000),
});
export type EmailConfig = z.infer<typeof emailSchema>;

/**
 * A provider-neutral HTTP call for SMS and voice: `{{phone}}`, `{{text}}`, `{{subject}}`,
 * `{{timestamp}}` (epoch s), `{{timestampMs}}`, `{{nonce}}` and `{{sign}}` in the URL, headers and
 * body; `sign` computed from its own template (MD5 / SHA-256 / HMAC, hex or base64).
 */
export const httpTemplateSchema = z.strictObject({
  url,
  method: z.enum(['POST', 'GET', 'PUT'], { error: 'expected POST | GET | PUT' }).default('POST'),
  headers: z.record(z.string(), z.string({ error: 'expected string' })).default({}),
  /** the request body (JSON or form text, as the provider wants); placeholders are escaped for its content type */
  body: z.string({ error: 'expected string' }).optional(),
  sign: z
    .strictObject({
      algorithm: z.enum(['md5', 'sha1', 'sha256', 'hmac-sha1', 'hmac-sha256'], { error: 'expected md5 | sha1 | sha256 | hmac-sha1 | hmac-sha256' }),
      /** the text signed, with the same placeholders (not {{sign}}) */
      input: str,
      /** the HMAC key */
      secret: str.optional(),
      encoding: z.enum(['hex', 'base64'], { error: 'expected hex | base64' }).default('hex'),
      uppercase: z.boolean().default(false),
    })
    .optional(),
  /** a 2xx answer is delivered unless this JSON field of the reply differs from `equals` */
  success: z.strictObject({ field: str, equals: z.union([z.string(), z.number()]) }).optional(),
  timeoutMs: int(100, 600_000).default(10_000),
});
export type HttpTemplateConfig = z.infer<typeof httpTemplateSchema>;

const recipient = z.union([z.literal('on-duty'), id], { error: 'expected "on-duty" or a person id' });

export const rosterSchema = z.strictObject({
  enterprise: id,
  shifts: z
    .array(
      z.strictObject({
        /** 白班 / 夜班 */
        name: str,
        /** local time; a shift ending at or before it starts runs past midnight */
        from: hhmm,
        to: hhmm,
        /** ISO weekdays 1 (Monday) … 7 of the shift's start; every day when absent */
        days: z.array(int(1, 7)).optional(),
        persons: z.array(id).min(1, { error: 'expected at least one person' }),
      }),
    )
    .min(1),
});
export type RosterConfig = z.infer<typeof rosterSchema>;

const step = z.strictObject({
  /** minutes after the raise; a later step runs only while the alarm is still unacknowledged */
  afterMinutes: int(0, 7 * 24 * 60),
  to: z.array(recipient).min(1),
  via: z.array(channel).min(1),
});

export const escalationSchema = z.strictObject({
  name: id,
  severities: z.array(z.enum(SEVERITIES)).default(['red']),
  enterprises: z.array(id).optional(),
  /** rule ids or families (`gas`, `gas.lel`); every rule when absent */
  rules: z.array(str).optional(),
  steps: z.array(step).min(1),
});
export type EscalationConfig = z.infer<typeof escalationSchema>;

export const hazardNoticeSchema = z.strictObject({
  name: id,
  /** workflow actions, and `direct-report` (a major hazard confirmed, 直报) */
  actions: z.array(str).min(1).default(['direct-report']),
  levels: z.array(z.enum(['general', 'major'])).optional(),
  enterprises: z.array(id).optional(),
  to: z.array(recipient).min(1),
  via: z.array(channel).min(1),
});
export type HazardNoticeConfig = z.infer<typeof hazardNoticeSchema>;

export const pagingFields = {
  persons: z.array(personSchema).default([]),
  email: emailSchema.optional(),
  sms: httpTemplateSchema.optional(),
  voice: httpTemplateSchema.optional(),
  rosters: z.array(rosterSchema).default([]),
  escalations: z.array(escalationSchema).default([]),
  hazardNotices: z.array(hazardNoticeSchema).default([]),
  /** messages waiting per channel (oldest dropped beyond it, counted) and attempts per message */
  deliveries: z.strictObject({ queueSize: int(1, 1_000_000).default(1000), maxAttempts: int(1, 100).default(5) }).default({ queueSize: 1000, maxAttempts: 5 }),
};

/** Cross-references inside `notify`: persons exist, channels are configured, names unique. */
export function checkPaging(n: { persons: Person[]; email?: unknown; sms?: unknown; voice?: unknown; rosters: RosterConfig[]; escalations: EscalationConfig[]; hazardNotices: HazardNoticeConfig[] }, add: (path: (string | number)[], message: string) => void): void {
  const persons = new Map(n.persons.map((p) => [p.id, p]));
  if (persons.size !== n.persons.length) n.persons.forEach((p, i) => n.persons.findIndex((q) => q.id === p.id) !== i && add(['persons', i, 'id'], `duplicate person id "${p.id}"`));
  const known = (path: (string | number)[], who: string) => who === 'on-duty' || persons.has(who) || add(path, `unknown person "${who}" (not in notify.persons)`);
  n.rosters.forEach((r, i) => r.shifts.forEach((s, j) => s.persons.forEach((p, k) => known(['rosters', i, 'shifts', j, 'persons', k], p))));
  const configured = (path: (string | number)[], c: ChannelName) => n[c] === undefined && add(path, `channel ${c} is used but notify.${c} is not configured`);
  n.escalations.forEach((e, i) => e.steps.forEach((s, j) => {
    s.to.forEach((p, k) => known(['escalations', i, 'steps', j, 'to', k], p));
    s.via.forEach((c, k) => configured(['escalations', i, 'steps', j, 'via', k], c));
  }));
  n.hazardNotices.forEach((h, i) => {
    h.to.forEach((p, k) => known(['hazardNotices', i, 'to', k], p));
    h.via.forEach((c, k) => configured(['hazardNotices', i, 'via', k], c));
  });
  const names = new Set<string>();
  [...n.escalations, ...n.hazardNotices].forEach((p) => {
    if (names.has(p.name)) add(['escalations'], `duplicate policy name "${p.name}" (escalations and hazardNotices share names)`);
    names.add(p.name);
  });
}
