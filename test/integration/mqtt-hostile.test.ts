// Issue 12 items 4–6 on a running gateway (embedded aedes, real mqtt.js clients): a client id is
// bound to the account that holds it; Sparkplug births for unconfigured devices keep nothing; a
// device's distinct metric names are capped. Each refusal is counted.
import mqtt, { type MqttClient } from 'mqtt';
import spPayload from 'sparkplug-payload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawTestConfig, startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const sp = spPayload.get('spBv1.0')!;
let t: TestGateway;
const clients: MqttClient[] = [];
const connect = async (username: string, password: string, clientId: string, clean = true) => {
  const c = await mqtt.connectAsync(t.mqttUrl, { username, password, clientId, clean, reconnectPeriod: 0 });
  clients.push(c);
  return c;
};
const counter = async (name: 'rejected' | 'mqttConnectRefused', reason: string) => ((await t.gw.metrics[name].get()).values.find((v) => v.labels.reason === reason)?.value ?? 0);

beforeAll(async () => {
  const raw = await rawTestConfig(tempDir());
  t = await startTestGateway({ mqtt: { ...raw.mqtt, maxMetricsPerDevice: 20 } });
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await t.stop();
});

describe('item 4: a client id belongs to the account that holds it', () => {
  it('a device of enterprise B using the client id of a device of enterprise A is refused; A keeps its session and its queued message', async () => {
    const a = await connect('gas-01', 'pw-gas-01', 'gas-01-cid', false);
    await a.subscribeAsync('spBv1.0/ent-a/DCMD/s1/gas-01', { qos: 1 });
    a.end(true);
    await waitFor(() => !a.connected);
    // a command queued for A's persistent session while it is away
    const site = await connect('s1-eon', 'pw-s1', 'site-cmd');
    await site.publishAsync('spBv1.0/ent-a/DCMD/s1/gas-01', 'open-valve', { qos: 1 });
    const before = await counter('mqttConnectRefused', 'client_id_taken');
    await expect(connect('b-eon', 'pw-b', 'gas-01-cid', false)).rejects.toThrow(/Identifier rejected/i);
    expect(await counter('mqttConnectRefused', 'client_id_taken')).toBe(before + 1);
    // A comes back to its session and gets what was queued for it
    const got: string[] = [];
    const back = mqtt.connect(t.mqttUrl, { username: 'gas-01', password: 'pw-gas-01', clientId: 'gas-01-cid', clean: false, reconnectPeriod: 0 });
    clients.push(back);
    back.on('message', (_topic, p) => got.push(String(p)));
    await waitFor(() => got.includes('open-valve'));
  });

  it('a connected device is not kicked off by another account; the same account may take its own session over', async () => {
    const a = await connect('gas-02', 'pw-gas-02', 'gas-02-cid');
    await expect(connect('b-eon', 'pw-b', 'gas-02-cid')).rejects.toThrow(/Identifier rejected/i);
    expect(a.connected).toBe(true);
    const again = await connect('gas-02', 'pw-gas-02', 'gas-02-cid');
    expect(again.connected).toBe(true);
    // after a clean session ends the id is free again
    again.end(true);
    await waitFor(async () => (await connect('b-eon', 'pw-b', 'gas-02-cid').then(() => true, () => false)));
  });
});

describe('item 5: Sparkplug births for devices not in the config keep nothing', () => {
  it('10,000 DBIRTHs of unknown devices are rejected unknown_device and the decoder holds no device', async () => {
    const eon = await connect('s1-eon', 'pw-s1', 'eon-s1');
    await eon.publishAsync('spBv1.0/ent-a/NBIRTH/s1', Buffer.from(sp.encodePayload({ timestamp: Date.now(), seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] })), { qos: 1 });
    const before = await counter('rejected', 'unknown_device');
    const metrics = Array.from({ length: 50 }, (_, i) => ({ name: `m${i}`, type: 'Float' as const, value: i, alias: i + 1 }));
    for (let i = 0; i < 10_000; i++) eon.publish(`spBv1.0/ent-a/DBIRTH/s1/ghost-${i}`, Buffer.from(sp.encodePayload({ timestamp: Date.now(), seq: (i + 1) % 256, metrics })), { qos: 0 });
    await waitFor(async () => (await counter('rejected', 'unknown_device')) >= before + 10_000, 120_000);
    expect(t.gw.ingest.sparkplug.deviceCount()).toBe(0);
    // a configured device is still born
    await eon.publishAsync('spBv1.0/ent-a/DBIRTH/s1/gas-02', Buffer.from(sp.encodePayload({ timestamp: Date.now(), seq: 1, metrics: [{ name: 'lel', type: 'Float', value: 3, alias: 1 }] })), { qos: 1 });
    await waitFor(() => t.gw.ingest.sparkplug.deviceCount() === 1);
  }, 180_000);

  it('an NBIRTH for an unknown enterprise or site is rejected before it is kept', async () => {
    const before = await counter('rejected', 'unknown_site');
    const r = await t.gw.ingest.accept({ kind: 'mqtt', topic: 'spBv1.0/ent-a/NBIRTH/nowhere', payload: Buffer.from(sp.encodePayload({ timestamp: Date.now(), seq: 0, metrics: [] })), principal: undefined, arrival: Date.now() });
    expect(r).toMatchObject({ ok: false, reason: 'unknown_site' });
    expect(await counter('rejected', 'unknown_site')).toBe(before + 1);
    expect(t.gw.ingest.sparkplug.nodeCount()).toBe(1); // s1's own, from the test above
  });
});

describe('item 6: distinct metric names per device are capped (mqtt.maxMetricsPerDevice)', () => {
  it('names beyond the cap are rejected too_many_metrics and keep no state; known names still flow', async () => {
    const dev = await connect('gas-01', 'pw-gas-01', 'gas-01-metrics');
    const before = await counter('rejected', 'too_many_metrics');
    for (let i = 0; i < 100; i++) await dev.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ values: { [`made_up_${i}`]: i } }), { qos: 1 });
    const dev1 = t.gw.assets.lookup('ent-a', 's1', 'gas-01');
    if (!dev1.ok) throw new Error('gas-01 not configured');
    expect(t.gw.ingest.metricBudget.count(dev1.device)).toBe(20);
    expect(await counter('rejected', 'too_many_metrics')).toBe(before + 80);
    // a message rejected whole adds no name: one known and one new name beyond the cap
    await dev.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ values: { made_up_0: 1, brand_new: 2 } }), { qos: 1 });
    expect(t.gw.ingest.metricBudget.count(dev1.device)).toBe(20);
    const dead = await t.gw.api.inject({ method: 'GET', url: '/api/v1/ingest/rejected?reason=too_many_metrics&limit=1', headers: { authorization: 'Bearer test-admin' } });
    expect(dead.json().rejected[0]).toMatchObject({ reason: 'too_many_metrics' });
    // a name it already has is fine
    await dev.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ values: { made_up_3: 7 } }), { qos: 1 });
    expect(await counter('rejected', 'too_many_metrics')).toBe(before + 81);
  });
});
