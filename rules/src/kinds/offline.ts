// kind `offline`: `device.offline` when a device is silent for `factor` × its reporting interval
// (DOMAIN.md §2: 5 × 30 s = 150 s by default) or an explicit `status: offline` frame (MQTT Last
// Will, Sparkplug DEATH) is in force; clears when data returns. Silence is measured on the
// enterprise's event clock, so a replay at any speed behaves like live data; a device never
// heard counts from the enterprise's first frame.
import { z } from 'zod';
import { Emitter, fmt, StateTable } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, RuleRuntime } from '../kind.ts';
import { severity } from '../schema-common.ts';

const schema = z.strictObject({
  factor: z.number().positive().default(5),
  severity: severity.default('orange'),
});
type P = z.infer<typeof schema>;

class OfflineState {
  active = false;
  since = NaN;
  constructor(readonly em: Emitter | undefined, readonly p: P | undefined) {}
  save() {
    if (!this.active) return undefined; // online: the device slots' lastSeen is what counts
    return [this.active, this.since];
  }
  load(s: any) {
    this.active = !!s[0];
    this.since = s[1] ?? NaN;
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const { def, host, info } = ctx;
  const table = new StateTable<OfflineState>();
  const bySlot = new WeakMap<DeviceSlot, OfflineState>();
  const state = (slot: DeviceSlot): OfflineState => {
    let s = bySlot.get(slot);
    if (!s) {
      const d = slot.dev;
      const applies = !def.match.kinds || def.match.kinds.includes(d.kind);
      const p = applies ? ctx.params(slot.subject) : undefined;
      const em = p ? new Emitter(host, info, def, slot.subject) : undefined;
      s = em ? table.get(em.key, () => new OfflineState(em, p)) : new OfflineState(undefined, undefined);
      if (s.active) slot.offline = true;
      bySlot.set(slot, s);
    }
    return s;
  };
  const clear = (slot: DeviceSlot, s: OfflineState, ts: number) => {
    s.active = false;
    slot.offline = false;
    const gap = (ts - s.since) / 1000;
    s.em!.clear(s.p!.severity, ts, s.em!.cleared({ zh: `离线 ${fmt(gap, 0)} s`, en: `offline for ${fmt(gap, 0)} s` }));
  };
  // per enterprise, the (slot, state) pairs: rebuilt only when the device list grows
  const lists = new Map<string, { n: number; slots: DeviceSlot[]; states: OfflineState[] }>();
  const listOf = (ent: string) => {
    const all = host.devices(ent);
    let l = lists.get(ent);
    if (!l || l.n !== all.length) {
      const slots = all.filter((s) => state(s).em);
      lists.set(ent, (l = { n: all.length, slots, states: slots.map(state) }));
    }
    return l;
  };
  return {
    info,
    onSeen(slot, ts) {
      const s = state(slot);
      slot.statusOffline = false; // data is stronger evidence than a retained status
      if (s.active && s.em) clear(slot, s, ts);
    },
    tick(clockOf) {
      for (const ent of host.enterpriseIds()) {
        // the list (a state and emitter per device) is built at the first tick after the start,
        // before any data: built at the first frame, 10,000 devices' took 100 ms in the middle
        // of ingest (issue 19)
        const l = listOf(ent);
        const clock = clockOf(ent);
        if (!Number.isFinite(clock)) continue;
        const start = host.startOf(ent);
        for (let i = 0; i < l.slots.length; i++) {
          const slot = l.slots[i];
          const s = l.states[i];
          if (!s.em || !s.p) continue;
          const base = slot.lastSeen > -Infinity ? slot.lastSeen : start;
          if (base !== base) continue;
          const silentAt = base + s.p.factor * slot.dev.intervalSeconds * 1000;
          const explicit = slot.statusOffline;
          const off = explicit || clock >= silentAt;
          if (off && !s.active) {
            const at = explicit && Number.isFinite(slot.statusTs) ? Math.min(slot.statusTs, clock >= silentAt ? silentAt : Infinity) : Math.min(silentAt, clock);
            s.active = true;
            s.since = Math.max(at, base);
            slot.offline = true;
            const why = explicit && !(clock >= silentAt) ? { zh: '设备上报离线状态', en: 'device reported offline' } : { zh: `超过 ${fmt((silentAt - base) / 1000, 0)} s 无数据（${s.p.factor} × 上报周期 ${slot.dev.intervalSeconds} s）`, en: `no data for ${fmt((silentAt - base) / 1000, 0)} s (${s.p.factor} × interval ${slot.dev.intervalSeconds} s)` };
            s.em.raise(s.p.severity, s.since, { zh: `${info.title.zh}：${slot.dev.id} ${why.zh}`, en: `${info.title.en}: ${slot.dev.id} ${why.en}` }, undefined, s.p.factor * slot.dev.intervalSeconds, { lastSeen: Number.isFinite(slot.lastSeen) ? slot.lastSeen : null });
          } else if (!off && s.active) clear(slot, s, clock);
        }
      }
    },
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const offline: KindModule<P> = { kind: 'offline', schema, create };
