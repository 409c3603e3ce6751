// Local days in a configured IANA time zone (Asia/Shanghai by default, ARCHITECTURE.md Time):
// a pushed alarm is due by the end of its local day (DOMAIN.md §0).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

const offsets = new Map<string, number>();

/**
 * The zone's UTC offset at `ts`, in ms (e.g. +8 h for Asia/Shanghai). Cached per zone and
 * quarter hour (offsets change on quarter-hour boundaries): Intl formatting costs tens of µs,
 * and an alarm flood computes thousands of due-by times at once.
 */
export function utcOffsetMs(ts: number, tz: string): number {
  const key = `${tz}|${Math.floor(ts / 900_000)}`;
  let off = offsets.get(key);
  if (off === undefined) {
    if (offsets.size > 10_000) offsets.clear();
    off = computeOffset(ts, tz);
    offsets.set(key, off);
  }
  return off;
}

function computeOffset(ts: number, tz: string): number {
  const p = Object.fromEntries(formatter(tz).formatToParts(new Date(ts)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(ts / 1000) * 1000;
}

/** The last millisecond of the local day containing `ts`. */
export function endOfLocalDay(ts: number, tz: string): number {
  const off = utcOffsetMs(ts, tz);
  const localMidnight = Math.floor((ts + off) / 86_400_000) * 86_400_000;
  const next = localMidnight + 86_400_000;
  // the offset at the end of the day may differ (DST): resolve it there
  return next - utcOffsetMs(next - off - 1, tz) - 1;
}

/** RFC 3339 with the zone's offset, second precision: `2026-11-22T23:59:59+08:00`. */
export function formatLocal(ts: number, tz: string): string {
  const off = utcOffsetMs(ts, tz);
  const d = new Date(ts + off).toISOString().slice(0, 19);
  const sign = off >= 0 ? '+' : '-';
  const m = Math.abs(off) / 60_000;
  return `${d}${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The local date `YYYY-MM-DD` of an instant. */
export function localDate(ts: number, tz: string): string {
  return new Date(ts + utcOffsetMs(ts, tz)).toISOString().slice(0, 10);
}

/** Local wall-clock time to the minute, `YYYY-MM-DD HH:mm` (report cells, message text). */
export function localMinute(ts: number, tz: string): string {
  return new Date(ts + utcOffsetMs(ts, tz)).toISOString().slice(0, 16).replace('T', ' ');
}
