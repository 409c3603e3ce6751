// CONTRACT §2 `rules.overrides`: `{ rule, enterprise?, site?, zone?, device?, enabled?, params? }`.
// The most specific matching entry wins — device > zone > site > enterprise > pack default —
// and params merge key by key in that order (a device entry changes only the keys it names).
import { z } from 'zod';
import type { AssetModel } from '../../gateway/src/model/assets.ts';
import type { KindModule, RuleDef, Scope } from './kind.ts';
import { zodProblems as issues } from '../../gateway/src/model/format-path.ts';

export const overrideSchema = z.strictObject({
  rule: z.string(),
  enterprise: z.string().optional(),
  site: z.string().optional(),
  zone: z.string().optional(),
  device: z.string().optional(),
  enabled: z.boolean().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type Override = z.infer<typeof overrideSchema>;

const specificity = (o: Override): number => (o.device ? 4 : o.zone ? 3 : o.site ? 2 : o.enterprise ? 1 : 0);

export function matches(o: Override, s: Scope): boolean {
  return (!o.enterprise || o.enterprise === s.enterprise) && (!o.site || o.site === s.site) && (!o.zone || o.zone === s.zone) && (!o.device || o.device === s.device);
}

/** Validates the overrides against the rules and the asset model; returns the parsed entries. */
export function checkOverrides(raw: unknown[], defs: Map<string, RuleDef>, kinds: Map<string, KindModule>, assets: AssetModel | undefined, problems: string[]): Override[] {
  const out: Override[] = [];
  raw.forEach((r, i) => {
    const at = `rules.overrides[${i}]`;
    const res = overrideSchema.safeParse(r);
    if (!res.success) {
      problems.push(...issues(`${at}.`, [], res.error));
      return;
    }
    const o = res.data;
    const def = defs.get(o.rule);
    if (!def) {
      problems.push(`${at}.rule: unknown rule "${o.rule}"`);
      return;
    }
    if (assets && !o.enterprise && (o.site || o.zone || o.device)) {
      // no enterprise named: the site, zone or device must exist in one of them (issue 18)
      const sites = [...assets.enterprises.values()].flatMap((e) => [...e.sites.values()]).filter((s) => !o.site || s.id === o.site);
      if (o.site && sites.length === 0) problems.push(`${at}.site: unknown site "${o.site}"`);
      else if (o.device && !sites.some((s) => s.devices.has(o.device!))) problems.push(`${at}.device: unknown device "${o.device}"`);
      else if (o.zone && !sites.some((s) => s.zones.has(o.zone!))) problems.push(`${at}.zone: unknown zone "${o.zone}"`);
    }
    if (assets && o.enterprise) {
      const e = assets.enterprises.get(o.enterprise);
      if (!e) problems.push(`${at}.enterprise: unknown enterprise "${o.enterprise}"`);
      else if (o.site && !e.sites.has(o.site)) problems.push(`${at}.site: unknown site "${o.site}"`);
      else if (o.device && ![...e.sites.values()].some((s) => (!o.site || s.id === o.site) && s.devices.has(o.device!))) problems.push(`${at}.device: unknown device "${o.device}"`);
      else if (o.zone && ![...e.sites.values()].some((s) => (!o.site || s.id === o.site) && s.zones.has(o.zone!))) problems.push(`${at}.zone: unknown zone "${o.zone}"`);
    }
    if (o.params) {
      const kind = kinds.get(def.kind);
      const res2 = kind?.schema.safeParse({ ...def.params, ...o.params });
      if (res2 && !res2.success) problems.push(...issues(`${at}.params.`, [], res2.error));
    }
    out.push(o);
  });
  return out;
}

/** Of one rule's overrides, those that apply to scope `s`, least specific first. */
export function applying(overrides: Override[], s: Scope): Override[] {
  return overrides.filter((o) => matches(o, s)).sort((a, b) => specificity(a) - specificity(b));
}

/** Merged raw params and enablement of a rule under these overrides, in their order (undefined: disabled). */
export function merge(def: RuleDef, list: Override[]): Record<string, unknown> | undefined {
  let enabled = def.enabled;
  const params = { ...def.params };
  for (const o of list) {
    if (o.enabled !== undefined) enabled = o.enabled;
    if (o.params) Object.assign(params, o.params);
  }
  return enabled ? params : undefined;
}
