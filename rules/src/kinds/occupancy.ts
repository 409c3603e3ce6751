// kind `occupancy` (DOMAIN.md §3): zone head-counts from position frames, one `check` per rule:
//  - overcrowding: occupancy > zone.maxPersons → orange after the on-delay (60 s); still over
//    after `redAfterMinutes` (10), or ≥ `majorPersons` (10) in a highRisk zone → red (a major
//    hazard, Tai'an 2024 [S]); an enterprise declared `rectifying` caps every zone at 9 [S].
//  - stopped-site: anyone in a zone of an enterprise declared in `statuses` (default stopped,
//    §3 "any person in a zone of an enterprise declared stopped → red").
//  - restricted-zone: anyone in a zone flagged `restricted` (AQ 1119-2023 限制区域 [V]).
// Subject = the zone. Evaluated on every position snapshot and on tick (tag expiry, delays).
import { z } from 'zod';
import type { ZoneInfo } from '../../../gateway/src/model/assets.ts';
import { Gate } from '../gate.ts';
import { Emitter, StateTable } from '../emitter.ts';
import type { KindContext, KindModule, RuleRuntime } from '../kind.ts';
import { seconds, severity, statusList } from '../schema-common.ts';
import type { Severity } from '../types.ts';

const schema = z.strictObject({
  check: z.enum(['overcrowding', 'stopped-site', 'restricted-zone']),
  severity: severity.default('orange'),
  onDelaySeconds: seconds.default(60),
  offDelaySeconds: seconds.default(60),
  redAfterMinutes: z.number().min(0).default(10),
  majorPersons: z.number().int().min(1).default(10),
  rectifyingCap: z.number().int().min(1).default(9),
  statuses: statusList.default(['stopped']),
});
type P = z.infer<typeof schema>;

class ZoneState {
  readonly gate = new Gate();
  overSince = NaN;
  peak = 0;
  save() {
    return [this.gate.save(), this.overSince, this.peak];
  }
  load(s: any) {
    this.gate.load(s[0]);
    this.overSince = s[1] ?? NaN;
    this.peak = s[2] ?? 0;
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const { def, host, info } = ctx;
  const table = new StateTable<ZoneState>();
  const ems = new Map<string, Emitter>();

  function evalZone(ent: string, site: string, zone: ZoneInfo, ts: number): void {
    const p = ctx.params({ enterprise: ent, site, zone: zone.id });
    if (!p) return;
    const key = `${ent}/${site}/${zone.id}`;
    let em = ems.get(key);
    if (!em) ems.set(key, (em = new Emitter(host, info, def, { enterprise: ent, site, zone: zone.id })));
    const st = table.get(em.key, () => new ZoneState());
    const n = host.occupancy(ent, site, zone.id);
    const status = host.statusAt(ent, ts);
    const name = zone.name ?? zone.id;
    let target: Severity | null = null;
    let limit: number | undefined;
    let why = { zh: '', en: '' };
    if (p.check === 'overcrowding') {
      limit = zone.maxPersons;
      if (status === 'rectifying') limit = Math.min(limit ?? p.rectifyingCap, p.rectifyingCap);
      const over = limit !== undefined && n > limit;
      const major = zone.highRisk && n >= p.majorPersons;
      if (over || major) {
        if (st.overSince !== st.overSince) st.overSince = ts;
        target = major || ts - st.overSince >= p.redAfterMinutes * 60_000 ? 'red' : p.severity;
        why = major
          ? { zh: `${name} 人数 ${n} ≥ ${p.majorPersons}（高风险作业场所，重大隐患）`, en: `${name}: ${n} persons ≥ ${p.majorPersons} in a high-risk zone (major hazard)` }
          : { zh: `${name} 人数 ${n} > 定员 ${limit}${status === 'rectifying' ? '（停产整顿）' : ''}`, en: `${name}: ${n} persons > limit ${limit}${status === 'rectifying' ? ' (rectifying)' : ''}` };
      } else st.overSince = NaN;
    } else if (p.check === 'stopped-site') {
      if (n > 0 && p.statuses.includes(status)) {
        target = 'red';
        limit = 0;
        why = { zh: `企业申报${status === 'stopped' ? '停产' : '停产整顿'}，${name} 有 ${n} 人`, en: `enterprise declared ${status}, ${n} persons in ${name}` };
      }
    } else if (zone.restricted && n > 0) {
      target = p.severity;
      limit = 0;
      why = { zh: `${n} 人进入限制区域 ${name}`, en: `${n} persons in restricted zone ${name}` };
    }
    const g = st.gate;
    if (g.update(target, ts, p.onDelaySeconds * 1000 * host.delayAt(ent, ts), p.offDelaySeconds * 1000)) {
      if (g.sev === null) em.clear(p.severity, g.changedAt, em.cleared({ zh: `${name} 人数 ${n}`, en: `${name}: ${n} persons` }), n);
      else {
        st.peak = n;
        em.raise(g.sev, g.changedAt, { zh: `${info.title.zh}：${why.zh}`, en: `${info.title.en}: ${why.en}` }, n, limit, { persons: n, status });
      }
    } else if (g.sev !== null && target !== null && n > st.peak) {
      st.peak = n;
      em.raise(g.sev, ts, { zh: `${info.title.zh}：${why.zh}`, en: `${info.title.en}: ${why.en}` }, n, limit, { persons: n, status });
    }
  }

  function evalEnt(ent: string, ts: number): void {
    const e = host.env.assets.enterprises.get(ent);
    if (!e) return;
    for (const s of e.sites.values()) for (const z of s.zones.values()) evalZone(ent, s.id, z, ts);
  }

  return {
    info,
    onPresence: evalEnt,
    tick(clockOf) {
      for (const ent of host.enterpriseIds()) {
        const c = clockOf(ent);
        if (Number.isFinite(c)) evalEnt(ent, c);
      }
    },
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const occupancy: KindModule<P> = { kind: 'occupancy', schema, create };
