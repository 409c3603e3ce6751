// The asset model: enterprises → sites → zones → devices, built from config.
// Every later stage looks devices up here (ingest validation, rules, API scoping).
import type { Config, EnterpriseConfig } from '../config/schema.ts';
import type { DeviceKind } from './types.ts';

export type DeclaredStatus = 'producing' | 'stopped' | 'rectifying';

export interface ZoneInfo {
  id: string;
  name?: string;
  maxPersons?: number;
  highRisk: boolean;
  restricted: boolean;
}

export interface DeviceInfo {
  enterprise: string;
  site: string;
  id: string;
  /** shown in the consoles instead of the id when given */
  name?: string;
  kind: DeviceKind;
  zone?: string;
  intervalSeconds: number;
  /** true when the device was not in config but accepted by `mqtt.autoRegister` */
  autoRegistered: boolean;
}

export interface SiteInfo {
  enterprise: string;
  id: string;
  name?: string;
  zones: Map<string, ZoneInfo>;
  devices: Map<string, DeviceInfo>;
}

export interface EnterpriseInfo {
  id: string;
  name?: string;
  sector: EnterpriseConfig['sector'];
  jurisdiction: string;
  declaredStatus: DeclaredStatus;
  approvedCapacity: { tonnesPerDay?: number; tonnesPerMonth?: number };
  power?: { idleKw: number; productionKw: number };
  sites: Map<string, SiteInfo>;
}

export type Lookup =
  | { ok: true; device: DeviceInfo }
  | { ok: false; reason: 'unknown_enterprise' | 'unknown_site' | 'unknown_device' };

export class AssetModel {
  readonly enterprises = new Map<string, EnterpriseInfo>();
  private readonly byDeviceId = new Map<string, DeviceInfo[]>();

  constructor(enterprises: EnterpriseConfig[] = []) {
    for (const e of enterprises) {
      const ent: EnterpriseInfo = {
        id: e.id,
        name: e.name,
        sector: e.sector,
        jurisdiction: e.jurisdiction,
        declaredStatus: e.declaredStatus,
        approvedCapacity: { ...e.approvedCapacity },
        power: e.power ? { ...e.power } : undefined,
        sites: new Map(),
      };
      this.enterprises.set(e.id, ent);
      for (const s of e.sites) {
        const site: SiteInfo = { enterprise: e.id, id: s.id, name: s.name, zones: new Map(), devices: new Map() };
        ent.sites.set(s.id, site);
        for (const z of s.zones) site.zones.set(z.id, { ...z });
        for (const d of s.devices) {
          this.addDevice(site, { enterprise: e.id, site: s.id, id: d.id, name: d.name, kind: d.kind, zone: d.zone, intervalSeconds: d.intervalSeconds, autoRegistered: false });
        }
      }
    }
  }

  static fromConfig(config: Config): AssetModel {
    return new AssetModel(config.enterprises);
  }

  private addDevice(site: SiteInfo, d: DeviceInfo): DeviceInfo {
    site.devices.set(d.id, d);
    const list = this.byDeviceId.get(d.id) ?? [];
    list.push(d);
    this.byDeviceId.set(d.id, list);
    return d;
  }

  lookup(enterprise: string, site: string, device: string): Lookup {
    const e = this.enterprises.get(enterprise);
    if (!e) return { ok: false, reason: 'unknown_enterprise' };
    const s = e.sites.get(site);
    if (!s) return { ok: false, reason: 'unknown_site' };
    const d = s.devices.get(device);
    if (!d) return { ok: false, reason: 'unknown_device' };
    return { ok: true, device: d };
  }

  site(enterprise: string, site: string): SiteInfo | undefined {
    return this.enterprises.get(enterprise)?.sites.get(site);
  }

  /** Devices with this id in any enterprise (ids are unique per site only). */
  devicesById(id: string): DeviceInfo[] {
    return this.byDeviceId.get(id) ?? [];
  }

  /**
   * `mqtt.autoRegister: true`: an unknown device of a known-or-new enterprise and site is added as `generic`.
   * Returns the device, creating the enterprise and site when needed.
   */
  autoRegister(enterprise: string, site: string, device: string): DeviceInfo {
    let e = this.enterprises.get(enterprise);
    if (!e) {
      e = { id: enterprise, sector: 'industry-trade', jurisdiction: '', declaredStatus: 'producing', approvedCapacity: {}, sites: new Map() };
      this.enterprises.set(enterprise, e);
    }
    let s = e.sites.get(site);
    if (!s) {
      s = { enterprise, id: site, zones: new Map(), devices: new Map() };
      e.sites.set(site, s);
    }
    return s.devices.get(device) ?? this.addDevice(s, { enterprise, site, id: device, kind: 'generic', intervalSeconds: 30, autoRegistered: true });
  }

  setDeclaredStatus(enterprise: string, status: DeclaredStatus): boolean {
    const e = this.enterprises.get(enterprise);
    if (!e) return false;
    e.declaredStatus = status;
    return true;
  }

  deviceCount(): number {
    let n = 0;
    for (const list of this.byDeviceId.values()) n += list.length;
    return n;
  }
}
