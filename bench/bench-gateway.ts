// The gateway process the alarm and stall benches drive: one enterprise `bench` with one site of
// the given devices, an enterprise-wide device login (`bench-eon`), a dispatcher token
// (`bench-dispatcher`), and mqtt.js publishers logged in as the device gateway.
import mqtt, { type MqttClient } from 'mqtt';
import { spawnGateway, type ChildGateway } from '../test/helpers/child-gateway.ts';
import { writeConfigFile } from '../test/helpers/gateway.ts';

export async function startBenchGateway(dir: string, raw: Record<string, any>, devices: Record<string, unknown>[]): Promise<{ gw: ChildGateway; port: number; url: string }> {
  raw.enterprises = [{ id: 'bench', sites: [{ id: 's1', devices }] }];
  // the test config's scoped tokens name its enterprises, which the bench replaces: check-config refuses them
  raw.auth.tokens = raw.auth.tokens.filter((t: { enterprises?: string[] }) => !t.enterprises);
  raw.auth.devices = [{ username: 'bench-eon', password: 'bench', enterprise: 'bench', site: 's1' }];
  raw.auth.tokens.push({ token: 'bench-dispatcher', role: 'dispatcher', enterprises: ['bench'] });
  const port = raw.gateway.http.port;
  const gw = await spawnGateway(writeConfigFile(dir, raw), port, { LOG_LEVEL: 'warn' });
  return { gw, port, url: `mqtt://127.0.0.1:${raw.mqtt.embedded.port}` };
}

export function connectPublishers(url: string, n: number): Promise<MqttClient[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => mqtt.connectAsync(url, { username: 'bench-eon', password: 'bench', clientId: `bench-${i}-${Date.now()}`, reconnectPeriod: 0 })));
}
