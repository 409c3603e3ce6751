// kind `counter-backwards` (DOMAIN.md §6): a cumulative counter (total_t, kwh) that decreases
// without going to ~0 is tampering → yellow. A drop to ≤ max(resetBelow, resetFraction × the
// previous value) is a legitimate reset (meter replacement, daily reset). Late readings of a
// counter are naturally smaller: they are counted as late and ignored here. The condition
// clears after `clearAfterMinutes` of the counter running forwards again.
import { z } from 'zod';
import { METRIC_UNITS } from '../../../gateway/src/model/types.ts';
import { Emitter, fmt, StateTable } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, ReadingSink, RuleRuntime } from '../kind.ts';
import { matches } from '../kind.ts';
import { severity } from '../schema-common.ts';

const schema = z.strictObject({
  resetFraction: z.number().min(0).max(1).default(0.05),
  resetBelow: z.number().min(0).default(1),
  tolerance: z.number().min(0).default(0),
  clearAfterMinutes: z.number().min(0).default(60),
  severity: severity.default('yellow'),
});
type P = z.infer<typeof schema>;

class BackSink implements ReadingSink {
  last = NaN;
  lastTs = -Infinity;
  active = false;
  okSince = NaN;
  constructor(private readonly em: Emitter, private readonly p: P, private readonly unit: string) {}
  push(v: number, ts: number, late: boolean): void {
    if (late || ts < this.lastTs) return;
    this.lastTs = ts;
    const prev = this.last;
    this.last = v;
    if (prev !== prev) return;
    if (v < prev - this.p.tolerance) {
      if (v <= Math.max(this.p.resetBelow, this.p.resetFraction * prev)) return; // a reset marker
      this.okSince = NaN;
      if (!this.active) {
        this.active = true;
        const t = this.em.info.title;
        const d = `${fmt(prev, 1)} → ${fmt(v, 1)} ${this.unit}`;
        this.em.raise(this.p.severity, ts, { zh: `${t.zh}：${this.em.metric} ${d}（未归零）`, en: `${t.en}: ${this.em.metric} ${d} (not a reset)` }, v, prev, { from: prev, to: v });
      }
      return;
    }
    if (this.active) {
      if (this.okSince !== this.okSince) this.okSince = ts;
      if (ts - this.okSince >= this.p.clearAfterMinutes * 60_000) {
        this.active = false;
        this.em.clear(this.p.severity, ts, this.em.cleared(), v);
      }
    }
  }
  save() {
    return [this.last, this.lastTs, this.active, this.okSince];
  }
  load(s: any) {
    this.last = s[0] ?? NaN;
    this.lastTs = s[1] ?? -Infinity;
    this.active = !!s[2];
    this.okSince = s[3] ?? NaN;
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const table = new StateTable<BackSink>();
  const { def, host, info } = ctx;
  return {
    info,
    bindReading(slot: DeviceSlot, metric: string) {
      const d = slot.dev;
      if (!matches(def, d.kind, metric)) return undefined;
      const p = ctx.params(slot.subject);
      if (!p) return undefined;
      const em = new Emitter(host, info, def, slot.subject, metric);
      return table.get(em.key, () => new BackSink(em, p, METRIC_UNITS[metric] ?? ''));
    },
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const counterBackwards: KindModule<P> = { kind: 'counter-backwards', schema, create };
