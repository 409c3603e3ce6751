// Config fragment `reports` (issue 15): the PDF font, the jurisdictions' names for titles, and
// scheduled reports (cron syntax, in the gateway's time zone) delivered by email and webhook and
// kept for download.
import { Cron } from 'croner';
import { z } from 'zod';

const str = z.string({ error: 'expected string' }).min(1, { error: 'expected non-empty string' });
const int = (min: number, max: number) => z.number({ error: 'expected integer' }).int({ error: 'expected integer' }).min(min, { error: `expected integer >= ${min}` }).max(max, { error: `expected integer <= ${max}` });
const id = z.string({ error: 'expected string' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { error: 'expected an id of letters, digits, "_", "-" or "." (1-64 chars)' });

export const scheduleSchema = z
  .strictObject({
    id,
    /** five fields (minute hour day month weekday), or six with seconds first; the gateway's time zone */
    cron: str.refine(
      (v) => {
        try {
          new Cron(v, { paused: true });
          return true;
        } catch {
          return false;
        }
      },
      { error: 'expected a cron expression like "0 8 1 * *" (08:00 on the 1st)' },
    ),
    /** the bulletin of the period that ended before the run: month (月通报), week, or day (日报) */
    period: z.enum(['month', 'week', 'day'], { error: 'expected month | week | day' }).default('month'),
    jurisdiction: id.optional(),
    enterprise: id.optional(),
    formats: z.array(z.enum(['xlsx', 'pdf'], { error: 'expected xlsx | pdf' })).min(1).default(['xlsx']),
    /** addresses the files are mailed to (notify.email) */
    email: z.array(z.email({ error: 'expected an email address' })).default([]),
    /** a URL the files are POSTed to (multipart/form-data) */
    webhook: z.string({ error: 'expected string' }).regex(/^https?:\/\/\S+$/, { error: 'expected an http:// or https:// URL' }).optional(),
    /** attempts per delivery before it is marked failed */
    maxAttempts: int(1, 100).default(5),
  })
  .refine((s) => !(s.jurisdiction && s.enterprise), { error: 'give jurisdiction or enterprise, not both', path: ['enterprise'] });
export type ScheduleConfig = z.infer<typeof scheduleSchema>;

export const reportsConfigSchema = z
  .strictObject({
    /** a font with Chinese glyphs for PDF (a .ttf/.otf, or a .ttc with `family`); Noto Sans CJK when found */
    pdfFont: z.strictObject({ path: str, family: str.optional() }).optional(),
    /** names shown in titles: { taian: 泰安市 } */
    jurisdictionNames: z.record(z.string(), str).default({}),
    schedules: z.array(scheduleSchema).default([]),
    /** rendered scheduled reports are kept this many days for download */
    keepDays: int(1, 3650).default(400),
    /** the first retry of a failed delivery after this many seconds, doubling up to 30 minutes */
    retrySeconds: int(1, 3600).default(30),
  })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.schedules.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['schedules', i, 'id'], message: `duplicate schedule id "${s.id}"` });
      seen.add(s.id);
    });
  })
  .default({ jurisdictionNames: {}, schedules: [], keepDays: 400, retrySeconds: 30 });
export type ReportsConfig = z.infer<typeof reportsConfigSchema>;
