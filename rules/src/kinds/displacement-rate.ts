// kind `displacement-rate` (DOMAIN.md §4, GB 51214-2017 notes): absolute rate criteria on a
// cumulative displacement — average > 10 mm/d over 24 h → orange, ≥ 5 mm/h over 1 h → red [D
// mapping]. Each level has its own trailing window (least-squares slope, late samples inserted
// at their own time) and must be covered to `coverage` before it is judged; levels clear below
// value − deadband (default 10 %).
import { z } from 'zod';
import { Gate } from '../gate.ts';
import { Emitter, fmt, fmtTh, StateTable } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, ReadingSink, RuleRuntime } from '../kind.ts';
import { matches } from '../kind.ts';
import { deadband, deadbandOf, seconds, severity, text } from '../schema-common.ts';
import { SeriesWindow } from '../series-window.ts';
import { severityRank } from '../types.ts';

const schema = z.strictObject({
  levels: z
    .array(z.strictObject({ severity, value: z.number().positive(), per: z.enum(['h', 'd']), windowHours: z.number().positive(), label: text.optional() }))
    .min(1),
  deadband: deadband.default('10%'),
  coverage: z.number().min(0).max(1).default(0.8),
  minSamples: z.number().int().min(3).default(6),
  evalEverySeconds: seconds.default(300),
  offDelaySeconds: seconds.default(0),
});
type P = z.infer<typeof schema>;

class RateSink implements ReadingSink {
  readonly win: SeriesWindow;
  readonly gate = new Gate();
  cur = -1;
  next = -Infinity;
  lastTs = -Infinity;
  private readonly levels: (P['levels'][number] & { rank: number; clear: number })[];

  constructor(private readonly em: Emitter, private readonly p: P) {
    this.levels = p.levels.map((l) => ({ ...l, rank: severityRank(l.severity), clear: l.value - deadbandOf(p.deadband, l.value) })).sort((a, b) => a.rank - b.rank);
    this.win = new SeriesWindow(Math.max(...p.levels.map((l) => l.windowHours)) * 3_600_000 * 1.1);
  }

  push(v: number, ts: number, late: boolean): void {
    this.win.add(ts, v);
    if (late || ts < this.lastTs) return;
    this.lastTs = ts;
    if (ts < this.next) return;
    this.next = ts + this.p.evalEverySeconds * 1000;
    const rates = this.levels.map((l) => {
      const w = l.windowHours * 3_600_000;
      const f = this.win.fit(ts - w, ts);
      if (!f || f.n < this.p.minSamples || f.first > ts - this.p.coverage * w) return NaN;
      return l.per === 'd' ? f.slope * 24 : f.slope;
    });
    const cr = this.cur >= 0 ? this.levels[this.cur].rank : -1;
    let t = -1;
    for (let i = this.levels.length - 1; i >= 0 && t < 0; i--) {
      const l = this.levels[i];
      // an active level holds while its window is not covered (a data gap judges nothing)
      if (rates[i] >= l.value || (l.rank <= cr && rates[i] >= l.clear) || (i === this.cur && rates[i] !== rates[i])) t = i;
    }
    if (this.gate.update(t < 0 ? null : this.levels[t].severity, ts, 0, this.p.offDelaySeconds * 1000)) {
      this.cur = t;
      if (t < 0) this.em.clear(this.levels[0].severity, this.gate.changedAt, this.em.cleared());
      else {
        const l = this.levels[t];
        const unit = `mm/${l.per}`;
        const lab = l.label ?? { zh: '位移速率限值', en: 'rate limit' };
        const m = `${fmt(rates[t], 2)} ${unit} ≥ ${lab.zh} ${fmtTh(l.value)} ${unit}`;
        this.em.raise(l.severity, this.gate.changedAt, { zh: `${this.em.info.title.zh} ${m}（${l.windowHours} 小时窗口）`, en: `${this.em.info.title.en} ${fmt(rates[t], 2)} ${unit} ≥ ${lab.en} ${fmtTh(l.value)} ${unit} (${l.windowHours} h window)` }, rates[t], l.value, { windowHours: l.windowHours });
      }
    }
  }

  save() {
    return { w: this.win.save(), g: this.gate.save(), cur: this.cur, next: this.next, ts: this.lastTs };
  }
  load(s: any): void {
    this.win.load(s.w);
    this.gate.load(s.g);
    this.cur = s.cur ?? -1;
    this.next = s.next ?? -Infinity;
    this.lastTs = s.ts ?? -Infinity;
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const table = new StateTable<RateSink>();
  const { def, host, info } = ctx;
  return {
    info,
    bindReading(slot: DeviceSlot, metric: string) {
      const d = slot.dev;
      if (!matches(def, d.kind, metric, ['disp'])) return undefined;
      const p = ctx.params(slot.subject);
      if (!p) return undefined;
      const em = new Emitter(host, info, def, slot.subject, metric);
      return table.get(em.key, () => new RateSink(em, p));
    },
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const displacementRate: KindModule<P> = { kind: 'displacement-rate', schema, create };
