// Every Source against the Source contract, on real servers: the embedded broker (aedes, a free
// port) fed by mqtt.js, the machine's Mosquitto as an external broker, and an OPC UA server
// (node-opcua) whose variable changes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { systemClock } from '../../gateway/src/clock.ts';
import { configSchema } from '../../gateway/src/config/schema.ts';
import { DeviceAuth } from '../../gateway/src/ingest/device-auth.ts';
import { EmbeddedBrokerSource } from '../../gateway/src/ingest/embedded-broker-source.ts';
import { ExternalBrokerSource } from '../../gateway/src/ingest/external-broker-source.ts';
import { OpcuaSource } from '../../gateway/src/ingest/opcua-source.ts';
import type { IngestInput } from '../../gateway/src/ingest/source.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Metrics } from '../../gateway/src/metrics/metrics.ts';
import { AssetModel } from '../../gateway/src/model/assets.ts';
import { sourceContract } from '../contracts/source-contract.ts';
import { TestOpcuaServer } from '../helpers/opcua-server.ts';
import { freePort } from '../helpers/ports.ts';

const log = createLogger({ level: 'silent' });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-sources-'));
const ent = `ent-src-${process.pid}`;
const topic = `hl/v1/${ent}/s1/gas-01/telemetry`;
const payload = () => JSON.stringify({ ts: Date.now(), values: { lel: 3 } });
const isFed = (i: IngestInput) => i.kind === 'mqtt' && i.topic === topic;

async function publish(url: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000 });
  try {
    await c.publishAsync(topic, payload(), { qos: 1 });
  } finally {
    await c.endAsync();
  }
}

sourceContract('EmbeddedBrokerSource', {
  async make() {
    const port = await freePort();
    const source = new EmbeddedBrokerSource({ host: '127.0.0.1', port, auth: new DeviceAuth([], true, undefined), metrics: new Metrics(), log, clock: systemClock });
    return { source, feed: () => publish(`mqtt://127.0.0.1:${port}`) };
  },
  fromFeed: isFed,
});

sourceContract("ExternalBrokerSource (the machine's Mosquitto)", {
  async make() {
    const source = new ExternalBrokerSource({ url: 'mqtt://127.0.0.1:1883', clientId: `hl-src-contract-${process.pid}-${Math.random().toString(36).slice(2)}`, log, clock: systemClock });
    return { source, feed: () => publish('mqtt://127.0.0.1:1883') };
  },
  fromFeed: isFed,
});

sourceContract('OpcuaSource (node-opcua server)', {
  async make() {
    const server = new TestOpcuaServer(await freePort(), [{ nodeId: 'ns=1;s=Gas01.LEL', site: 's1', device: 'gas-01', name: 'LEL', initial: 1 }], path.join(tmp, `pki-${Math.random().toString(36).slice(2)}`));
    await server.start();
    const config = configSchema.parse({
      enterprises: [{ id: 'ent-a', sites: [{ id: 's1', devices: [{ id: 'gas-01', kind: 'gas' }] }] }],
      opcua: [{ endpoint: server.endpoint, site: 's1', samplingIntervalMs: 100, nodes: [{ nodeId: 'ns=1;s=Gas01.LEL', device: 'gas-01', metric: 'lel' }] }],
    });
    const source = new OpcuaSource({ config: config.opcua[0], enterprise: 'ent-a', assets: new AssetModel(config.enterprises), metrics: new Metrics(), log, clock: systemClock, pkiDir: path.join(tmp, 'client-pki'), backoff: { initialDelayMs: 200, maxDelayMs: 1000 } });
    let v = 1;
    return { source, feed: async () => server.set('ns=1;s=Gas01.LEL', ++v), cleanup: () => server.stop() };
  },
  fromFeed: (i) => i.kind === 'frames' && i.frames.some((f) => f.type === 'readings' && f.readings.some((r) => r.metric === 'lel')),
});
