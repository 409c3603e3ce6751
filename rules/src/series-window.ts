// A trailing window of (event time, value) samples kept in time order — late samples are
// inserted at their own timestamp — with a least-squares slope over any sub-window
// (DOMAIN.md §4: displacement rate from a trailing window).
export interface Fit {
  n: number;
  /** units per hour */
  slope: number;
  /** standard error of the slope, units per hour */
  se: number;
  first: number;
  last: number;
}

export class SeriesWindow {
  t: number[] = [];
  y: number[] = [];

  constructor(private readonly keepMs: number) {}

  add(ts: number, v: number): void {
    const t = this.t;
    let i = t.length;
    if (i > 0 && ts < t[i - 1]) {
      let lo = 0;
      let hi = i;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (t[m] <= ts) lo = m + 1;
        else hi = m;
      }
      i = lo;
      t.splice(i, 0, ts);
      this.y.splice(i, 0, v);
    } else {
      t.push(ts);
      this.y.push(v);
    }
    const cut = t[t.length - 1] - this.keepMs;
    if (t[0] < cut) {
      let k = 0;
      while (k < t.length && t[k] < cut) k++;
      if (k > 256 || k * 4 > t.length) {
        this.t = t.slice(k);
        this.y = this.y.slice(k);
      }
    }
  }

  private lowerBound(ts: number): number {
    let lo = 0;
    let hi = this.t.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.t[m] < ts) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  /** least-squares fit over samples with from ≤ t ≤ to */
  fit(from: number, to: number): Fit | undefined {
    const lo = this.lowerBound(from);
    let n = 0, st = 0, sy = 0, stt = 0, sty = 0, syy = 0;
    const y0 = this.y[lo];
    let last = NaN;
    for (let j = lo; j < this.t.length && this.t[j] <= to; j++) {
      const x = (this.t[j] - to) / 3_600_000;
      const v = this.y[j] - y0;
      n++;
      st += x;
      sy += v;
      stt += x * x;
      sty += x * v;
      syy += v * v;
      last = this.t[j];
    }
    if (n < 3) return undefined;
    const sxx = stt - (st * st) / n;
    if (!(sxx > 0)) return undefined;
    const sxy = sty - (st * sy) / n;
    const slope = sxy / sxx;
    const resid = Math.max(0, syy - (sy * sy) / n - slope * sxy) / (n - 2);
    return { n, slope, se: Math.sqrt(resid / sxx), first: this.t[lo], last };
  }

  save(): [number[], number[]] {
    return [this.t, this.y];
  }

  load(s: unknown): void {
    if (Array.isArray(s) && Array.isArray(s[0]) && Array.isArray(s[1])) {
      this.t = s[0];
      this.y = s[1];
    }
  }
}
