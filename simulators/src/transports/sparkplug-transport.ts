// Sparkplug B transport (CONTRACT §3.4): one edge node per site-level credential of
// `auth.devices` (no `device`), group = enterprise, edge_node = site, device = device id.
//
// Session: the MQTT Will is an NDEATH carrying the session's bdSeq (QoS 1, not retained), then
// NBIRTH (seq 0, bdSeq, 'Node Control/Rebirth'). A device's DBIRTH (names, aliases, datatype
// Double, current values) is published with its first sample and carries that sample's values,
// so no DDATA follows for it; later samples go as DDATA by alias only. A metric name never seen
// before triggers a fresh DBIRTH for that device with every known metric (the others carry their
// last value and its original metric timestamp). seq runs 0..255 over all node messages but
// NDEATH. After a dropped link mqtt.js reconnects: bdSeq is incremented (the Will is updated
// to match) and the node and its devices are reborn. An NCMD 'Node Control/Rebirth' = true from
// a host application (a gateway that lost the aliases) rebirths the node in the same session.
//
// Simulator choices, deviating from the spec where it says QoS 0 for BIRTH/DATA: everything
// is published at QoS 1, because send() must resolve only once the gateway has the message
// durably (the gateway acks QoS 1 after its WAL). Device events (sample.events) go as DDATA
// String metrics `Event/{type}` with the detail as JSON (the gateway's mapping, issue 17). Not
// expressible here and skipped: position samples (a tag list is not a flat numeric metric). stop() publishes DDEATH for
// every born device, then NDEATH explicitly (a clean disconnect does not fire the Will).
import mqtt, { type MqttClient } from 'mqtt';
import spPayload from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import type { DeviceCredential } from '../../../gateway/src/config/schema.ts';
import type { Sample } from '../models/model.ts';
import type { Transport } from './transport.ts';

const NS = 'spBv1.0';
const codec = spPayload.get(NS)!;
const encode = (p: UPayload): Buffer => Buffer.from(codec.encodePayload(p));

/** A device of an edge node: its id, and optionally the metric names known up front. */
export type SparkplugDeviceSpec = string | { id: string; metrics?: string[] };

interface DeviceState {
  aliases: Map<string, number>; // metric name → alias (1, 2, …; stable for the session)
  last: Map<string, { value: number | null; ts: number }>;
  born: boolean;
}

interface EdgeNode {
  cred: DeviceCredential;
  client: MqttClient;
  bdSeq: number;
  seq: number; // the seq of the next message
  devices: Map<string, DeviceState>;
}

function isRebirthRequest(payload: Buffer): boolean {
  try {
    return codec.decodePayload(payload).metrics?.some((m) => m.name === 'Node Control/Rebirth' && m.value === true) ?? false;
  } catch {
    return false; // not a Sparkplug payload: ignored, as an edge node must not crash on a bad command
  }
}

export class SparkplugTransport implements Transport {
  private readonly nodes = new Map<string, EdgeNode>();

  constructor(
    private readonly brokerUrl: string,
    private readonly credentials: DeviceCredential[],
    private readonly devicesOf: (cred: DeviceCredential) => SparkplugDeviceSpec[],
  ) {}

  async start(): Promise<void> {
    for (const cred of this.credentials) {
      if (cred.device) continue; // device-level credentials are for the JSON transport
      const devices = new Map<string, DeviceState>();
      for (const spec of this.devicesOf(cred)) {
        const { id, metrics = [] } = typeof spec === 'string' ? { id: spec } : spec;
        devices.set(id, { aliases: new Map(metrics.map((m, i) => [m, i + 1])), last: new Map(), born: false });
      }
      const bdSeq = 0;
      const client = await mqtt.connectAsync(this.brokerUrl, {
        username: cred.username,
        password: cred.password,
        clientId: `sim-spb-${cred.enterprise}-${cred.site}`,
        reconnectPeriod: 1000,
        will: this.will(cred, bdSeq),
      });
      const node: EdgeNode = { cred, client, bdSeq, seq: 0, devices };
      this.nodes.set(`${cred.enterprise}/${cred.site}`, node);
      // The Will of the session just lost carried the old bdSeq; the next session gets a new one.
      client.on('close', () => {
        node.bdSeq = (node.bdSeq + 1) % 256;
        client.options.will = this.will(cred, node.bdSeq);
      });
      // registered after connectAsync resolved: every 'connect' from here on is a reconnect
      client.on('connect', () => {
        if (!this.nodes.has(`${cred.enterprise}/${cred.site}`)) return;
        void this.rebirth(node).catch(() => undefined);
      });
      // host applications may ask for a rebirth (Sparkplug B 3.0: NCMD 'Node Control/Rebirth')
      client.on('message', (topic, payload) => {
        if (topic !== `${NS}/${cred.enterprise}/NCMD/${cred.site}`) return;
        if (!isRebirthRequest(payload)) return;
        void this.rebirth(node).catch(() => undefined);
      });
      await client.subscribeAsync(`${NS}/${cred.enterprise}/NCMD/${cred.site}`, { qos: 1 });
      await this.nbirth(node);
    }
  }

  async send(device: { enterprise: string; site: string; id: string; kind: string }, sample: Sample): Promise<void> {
    // Position samples (with `tags`) have no Sparkplug mapping here.
    if ('tags' in sample) return;
    const node = this.nodes.get(`${device.enterprise}/${device.site}`);
    if (!node) throw new Error(`no site-level (Sparkplug edge node) credential for ${device.enterprise}/${device.site} in auth.devices`);
    let dev = node.devices.get(device.id);
    if (!dev) node.devices.set(device.id, (dev = { aliases: new Map(), last: new Map(), born: false }));
    const bad = new Set(sample.bad ?? []);
    const values = new Map<string, number | null>(Object.entries(sample.values));
    for (const name of bad) values.set(name, null);
    // published in the order called, then awaited together: the runner does not wait for one
    // sample's PUBACK before it sends the next, so awaiting between them would put the events of a
    // sample on the wire after the readings of later samples
    const sends: Promise<void>[] = [];
    if (values.size > 0) {
      let grown = false;
      for (const name of values.keys()) {
        if (!dev.aliases.has(name)) {
          dev.aliases.set(name, dev.aliases.size + 1);
          grown = true;
        }
      }
      for (const [name, value] of values) dev.last.set(name, { value, ts: sample.ts });
      if (!dev.born || grown) sends.push(this.dbirth(node, device.id, dev, sample.ts));
      else sends.push(this.publish(node, 'DDATA', device.id, { timestamp: sample.ts, metrics: [...values].map(([name, value]) => ({ alias: dev.aliases.get(name)!, type: 'Double', value }) as UMetric) }));
    }
    // device events (issue 17): String metrics `Event/{type}` holding the detail as JSON, once the device is born
    if (sample.events?.length && dev.born) {
      sends.push(this.publish(node, 'DDATA', device.id, { timestamp: sample.ts, metrics: sample.events.map((e) => ({ name: `Event/${e.type}`, type: 'String', value: JSON.stringify(e.detail ?? {}) }) as UMetric) }));
    }
    await Promise.all(sends);
  }

  async stop(): Promise<void> {
    const nodes = [...this.nodes.values()];
    this.nodes.clear();
    await Promise.all(
      nodes.map(async (node) => {
        try {
          for (const [id, dev] of node.devices) {
            if (!dev.born) continue;
            dev.born = false;
            await this.publish(node, 'DDEATH', id, { timestamp: Date.now() });
          }
          const { topic, payload } = this.will(node.cred, node.bdSeq);
          await node.client.publishAsync(topic, payload, { qos: 1 });
        } catch {
          // link already down: the broker fires the Will instead
        }
        await node.client.endAsync().catch(() => undefined);
      }),
    );
  }

  private will(cred: DeviceCredential, bdSeq: number) {
    const payload = encode({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: bdSeq }] });
    return { topic: `${NS}/${cred.enterprise}/NDEATH/${cred.site}`, payload, qos: 1 as const, retain: false };
  }

  private async nbirth(node: EdgeNode): Promise<void> {
    node.seq = 0;
    const metrics: UMetric[] = [
      { name: 'bdSeq', type: 'UInt64', value: node.bdSeq },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
    ];
    await this.publish(node, 'NBIRTH', undefined, { timestamp: Date.now(), metrics });
  }

  /** After a reconnect: a new session (new bdSeq, already in the Will), so rebirth everything. */
  private async rebirth(node: EdgeNode): Promise<void> {
    for (const dev of node.devices.values()) dev.born = false;
    await this.nbirth(node);
    for (const [id, dev] of node.devices) if (dev.last.size > 0) await this.dbirth(node, id, dev, Date.now());
  }

  private async dbirth(node: EdgeNode, id: string, dev: DeviceState, ts: number): Promise<void> {
    const metrics: UMetric[] = [...dev.aliases].map(([name, alias]) => {
      const last = dev.last.get(name);
      // declared up front but never reported: no value yet, sent as is_null (bad quality)
      if (!last) return { name, alias, type: 'Double', value: null };
      return { name, alias, type: 'Double', value: last.value, ...(last.ts !== ts ? { timestamp: last.ts } : {}) };
    });
    dev.born = true;
    await this.publish(node, 'DBIRTH', id, { timestamp: ts, metrics });
  }

  private async publish(node: EdgeNode, type: string, device: string | undefined, p: UPayload): Promise<void> {
    const seq = node.seq;
    node.seq = (node.seq + 1) % 256;
    const topic = `${NS}/${node.cred.enterprise}/${type}/${node.cred.site}${device ? `/${device}` : ''}`;
    await node.client.publishAsync(topic, encode({ ...p, seq }), { qos: 1 });
  }
}
