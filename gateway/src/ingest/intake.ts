// What every device frame goes through before the WAL, whichever way it came (a decoder in the
// ingest pipeline, an OPC UA source, an edge's uplink batch): the device resolved in the asset
// model (auto-registered where the config allows) and each reading placed as this gateway's
// asset model says (measurement = the device's kind, zone tag = its zone).
import { RejectError } from '../errors.ts';
import type { AssetModel, DeviceInfo } from '../model/assets.ts';
import type { Reading } from '../model/types.ts';

export class Intake {
  constructor(
    private readonly o: {
      assets: AssetModel;
      /** mqtt.autoRegister: unknown devices of known sites are added instead of refused */
      autoRegister: boolean;
    },
  ) {}

  /** The device, or a RejectError naming what is unknown (CONTRACT §3.5 unknown_enterprise / unknown_site / unknown_device). */
  device(enterprise: string, site: string, device: string): DeviceInfo {
    const found = this.o.assets.lookup(enterprise, site, device);
    if (found.ok) return found.device;
    if (this.o.autoRegister) return this.o.assets.autoRegister(enterprise, site, device);
    const what = found.reason === 'unknown_enterprise' ? `enterprise "${enterprise}"` : found.reason === 'unknown_site' ? `site "${enterprise}/${site}"` : `device "${enterprise}/${site}/${device}"`;
    throw new RejectError(found.reason, `${what} is not in the config`);
  }

  /** null when state may be kept for this enterprise / site (/ device), else why not (Sparkplug BIRTHs, issue 12 item 5) */
  knownPlace(enterprise: string, site: string, device?: string): RejectError | null {
    if (this.o.autoRegister) return null;
    const e = this.o.assets.enterprises.get(enterprise);
    if (!e) return new RejectError('unknown_enterprise', `enterprise "${enterprise}" is not in the config`);
    const s = e.sites.get(site);
    if (!s) return new RejectError('unknown_site', `site "${enterprise}/${site}" is not in the config`);
    if (device !== undefined && !s.devices.has(device)) return new RejectError('unknown_device', `device "${enterprise}/${site}/${device}" is not in the config`);
    return null;
  }

  /** The reading as stored here: measurement = the device's kind, zone tag = its zone (none when it has none). */
  place(r: Reading, d: DeviceInfo): void {
    r.kind = d.kind;
    if (d.zone) r.zone = d.zone;
    else if (r.zone !== undefined) delete r.zone;
  }
}
