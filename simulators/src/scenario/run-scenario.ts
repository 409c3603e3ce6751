// Runs a scenario: the scenario's devices, scripted by its timeline, report on the scenario's
// simulated clock (event time from `start` to `start + duration`) over one transport: MQTT JSON
// (default) or Sparkplug B against a broker, or as an OPC UA server the gateway subscribes to.
import { parseConfig } from '../../../gateway/src/config/load.ts';
import type { Config } from '../../../gateway/src/config/schema.ts';
import { buildFleet, type FleetDevice } from '../fleet.ts';
import { GasModel } from '../models/gas-model.ts';
import { Runner } from '../runner.ts';
import { MqttJsonTransport } from '../transports/mqtt-json-transport.ts';
import { opcuaNodesFor, type OpcuaDevice } from '../transports/opcua-nodes.ts';
import type { OpcuaServerTransport } from '../transports/opcua-server-transport.ts';
import { SparkplugTransport } from '../transports/sparkplug-transport.ts';
import type { Transport } from '../transports/transport.ts';
import { applyTimeline, scenarioGatewayConfig, type Scenario } from './scenario.ts';

export const TRANSPORTS = ['mqtt-json', 'sparkplug', 'opcua'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export interface ScenarioRunOptions {
  /** broker of the MQTT transports (mqtt-json, sparkplug) */
  brokerUrl: string;
  /** simulated seconds per wall second; Infinity = as fast as the gateway acknowledges */
  speed: number;
  /** password of the scenario's site-level credentials (`sim-{enterprise}-{site}`) */
  password?: string;
  transport?: TransportName;
  /** OPC UA transport: the server's port (the gateway connects to opc.tcp://127.0.0.1:PORT) */
  opcuaPort?: number;
  /** OPC UA transport: keep serving the last values this long after the run (the gateway samples) */
  lingerMs?: number;
  /** OPC UA transport: how long to wait for the gateway to monitor every variable before the run (default 60 s) */
  subscriberTimeoutMs?: number;
  /** called once the transport is up (OPC UA: the server listens, before waiting for the gateway) */
  onListening?: (endpoint: string) => void;
}

/** The metrics a device model reports, declared up front for OPC UA variables and Sparkplug births. */
export function metricsOf(d: FleetDevice): string[] {
  switch (d.kind) {
    case 'gas':
      return [...(d.model as GasModel).metrics];
    case 'slope':
      return ['disp'];
    case 'belt':
      return ['running', 'tph', 'total_t'];
    case 'power':
      return ['kw', 'kwh'];
    case 'camera':
      return ['online', 'streams'];
    case 'seal':
      return ['closed'];
    default:
      return []; // positioning reports positions, not metrics
  }
}

/** device kinds whose models report events (CONTRACT §3.3): over OPC UA they get an `Event` variable */
const EVENT_KINDS = new Set(['belt', 'camera', 'seal']);

/** wall time between two updates of one OPC UA variable that the gateway's sampling (queue of 10 per item) always follows */
const OPCUA_MIN_UPDATE_MS = 200;

/**
 * The fastest speed at which the gateway still samples every value over OPC UA (the server
 * does not wait for acknowledgements): the scenario's own speed, capped so that the most
 * frequent device updates its variables at most every 200 ms of wall time.
 */
export function opcuaSpeed(s: Scenario): number {
  const intervals = s.enterprises.flatMap((e) => e.sites.flatMap((site) => site.devices.map((d) => d.intervalSeconds * 1000)));
  return Math.min(s.speed ?? Infinity, Math.min(...intervals) / OPCUA_MIN_UPDATE_MS);
}

function opcuaDevices(fleet: FleetDevice[]): OpcuaDevice[] {
  return fleet
    .map((d) => ({ enterprise: d.enterprise, site: d.site, id: d.model.id, kind: d.kind, metrics: metricsOf(d), events: EVENT_KINDS.has(d.kind) }))
    .filter((d) => d.metrics.length > 0 || d.events);
}

/**
 * The gateway configuration a scenario run needs (enterprises, credentials, and for OPC UA the
 * `opcua[]` endpoints with one node per device metric): `hazardline simulate --print-config`.
 */
export function scenarioRunConfig(s: Scenario, o: Pick<ScenarioRunOptions, 'password' | 'transport' | 'opcuaPort'> = {}): Record<string, unknown> {
  const base = scenarioGatewayConfig(s, o.password);
  if (o.transport !== 'opcua') return base;
  const fleet = buildFleet(parseConfig(base), { seed: s.seed, epochMs: s.startMs });
  applyTimeline(s, fleet); // a timeline may choose a detector's gases (metrics)
  const devices = opcuaDevices(fleet);
  const opcua = [...new Set(devices.map((d) => `${d.enterprise}/${d.site}`))].map((key) => {
    const [enterprise, site] = key.split('/');
    const nodes = opcuaNodesFor(devices.filter((d) => d.enterprise === enterprise && d.site === site));
    return { endpoint: `opc.tcp://127.0.0.1:${o.opcuaPort ?? 4840}`, enterprise, site, samplingIntervalMs: 0, nodes };
  });
  return { ...base, opcua };
}

async function transportFor(o: ScenarioRunOptions, config: Config, fleet: FleetDevice[]): Promise<Transport> {
  const devicesOf = (cred: { enterprise: string; site: string }) => fleet.filter((d) => d.enterprise === cred.enterprise && d.site === cred.site);
  switch (o.transport ?? 'mqtt-json') {
    case 'sparkplug':
      return new SparkplugTransport(o.brokerUrl, config.auth.devices, (cred) => devicesOf(cred).map((d) => ({ id: d.model.id, metrics: metricsOf(d) })));
    case 'opcua':
      if (o.opcuaPort === undefined) throw new RangeError('the OPC UA transport needs a port (--opcua-port)');
      {
        // node-opcua is loaded only when a scenario is served over OPC UA (it is large, and slow to load)
        const { OpcuaServerTransport } = await import('../transports/opcua-server-transport.ts');
        return new OpcuaServerTransport(opcuaDevices(fleet), { port: o.opcuaPort });
      }
    default:
      return new MqttJsonTransport(o.brokerUrl, config.auth.devices, (cred) => devicesOf(cred).map((d) => d.model.id));
  }
}

export async function runScenario(s: Scenario, o: ScenarioRunOptions): Promise<{ sent: number; wallMs: number }> {
  const config = parseConfig(scenarioGatewayConfig(s, o.password));
  const fleet = buildFleet(config, { seed: s.seed, epochMs: s.startMs });
  applyTimeline(s, fleet);
  const transport = await transportFor(o, config, fleet);
  const t0 = Date.now();
  await transport.start();
  if (o.transport === 'opcua') {
    const opc = transport as OpcuaServerTransport;
    o.onListening?.(opc.endpoint);
    try {
      await opc.waitForSubscribers(o.subscriberTimeoutMs ?? 60_000);
    } catch (err) {
      await opc.stop();
      throw err;
    }
  }
  const runner = new Runner(fleet, transport);
  try {
    await runner.start({ from: s.startMs, to: s.endMs, speed: o.speed });
    if (o.transport === 'opcua') await new Promise((r) => setTimeout(r, o.lingerMs ?? 2000));
  } finally {
    await transport.stop();
  }
  return { sent: runner.sent, wallMs: Date.now() - t0 };
}
