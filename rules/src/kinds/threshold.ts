// kind `threshold`: ordered severity levels on one metric (DOMAIN.md §1 gas levels), each
// `above` (≥) or `below` (<) its value; a level holds until the value leaves its deadband
// (default 10 % of the threshold, §1), with an on-delay (default 0) before a raise and an
// off-delay (default 10 s, §1) before a downgrade or clear. Mixed directions in one rule give
// the O2 rule: below 19.5 yellow, below 18 red, above 23.5 yellow.
// Late readings (older than the latest processed for the device and metric) never move the
// edge-triggered state: they cannot re-raise or clear an alarm (README: late data).
import { z } from 'zod';
import { Gate } from '../gate.ts';
import { Armed, Emitter, fmt, fmtTh } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, ReadingSink, RuleRuntime } from '../kind.ts';
import { matches } from '../kind.ts';
import { deadband, deadbandOf, seconds, severity, text } from '../schema-common.ts';
import { severityRank, type Severity, type Text } from '../types.ts';
import { METRIC_UNITS } from '../../../gateway/src/model/types.ts';
import { StateTable } from '../emitter.ts';

const direction = z.enum(['above', 'below']);
const schema = z.strictObject({
  levels: z
    .array(z.strictObject({ severity, value: z.number(), direction: direction.optional(), clear: z.number().optional(), label: text.optional() }))
    .min(1),
  direction: direction.default('above'),
  deadband: deadband.default('10%'),
  onDelaySeconds: seconds.default(0),
  offDelaySeconds: seconds.default(10),
  decimals: z.number().int().min(0).max(6).default(1),
  unit: z.string().optional(),
  /** a new peak while active is reported when it beats the previous by this much (default 5 % of the level) */
  peakStep: deadband.default('5%'),
});
export type ThresholdParams = z.infer<typeof schema>;

export interface Level {
  severity: Severity;
  rank: number;
  value: number;
  clear: number;
  above: boolean;
  label: Text;
  peakStep: number;
}

const DEFAULT_LABEL: Record<Severity, Text> = {
  blue: { zh: '蓝色报警', en: 'blue level' },
  yellow: { zh: '黄色报警', en: 'yellow level' },
  orange: { zh: '橙色报警', en: 'orange level' },
  red: { zh: '红色报警', en: 'red level' },
};

export function compileLevels(p: { levels: ThresholdParams['levels']; direction: 'above' | 'below'; deadband: number | string; peakStep: number | string }): Level[] {
  return p.levels
    .map((l) => {
      const above = (l.direction ?? p.direction) === 'above';
      const db = deadbandOf(p.deadband, l.value);
      return {
        severity: l.severity,
        rank: severityRank(l.severity),
        value: l.value,
        clear: l.clear ?? (above ? l.value - db : l.value + db),
        above,
        label: l.label ?? DEFAULT_LABEL[l.severity],
        peakStep: deadbandOf(p.peakStep, l.value),
      };
    })
    .sort((a, b) => a.rank - b.rank);
}

/** Index of the highest level that holds for v, given the active level `cur` (hysteresis), or -1. */
export function targetLevel(levels: Level[], cur: number, v: number): number {
  const c = cur >= 0 ? levels[cur] : undefined;
  for (let i = levels.length - 1; i >= 0; i--) {
    const l = levels[i];
    if (l.above ? v >= l.value : v < l.value) return i;
    if (c !== undefined && l.above === c.above && l.rank <= c.rank && (l.above ? v >= l.clear : v < l.clear)) return i;
  }
  return -1;
}

class ThresholdSink implements ReadingSink {
  readonly gate = new Gate();
  cur = -1;
  lastTs = -Infinity;
  last = NaN;
  peak = NaN;
  readonly enterprise: string;
  /** the quiet band [qLo, qHi): no level can start there, so an idle sink has nothing to do */
  private qLo = -Infinity;
  private qHi = Infinity;

  /** the levels in force: `base`, or `base` with its `above` values × the special period's factor */
  private levels: Level[];
  private factor = 1;
  /** the raise delay in force: `onMs` × the special period's delay factor */
  private delayMs: number;

  constructor(
    private readonly armed: Armed<ThresholdSink>,
    private readonly em: Emitter,
    private readonly base: Level[],
    private readonly host: { tightenAt(enterprise: string, ts: number): number; delayAt(enterprise: string, ts: number): number },
    private readonly onMs: number,
    private readonly offMs: number,
    private readonly unit: string,
    private readonly decimals: number,
  ) {
    this.enterprise = em.subject.enterprise;
    this.levels = base;
    this.delayMs = onMs;
    this.quietBand();
  }

  private quietBand(): void {
    let lo = -Infinity;
    let hi = Infinity;
    for (const l of this.levels) {
      if (l.above) hi = Math.min(hi, l.value);
      else lo = Math.max(lo, l.value);
    }
    this.qLo = lo;
    this.qHi = hi;
  }

  push(v: number, ts: number, late: boolean): void {
    if (late || ts < this.lastTs) return;
    this.lastTs = ts;
    this.last = v;
    this.tighten(ts);
    // hot path: normal and idle (no active level, no pending raise) stays so
    if (this.cur < 0 && v >= this.qLo && v < this.qHi && this.gate.upSince !== this.gate.upSince) return;
    this.step(v, ts);
  }

  /** A special period (issue 17) scales the `above` levels, value and clear alike, and the raise delay, while it lasts. */
  private tighten(ts: number): void {
    if (this.onMs > 0) this.delayMs = this.onMs * this.host.delayAt(this.enterprise, ts);
    const f = this.host.tightenAt(this.enterprise, ts);
    if (f === this.factor) return;
    this.factor = f;
    const r = (x: number) => Math.round(x * f * 1e6) / 1e6;
    this.levels = f === 1 ? this.base : this.base.map((l) => (l.above ? { ...l, value: r(l.value), clear: r(l.clear), peakStep: r(l.peakStep) } : l));
    this.quietBand();
  }

  advance(clock: number): boolean {
    if (clock > this.lastTs && this.last === this.last) {
      this.tighten(clock);
      this.step(this.last, clock);
    }
    return this.gate.pending;
  }

  private step(v: number, ts: number): void {
    const t = targetLevel(this.levels, this.cur, v);
    const g = this.gate;
    if (g.update(t < 0 ? null : this.levels[t].severity, ts, this.delayMs, this.offMs)) {
      this.cur = t;
      this.peak = v;
      if (t < 0) this.em.clear(this.levels[0].severity, g.changedAt, this.em.cleared({ zh: `${fmt(v, this.decimals)} ${this.unit}`, en: `${fmt(v, this.decimals)} ${this.unit}` }), v);
      else this.emitActive(v, g.changedAt);
    } else if (this.cur >= 0) {
      if (t >= 0 && t !== this.cur && this.levels[t].rank === this.levels[this.cur].rank) this.cur = t;
      const l = this.levels[this.cur];
      if (l.above ? v >= this.peak + l.peakStep : v <= this.peak - l.peakStep) {
        this.peak = v;
        this.emitActive(v, ts);
      }
    }
    if (g.pending) this.armed.add(this);
  }

  private emitActive(v: number, ts: number): void {
    const l = this.levels[this.cur];
    const t = this.em.info.title;
    const op = l.above ? '≥' : '<';
    const vs = `${fmt(v, this.decimals)} ${this.unit}`;
    const th = `${fmtTh(l.value)} ${this.unit}`;
    const period = this.factor !== 1 && l.above ? { zh: '（特殊时期从严）', en: ' (special period, tightened)' } : { zh: '', en: '' };
    this.em.raise(l.severity, ts, { zh: `${t.zh} ${vs} ${op} ${l.label.zh} ${th}${period.zh}`, en: `${t.en} ${vs} ${op} ${l.label.en} ${th}${period.en}` }, v, l.value, this.factor !== 1 ? { peak: this.peak, tightenedBy: this.factor } : { peak: this.peak });
  }

  save(): unknown {
    // normal and idle: nothing a fresh sink would not do the same (most of 10,000 devices' sinks)
    if (this.cur < 0 && this.gate.sev === null && !this.gate.pending) return undefined;
    return { g: this.gate.save(), cur: this.cur, ts: this.lastTs, v: this.last, pk: this.peak };
  }

  load(s: any): void {
    this.gate.load(s.g);
    this.cur = s.cur ?? -1;
    this.lastTs = s.ts ?? -Infinity;
    this.last = s.v ?? NaN;
    this.peak = s.pk ?? NaN;
    if (this.gate.pending) this.armed.add(this);
  }
}

function create(ctx: KindContext<ThresholdParams>): RuleRuntime {
  const table = new StateTable<ThresholdSink>();
  const armed = new Armed<ThresholdSink>();
  const compiled = new WeakMap<ThresholdParams, Level[]>();
  const { def } = ctx;
  return {
    info: ctx.info,
    bindReading(slot: DeviceSlot, metric: string) {
      const d = slot.dev;
      if (!matches(def, d.kind)) return undefined;
      if (!def.match.metrics?.includes(metric)) return undefined;
      const p = ctx.params(slot.subject);
      if (!p) return undefined;
      let levels = compiled.get(p);
      if (!levels) compiled.set(p, (levels = compileLevels(p)));
      const em = new Emitter(ctx.host, ctx.info, def, slot.subject, metric);
      const unit = p.unit ?? METRIC_UNITS[metric] ?? '';
      return table.get(em.key, () => new ThresholdSink(armed, em, levels!, ctx.host, p.onDelaySeconds * 1000, p.offDelaySeconds * 1000, unit, p.decimals));
    },
    tick(clockOf) {
      armed.tick(clockOf);
    },
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const threshold: KindModule<ThresholdParams> = { kind: 'threshold', schema, create };
