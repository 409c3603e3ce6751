// kind `flatline` (DOMAIN.md §6 data integrity): a value that does not change at all for
// `hours` (default 6) is a stuck sensor or fake data → yellow; clears when it changes. Only the
// metrics listed in `match.metrics` (analog sensors): a stopped belt's 0 t/h is legitimately flat.
import { z } from 'zod';
import { METRIC_UNITS } from '../../../gateway/src/model/types.ts';
import { Emitter, fmt, StateTable } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, ReadingSink, RuleRuntime } from '../kind.ts';
import { matches } from '../kind.ts';
import { severity } from '../schema-common.ts';

const schema = z.strictObject({
  hours: z.number().positive().default(6),
  severity: severity.default('yellow'),
});
type P = z.infer<typeof schema>;

class FlatSink implements ReadingSink {
  v = NaN;
  since = NaN;
  lastTs = -Infinity;
  active = false;
  constructor(private readonly em: Emitter, private readonly ms: number, private readonly sev: P['severity'], private readonly unit: string) {}
  push(v: number, ts: number, late: boolean): void {
    if (late || ts < this.lastTs) return;
    this.lastTs = ts;
    if (v !== this.v) {
      if (this.active) {
        this.active = false;
        this.em.clear(this.sev, ts, this.em.cleared({ zh: `${fmt(this.v)} → ${fmt(v)} ${this.unit}`, en: `${fmt(this.v)} → ${fmt(v)} ${this.unit}` }), v);
      }
      this.v = v;
      this.since = ts;
    } else if (!this.active && ts - this.since >= this.ms) {
      this.active = true;
      const h = this.ms / 3_600_000;
      const m = this.em.metric;
      this.em.raise(this.sev, this.since + this.ms, { zh: `${this.em.info.title.zh}：${m} 连续 ${h} 小时恒为 ${v} ${this.unit}`, en: `${this.em.info.title.en}: ${m} unchanged at ${v} ${this.unit} for ${h} h` }, v, h, { since: this.since });
    }
  }
  save() {
    return [this.v, this.since, this.lastTs, this.active];
  }
  load(s: any) {
    this.v = s[0] ?? NaN;
    this.since = s[1] ?? NaN;
    this.lastTs = s[2] ?? -Infinity;
    this.active = !!s[3];
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const table = new StateTable<FlatSink>();
  const { def, host, info } = ctx;
  return {
    info,
    bindReading(slot: DeviceSlot, metric: string) {
      const d = slot.dev;
      if (!matches(def, d.kind, metric)) return undefined;
      const p = ctx.params(slot.subject);
      if (!p) return undefined;
      const em = new Emitter(host, info, def, slot.subject, metric);
      return table.get(em.key, () => new FlatSink(em, p.hours * 3_600_000, p.severity, METRIC_UNITS[metric] ?? ''));
    },
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const flatline: KindModule<P> = { kind: 'flatline', schema, create };
