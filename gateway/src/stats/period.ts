// The period a figure covers (issue 15): a local day, an ISO week (Monday to Sunday) or a calendar
// month in the gateway's time zone, or an explicit from/to. Half-open [from, to), epoch ms.
import { HazardlineError } from '../errors.ts';
import { localDate, utcOffsetMs } from '../alarms/local-time.ts';

export { localDate };

export const PERIOD_KINDS = ['day', 'week', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number] | 'custom';

export interface Period {
  kind: PeriodKind;
  from: number;
  to: number;
  /** the local days of the period, `YYYY-MM-DD`, in order (the trend's x axis) */
  days: string[];
  /** `2026-11`, `2026-W47`, `2026-11-23` or `2026-11-01..2026-11-15`: for file names and titles */
  label: string;
}

const bad = (field: string, message: string) => Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', `${field}: ${message}`, 400), { field });
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = 86_400_000;

/** Epoch ms of local midnight starting the local date y-m-d in `tz`. */
export function localMidnight(y: number, m: number, d: number, tz: string): number {
  const guess = Date.UTC(y, m - 1, d);
  // the offset at the instant itself (resolved twice: a DST change near midnight)
  let t = guess - utcOffsetMs(guess, tz);
  t = guess - utcOffsetMs(t, tz);
  return t;
}


function parseDate(field: string, v: string): [number, number, number] {
  const m = DATE.exec(v);
  if (!m) throw bad(field, 'expected YYYY-MM-DD');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) throw bad(field, `no such date ${v}`);
  return [y, mo, d];
}

function parseMonth(field: string, v: string): [number, number] {
  const m = MONTH.exec(v);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw bad(field, 'expected YYYY-MM');
  return [Number(m[1]), Number(m[2])];
}

/** Local days from `from` up to `to`, as dates. */
function daysOf(from: number, to: number, tz: string): string[] {
  const out: string[] = [];
  for (let t = from; t < to && out.length < 400; ) {
    const day = localDate(t, tz);
    out.push(day);
    const [y, m, d] = day.split('-').map(Number);
    t = localMidnight(y, m, d + 1, tz);
  }
  return out;
}

/**
 * The period of a query: `from`/`to` (RFC 3339, epoch ms, or a local date; a date `to` is
 * inclusive), else `period` (default month) around `month=YYYY-MM`, `date=YYYY-MM-DD` or now.
 * At most 366 days.
 */
export function parsePeriod(q: { period?: string; month?: string; date?: string; from?: string; to?: string }, now: number, tz: string, parseTime: (field: string, v: string) => number): Period {
  if (q.from !== undefined || q.to !== undefined) {
    if (!q.from || !q.to) throw bad(q.from ? 'to' : 'from', 'give both from and to');
    const at = (field: string, v: string, end: boolean) => {
      if (!DATE.test(v)) return parseTime(field, v);
      const [y, m, d] = parseDate(field, v);
      return localMidnight(y, m, end ? d + 1 : d, tz);
    };
    const from = at('from', q.from, false);
    const to = at('to', q.to, true);
    if (to <= from) throw bad('to', 'must be after from');
    if (to - from > 366 * DAY + 3_600_000) throw bad('to', 'at most 366 days');
    return { kind: 'custom', from, to, days: daysOf(from, to, tz), label: `${localDate(from, tz)}..${localDate(to - 1, tz)}` };
  }
  const kind = q.period ?? (q.date ? 'day' : 'month');
  if (!(PERIOD_KINDS as readonly string[]).includes(kind)) throw bad('period', `expected one of ${PERIOD_KINDS.join(', ')}`);
  if (q.month !== undefined && q.date !== undefined) throw bad('month', 'give month= or date=, not both');
  let anchor: [number, number, number];
  if (q.month !== undefined) {
    if (kind !== 'month') throw bad('month', 'only with period=month');
    anchor = [...parseMonth('month', q.month), 1];
  } else if (q.date !== undefined) anchor = parseDate('date', q.date);
  else anchor = localDate(now, tz).split('-').map(Number) as [number, number, number];
  const [y, m, d] = anchor;
  let from: number;
  let to: number;
  let label: string;
  if (kind === 'day') {
    from = localMidnight(y, m, d, tz);
    to = localMidnight(y, m, d + 1, tz);
    label = `${y}-${pad(m)}-${pad(d)}`;
  } else if (kind === 'week') {
    const dow = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday 0
    from = localMidnight(y, m, d - dow, tz);
    to = localMidnight(y, m, d - dow + 7, tz);
    label = isoWeek(y, m, d);
  } else {
    from = localMidnight(y, m, 1, tz);
    to = localMidnight(y, m + 1, 1, tz);
    label = `${y}-${pad(m)}`;
  }
  return { kind: kind as PeriodKind, from, to, days: daysOf(from, to, tz), label };
}

const pad = (n: number) => String(n).padStart(2, '0');

function isoWeek(y: number, m: number, d: number): string {
  const t = new Date(Date.UTC(y, m - 1, d));
  const dow = (t.getUTCDay() + 6) % 7;
  t.setUTCDate(t.getUTCDate() - dow + 3); // the week's Thursday decides its year
  const year = t.getUTCFullYear();
  const week = 1 + Math.round((t.getTime() - Date.UTC(year, 0, 4)) / (7 * DAY) - 3 / 7 + ((new Date(Date.UTC(year, 0, 4)).getUTCDay() + 6) % 7) / 7);
  return `${year}-W${pad(week)}`;
}
