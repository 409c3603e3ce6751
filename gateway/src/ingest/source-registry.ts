// Builds the sources a config names (ARCHITECTURE.md "Source"), like store/registry.ts builds the
// sink: an external MQTT broker (mqtt.url) or the embedded one, and one OPC UA client per
// endpoint (node-opcua is heavy and noisy at import: loaded only when one is configured).
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AssetModel } from '../model/assets.ts';
import { DeviceAuth } from './device-auth.ts';
import { EmbeddedBrokerSource } from './embedded-broker-source.ts';
import { ExternalBrokerSource } from './external-broker-source.ts';
import type { Source } from './source.ts';
import type { BrokerPublish } from './sparkplug-host.ts';

export interface SourceDeps {
  assets: AssetModel;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  dataDir: string;
  /** central mode: the edges' connections, taken by the embedded broker */
  edges?: ConstructorParameters<typeof EmbeddedBrokerSource>[0]['edges'];
}

/** The MQTT source: the external broker when `mqtt.url` is set, else the embedded one. */
export function createMqttSource(config: Config, d: SourceDeps): Source & { publish: BrokerPublish } {
  const log = (id: string) => d.log.child({ component: 'mqtt', id });
  if (config.mqtt.url) {
    const m = config.mqtt;
    return new ExternalBrokerSource({ url: m.url!, clientId: m.clientId ?? `hazardline-${config.gateway.id}`, username: m.username, password: m.password, log: log('external'), clock: d.clock, sparkplugHostId: sparkplugHostId(config) });
  }
  const e = config.mqtt.embedded ?? { port: 1883, host: '0.0.0.0' };
  const auth = new DeviceAuth(config.auth.devices, config.auth.allowAnonymous, config.auth.anonymous);
  return new EmbeddedBrokerSource({ host: e.host, port: e.port, tls: e.tls, edges: d.edges, auth, metrics: d.metrics, log: log('embedded'), clock: d.clock, sparkplugHostId: sparkplugHostId(config) });
}

/** The Sparkplug host application id (`mqtt.sparkplugHostId`, default `hazardline-{gateway.id}`). */
export function sparkplugHostId(config: Config): string {
  return config.mqtt.sparkplugHostId ?? `hazardline-${config.gateway.id}`;
}

/** One source per `opcua` endpoint. */
export async function createOpcuaSources(config: Config, d: SourceDeps): Promise<Source[]> {
  if (config.opcua.length === 0) return [];
  const { OpcuaSource } = await import('./opcua-source.ts');
  return config.opcua.map((o) => {
    const enterprise = o.enterprise ?? config.enterprises.find((e) => e.sites.some((s) => s.id === o.site))!.id;
    const log = d.log.child({ component: 'opcua', id: o.endpoint });
    return new OpcuaSource({ config: o, enterprise, assets: d.assets, metrics: d.metrics, log, clock: d.clock, pkiDir: join(d.dataDir, 'pki') });
  });
}
