// Builds one device model per configured device (CONTRACT §2 device kinds), with parameters
// taken from the asset model where the config has them (approved capacity → belt rating,
// power baseline → meter levels, zones → positioning).
import type { Config, EnterpriseConfig } from '../../gateway/src/config/schema.ts';
import type { DeviceModel } from './models/model.ts';
import { GasModel } from './models/gas-model.ts';
import { SlopeModel } from './models/slope-model.ts';
import { BeltModel } from './models/belt-model.ts';
import { PowerModel } from './models/power-model.ts';
import { PositioningModel } from './models/positioning-model.ts';
import { seedOf } from './models/rng.ts';
import { CameraModel } from './models/camera-model.ts';
import { SealModel } from './models/seal-model.ts';

export interface FleetDevice {
  enterprise: string;
  site: string;
  kind: string;
  model: DeviceModel;
}

/** Hours of belt production per day in the default schedule (belt-model.ts DEFAULT_BELT_WINDOWS). */
const BELT_HOURS_PER_DAY = 18;

function beltRating(e: EnterpriseConfig, belts: number): number {
  // a belt that runs its schedule at the default load factor (0.85) carries about 80 % of the
  // approved daily tonnage between all belts of the enterprise: normal production, no alarm
  const perDay = e.approvedCapacity.tonnesPerDay ?? 2000;
  return Math.round((0.8 * perDay) / Math.max(1, belts) / BELT_HOURS_PER_DAY / 0.85);
}

export function buildFleet(config: Config, opts: { seed?: number; epochMs: number }): FleetDevice[] {
  const seed = opts.seed ?? 1;
  const fleet: FleetDevice[] = [];
  for (const e of config.enterprises) {
    const belts = e.sites.reduce((n, s) => n + s.devices.filter((d) => d.kind === 'belt').length, 0);
    for (const s of e.sites) {
      for (const d of s.devices) {
        const id = d.id;
        const intervalMs = Math.round(d.intervalSeconds * 1000);
        const common = { id, intervalMs, seed: seedOf(`${e.id}/${s.id}/${id}`, seed) };
        let model: DeviceModel | undefined;
        switch (d.kind) {
          case 'gas':
            model = new GasModel({ ...common, epochMs: opts.epochMs });
            break;
          case 'slope':
            model = new SlopeModel({ ...common, epochMs: opts.epochMs });
            break;
          case 'belt':
            model = new BeltModel({ ...common, ratedTph: beltRating(e, belts), origin: opts.epochMs });
            break;
          case 'power':
            model = new PowerModel({ ...common, idleKw: e.power?.idleKw, productionKw: e.power?.productionKw, origin: opts.epochMs });
            break;
          case 'positioning':
            model = new PositioningModel({
              ...common,
              zones: s.zones.map((z, i) => ({ id: z.id, entrance: i === s.zones.length - 1 && s.zones.length > 1, restricted: z.restricted })),
              people: Math.max(3, s.zones.reduce((n, z) => n + Math.min(z.maxPersons ?? 3, 3), 0)),
            });
            break;
          case 'camera':
            model = new CameraModel({ ...common });
            break;
          case 'seal':
            model = new SealModel({ ...common });
            break;
          default:
            model = undefined; // generic devices have no physics to simulate
        }
        if (model) fleet.push({ enterprise: e.id, site: s.id, kind: d.kind, model });
      }
    }
  }
  return fleet;
}
