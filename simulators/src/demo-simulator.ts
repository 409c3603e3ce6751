// A small field simulator for `hazardline demo`: every configured device publishes
// plausible values over MQTT JSON (CONTRACT §3.1–3.3), through the broker, exactly as
// field hardware does. The full device models and scenarios come with the simulators issue.
import mqtt, { type MqttClient } from 'mqtt';
import type { Config } from '../../gateway/src/config/schema.ts';
import { rng } from './models/rng.ts';

export interface DemoSimulatorOptions {
  brokerUrl: string;
  config: Config;
  intervalMs?: number;
  seed?: number;
}

export class DemoSimulator {
  private clients: MqttClient[] = [];
  private timer?: NodeJS.Timeout;
  private readonly rand: () => number;
  private counters = new Map<string, number>();

  constructor(private readonly o: DemoSimulatorOptions) {
    this.rand = rng(o.seed ?? 42);
  }

  async start(): Promise<void> {
    const { config } = this.o;
    for (const cred of config.auth.devices) {
      const client = await mqtt.connectAsync(this.o.brokerUrl, { username: cred.username, password: cred.password, clientId: `sim-${cred.username}`, reconnectPeriod: 1000 });
      this.clients.push(client);
      const site = config.enterprises.find((e) => e.id === cred.enterprise)?.sites.find((s) => s.id === cred.site);
      const devices = (site?.devices ?? []).filter((d) => !cred.device || d.id === cred.device);
      const tick = () => {
        const ts = Date.now();
        for (const d of devices) {
          const prefix = `hl/v1/${cred.enterprise}/${cred.site}/${d.id}`;
          if (d.kind === 'positioning') {
            const zones = site!.zones.map((z) => z.id);
            const tags = Array.from({ length: 6 }, (_, i) => ({ tag: `P${String(i + 1).padStart(4, '0')}`, zone: zones[Math.floor(this.rand() * zones.length)] ?? null }));
            client.publish(`${prefix}/position`, JSON.stringify({ ts, tags }), { qos: 1 });
          } else {
            client.publish(`${prefix}/telemetry`, JSON.stringify({ ts, values: this.values(`${cred.enterprise}/${d.id}`, d.kind) }), { qos: 1 });
          }
        }
      };
      tick();
      this.timer = setInterval(tick, this.o.intervalMs ?? 5000);
      this.timers.push(this.timer);
    }
  }

  private timers: NodeJS.Timeout[] = [];

  private values(key: string, kind: string): Record<string, number> {
    const r = () => this.rand() - 0.5;
    const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
    switch (kind) {
      case 'gas':
        return { lel: round(3 + r()), co: round(4 + r() * 2), h2s: round(0.5 + r() * 0.4), o2: round(20.9 + r() * 0.1) };
      case 'slope': {
        const disp = (this.counters.get(key) ?? 12) + 0.01 + r() * 0.004;
        this.counters.set(key, disp);
        return { disp: round(disp, 3) };
      }
      case 'belt': {
        const tph = round(110 + r() * 20, 1);
        const total = (this.counters.get(key) ?? 0) + (tph * (this.o.intervalMs ?? 5000)) / 3_600_000;
        this.counters.set(key, total);
        return { running: 1, tph, total_t: round(total, 3) };
      }
      case 'power': {
        const kw = round(780 + r() * 60, 1);
        const kwh = (this.counters.get(key) ?? 0) + (kw * (this.o.intervalMs ?? 5000)) / 3_600_000;
        this.counters.set(key, kwh);
        return { kw, kwh: round(kwh, 3) };
      }
      default:
        return { value: round(50 + r() * 10) };
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.clients.map((c) => c.endAsync().catch(() => undefined)));
    this.clients = [];
  }
}
