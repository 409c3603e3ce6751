// kind `replay` (DOMAIN.md §6 "fake data"): a device re-sending an exact earlier sequence of
// whole samples (all its readings at one instant, hashed order-free) within the last `hours`
// (default 24) → yellow, once `minRun` (default 10) consecutive samples repeat an earlier run.
// A run must start at a sample whose values occurred exactly once before in the window (the
// source): a flat line, or a signal with a handful of values, repeats all the time and is never
// a replay (that is `flatline`'s business).
import { z } from 'zod';
import { Emitter, StateTable } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, RuleRuntime, SampleSink } from '../kind.ts';
import { severity } from '../schema-common.ts';

const schema = z.strictObject({
  hours: z.number().positive().default(24),
  /** history per device is bounded by count too (24 h at a 30 s interval): memory stays flat at 1 s cadences */
  maxSamples: z.number().int().min(16).default(2880),
  minRun: z.number().int().min(2).default(10),
  clearAfterMinutes: z.number().min(0).default(10),
  severity: severity.default('yellow'),
});
type P = z.infer<typeof schema>;

class ReplaySink implements SampleSink {
  private ts: number[] = [];
  private hs: number[] = [];
  private head = 0;
  /** global index of ts[0] */
  private base = 0;
  /** hash → last global index × 4096 + occurrences in the window (saturating at 4095): one map op per lookup */
  private readonly idx = new Map<number, number>();
  private k = 0;
  private inf = 0;
  private lastMatch = -Infinity;
  private lastTs = -Infinity;
  active = false;

  constructor(private readonly em: Emitter, private readonly p: P) {}

  sample(ts: number, h: number, late: boolean): void {
    if (late || ts <= this.lastTs) return;
    this.lastTs = ts;
    this.expire(ts - this.p.hours * 3_600_000, this.p.maxSamples - 1);
    const i = this.base + this.ts.length;
    const gHead = this.base + this.head;
    const n = this.ts.length;
    if (this.k > 0 && i - this.k >= gHead && this.hs[i - this.k - this.base] === h) {
      // only changes count: a flat stretch inside a run (or a flat line matching itself) adds nothing
      if (n === 0 || this.hs[n - 1] !== h) this.inf++;
      this.lastMatch = ts;
    } else {
      this.k = 0;
      this.inf = 0;
    }
    // only anchor samples (1 in 4 hashes) are indexed: a run starts at an anchor whose values
    // occurred exactly once before in the window (the source), then is followed sample by sample
    if ((h & 3) === 0) {
      const e = this.idx.get(h);
      const prev = e === undefined ? 0 : e % 4096;
      if (this.k === 0 && prev === 1 && (n === 0 || this.hs[n - 1] !== h)) {
        const lp = Math.floor(e! / 4096);
        if (lp >= gHead) {
          this.k = i - lp;
          this.inf = 1;
          this.lastMatch = ts;
        }
      }
      this.idx.set(h, i * 4096 + (prev < 4095 ? prev + 1 : prev));
    }
    this.ts.push(ts);
    this.hs.push(h);
    if (!this.active && this.inf >= this.p.minRun) {
      this.active = true;
      const src = this.ts[i - this.k - this.base];
      const t = this.em.info.title;
      const n = this.inf;
      this.em.raise(this.p.severity, ts, { zh: `${t.zh}：连续 ${n} 个采样与 ${new Date(src).toISOString()} 起的历史数据完全相同`, en: `${t.en}: ${n} consecutive samples repeat the data sent from ${new Date(src).toISOString()}` }, n, this.p.minRun, { sourceTs: src, offsetSamples: this.k });
    } else if (this.active && ts - this.lastMatch >= this.p.clearAfterMinutes * 60_000) {
      this.active = false;
      this.em.clear(this.p.severity, ts, this.em.cleared());
    }
  }

  private expire(before: number, keep: number): void {
    while (this.head < this.ts.length && (this.ts[this.head] < before || this.ts.length - this.head > keep)) {
      const h = this.hs[this.head];
      const e = (h & 3) === 0 ? this.idx.get(h) : undefined;
      if (e !== undefined) {
        if (e % 4096 <= 1) this.idx.delete(h);
        else this.idx.set(h, e - 1);
      }
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.ts.length) {
      this.ts = this.ts.slice(this.head);
      this.hs = this.hs.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  /**
   * The sample history is not persisted: at 10,000 devices it is hundreds of MB of JSON, and
   * writing it would stall the gateway. After a restart the window fills again; an open replay
   * condition (`active`) is kept, so nothing re-fires.
   */
  save() {
    return { k: 0, inf: 0, lm: this.lastMatch, lt: this.lastTs, a: this.active };
  }

  load(s: any): void {
    this.ts = s.ts ?? [];
    this.hs = s.hs ?? [];
    this.head = 0;
    this.base = s.base ?? 0;
    this.k = s.k ?? 0;
    this.inf = s.inf ?? 0;
    this.lastMatch = s.lm ?? -Infinity;
    this.lastTs = s.lt ?? -Infinity;
    this.active = !!s.a;
    this.idx.clear();
    this.hs.forEach((h, j) => {
      if ((h & 3) !== 0) return;
      const e = this.idx.get(h);
      const c = e === undefined ? 0 : e % 4096;
      this.idx.set(h, (this.base + j) * 4096 + Math.min(4095, c + 1));
    });
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const table = new StateTable<ReplaySink>();
  const { def, host, info } = ctx;
  return {
    info,
    bindSample(slot: DeviceSlot) {
      const d = slot.dev;
      if (def.match.kinds && !def.match.kinds.includes(d.kind)) return undefined;
      const p = ctx.params({ enterprise: d.enterprise, site: d.site, zone: d.zone, device: d.id });
      if (!p) return undefined;
      const em = new Emitter(host, info, def, { enterprise: d.enterprise, site: d.site, zone: d.zone, device: d.id });
      return table.get(em.key, () => new ReplaySink(em, p));
    },
    exportState: () => table.export(),
    importState: (s) => table.import(s),
  };
}

export const replay: KindModule<P> = { kind: 'replay', schema, create };
