// kind `presence-duration` (DOMAIN.md §3, AQ 1119-2023 超时 [V]): a tag present in the zones of
// a site continuously for more than `hours` (default 10: an 8 h shift + 2 h grace [D]) →
// `personnel.overtime`, subject = the positioning device that reports the tag, one condition
// per tag; clears when the tag leaves (zone null or expired).
import { z } from 'zod';
import { Emitter, fmt, StateTable } from '../emitter.ts';
import type { KindContext, KindModule, RuleRuntime } from '../kind.ts';
import { severity } from '../schema-common.ts';

const schema = z.strictObject({
  hours: z.number().positive().default(10),
  severity: severity.default('orange'),
});
type P = z.infer<typeof schema>;

class TagState {
  active = false;
  since = NaN;
  constructor(readonly ent: string, readonly tag: string, readonly em: Emitter, readonly sev: P['severity']) {}
  save() {
    return [this.active, this.since];
  }
  load(s: any) {
    this.active = !!s[0];
    this.since = s[1] ?? NaN;
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const { def, host, info } = ctx;
  const table = new StateTable<TagState>();
  return {
    info,
    onPresence(ent, ts) {
      for (const t of host.tags(ent).values()) {
        if (t.since !== t.since) continue;
        const dev = host.env.assets.site(ent, t.site)?.devices.get(t.device);
        const p = ctx.params({ enterprise: ent, site: t.site, zone: t.zone ?? undefined, device: t.device });
        if (!p || ts - t.since <= p.hours * 3_600_000) continue;
        const em = new Emitter(host, info, def, { enterprise: ent, site: t.site, zone: dev?.zone, device: t.device }, undefined, t.tag);
        const st = table.get(em.key, () => new TagState(ent, t.tag, em, p.severity));
        if (st.active && st.since === t.since) continue;
        st.active = true;
        st.since = t.since;
        const h = (ts - t.since) / 3_600_000;
        em.raise(p.severity, Math.max(t.since + p.hours * 3_600_000, Math.min(ts, t.lastSeen)), { zh: `${info.title.zh}：${t.tag} 连续在岗 ${fmt(h)} 小时 > ${p.hours} 小时`, en: `${info.title.en}: ${t.tag} present for ${fmt(h)} h > ${p.hours} h` }, h, p.hours, { tag: t.tag, since: t.since, zone: t.zone });
      }
      const tags = host.tags(ent);
      for (const st of table.live.values()) {
        if (!st.active || st.ent !== ent) continue;
        const t = tags.get(st.tag);
        if (t && t.since === st.since) continue;
        st.active = false;
        st.em.clear(st.sev, ts, st.em.cleared({ zh: `${st.tag} 已离开`, en: `${st.tag} left` }));
      }
    },
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const overtime: KindModule<P> = { kind: 'presence-duration', schema, create };
