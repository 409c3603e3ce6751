// kind `unmonitored`: 无监控不作业 (issue 17, DOMAIN.md §10) — work goes on where nothing watches.
// A monitoring device (`monitorKinds`: cameras, the positioning system) that is offline — silent
// for `factor` × its reporting interval, or an explicit offline status — while
//  - its zone is occupied (positioning's head-count), or
//  - its enterprise is declared in `statuses` (producing),
// raises `severity` (orange; `highRiskSeverity`, red, when its zone is high-risk and occupied).
// It clears when the device reports again, or when nobody is in its zone and the enterprise no
// longer declares production. Subject = the monitoring device; evaluated on the enterprise's
// event clock, like `offline`.
import { z } from 'zod';
import { Emitter, StateTable } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, RuleRuntime } from '../kind.ts';
import { severity, statusList } from '../schema-common.ts';
import type { Severity } from '../types.ts';

const schema = z.strictObject({
  monitorKinds: z.array(z.string()).default(['camera']),
  factor: z.number().positive().default(5),
  statuses: statusList.default(['producing']),
  severity: severity.default('orange'),
  highRiskSeverity: severity.default('red'),
});
type P = z.infer<typeof schema>;

class Watch {
  active = false;
  sev: Severity = 'orange';
  constructor(readonly em: Emitter, readonly p: P) {}
  save() {
    return [this.active, this.sev];
  }
  load(s: any) {
    this.active = !!s[0];
    this.sev = s[1] ?? 'orange';
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const { def, host, info } = ctx;
  const table = new StateTable<Watch>();
  const bySlot = new WeakMap<DeviceSlot, Watch | null>();
  const watch = (slot: DeviceSlot): Watch | null => {
    let w = bySlot.get(slot);
    if (w !== undefined) return w;
    const d = slot.dev;
    const p = ctx.params(slot.subject);
    if (p && p.monitorKinds.includes(d.kind)) {
      const em = new Emitter(host, info, def, slot.subject);
      w = table.get(em.key, () => new Watch(em, p));
    } else w = null;
    bySlot.set(slot, w);
    return w;
  };
  return {
    info,
    onSeen(slot, ts) {
      const w = watch(slot);
      if (w?.active) {
        w.active = false;
        w.em.clear(w.sev, ts, w.em.cleared({ zh: `${slot.dev.id} 恢复上报`, en: `${slot.dev.id} reporting again` }));
      }
    },
    tick(clockOf) {
      for (const ent of host.enterpriseIds()) {
        const clock = clockOf(ent);
        if (!Number.isFinite(clock)) continue;
        const start = host.startOf(ent);
        for (const slot of host.devices(ent)) {
          const w = watch(slot);
          if (!w) continue;
          const d = slot.dev;
          const base = slot.lastSeen > -Infinity ? slot.lastSeen : start;
          if (base !== base) continue;
          const silentAt = base + w.p.factor * d.intervalSeconds * 1000;
          const off = slot.statusOffline || clock >= silentAt;
          const persons = d.zone ? host.occupancy(ent, d.site, d.zone) : 0;
          const status = host.statusAt(ent, clock);
          const working = persons > 0 || w.p.statuses.includes(status);
          const on = off && working;
          if (on && !w.active) {
            const high = persons > 0 && d.zone !== undefined && d.zone !== null && isHighRisk(host, ent, d.site, d.zone);
            w.active = true;
            w.sev = high ? w.p.highRiskSeverity : w.p.severity;
            const why = persons > 0 ? { zh: `区域内有 ${persons} 人作业`, en: `${persons} persons in its zone` } : { zh: `企业申报${status === 'producing' ? '生产' : status}`, en: `enterprise declared ${status}` };
            // a standing declaration of production: from when the device went dark (event time, not the tick's)
            const ts = persons === 0 && !slot.statusOffline ? Math.max(Math.min(clock, silentAt), start) : clock;
            w.em.raise(w.sev, ts, { zh: `${info.title.zh}：${d.name ?? d.id} 离线，${why.zh}`, en: `${info.title.en}: ${d.name ?? d.id} offline, ${why.en}` }, persons, undefined, { persons, status, lastSeen: Number.isFinite(slot.lastSeen) ? slot.lastSeen : null });
          } else if (!on && w.active) {
            w.active = false;
            w.em.clear(w.sev, clock, w.em.cleared(off ? { zh: '区域无人且未申报生产', en: 'nobody in the zone, not declared producing' } : undefined));
          }
        }
      }
    },
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

/** the zone is marked high-risk in the asset model */
function isHighRisk(host: KindContext<P>['host'], enterprise: string, site: string, zone: string): boolean {
  const z = host.env.assets.enterprises.get(enterprise)?.sites.get(site)?.zones.get(zone);
  return Boolean(z?.highRisk);
}

export const unmonitored: KindModule<P> = { kind: 'unmonitored', schema, create };
