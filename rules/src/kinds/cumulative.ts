// kind `cumulative` (DOMAIN.md §5): output per local day or month from a cumulative counter
// (total_t) — increments summed, a drop to ~0 is a reset (the increment after it counts), a drop
// that is not a reset adds nothing (data.counter-backwards reports it) — or, for a belt that
// reports only throughput, the integral of tph. Day > tonnesPerDay × 1.1 → orange, month >
// tonnesPerMonth → red (major hazard) by default. The condition clears when its period ends.
// Late counter readings add nothing: the later reading already includes their increment.
import { z } from 'zod';
import { Armed, Emitter, fmt, fmtTh, StateTable } from '../emitter.ts';
import type { DeviceSlot, Host, KindContext, KindModule, ReadingSink, RuleGauge, RuleRuntime } from '../kind.ts';
import { matches } from '../kind.ts';
import { severity } from '../schema-common.ts';

const schema = z.strictObject({
  period: z.enum(['day', 'month']),
  counterMetric: z.string().default('total_t'),
  /** integrated when the device never reports the counter; absent: no integration */
  rateMetric: z.string().optional(),
  /** limit: a fixed value, or the enterprise's approved capacity × factor */
  value: z.number().positive().optional(),
  capacity: z.enum(['tonnesPerDay', 'tonnesPerMonth']).optional(),
  factor: z.number().positive().default(1),
  severity: severity.default('orange'),
  unit: z.string().default('t'),
  resetFraction: z.number().min(0).max(1).default(0.05),
  resetBelow: z.number().min(0).default(1),
  /** a gap between rate readings longer than this is not integrated (s) */
  maxGapSeconds: z.number().positive().default(600),
});
type P = z.infer<typeof schema>;

class Acc {
  ps = NaN;
  pe = NaN;
  total = 0;
  lastV = NaN;
  lastTs = -Infinity;
  hasCounter = false;
  rate = NaN;
  rateTs = -Infinity;
  active = false;
  peak = 0;
  constructor(readonly enterprise: string, private readonly host: Host, private readonly em: Emitter, private readonly p: P) {}

  limit(): number | undefined {
    if (this.p.value !== undefined) return this.p.value * this.p.factor;
    const cap = this.p.capacity && this.host.env.assets.enterprises.get(this.enterprise)?.approvedCapacity[this.p.capacity];
    return cap ? cap * this.p.factor : undefined;
  }

  roll(ts: number): void {
    if (ts < this.pe) return;
    if (this.active) {
      this.active = false;
      this.em.clear(this.p.severity, this.pe, this.em.cleared({ zh: '统计周期结束', en: 'period ended' }), this.total);
    }
    const cal = this.host.cal;
    this.ps = this.p.period === 'day' ? cal.dayStart(ts) : cal.monthStart(ts);
    this.pe = this.p.period === 'day' ? cal.dayEnd(ts) : cal.monthEnd(ts);
    this.total = 0;
    this.peak = 0;
  }

  counter(v: number, ts: number): void {
    if (ts < this.lastTs) return;
    if (ts >= this.pe || this.ps !== this.ps) this.roll(ts);
    const prev = this.lastV;
    this.lastV = v;
    this.lastTs = ts;
    this.hasCounter = true;
    if (prev === prev) {
      const d = v - prev;
      if (d >= 0) this.total += d;
      else if (v <= Math.max(this.p.resetBelow, this.p.resetFraction * prev)) this.total += v;
    }
    this.check(ts);
  }

  rateReading(v: number, ts: number): void {
    if (this.hasCounter || ts < this.rateTs) return;
    if (ts >= this.pe || this.ps !== this.ps) this.roll(ts);
    if (this.rate === this.rate && ts - this.rateTs <= this.p.maxGapSeconds * 1000) this.total += (this.rate * (ts - Math.max(this.rateTs, this.ps))) / 3_600_000;
    this.rate = v;
    this.rateTs = ts;
    this.check(ts);
  }

  private check(ts: number): void {
    const lim = this.limit();
    if (lim === undefined || this.total <= lim) return;
    const t = this.em.info.title;
    const what = this.p.period === 'day' ? { zh: '当日累计', en: "day's total" } : { zh: '当月累计', en: "month's total" };
    const cap = this.p.capacity === 'tonnesPerDay' ? { zh: '核定日产能', en: 'approved daily capacity' } : this.p.capacity === 'tonnesPerMonth' ? { zh: '核定月产能', en: 'approved monthly capacity' } : { zh: '限值', en: 'limit' };
    const f = this.p.factor !== 1 ? ` × ${Math.round(this.p.factor * 100)}%` : '';
    const msg = (v: number) => ({
      zh: `${t.zh}：${what.zh} ${fmt(v)} ${this.p.unit} > ${cap.zh}${f} ${fmtTh(lim)} ${this.p.unit}`,
      en: `${t.en}: ${what.en} ${fmt(v)} ${this.p.unit} > ${cap.en}${f} ${fmtTh(lim)} ${this.p.unit}`,
    });
    if (!this.active) {
      this.active = true;
      this.peak = this.total;
      this.em.raise(this.p.severity, ts, msg(this.total), this.total, lim, { periodStart: this.ps });
    } else if (this.total >= this.peak + 0.05 * lim) {
      this.peak = this.total;
      this.em.raise(this.p.severity, ts, msg(this.total), this.total, lim, { periodStart: this.ps });
    }
  }

  gauge(): RuleGauge | undefined {
    if (this.ps !== this.ps) return undefined;
    return { rule: this.em.info.id, subject: this.em.subject, value: this.total, limit: this.limit() ?? null, unit: this.p.unit, periodStart: this.ps, periodEnd: this.pe };
  }

  advance(clock: number): boolean {
    if (clock >= this.pe) this.roll(clock);
    return this.active;
  }

  save() {
    return [this.ps, this.pe, this.total, this.lastV, this.lastTs, this.hasCounter, this.rate, this.rateTs, this.active, this.peak];
  }
  load(s: any) {
    const n = (x: unknown, d: number) => (typeof x === 'number' ? x : d);
    this.ps = n(s[0], NaN);
    this.pe = n(s[1], NaN);
    this.total = n(s[2], 0);
    this.lastV = n(s[3], NaN);
    this.lastTs = n(s[4], -Infinity);
    this.hasCounter = !!s[5];
    this.rate = n(s[6], NaN);
    this.rateTs = n(s[7], -Infinity);
    this.active = !!s[8];
    this.peak = n(s[9], 0);
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const { def, host, info } = ctx;
  const table = new StateTable<Acc>();
  const armed = new Armed<Acc>();
  return {
    info,
    bindReading(slot: DeviceSlot, metric: string): ReadingSink | undefined {
      const d = slot.dev;
      if (!matches(def, d.kind)) return undefined;
      const p = ctx.params(slot.subject);
      if (!p || (metric !== p.counterMetric && metric !== p.rateMetric)) return undefined;
      const em = new Emitter(host, info, def, slot.subject).evidenceFrom([{ site: d.site, device: d.id, metric: p.rateMetric ?? p.counterMetric }]);
      const acc = table.get(em.key, () => new Acc(d.enterprise, host, em, p));
      if (metric === p.counterMetric)
        return {
          push(v, ts, late) {
            if (late) return;
            acc.counter(v, ts);
            if (acc.active) armed.add(acc);
          },
        };
      return {
        push(v, ts, late) {
          if (late) return;
          acc.rateReading(v, ts);
          if (acc.active) armed.add(acc);
        },
      };
    },
    tick: (clockOf) => armed.tick(clockOf),
    gauges: () => [...table.live.values()].flatMap((a) => a.gauge() ?? []),
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const cumulative: KindModule<P> = { kind: 'cumulative', schema, create };
