// Local days and months in an IANA time zone (ARCHITECTURE.md: local day boundaries are
// Asia/Shanghai unless configured). The hot path asks "which local day is ts in" for every
// cumulative reading, so the current day and month ranges are cached: a lookup inside the
// cached range is two comparisons; only a crossing calls Intl (any zone, DST included).
const DAY = 86_400_000;

export class LocalCalendar {
  private readonly fmt: Intl.DateTimeFormat;
  private dLo = 1;
  private dHi = 0;
  private pLo = 1; // the previous day range: late readings alternate between two days
  private pHi = 0;
  private mLo = 1;
  private mHi = 0;

  constructor(readonly timezone = 'Asia/Shanghai') {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }

  /** local time minus UTC at instant ts, ms */
  offsetAt(ts: number): number {
    const p = this.fmt.formatToParts(new Date(ts));
    const get = (t: string) => Number(p.find((x) => x.type === t)!.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return local - (ts - (((ts % 1000) + 1000) % 1000));
  }

  private localMidnightToUtc(localMidnight: number, guessOffset: number): number {
    let t = localMidnight - guessOffset;
    const o = this.offsetAt(t);
    if (o !== guessOffset) t = localMidnight - o;
    return t;
  }

  /** start of the local day containing ts (epoch ms) */
  dayStart(ts: number): number {
    if (ts >= this.dLo && ts < this.dHi) return this.dLo;
    if (ts >= this.pLo && ts < this.pHi) return this.pLo;
    const off = this.offsetAt(ts);
    const mid = Math.floor((ts + off) / DAY) * DAY;
    const lo = this.localMidnightToUtc(mid, off);
    const hi = this.localMidnightToUtc(mid + DAY, off);
    this.pLo = this.dLo;
    this.pHi = this.dHi;
    this.dLo = lo;
    this.dHi = hi;
    return lo;
  }

  /** end (exclusive) of the local day containing ts */
  dayEnd(ts: number): number {
    const lo = this.dayStart(ts);
    return lo === this.dLo ? this.dHi : this.pHi;
  }

  /** hour of the local day, 0 ≤ h < 24 (fractional) */
  localHour(ts: number): number {
    return (ts - this.dayStart(ts)) / 3_600_000;
  }

  monthStart(ts: number): number {
    if (ts >= this.mLo && ts < this.mHi) return this.mLo;
    const off = this.offsetAt(ts);
    const d = new Date(ts + off);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth();
    this.mLo = this.localMidnightToUtc(Date.UTC(y, m, 1), off);
    this.mHi = this.localMidnightToUtc(Date.UTC(y, m + 1, 1), off);
    return this.mLo;
  }

  monthEnd(ts: number): number {
    this.monthStart(ts);
    return this.mHi;
  }
}
