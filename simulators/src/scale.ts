// Scale mode (`hazardline simulate --devices N --rate R`): N simulated gas detectors reporting
// in real time at R messages per second in all, for load tests and `npm run bench`. The
// devices are spread over `connections` sites, one site-level credential (one MQTT connection)
// each, as a site's data concentrator would publish; their first reports are staggered over one
// interval so the load is even. `scaleGatewayConfig` is the gateway side: the enterprises and
// credentials to put in the gateway's config (`--print-config`).
import { parseConfig } from '../../gateway/src/config/load.ts';
import { buildFleet } from './fleet.ts';
import { Runner } from './runner.ts';
import { MqttJsonTransport } from './transports/mqtt-json-transport.ts';

export interface ScaleOptions {
  devices: number;
  /** messages per second over all devices; each device reports every devices / rate seconds */
  rate: number;
  /** MQTT connections = sites (default min(8, devices)) */
  connections?: number;
  enterprise?: string;
  password?: string;
}

export interface ScaleConfig {
  enterprises: { id: string; name: string; sites: { id: string; devices: { id: string; kind: 'gas'; intervalSeconds: number }[] }[] }[];
  auth: { devices: { username: string; password: string; enterprise: string; site: string }[] };
}

export const scaleDeviceId = (i: number): string => `d${String(i).padStart(5, '0')}`;

export function scaleGatewayConfig(o: ScaleOptions): ScaleConfig {
  if (!Number.isInteger(o.devices) || o.devices < 1) throw new RangeError('--devices: expected an integer >= 1');
  if (!(o.rate > 0)) throw new RangeError('--rate: expected messages per second > 0');
  const enterprise = o.enterprise ?? 'scale';
  const k = Math.max(1, Math.min(o.connections ?? 8, o.devices));
  const intervalSeconds = o.devices / o.rate;
  const sites = Array.from({ length: k }, (_, s) => ({ id: `s${String(s + 1).padStart(2, '0')}`, devices: [] as ScaleConfig['enterprises'][0]['sites'][0]['devices'] }));
  for (let i = 0; i < o.devices; i++) sites[i % k].devices.push({ id: scaleDeviceId(i), kind: 'gas', intervalSeconds });
  return {
    enterprises: [{ id: enterprise, name: '压测企业', sites }],
    auth: { devices: sites.map((s) => ({ username: `sim-${enterprise}-${s.id}`, password: o.password ?? 'sim', enterprise, site: s.id })) },
  };
}

export class ScaleSimulator {
  private runner?: Runner;
  private transport?: MqttJsonTransport;
  private running?: Promise<void>;

  constructor(private readonly o: ScaleOptions & { brokerUrl: string; durationMs?: number; seed?: number }) {}

  /** Connects every site and starts reporting now; resolves once connected. */
  async start(): Promise<void> {
    const config = parseConfig(scaleGatewayConfig(this.o));
    const from = Date.now();
    const fleet = buildFleet(config, { seed: this.o.seed, epochMs: from });
    const devicesOf = (cred: { enterprise: string; site: string }) => fleet.filter((d) => d.enterprise === cred.enterprise && d.site === cred.site).map((d) => d.model.id);
    this.transport = new MqttJsonTransport(this.o.brokerUrl, config.auth.devices, devicesOf);
    await this.transport.start();
    this.runner = new Runner(fleet, this.transport);
    this.running = this.runner.start({ from, to: this.o.durationMs === undefined ? undefined : from + this.o.durationMs, speed: 1, stagger: true });
  }

  get sent(): number {
    return this.runner?.sent ?? 0;
  }

  /** Resolves when a run with a duration has sent everything (rejects if a send failed). */
  finished(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
    await this.transport?.stop();
  }
}
