// kind `replay` (DOMAIN.md §6 "fake data"): a device re-sending an exact earlier sequence of
// whole samples (all its readings at one instant, hashed order-free) within the last `hours`
// (default 24) → yellow, once `minRun` (default 10) consecutive samples repeat an earlier run.
// A run must start at a sample whose values occurred exactly once before in the window (the
// source): a flat line, or a signal with a handful of values, repeats all the time and is never
// a replay (that is `flatline`'s business).
import { z } from 'zod';
import { Emitter, StateTable } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, RuleRuntime, SampleSink } from '../kind.ts';
import { matches } from '../kind.ts';
import { severity } from '../schema-common.ts';

const schema = z.strictObject({
  hours: z.number().positive().default(24),
  /** history per device is bounded by count too (8 h at a 30 s interval): about 15 KB a device, whatever its cadence */
  maxSamples: z.number().int().min(16).default(960),
  minRun: z.number().int().min(2).default(10),
  clearAfterMinutes: z.number().min(0).default(10),
  severity: severity.default('yellow'),
});
type P = z.infer<typeof schema>;

/** the longest span of event time the ring holds (int32 milliseconds after its base: 24.8 days) */
const MAX_SPAN_MS = 2 ** 31 - 1;

class ReplaySink implements SampleSink {
  // the history as a ring of typed arrays (8 bytes a sample: event time as int32 ms after `base`,
  // and the hash), grown on demand up to maxSamples; samples are addressed by global index g
  // (0, 1, 2, … since the start), stored at g % capacity. 7.7 KB a device at the default 960
  // samples, 77 MB for 10,000 devices (a Float64 time took 115 MB, issue 19)
  private tsB = new Int32Array(0);
  private hsB = new Int32Array(0);
  private base = 0;
  /** global index of the next sample */
  private count = 0;
  private size = 0;
  private k = 0;
  private inf = 0;
  private lastMatch = -Infinity;
  private lastTs = -Infinity;
  active = false;

  constructor(private readonly em: Emitter, private readonly p: P) {}

  private hsAt(g: number): number {
    return this.hsB[g % this.hsB.length];
  }

  private tsAt(g: number): number {
    return this.base + this.tsB[g % this.tsB.length];
  }

  sample(ts: number, h: number, late: boolean): void {
    if (late || ts <= this.lastTs) return;
    this.lastTs = ts;
    this.expire(Math.max(ts - this.p.hours * 3_600_000, ts - MAX_SPAN_MS), this.p.maxSamples - 1);
    const i = this.count;
    const gHead = this.count - this.size;
    const n = this.size;
    const lastH = n > 0 ? this.hsAt(i - 1) : undefined;
    if (this.k > 0 && i - this.k >= gHead && this.hsAt(i - this.k) === h) {
      // only changes count: a flat stretch inside a run (or a flat line matching itself) adds nothing
      if (n === 0 || lastH !== h) this.inf++;
      this.lastMatch = ts;
    } else {
      this.k = 0;
      this.inf = 0;
    }
    // a run starts at an anchor sample (1 in 4 hashes) whose values occurred exactly once before
    // in the window (the source), then is followed sample by sample. The window is scanned for it
    // (at most maxSamples Int32 compares, only at an anchor outside a run): no index to keep, which
    // at 10,000 devices saved about 100 MB of Map entries (issue 19)
    if ((h & 3) === 0 && this.k === 0 && (n === 0 || lastH !== h)) {
      const lp = this.onlyEarlier(h, gHead, i);
      if (lp >= 0) {
        this.k = i - lp;
        this.inf = 1;
        this.lastMatch = ts;
      }
    }
    this.push(ts, h);
    if (!this.active && this.inf >= this.p.minRun) {
      this.active = true;
      const src = this.tsAt(i - this.k);
      const t = this.em.info.title;
      const runs = this.inf;
      this.em.raise(this.p.severity, ts, { zh: `${t.zh}：连续 ${runs} 个采样与 ${new Date(src).toISOString()} 起的历史数据完全相同`, en: `${t.en}: ${runs} consecutive samples repeat the data sent from ${new Date(src).toISOString()}` }, runs, this.p.minRun, { sourceTs: src, offsetSamples: this.k });
    } else if (this.active && ts - this.lastMatch >= this.p.clearAfterMinutes * 60_000) {
      this.active = false;
      this.em.clear(this.p.severity, ts, this.em.cleared());
    }
  }

  private push(ts: number, h: number): void {
    if (this.size === this.tsB.length) this.grow(Math.min(this.p.maxSamples, Math.max(16, this.tsB.length * 2)));
    if (this.size === 0) this.base = ts;
    else if (ts - this.base > MAX_SPAN_MS) this.rebase();
    const at = this.count % this.tsB.length;
    this.tsB[at] = ts - this.base;
    this.hsB[at] = h;
    this.count++;
    this.size++;
  }

  /** the oldest sample becomes the base (expire keeps the window within MAX_SPAN_MS) */
  private rebase(): void {
    const oldest = this.tsAt(this.count - this.size);
    const shift = oldest - this.base;
    for (let g = this.count - this.size; g < this.count; g++) this.tsB[g % this.tsB.length] -= shift;
    this.base = oldest;
  }

  private grow(cap: number): void {
    const ts = new Int32Array(cap);
    const hs = new Int32Array(cap);
    for (let g = this.count - this.size; g < this.count; g++) {
      ts[g % cap] = this.tsB[g % this.tsB.length];
      hs[g % cap] = this.hsB[g % this.hsB.length];
    }
    this.tsB = ts;
    this.hsB = hs;
  }

  /** the global index of the one sample in [from, to) with hash h; -1 when none or several */
  private onlyEarlier(h: number, from: number, to: number): number {
    const hs = this.hsB;
    const cap = hs.length;
    let found = -1;
    for (let g = from; g < to; g++) {
      if (hs[g % cap] !== h) continue;
      if (found >= 0) return -1;
      found = g;
    }
    return found;
  }

  private expire(before: number, keep: number): void {
    while (this.size > 0) {
      if (this.tsAt(this.count - this.size) >= before && this.size <= keep) break;
      this.size--;
    }
  }

  /**
   * The sample history is not persisted: at 10,000 devices it is over 100 MB of JSON, and
   * writing it would stall the gateway. After a restart the window fills again; an open replay
   * condition (`active`) is kept, so nothing re-fires.
   */
  save() {
    if (!this.active) return undefined; // the history is rebuilt anyway
    return { lm: this.lastMatch, lt: this.lastTs, a: this.active };
  }

  load(s: any): void {
    this.tsB = new Int32Array(0);
    this.hsB = new Int32Array(0);
    this.base = 0;
    this.count = 0;
    this.size = 0;
    this.k = 0;
    this.inf = 0;
    this.lastMatch = s.lm ?? -Infinity;
    this.lastTs = s.lt ?? -Infinity;
    this.active = !!s.a;
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const table = new StateTable<ReplaySink>();
  const { def, host, info } = ctx;
  return {
    info,
    bindSample(slot: DeviceSlot) {
      const d = slot.dev;
      if (!matches(def, d.kind)) return undefined;
      const p = ctx.params(slot.subject);
      if (!p) return undefined;
      const em = new Emitter(host, info, def, slot.subject);
      return table.get(em.key, () => new ReplaySink(em, p));
    },
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const replay: KindModule<P> = { kind: 'replay', schema, create };
