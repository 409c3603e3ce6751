// kind `fake-offline` (DOMAIN.md §6, 虚假离线): the monitoring devices (gas, positioning) of an
// enterprise are offline — silent for `factor` × their interval or an explicit offline status —
// while its main meter shows production-level load (≥ `minLevel` of the production increment)
// → red after the on-delay. Data links must be on UPS (§6 [V2]): "grid on, data off" is
// suspicious. Subject = the enterprise (one condition per meter).
import { z } from 'zod';
import { Armed, Emitter, fmt, StateTable } from '../emitter.ts';
import { Gate } from '../gate.ts';
import type { DeviceSlot, Host, KindContext, KindModule, ReadingSink, RuleRuntime } from '../kind.ts';
import { matches } from '../kind.ts';
import { severity } from '../schema-common.ts';

const schema = z.strictObject({
  monitorKinds: z.array(z.string()).default(['gas', 'positioning']),
  factor: z.number().positive().default(5),
  minLevel: z.number().min(0).max(1).default(0.6),
  /** share of the monitoring devices that must be offline [D] */
  minOfflineShare: z.number().min(0).max(1).default(0.5),
  onDelayMinutes: z.number().min(0).default(10),
  offDelayMinutes: z.number().min(0).default(10),
  severity: severity.default('red'),
});
type P = z.infer<typeof schema>;

class Watch {
  readonly gate = new Gate();
  lastKw = NaN;
  lastTs = -Infinity;
  constructor(readonly enterprise: string, private readonly host: Host, private readonly em: Emitter, private readonly p: P) {}

  step(ts: number): void {
    const pw = this.host.env.assets.enterprises.get(this.enterprise)?.power;
    if (!pw || this.lastKw !== this.lastKw) return;
    const f = (this.lastKw - pw.idleKw) / Math.max(1e-9, pw.productionKw - pw.idleKw);
    const start = this.host.startOf(this.enterprise);
    let total = 0;
    const off: string[] = [];
    for (const s of this.host.devices(this.enterprise)) {
      if (!this.p.monitorKinds.includes(s.dev.kind)) continue;
      total++;
      const base = s.lastSeen > -Infinity ? s.lastSeen : start;
      if (s.statusOffline || ts - base >= this.p.factor * s.dev.intervalSeconds * 1000) off.push(s.dev.id);
    }
    const on = total > 0 && f >= this.p.minLevel && off.length / total >= this.p.minOfflineShare;
    const g = this.gate;
    if (g.update(on ? this.p.severity : null, ts, this.p.onDelayMinutes * 60_000 * this.host.delayAt(this.enterprise, ts), this.p.offDelayMinutes * 60_000)) {
      const t = this.em.info.title;
      if (g.sev === null) this.em.clear(this.p.severity, g.changedAt, this.em.cleared());
      else
        this.em.raise(g.sev, g.changedAt, { zh: `${t.zh}：监控设备 ${off.join('、')} 离线，主电表 ${fmt(this.lastKw)} kW（生产负荷 ${Math.round(f * 100)}%）`, en: `${t.en}: monitoring devices ${off.join(', ')} offline while the main meter shows ${fmt(this.lastKw)} kW (${Math.round(f * 100)} % production load)` }, this.lastKw, pw.idleKw + this.p.minLevel * (pw.productionKw - pw.idleKw), { offline: off, monitoring: total });
    }
  }

  advance(clock: number): boolean {
    if (clock > this.lastTs) this.step(clock);
    return true;
  }

  save() {
    return [this.gate.save(), this.lastKw, this.lastTs];
  }
  load(s: any) {
    this.gate.load(s[0]);
    this.lastKw = s[1] ?? NaN;
    this.lastTs = s[2] ?? -Infinity;
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const { def, host, info } = ctx;
  const table = new StateTable<Watch>();
  const armed = new Armed<Watch>();
  return {
    info,
    bindReading(slot: DeviceSlot, metric: string): ReadingSink | undefined {
      const d = slot.dev;
      if (!matches(def, d.kind, metric, ['kw'])) return undefined;
      const p = ctx.params({ enterprise: d.enterprise, site: d.site, device: d.id });
      if (!p) return undefined;
      const em = new Emitter(host, info, def, { enterprise: d.enterprise }, undefined, `${d.site}/${d.id}`).evidenceFrom([{ site: d.site, device: d.id, metric, threshold: true }]);
      const w = table.get(em.key, () => new Watch(d.enterprise, host, em, p));
      armed.add(w);
      return {
        push(v, ts, late) {
          if (late || ts < w.lastTs) return;
          w.lastKw = v;
          w.lastTs = ts;
          w.step(ts);
        },
      };
    },
    tick: (clockOf) => armed.tick(clockOf),
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const fakeOffline: KindModule<P> = { kind: 'fake-offline', schema, create };
