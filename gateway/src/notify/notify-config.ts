// Config fragment for webhook notifiers, wired into the main schema as
// `notify: { webhooks: [...] }`. Strings (url, secret, headers) go through the loader's
// `${ENV}` substitution first, so robot keys and secrets stay out of the YAML file.
import { z } from 'zod';
import { SEVERITIES } from '../model/vocabulary.ts';
import { checkPaging, pagingFields } from '../paging/paging-config.ts';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .number({ error: 'expected integer' })
    .int({ error: `expected integer >= ${min}` })
    .min(min, { error: `expected integer >= ${min}` })
    .max(max, { error: `expected integer <= ${max}` });
const str = z.string({ error: 'expected string' }).min(1, { error: 'expected non-empty string' });
const name = z
  .string({ error: 'expected string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { error: 'expected an id of letters, digits, "_", "-" or "." (1-64 chars)' });

export const WEBHOOK_FORMATS = ['json', 'wecom', 'dingtalk'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/**
 * An event passes when every given filter matches. `severities` applies to alarm events only
 * and `levels` to hazard events only (the other kind has no such field and is not held back
 * by it); use `kinds` to exclude a kind altogether.
 */
export const notifyFiltersSchema = z.strictObject({
  severities: z.array(z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(' | ')}` })).optional(),
  levels: z.array(z.enum(['general', 'major'], { error: 'expected general | major' })).optional(),
  actions: z.array(str).optional(),
  enterprises: z.array(str).optional(),
  kinds: z.array(z.enum(['alarm', 'hazard'], { error: 'expected alarm | hazard' })).optional(),
});
export type NotifyFilters = z.infer<typeof notifyFiltersSchema>;

export const webhookConfigSchema = z
  .strictObject({
    name,
    url: z.string({ error: 'expected string' }).regex(/^https?:\/\/\S+$/, { error: 'expected an http:// or https:// URL' }),
    format: z.enum(WEBHOOK_FORMATS, { error: `expected one of ${WEBHOOK_FORMATS.join(' | ')}` }).default('json'),
    /** DingTalk 加签 secret (`SEC…`): the URL gets `&timestamp=&sign=` per request */
    secret: str.optional(),
    headers: z.record(z.string(), z.string({ error: 'expected string' })).optional(),
    /** DingTalk @ mentions */
    at: z
      .strictObject({ atMobiles: z.array(str).default([]), isAtAll: z.boolean().default(false) })
      .optional(),
    filters: notifyFiltersSchema.default({}),
    /** events waiting per notifier; beyond it the oldest is dropped (counted) */
    queueSize: int(1, 1_000_000).default(1000),
    /** attempts per event, the first included, before it is counted as failed */
    maxAttempts: int(1, 100).default(5),
    timeoutMs: int(1, 600_000).default(5000),
  })
  .superRefine((w, ctx) => {
    if (w.secret !== undefined && w.format !== 'dingtalk') ctx.addIssue({ code: 'custom', path: ['secret'], message: 'secret is used only by format dingtalk' });
    if (w.at !== undefined && w.format !== 'dingtalk') ctx.addIssue({ code: 'custom', path: ['at'], message: 'at is used only by format dingtalk' });
  });
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
export type WebhookConfigInput = z.input<typeof webhookConfigSchema>;

export const notifyConfigSchema = z
  .strictObject({
    webhooks: z.array(webhookConfigSchema).default([]),
    // notifications to persons (issue 15): paging/paging-config.ts
    ...pagingFields,
  })
  .superRefine((n, ctx) => {
    checkPaging(n, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    const seen = new Set<string>();
    n.webhooks.forEach((w, i) => {
      if (seen.has(w.name)) ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'name'], message: `duplicate webhook name "${w.name}"` });
      seen.add(w.name);
    });
  })
  .default({ webhooks: [], persons: [], rosters: [], escalations: [], hazardNotices: [], deliveries: { queueSize: 1000, maxAttempts: 5 } });
export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
