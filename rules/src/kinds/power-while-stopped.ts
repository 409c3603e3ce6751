// kind `power-while-stopped` (DOMAIN.md §6, 明停暗开 [D]): the enterprise is declared stopped or
// rectifying but its main meter's kw is above idle + 30 % × (production − idle) for 30 min →
// orange; above 60 % for 30 min, or night peaks (22:00–06:00 load > 2 × the daytime mean of the
// same stopped period, for 30 min) → red. Subject = the enterprise (one condition per meter).
import { z } from 'zod';
import { Armed, Emitter, fmt, StateTable } from '../emitter.ts';
import { Gate } from '../gate.ts';
import type { DeviceSlot, Host, KindContext, KindModule, ReadingSink, RuleRuntime } from '../kind.ts';
import { matches } from '../kind.ts';
import { statusList } from '../schema-common.ts';
import type { Severity } from '../types.ts';

const schema = z.strictObject({
  statuses: statusList.default(['stopped', 'rectifying']),
  orangeLevel: z.number().min(0).max(1).default(0.3),
  redLevel: z.number().min(0).max(1).default(0.6),
  sustainMinutes: z.number().min(0).default(30),
  nightStartHour: z.number().min(0).max(24).default(22),
  nightEndHour: z.number().min(0).max(24).default(6),
  nightFactor: z.number().positive().default(2),
  /** daytime samples of the stopped period needed before its mean is trusted */
  minDaySamples: z.number().int().min(1).default(30),
  offDelayMinutes: z.number().min(0).default(30),
});
type P = z.infer<typeof schema>;

class Meter {
  readonly gate = new Gate();
  oSince = NaN;
  rSince = NaN;
  nSince = NaN;
  daySum = 0;
  dayN = 0;
  lastKw = NaN;
  lastTs = -Infinity;
  peak = 0;
  constructor(readonly enterprise: string, private readonly host: Host, private readonly em: Emitter, private readonly p: P) {}

  step(kw: number, ts: number, fresh: boolean): void {
    const pw = this.host.env.assets.enterprises.get(this.enterprise)?.power;
    if (!pw || pw.productionKw <= pw.idleKw) return;
    const p = this.p;
    const status = this.host.statusAt(this.enterprise, ts);
    let target: Severity | null = null;
    let at = ts;
    const f = (kw - pw.idleKw) / (pw.productionKw - pw.idleKw);
    if (!p.statuses.includes(status)) {
      this.oSince = this.rSince = this.nSince = NaN;
      this.daySum = this.dayN = 0;
    } else {
      const h = this.host.cal.localHour(ts);
      const night = p.nightStartHour > p.nightEndHour ? h >= p.nightStartHour || h < p.nightEndHour : h >= p.nightStartHour && h < p.nightEndHour;
      if (!night && fresh) {
        this.daySum += kw;
        this.dayN++;
      }
      const sus = p.sustainMinutes * 60_000;
      this.oSince = f > p.orangeLevel ? (this.oSince === this.oSince ? this.oSince : ts) : NaN;
      this.rSince = f > p.redLevel ? (this.rSince === this.rSince ? this.rSince : ts) : NaN;
      const mean = this.dayN >= p.minDaySamples ? this.daySum / this.dayN : NaN;
      this.nSince = night && kw > p.nightFactor * mean ? (this.nSince === this.nSince ? this.nSince : ts) : NaN;
      // red on either ground (DOMAIN.md §6: above 60 % for 30 min, or night peaks); NaN = not holding
      const red = minDefined(this.rSince + sus, this.nSince + sus);
      const orange = this.oSince + sus;
      if (red <= ts) [target, at] = ['red', red];
      else if (orange <= ts) [target, at] = ['orange', orange];
    }
    const g = this.gate;
    const was = g.sev;
    if (g.update(target, ts, 0, p.offDelayMinutes * 60_000)) {
      if (g.sev === null) this.em.clear('orange', g.changedAt, this.em.cleared({ zh: `${fmt(kw)} kW`, en: `${fmt(kw)} kW` }), kw);
      else {
        this.peak = kw;
        const t = this.em.info.title;
        const pct = Math.round(f * 100);
        const why = this.nSince === this.nSince && !(this.rSince + p.sustainMinutes * 60_000 <= ts) && g.sev === 'red' ? { zh: '夜间用电高峰', en: 'night peak' } : { zh: `负荷达生产增量的 ${pct}%`, en: `load at ${pct} % of production increment` };
        this.em.raise(g.sev, was === null ? Math.min(at, ts) : ts, { zh: `${t.zh}：申报${status === 'stopped' ? '停产' : '停产整顿'}，主电表 ${fmt(kw)} kW（${why.zh}）`, en: `${t.en}: declared ${status}, main meter ${fmt(kw)} kW (${why.en})` }, kw, pw.idleKw + (g.sev === 'red' ? p.redLevel : p.orangeLevel) * (pw.productionKw - pw.idleKw), { status, level: f });
      }
    } else if (g.sev !== null && kw > this.peak * 1.05) {
      this.peak = kw;
    }
  }

  advance(clock: number): boolean {
    if (clock > this.lastTs && this.lastKw === this.lastKw) this.step(this.lastKw, clock, false);
    return this.gate.sev !== null || this.gate.pending || this.oSince === this.oSince || this.rSince === this.rSince || this.nSince === this.nSince;
  }

  save() {
    return [this.gate.save(), this.oSince, this.rSince, this.nSince, this.daySum, this.dayN, this.lastKw, this.lastTs, this.peak];
  }
  load(s: any) {
    const n = (x: unknown, d: number) => (typeof x === 'number' ? x : d);
    this.gate.load(s[0]);
    [this.oSince, this.rSince, this.nSince] = [n(s[1], NaN), n(s[2], NaN), n(s[3], NaN)];
    [this.daySum, this.dayN, this.lastKw, this.lastTs, this.peak] = [n(s[4], 0), n(s[5], 0), n(s[6], NaN), n(s[7], -Infinity), n(s[8], 0)];
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const { def, host, info } = ctx;
  const table = new StateTable<Meter>();
  const armed = new Armed<Meter>();
  return {
    info,
    bindReading(slot: DeviceSlot, metric: string): ReadingSink | undefined {
      const d = slot.dev;
      if (!matches(def, d.kind, metric, ['kw'])) return undefined;
      const p = ctx.params({ enterprise: d.enterprise, site: d.site, device: d.id });
      if (!p) return undefined;
      const em = new Emitter(host, info, def, { enterprise: d.enterprise }, undefined, `${d.site}/${d.id}`).evidenceFrom([{ site: d.site, device: d.id, metric, threshold: true }]);
      const m = table.get(em.key, () => new Meter(d.enterprise, host, em, p));
      return {
        push(v, ts, late) {
          if (late || ts < m.lastTs) return;
          m.lastKw = v;
          m.lastTs = ts;
          m.step(v, ts, true);
          armed.add(m);
        },
      };
    },
    tick: (clockOf) => armed.tick(clockOf),
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const powerWhileStopped: KindModule<P> = { kind: 'power-while-stopped', schema, create };

/** the smaller of two times, ignoring NaN ("not holding"); NaN when neither holds */
function minDefined(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  return Math.min(a, b);
}
