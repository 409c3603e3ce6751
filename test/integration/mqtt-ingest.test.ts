// The embedded broker's ingest path end to end: credentials, ACL, hostile input (CONTRACT §3.5),
// and acknowledgement only once durable (CONTRACT §5).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

let t: TestGateway;
const clients: MqttClient[] = [];

async function connect(username?: string, password?: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(t.mqttUrl, { username, password, reconnectPeriod: 0, clientId: `t-${username}-${clients.length}` });
  clients.push(c);
  return c;
}

async function api(url: string, token = TEST_TOKENS.admin) {
  const res = await t.gw.api.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: res.json() };
}

async function rejectedCount(reason: string): Promise<number> {
  const m = await t.gw.metrics.rejected.get();
  return m.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await t.stop();
});

describe('MQTT ingest through the embedded broker', () => {
  it('[CONTRACT §5] a QoS 1 reading is in the WAL on disk when its PUBACK arrives', async () => {
    const c = await connect('gas-01', 'pw-gas-01');
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts: 1_700_000_000_123, values: { lel: 17.25 } }), { qos: 1 });
    const walDir = join(t.dataDir, 'wal');
    const text = readdirSync(walDir).filter((f) => f.endsWith('.wal')).map((f) => readFileSync(join(walDir, f), 'utf8')).join('');
    expect(text).toContain('["ent-a","s1","gas-01","gas","z-stope-301",[[1700000000123,"lel",17.25]]]');
  });

  it('stores readings: queryable through GET /api/v1/readings, raw and aggregated', async () => {
    const c = await connect('gas-01', 'pw-gas-01');
    const base = 1_700_000_100_000;
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ ts: base + i * 10_000, values: { lel: i, co: 10 + i } }))), { qos: 1 });
    const url = `/api/v1/readings?device=gas-01&metric=lel&from=${base}&to=${base + 60_000}`;
    const raw = await waitFor(async () => {
      const r = await api(url, TEST_TOKENS.dispatcher);
      return r.body.points?.length === 6 ? r : null;
    });
    expect(raw.body).toMatchObject({ device: 'gas-01', metric: 'lel', unit: '%LEL' });
    expect(raw.body.points).toEqual([0, 1, 2, 3, 4, 5].map((i) => [base + i * 10_000, i]));
    const agg = await api(`${url}&every=30s&agg=max`, TEST_TOKENS.dispatcher);
    // base is a multiple of 30 s: buckets [base, +30 s) and [+30 s, +60 s)
    expect(agg.body.points).toEqual([[base, 2], [base + 30_000, 5]]);
  });

  it('refuses unknown credentials and anonymous connections', async () => {
    await expect(mqtt.connectAsync(t.mqttUrl, { username: 'gas-01', password: 'wrong', reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
  });

  it('rejects each kind of hostile input with its reason while good traffic continues', async () => {
    const good = await connect('gas-02', 'pw-gas-02');
    const bad = await connect('gas-01', 'pw-gas-01');
    const site = await connect('s1-eon', 'pw-s1');
    const T = 'hl/v1/ent-a/s1/gas-01/telemetry';
    const now = Date.now();
    const cases: [string, string, string | Buffer, MqttClient][] = [
      ['malformed', T, '{"values": {"lel": 1', bad],
      ['invalid_payload', T, JSON.stringify({ values: { lel: 'high' } }), bad],
      ['non_finite', T, '{"values": {"lel": 1e999}}', bad],
      ['too_large', T, JSON.stringify({ values: { lel: 1 }, pad: 'x'.repeat(300 * 1024) }), bad],
      ['future_timestamp', T, JSON.stringify({ ts: now + 25 * 3600_000, values: { lel: 1 } }), bad],
      ['unknown_device', 'hl/v1/ent-a/s1/ghost-9/telemetry', JSON.stringify({ values: { lel: 1 } }), site],
      ['unknown_zone', 'hl/v1/ent-a/s1/uwb-1/position', JSON.stringify({ tags: [{ tag: 'P1', zone: 'z-nowhere' }] }), site],
      ['acl_denied', 'hl/v1/ent-a/s1/gas-02/telemetry', JSON.stringify({ values: { lel: 99 } }), bad], // spoofing gas-02
      ['acl_denied', 'hl/v1/ent-b/p1/gas-h2s-1/telemetry', JSON.stringify({ values: { h2s: 99 } }), site],
      ['unknown_topic', 'hl/v1/ent-a/s1/gas-01/telemetry/extra', '{}', bad],
      ['invalid_payload', T, '{"ts": 1e20, "values": {"lel": 1}}', bad], // beyond the Date range
      ['unknown_device', 'hl/v1/ent-a/s1/ghost-9/status', 'offline', site],
    ];
    const before = await Promise.all(cases.map(([r]) => rejectedCount(r)));
    let goodSent = 0;
    const base = 1_700_001_000_000;
    for (const [, topic, payload, client] of cases) {
      await client.publishAsync(topic, payload, { qos: 1 }); // acknowledged: a retry would not help
      await good.publishAsync('hl/v1/ent-a/s1/gas-02/telemetry', JSON.stringify({ ts: base + goodSent * 1000, values: { lel: goodSent } }), { qos: 1 });
      goodSent++;
    }
    // the sender of all that is still connected and still acknowledged
    await bad.publishAsync(T, JSON.stringify({ values: { lel: 2 } }), { qos: 1 });
    expect(bad.connected).toBe(true);
    const after = await Promise.all(cases.map(([r]) => rejectedCount(r)));
    const expected = new Map<string, number>();
    for (const [r] of cases) expected.set(r, (expected.get(r) ?? 0) + 1);
    cases.forEach(([r], i) => expect(after[i] - before[i], r).toBe(expected.get(r)));

    const dead = await api('/api/v1/ingest/rejected?limit=50');
    expect(dead.status).toBe(200);
    const reasons = dead.body.rejected.map((d: { reason: string }) => d.reason);
    for (const [r] of cases) expect(reasons).toContain(r);
    const spoof = dead.body.rejected.find((d: { reason: string; topic: string }) => d.reason === 'acl_denied' && d.topic.includes('gas-02'));
    expect(spoof).toMatchObject({ client: 'gas-01', transport: 'mqtt' });
    expect(spoof.message).toContain('gas-01 may not publish');

    // the spoofed value never reached the store; every good reading did
    const pts = await waitFor(async () => {
      const r = await api(`/api/v1/readings?device=gas-02&metric=lel&from=${base}&to=${base + 60_000}`);
      return r.body.points.length === goodSent ? r.body.points : null;
    });
    expect(pts.map((p: number[]) => p[1])).toEqual(Array.from({ length: goodSent }, (_, i) => i));
    const all = await api(`/api/v1/readings?device=gas-02&metric=lel&from=0&to=${now + 3600_000}`);
    expect(all.body.points.some((p: number[]) => p[1] === 99)).toBe(false);
  });

  it('rejected messages are not forwarded to subscribers; accepted ones are', async () => {
    const sub = await connect('s1-eon', 'pw-s1');
    const got: string[] = [];
    sub.on('message', (topic) => got.push(topic));
    await sub.subscribeAsync('hl/v1/ent-a/s1/#', { qos: 1 });
    const dev = await connect('gas-01', 'pw-gas-01');
    await dev.publishAsync('hl/v1/ent-a/s1/gas-02/telemetry', JSON.stringify({ values: { lel: 1 } }), { qos: 1 });
    await dev.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ values: { lel: 1 } }), { qos: 1 });
    await waitFor(() => got.includes('hl/v1/ent-a/s1/gas-01/telemetry'));
    expect(got).not.toContain('hl/v1/ent-a/s1/gas-02/telemetry');
  });

  it('[ACL] a device subscribes only under its own prefix; nobody reads $hazardline/', async () => {
    const dev = await connect('gas-01', 'pw-gas-01');
    // mqtt.js rejects a subscribe answered with SUBACK 0x80
    const granted = (c: MqttClient, topic: string) => c.subscribeAsync(topic, { qos: 1 }).then((g) => g[0].qos !== 128, () => false);
    expect(await granted(dev, 'hl/v1/ent-a/s1/gas-01/#')).toBe(true);
    expect(await granted(dev, 'spBv1.0/ent-a/DCMD/s1/gas-01')).toBe(true);
    expect(await granted(dev, 'hl/v1/ent-a/s1/#')).toBe(false);
    expect(await granted(dev, 'hl/v1/ent-a/s1/gas-02/telemetry')).toBe(false);
    expect(await granted(dev, 'spBv1.0/ent-a/#')).toBe(false);
    expect(await granted(dev, '$hazardline/rejected/#')).toBe(false);
    expect(dev.connected).toBe(true); // a refused subscription does not cost the connection
    const siteLevel = await connect('s1-eon', 'pw-s1');
    expect(await granted(siteLevel, 'hl/v1/ent-a/s1/#')).toBe(true);
    expect(await granted(siteLevel, 'hl/v1/ent-b/p1/#')).toBe(false);
  });

  it('a parameter given twice is a 400 naming it', async () => {
    const r = await api('/api/v1/readings?device=gas-01&metric=lel&metric=co');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'HL_ERR_BAD_REQUEST', field: 'metric' });
  });

  it('the dead-letter API is admin only', async () => {
    expect((await api('/api/v1/ingest/rejected', TEST_TOKENS.dispatcher)).status).toBe(403);
    expect((await t.gw.api.inject({ method: 'GET', url: '/api/v1/ingest/rejected' })).statusCode).toBe(401);
  });

  it('readings of another enterprise answer 404 for a scoped role', async () => {
    const r = await api('/api/v1/readings?device=gas-h2s-1&metric=h2s', TEST_TOKENS.dispatcher);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('HL_ERR_NOT_FOUND');
  });
});
