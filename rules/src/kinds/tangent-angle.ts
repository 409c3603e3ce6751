// kind `tangent-angle` (DOMAIN.md §4, improved tangent-angle method): α = arctan(v / v0), v the
// least-squares displacement rate over a trailing window, v0 the constant-velocity rate
// configured per point or learned from the first `learnDays` (7) of data. α ≈ 45° is constant
// velocity (blue, no alarm); 45–80° yellow, 80–85° orange, ≥ 85° red. The window is the
// shortest of `windowsHours` whose slope standard error is ≤ maxRelError × v0: a 10-s GNSS point
// uses 4 h (hour-scale episodes visible), a 5-min radar point with 0.5 mm noise needs 24 h.
// Because the estimate of α scatters around 45° at constant velocity, the yellow band starts at
// 60° and clears below 52° by default [D]; orange/red at the §4 values with 2° hysteresis.
import { z } from 'zod';
import { Gate } from '../gate.ts';
import { Emitter, fmt, StateTable } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, ReadingSink, RuleRuntime } from '../kind.ts';
import { matches } from '../kind.ts';
import { seconds, severity, text } from '../schema-common.ts';
import { SeriesWindow, type Fit } from '../series-window.ts';
import { compileLevels, targetLevel, type Level } from './threshold.ts';

const schema = z.strictObject({
  /** constant-velocity rate, mm/d; absent: learned */
  v0: z.number().positive().optional(),
  learnDays: z.number().positive().default(7),
  /** floor of a learned v0 (a point that does not creep at all), mm/d [D] */
  minV0: z.number().positive().default(0.1),
  windowsHours: z.array(z.number().positive()).min(1).default([4, 8, 12, 24]),
  maxRelError: z.number().positive().default(0.25),
  minSamples: z.number().int().min(3).default(12),
  coverage: z.number().min(0).max(1).default(0.8),
  evalEverySeconds: seconds.default(300),
  levels: z
    .array(z.strictObject({ severity, value: z.number(), clear: z.number().optional(), label: text.optional() }))
    .min(1)
    .default([
      { severity: 'yellow', value: 60, clear: 52, label: { zh: '初加速阶段', en: 'initial acceleration' } },
      { severity: 'orange', value: 80, clear: 78, label: { zh: '中加速阶段', en: 'mid acceleration' } },
      { severity: 'red', value: 85, clear: 83, label: { zh: '临滑阶段', en: 'imminent failure' } },
    ]),
  offDelaySeconds: seconds.default(0),
});
type P = z.infer<typeof schema>;

const DAY_H = 24;

class AngleSink implements ReadingSink {
  readonly win: SeriesWindow;
  readonly gate = new Gate();
  cur = -1;
  v0 = NaN;
  first = NaN;
  l = [0, 0, 0, 0, 0, 0]; // n, Σt, Σy, Σt², Σty, y0 (t in days from `first`)
  next = -Infinity;
  lastTs = -Infinity;
  peak = NaN;

  constructor(private readonly em: Emitter, private readonly p: P, private readonly levels: Level[]) {
    this.win = new SeriesWindow(Math.max(...p.windowsHours) * 3_600_000 * 1.1);
    if (p.v0) this.v0 = p.v0;
  }

  push(v: number, ts: number, late: boolean): void {
    this.win.add(ts, v);
    if (this.v0 !== this.v0) this.learn(v, ts);
    if (late || ts < this.lastTs) return;
    this.lastTs = ts;
    if (this.v0 !== this.v0 || ts < this.next) return;
    this.next = ts + this.p.evalEverySeconds * 1000;
    const f = this.rate(ts);
    if (!f) return;
    const vd = f.slope * DAY_H;
    const angle = (Math.atan2(vd, this.v0) * 180) / Math.PI;
    const t = targetLevel(this.levels, this.cur, angle);
    if (this.gate.update(t < 0 ? null : this.levels[t].severity, ts, 0, this.p.offDelaySeconds * 1000)) {
      this.cur = t;
      this.peak = angle;
      if (t < 0) this.em.clear('yellow', this.gate.changedAt, this.em.cleared({ zh: `α = ${fmt(angle)}°`, en: `α = ${fmt(angle)}°` }), angle);
      else this.emit(angle, vd, f, this.gate.changedAt);
    } else if (this.cur >= 0 && angle >= this.peak + 1) {
      this.peak = angle;
      this.emit(angle, vd, f, ts);
    }
  }

  private emit(angle: number, vd: number, f: Fit, ts: number): void {
    const l = this.levels[this.cur];
    const t = this.em.info.title;
    const extra = `v = ${fmt(vd, 2)} mm/d, v0 = ${fmt(this.v0, 2)} mm/d`;
    this.em.raise(l.severity, ts, { zh: `${t.zh} ${fmt(angle)}° ≥ ${l.label.zh} ${l.value}°（${extra}）`, en: `${t.en} ${fmt(angle)}° ≥ ${l.label.en} ${l.value}° (${extra})` }, angle, l.value, {
      v: vd, v0: this.v0, windowHours: Math.round(((f.last - f.first) / 3_600_000) * 10) / 10, samples: f.n,
    });
  }

  /** the shortest window precise enough, else the longest with coverage */
  private rate(ts: number): Fit | undefined {
    let best: Fit | undefined;
    for (const h of this.p.windowsHours) {
      const w = h * 3_600_000;
      const f = this.win.fit(ts - w, ts);
      if (!f || f.n < this.p.minSamples || f.first > ts - this.p.coverage * w) continue;
      best = f;
      if (f.se * DAY_H <= this.p.maxRelError * this.v0) return f;
    }
    return best;
  }

  private learn(v: number, ts: number): void {
    const l = this.l;
    if (this.first !== this.first) {
      this.first = ts;
      l[5] = v;
    }
    const x = (ts - this.first) / 86_400_000;
    if (x < this.p.learnDays) {
      if (x < 0) return;
      const y = v - l[5];
      l[0]++;
      l[1] += x;
      l[2] += y;
      l[3] += x * x;
      l[4] += x * y;
      return;
    }
    const den = l[0] * l[3] - l[1] * l[1];
    const slope = den > 0 ? (l[0] * l[4] - l[1] * l[2]) / den : 0;
    this.v0 = Math.max(this.p.minV0, slope);
  }

  save() {
    return { w: this.win.save(), g: this.gate.save(), cur: this.cur, v0: this.v0, first: this.first, l: this.l, next: this.next, ts: this.lastTs, pk: this.peak };
  }

  load(s: any): void {
    this.win.load(s.w);
    this.gate.load(s.g);
    this.cur = s.cur ?? -1;
    this.v0 = this.p.v0 ?? s.v0 ?? NaN;
    this.first = s.first ?? NaN;
    this.l = s.l ?? this.l;
    this.next = s.next ?? -Infinity;
    this.lastTs = s.ts ?? -Infinity;
    this.peak = s.pk ?? NaN;
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const table = new StateTable<AngleSink>();
  const { def, host, info } = ctx;
  return {
    info,
    bindReading(slot: DeviceSlot, metric: string) {
      const d = slot.dev;
      if (!matches(def, d.kind, metric, ['disp'])) return undefined;
      const p = ctx.params(slot.subject);
      if (!p) return undefined;
      const levels = compileLevels({ levels: p.levels, direction: 'above', deadband: '2%', peakStep: 1 });
      const em = new Emitter(host, info, def, slot.subject, metric);
      return table.get(em.key, () => new AngleSink(em, p, levels));
    },
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const tangentAngle: KindModule<P> = { kind: 'tangent-angle', schema, create };
