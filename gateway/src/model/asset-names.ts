// The names behind the ids, for what people read outside the consoles (issue 15: the bulletin,
// the ledger exports, the messages to persons): 示例矿业 / 一号井 / 301采场, the id where a thing
// has no name or is not in the model.
import type { AssetModel } from './assets.ts';

export interface AssetNames {
  enterprise(id: string): string;
  site(enterprise: string, site?: string | null): string;
  zone(enterprise: string, site?: string | null, zone?: string | null): string;
  device(enterprise: string, site?: string | null, device?: string | null): string;
  /** site, zone and device names, the parts that are set, space-separated */
  place(enterprise: string, site?: string | null, zone?: string | null, device?: string | null): string;
}

export function assetNames(assets: AssetModel): AssetNames {
  const siteOf = (e: string, s?: string | null) => (s ? assets.enterprises.get(e)?.sites.get(s) : undefined);
  const n: AssetNames = {
    enterprise: (id) => assets.enterprises.get(id)?.name ?? id,
    site: (e, s) => (s ? (siteOf(e, s)?.name ?? s) : ''),
    zone: (e, s, z) => (z ? (siteOf(e, s)?.zones.get(z)?.name ?? z) : ''),
    device: (e, s, d) => (d ? (siteOf(e, s)?.devices.get(d)?.name ?? d) : ''),
    place: (e, s, z, d) => [n.site(e, s), n.zone(e, s, z), n.device(e, s, d)].filter(Boolean).join(' '),
  };
  return n;
}
