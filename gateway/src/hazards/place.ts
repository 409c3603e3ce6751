// Where a hazard is (CONTRACT §8 `site`, `zone`, `device`): checked against the asset model, so a
// report names only places that exist in its enterprise (issue 12 item 15: `"device":"<script>"`
// used to be stored). Missing parts are filled in when the rest names them unambiguously: a device
// gives its site and zone, a zone (by its id or its name) its site.
import type { AssetModel, SiteInfo } from '../model/assets.ts';
import type { CreateHazardInput } from './types.ts';
import { WorkflowError } from './workflow.ts';

const bad = (field: string, message: string) => new WorkflowError(400, `${field}: ${message}`, { field });

type Place = Pick<CreateHazardInput, 'site' | 'zone' | 'device'>;

/** The place of a new hazard in `enterprise`, completed; a 400 naming the field when it is not in the asset model. */
export function checkPlace(assets: AssetModel, enterprise: string, p: Place): Place {
  const ent = assets.enterprises.get(enterprise);
  if (!ent) throw new WorkflowError(404, 'enterprise not found');
  const sites = [...ent.sites.values()];
  let site: SiteInfo | undefined;
  if (p.site != null) {
    site = ent.sites.get(p.site);
    if (!site) throw bad('site', `no site "${p.site}" in enterprise ${enterprise}`);
  }
  const out: Place = { site: p.site ?? null, zone: p.zone ?? null, device: p.device ?? null };
  if (p.device != null) {
    const candidates = (site ? [site] : sites).filter((s) => s.devices.has(p.device!));
    if (candidates.length === 0) throw bad('device', `no device "${p.device}" in ${site ? `site ${site.id}` : `enterprise ${enterprise}`}`);
    if (candidates.length > 1) throw bad('site', `device "${p.device}" exists in several sites; give site`);
    site = candidates[0];
    out.site = site.id;
    const dev = site.devices.get(p.device)!;
    if (out.zone == null && dev.zone) out.zone = dev.zone;
  }
  if (out.zone != null) {
    // by id, else by its name as people on site say it (the worker's page takes typed text: 301采场)
    const zone = out.zone;
    const scope = site ? [site] : sites;
    let found = scope.flatMap((s) => (s.zones.has(zone) ? [{ site: s, id: zone }] : []));
    if (found.length === 0) found = scope.flatMap((s) => [...s.zones.values()].filter((z) => z.name === zone.trim()).map((z) => ({ site: s, id: z.id })));
    if (found.length === 0) throw bad('zone', `no zone "${zone}" in ${site ? `site ${site.id}` : `enterprise ${enterprise}`} (give a zone's id or name, or leave it empty and say where in the description)`);
    if (found.length > 1) throw bad('site', `zone "${zone}" exists in several sites; give site`);
    out.site = found[0].site.id;
    out.zone = found[0].id;
  }
  return out;
}
