// The demo shows the product (issue 14): `hazardline demo` raises, within its first minutes and
// then every few minutes, a realistic incident from each family, scripted into the running device
// models on their event-time axis — exactly as a field fault would reach the gateway:
//   · a gas leak in 301采场 that peaks over the red line (DOMAIN.md §1) and clears,
//   · an overcrowded stope (12 people for a limit of 9, DOMAIN.md §3),
//   · a belt tear (MT 872 protection trip, DOMAIN.md §5),
//   · a secret run at the enterprise declared stopped (明停暗开, DOMAIN.md §6): its meter at
//     production load — flagged on the regulator's board at once, alarmed after 30 minutes — and
//     its electronic seal opened for it (DOMAIN.md §10, red at once),
//   · a worker without a hard hat in the stope's AI camera, twice in 30 s (one alarm counting both; its
//     snapshot is a picture the consoles serve, /demo/snapshot-helmet.svg).
// An enterprise declared stopped runs idle (applyDeclaredStatus) outside its secret runs.
import type { Config } from '../../gateway/src/config/schema.ts';
import type { FleetDevice } from './fleet.ts';
import type { BeltModel } from './models/belt-model.ts';
import type { CameraModel } from './models/camera-model.ts';
import type { SealModel } from './models/seal-model.ts';
import type { GasModel } from './models/gas-model.ts';
import type { PositioningModel } from './models/positioning-model.ts';
import type { PowerModel } from './models/power-model.ts';

export interface DemoIncidentOptions {
  /** first incident this long after the start (default 20 s) */
  firstAfterMs?: number;
  /** the next family's incident this long after the previous one (default 2 min: each family every 6 min) */
  everyMs?: number;
  /** how many rounds to script ahead (default 240: 24 h at the default spacing) */
  rounds?: number;
}

export interface ScriptedIncident {
  at: number;
  family: 'gas' | 'personnel' | 'belt' | 'power' | 'video' | 'seal';
  device: string;
  zh: string;
}

const MIN = 60_000;
const YEAR = 365 * 24 * 60 * MIN;

/**
 * Scripts the incidents into the fleet from `from` on, and returns what was scripted (first
 * round first). Devices missing from the config are skipped: the demo config has each kind.
 */
export function scriptDemoIncidents(config: Config, fleet: readonly FleetDevice[], from: number, o: DemoIncidentOptions = {}): ScriptedIncident[] {
  const first = from + (o.firstAfterMs ?? 20_000);
  const every = o.everyMs ?? 2 * MIN;
  const rounds = o.rounds ?? 240;
  const out: ScriptedIncident[] = [];
  const byKind = (kind: string, stopped: boolean) => fleet.filter((d) => d.kind === kind && isStopped(config, d.enterprise) === stopped);
  const gas = byKind('gas', false).find((d) => zoneOf(config, d) !== undefined) ?? byKind('gas', false)[0];
  const crowd = byKind('positioning', false)[0];
  const belt = byKind('belt', false)[0];
  const meters = fleet.filter((d) => d.kind === 'power' && isStopped(config, d.enterprise));
  const seals = fleet.filter((d) => d.kind === 'seal' && isStopped(config, d.enterprise));
  const camera = byKind('camera', false)[0];
  // the consoles serve the demo's snapshot themselves (img-src 'self'): the gateway's own origin
  const { host, port } = config.gateway.http;
  const snapshot = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}/demo/snapshot-helmet.svg`;

  const crowdZone = crowd ? config.enterprises.find((e) => e.id === crowd.enterprise)?.sites.find((s) => s.id === crowd.site)?.zones.find((z) => z.maxPersons !== undefined) : undefined;

  for (let r = 0; r < rounds; r++) {
    const base = first + r * 3 * every;
    if (gas) {
      (gas.model as GasModel).leak({ metric: 'lel', start: base, peak: 55, rampMs: 30_000, holdMs: MIN, decayMs: 3 * MIN });
      out.push({ at: base, family: 'gas', device: gas.model.id, zh: '可燃气体泄漏（峰值 55 %LEL，约 5 分钟后恢复）' });
    }
    if (crowd && crowdZone) {
      const at = base + every;
      (crowd.model as PositioningModel).crowd({ from: at, to: at + 4 * MIN, zone: crowdZone.id, persons: (crowdZone.maxPersons ?? 9) + 3 });
      out.push({ at, family: 'personnel', device: crowd.model.id, zh: `${crowdZone.name ?? crowdZone.id}超员（${(crowdZone.maxPersons ?? 9) + 3} 人，核定 ${crowdZone.maxPersons} 人）` });
    }
    if (belt) {
      const at = base + 2 * every;
      (belt.model as BeltModel).protection({ at, type: 'belt_tear', stopMs: 10 * MIN });
      out.push({ at, family: 'belt', device: belt.model.id, zh: '皮带纵向撕裂保护动作' });
    }
    if (camera) {
      const at = base + every / 2;
      (camera.model as CameraModel).violation({ at, type: 'helmet_missing', times: 2, everyMs: 30_000, detail: { snapshot, clip: null, score: 0.93 } });
      out.push({ at, family: 'video', device: camera.model.id, zh: 'AI视频识别：人员未戴安全帽（30 秒内 2 次）' });
    }
    // a secret run of 45 minutes every 2 hours at the enterprise declared stopped, its seal opened for it
    if (r % Math.max(1, Math.round((2 * 60 * MIN) / (3 * every))) === 0) {
      for (const m of meters) {
        (m.model as PowerModel).secretRun({ from: base, to: base + 45 * MIN, level: 1 });
        out.push({ at: base, family: 'power', device: m.model.id, zh: '申报停产企业主电表达到生产负荷（明停暗开）' });
      }
      for (const s of seals) {
        (s.model as SealModel).open({ at: base + MIN, to: base + 44 * MIN });
        out.push({ at: base + MIN, family: 'seal', device: s.model.id, zh: '申报停产企业电子封条被打开（明停暗开）' });
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** An enterprise declared stopped runs idle: meters at idle load, belts stopped, nobody underground (secret runs override). */
export function applyDeclaredStatus(config: Config, fleet: readonly FleetDevice[], from: number): void {
  for (const d of fleet.filter((x) => isStopped(config, x.enterprise))) {
    const span = { from, to: from + YEAR };
    if (d.kind === 'power') (d.model as PowerModel).stop(span);
    if (d.kind === 'belt') (d.model as BeltModel).stop(span);
    if (d.kind === 'positioning') (d.model as PositioningModel).stopped(span);
  }
}

function isStopped(config: Config, enterprise: string): boolean {
  const s = config.enterprises.find((e) => e.id === enterprise)?.declaredStatus;
  return s === 'stopped' || s === 'rectifying';
}

function zoneOf(config: Config, d: FleetDevice): string | undefined {
  return config.enterprises.find((e) => e.id === d.enterprise)?.sites.find((s) => s.id === d.site)?.devices.find((x) => x.id === d.model.id)?.zone;
}
