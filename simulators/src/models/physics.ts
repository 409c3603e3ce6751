// Time and physics helpers shared by the belt, power and positioning models: local time
// (Asia/Shanghai, a fixed UTC+8, no DST), daily and absolute windows, per-block seeded noise,
// exact integration of piecewise-constant rates, and resettable counters.
import { gaussian, rng } from './rng.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Asia/Shanghai: UTC+8, no DST. */
export const LOCAL_OFFSET = 8 * HOUR;

/** A daily window in local hours, [start, end); end < start wraps midnight (e.g. [22, 6]). */
export type DailyWindow = [startHour: number, endHour: number];
/** An absolute window in event time, [from, to). */
export interface Span { from: number; to: number }

/** Epoch ms of local midnight starting the local day containing t. */
export function localDayStart(t: number): number {
  return Math.floor((t + LOCAL_OFFSET) / DAY) * DAY - LOCAL_OFFSET;
}
export function localHour(t: number): number {
  return (t - localDayStart(t)) / HOUR;
}
export function inDaily(t: number, ws: readonly DailyWindow[]): boolean {
  const h = localHour(t);
  return ws.some(([a, b]) => (a <= b ? h >= a && h < b : h >= a || h < b));
}
/** The next window edge strictly after t. */
export function nextDailyEdge(t: number, ws: readonly DailyWindow[]): number {
  const d0 = localDayStart(t);
  let best = Infinity;
  for (const w of ws) for (const h of w) for (const k of [0, 1]) {
    const e = d0 + k * DAY + h * HOUR;
    if (e > t && e < best) best = e;
  }
  return best;
}
export function inSpan(t: number, s: Span): boolean {
  return t >= s.from && t < s.to;
}
export function nextSpanEdge(t: number, spans: readonly Span[]): number {
  let best = Infinity;
  for (const s of spans) {
    if (s.from > t && s.from < best) best = s.from;
    if (s.to > t && s.to < best) best = s.to;
  }
  return best;
}
/** A standard normal value that depends only on (seed, block index): stateless noise. */
export function blockNormal(seed: number, k: number): number {
  return gaussian(rng((seed ^ Math.imul(k | 0, 0x9e3779b1)) >>> 0))();
}
/** Exact ∫ rate dt over [a, b) in rate·ms, for a rate constant on [x, next(x)). */
export function integrate(a: number, b: number, rate: (x: number) => number, next: (x: number) => number): number {
  let s = 0;
  for (let x = a; x < b; ) {
    const y = Math.min(next(x), b);
    s += rate(x) * (y - x);
    x = y;
  }
  return s;
}

/**
 * A cumulative counter over an integral, with reset-to-0 markers (a daily reset, a meter
 * replacement: CONTRACT §3.1 "may reset to 0"). `advance` keeps a running state so a month of
 * samples costs O(month) in total; `value` is pure (recomputes from the origin if t is earlier).
 */
export class Counter {
  private acc: number;
  private at: number | undefined;
  constructor(
    private readonly integral: (a: number, b: number) => number,
    private readonly resets: readonly number[],
    private readonly initial = 0,
    private origin?: number,
  ) {
    this.acc = initial;
    this.at = origin;
  }
  private from(acc: number, x: number, t: number): number {
    for (const r of this.resets) if (r > x && r <= t) { acc = 0; x = r; }
    return acc + this.integral(x, t);
  }
  value(t: number): number {
    if (this.origin === undefined) this.origin = this.at = t;
    if (t <= this.origin) return this.initial;
    return this.at !== undefined && t >= this.at ? this.from(this.acc, this.at, t) : this.from(this.initial, this.origin, t);
  }
  advance(t: number): number {
    const v = this.value(t);
    if (this.at === undefined || t > this.at) { this.acc = v; this.at = t; }
    return v;
  }
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
