// MQTT JSON transport (CONTRACT §3.1–3.3): one connection per credential of `auth.devices`
// (a device's own, or its site's data concentrator), QoS 1, and a Last Will that marks the
// device (or, for a site-level publisher, its first device) offline if the link drops.
import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceCredential } from '../../../gateway/src/config/schema.ts';
import type { PositionSample } from '../models/positioning-model.ts';
import type { Sample } from '../models/model.ts';
import type { Transport } from './transport.ts';

export class MqttJsonTransport implements Transport {
  private readonly clients = new Map<string, MqttClient>();

  constructor(
    private readonly brokerUrl: string,
    private readonly credentials: DeviceCredential[],
    private readonly devicesOf: (cred: DeviceCredential) => string[],
  ) {}

  async start(): Promise<void> {
    try {
      for (const cred of this.credentials) await this.connect(cred);
    } catch (err) {
      await this.stop(); // no half-started transport keeps reconnecting in the background
      throw err;
    }
  }

  private async connect(cred: DeviceCredential): Promise<void> {
    const first = cred.device ?? this.devicesOf(cred)[0];
    const will = first ? { topic: `hl/v1/${cred.enterprise}/${cred.site}/${first}/status`, payload: Buffer.from('offline'), qos: 1 as const, retain: true } : undefined;
    // a random suffix: two simulators with one credential must not take each other's session
    const clientId = `sim-${cred.username}-${Math.random().toString(16).slice(2, 8)}`;
    const client = mqtt.connect(this.brokerUrl, { username: cred.username, password: cred.password, clientId, reconnectPeriod: 1000, connectTimeout: 10_000, will });
    this.clients.set(`${cred.enterprise}/${cred.site}/${cred.device ?? '*'}`, client);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no MQTT connection to ${this.brokerUrl} as ${cred.username} within 15 s`)), 15_000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      client.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`MQTT connection as ${cred.username} refused: ${err.message}`));
      });
    });
    for (const d of cred.device ? [cred.device] : this.devicesOf(cred)) {
      await client.publishAsync(`hl/v1/${cred.enterprise}/${cred.site}/${d}/status`, 'online', { qos: 1, retain: true });
    }
  }

  private client(enterprise: string, site: string, id: string): MqttClient {
    const c = this.clients.get(`${enterprise}/${site}/${id}`) ?? this.clients.get(`${enterprise}/${site}/*`);
    if (!c) throw new Error(`no MQTT credential for ${enterprise}/${site}/${id} in auth.devices`);
    return c;
  }

  async send(device: { enterprise: string; site: string; id: string; kind: string }, sample: Sample): Promise<void> {
    const c = this.client(device.enterprise, device.site, device.id);
    const prefix = `hl/v1/${device.enterprise}/${device.site}/${device.id}`;
    const sends: Promise<unknown>[] = [];
    if ('tags' in sample) {
      sends.push(c.publishAsync(`${prefix}/position`, JSON.stringify({ ts: sample.ts, tags: (sample as PositionSample).tags }), { qos: 1 }));
    } else if (Object.keys(sample.values).length > 0) {
      // bad-quality metrics are simply not sent over JSON (CONTRACT §3.1 has no quality field)
      sends.push(c.publishAsync(`${prefix}/telemetry`, JSON.stringify({ ts: sample.ts, values: sample.values }), { qos: 1 }));
    }
    for (const ev of sample.events ?? []) {
      sends.push(c.publishAsync(`${prefix}/event`, JSON.stringify({ ts: sample.ts, type: ev.type, detail: ev.detail ?? {} }), { qos: 1 }));
    }
    await Promise.all(sends);
  }

  /** Marks the devices offline (a clean disconnect does not fire the Will), then disconnects. */
  async stop(): Promise<void> {
    const offline: Promise<unknown>[] = [];
    for (const cred of this.credentials) {
      const c = this.clients.get(`${cred.enterprise}/${cred.site}/${cred.device ?? '*'}`);
      if (!c?.connected) continue;
      for (const d of cred.device ? [cred.device] : this.devicesOf(cred)) {
        offline.push(c.publishAsync(`hl/v1/${cred.enterprise}/${cred.site}/${d}/status`, 'offline', { qos: 1, retain: true }).catch(() => undefined));
      }
    }
    await Promise.race([Promise.all(offline), new Promise((r) => setTimeout(r, 2000).unref())]);
    await Promise.all([...this.clients.values()].map((c) => c.endAsync(!c.connected).catch(() => undefined)));
    this.clients.clear();
  }
}
