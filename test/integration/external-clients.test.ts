// Clients and brokers this project did not write: mosquitto_pub (mosquitto-clients), Eclipse
// Tahu's sparkplug-client, and the machine's Mosquitto as an external broker (CONTRACT §3).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import sparkplugClient from 'sparkplug-client';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_TOKENS, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const run = promisify(execFile);
const MOSQUITTO = { host: '127.0.0.1', port: 1883 }; // the machine's Mosquitto (.ci/run checks it runs)
const stops: TestGateway[] = [];
afterAll(async () => {
  for (const t of stops) await t.stop();
});

async function points(t: TestGateway, device: string, metric: string, from = 0): Promise<number[][]> {
  const res = await t.gw.api.inject({ method: 'GET', url: `/api/v1/readings?device=${device}&metric=${metric}&from=${from}&to=${Date.now() + 3600_000}`, headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } });
  return res.json().points;
}

async function mosquittoPub(port: number, topic: string, message: string, auth: string[] = []) {
  await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-t', topic, '-m', message, ...auth]);
}

describe('clients and brokers the project did not write', () => {
  it('mosquitto_pub with device credentials into the embedded broker', async () => {
    const t = await startTestGateway();
    stops.push(t);
    const ts = 1_700_002_000_000;
    await mosquittoPub(t.gw.mqttPort, 'hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts, values: { h2s: 7.5 } }), ['-u', 'gas-01', '-P', 'pw-gas-01']);
    expect(await waitFor(async () => ((await points(t, 'gas-01', 'h2s')).length ? points(t, 'gas-01', 'h2s') : null))).toEqual([[ts, 7.5]]);
    await expect(mosquittoPub(t.gw.mqttPort, 'hl/v1/ent-a/s1/gas-01/telemetry', '{}', ['-u', 'gas-01', '-P', 'nope'])).rejects.toThrow();
  });

  it("Eclipse Tahu's sparkplug-client: NBIRTH/DBIRTH with aliases, DDATA, DDEATH → offline", async () => {
    const t = await startTestGateway();
    stops.push(t);
    const client = sparkplugClient.newClient({ serverUrl: t.mqttUrl, username: 's1-eon', password: 'pw-s1', groupId: 'ent-a', edgeNode: 's1', clientId: `tahu-${randomUUID()}`, version: 'spBv1.0', publishDeath: true });
    const ts = 1_700_003_000_000;
    await new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('birth', () => {
        client.publishNodeBirth({ timestamp: ts, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: false }] });
        client.publishDeviceBirth('gas-01', { timestamp: ts, metrics: [{ name: 'lel', alias: 1, type: 'Float', value: 2 }, { name: 'co', alias: 2, type: 'Double', value: 3 }] });
        client.publishDeviceData('gas-01', { timestamp: ts + 1000, metrics: [{ alias: 1, type: 'Float', value: 12.5 }, { alias: 2, type: 'Double', value: 4.25 }] });
        client.publishDeviceDeath('gas-01', { timestamp: ts + 2000 });
        resolve();
      });
    });
    // Tahu publishes at QoS 0: wait for the values rather than for acknowledgements
    const lel = await waitFor(async () => {
      const p = await points(t, 'gas-01', 'lel');
      return p.length === 2 ? p : null;
    });
    expect(lel).toEqual([[ts, 2], [ts + 1000, 12.5]]);
    expect(await points(t, 'gas-01', 'co')).toEqual([[ts, 3], [ts + 1000, 4.25]]);
    expect((await t.gw.metrics.sparkplugSeqGaps.get()).values.reduce((n, v) => n + v.value, 0)).toBe(0);
    const statuses: boolean[] = [];
    t.gw.wal.on('durable', (entries) => entries.forEach((e) => e.frame.type === 'status' && e.frame.device === 'gas-01' && statuses.push(e.frame.online)));
    client.publishDeviceDeath('gas-01', { timestamp: ts + 3000 });
    await waitFor(() => statuses.includes(false));
    client.stop();
  });

  it('subscribes to the machine Mosquitto as an external broker, on a persistent session', async () => {
    const ent = `ent-ext-${randomUUID().slice(0, 8)}`;
    const dataDir = tempDir();
    const over = {
      mqtt: { url: `mqtt://${MOSQUITTO.host}:${MOSQUITTO.port}`, clientId: `hl-test-${ent}` },
      auth: { tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }] },
      enterprises: [{ id: ent, sites: [{ id: 's1', devices: [{ id: 'gas-01', kind: 'gas' }] }] }],
    };
    let t = await startTestGateway(over, dataDir);
    await waitFor(() => t.gw.health().find((c) => c.name === 'mqtt-external')?.ok, 10_000, 'connected to mosquitto');
    const topic = `hl/v1/${ent}/s1/gas-01/telemetry`;
    const ts = 1_700_004_000_000;
    await waitFor(async () => {
      await mosquittoPub(MOSQUITTO.port, topic, JSON.stringify({ ts, values: { lel: 1 } }));
      return (await points(t, 'gas-01', 'lel')).length > 0;
    }, 10_000, 'subscription active');
    // gateway down: the broker keeps QoS 1 messages for the persistent session
    await t.stop({ keepData: true });
    for (let i = 1; i <= 5; i++) await mosquittoPub(MOSQUITTO.port, topic, JSON.stringify({ ts: ts + i * 1000, values: { lel: 1 + i } }));
    t = await startTestGateway(over, dataDir);
    stops.push(t);
    const got = await waitFor(async () => {
      const p = await points(t, 'gas-01', 'lel');
      return p.length === 6 ? p : null;
    }, 15_000, 'queued messages after restart');
    expect(got).toEqual(Array.from({ length: 6 }, (_, i) => [ts + i * 1000, 1 + i]));
    // leave no persistent session behind on the shared broker: it would queue every later message
    await t.stop();
    stops.splice(stops.indexOf(t), 1);
    await (await mqtt.connectAsync(`mqtt://${MOSQUITTO.host}:${MOSQUITTO.port}`, { clientId: `hl-test-${ent}`, clean: true, reconnectPeriod: 0 })).endAsync();
  });
});
