// The names behind the ids (issue 14: a control room reads 示例矿业 / 一号井 / 301采场, not
// ent-a / s1 / z-stope-301): loaded once from GET /api/v1/assets, with the device kind in words
// where a device has no name of its own. An id the model does not know is shown as it is.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.ts';
import type { Lang } from './i18n.ts';

interface AssetTree {
  enterprises: { id: string; name: string | null; declaredStatus: string; sites: { id: string; name: string | null; zones: { id: string; name: string | null }[]; devices: { id: string; name: string | null; kind: string; zone: string | null }[] }[] }[];
}

const KIND: Record<string, { zh: string; en: string }> = {
  gas: { zh: '气体探头', en: 'gas detector' },
  slope: { zh: '边坡监测', en: 'slope monitor' },
  belt: { zh: '皮带', en: 'belt' },
  power: { zh: '电表', en: 'power meter' },
  positioning: { zh: '人员定位', en: 'positioning' },
  camera: { zh: '摄像机', en: 'camera' },
  seal: { zh: '电子封条', en: 'electronic seal' },
};

export interface Names {
  tree: AssetTree['enterprises'];
  enterprise(id: string): string;
  site(e: string, s: string | null | undefined): string;
  zone(e: string, s: string | null | undefined, z: string | null | undefined): string;
  device(e: string, s: string | null | undefined, d: string | null | undefined, lang: Lang): string;
  /** enterprise / site / zone / device, the parts that are set */
  place(p: { enterprise: string; site?: string | null; zone?: string | null; device?: string | null }, lang: Lang, withEnterprise?: boolean): string;
}

export function namesOf(tree: AssetTree['enterprises']): Names {
  const ent = new Map(tree.map((e) => [e.id, e]));
  const siteOf = (e: string, s: string | null | undefined) => (s ? ent.get(e)?.sites.find((x) => x.id === s) : undefined);
  const n: Names = {
    tree,
    enterprise: (id) => ent.get(id)?.name ?? id,
    site: (e, s) => (s ? siteOf(e, s)?.name ?? s : ''),
    zone: (e, s, z) => {
      if (!z) return '';
      const sites = s ? [siteOf(e, s)] : ent.get(e)?.sites ?? [];
      for (const x of sites) {
        const f = x?.zones.find((y) => y.id === z);
        if (f) return f.name ?? z;
      }
      return z;
    },
    device: (e, s, d, lang) => {
      if (!d) return '';
      const sites = s ? [siteOf(e, s)] : ent.get(e)?.sites ?? [];
      for (const x of sites) {
        const f = x?.devices.find((y) => y.id === d);
        if (f) return f.name ?? `${KIND[f.kind]?.[lang] ?? f.kind} ${d}`;
      }
      return d;
    },
    place: (p, lang, withEnterprise = true) =>
      [withEnterprise ? n.enterprise(p.enterprise) : '', n.site(p.enterprise, p.site), n.zone(p.enterprise, p.site, p.zone), n.device(p.enterprise, p.site, p.device, lang)].filter(Boolean).join(' / '),
  };
  return n;
}

/** The names of the caller's scope; ids until they arrive. */
export function useNames(token: string): Names {
  const [names, setNames] = useState<Names>(() => namesOf([]));
  useEffect(() => {
    get<AssetTree>('/api/v1/assets', token).then((t) => setNames(namesOf(t.enterprises)), () => {});
  }, [token]);
  return names;
}

export interface Me {
  role: string;
  id: string;
  name: string;
  enterprises: string[];
  jurisdictions: string[];
}

/** Who this token is, to show the person acting. */
export function useMe(token: string): Me | null {
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    get<Me>('/api/v1/me', token).then(setMe, () => {});
  }, [token]);
  return me;
}
