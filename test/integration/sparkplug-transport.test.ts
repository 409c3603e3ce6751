// The simulators' Sparkplug B transport against a real gateway (CONTRACT §3.4): a site-level
// credential becomes an edge node; DBIRTH with aliases, DDATA by alias, is_null for bad
// quality, device events as Event/{type} metrics, no seq gaps, and stop() (DDEATH + NDEATH)
// marks the devices offline.
import { afterAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import spPayload from 'sparkplug-payload';
import { SparkplugTransport } from '../../simulators/src/transports/sparkplug-transport.ts';
import type { WalEntry } from '../../gateway/src/model/types.ts';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const codec = spPayload.get('spBv1.0')!;
const EXTERNAL_BROKER = 'mqtt://127.0.0.1:1883'; // the machine's Mosquitto (.ci/run checks it runs)
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
});

async function points(t: TestGateway, device: string, metric: string, from = 0): Promise<unknown[][]> {
  const res = await t.gw.api.inject({ method: 'GET', url: `/api/v1/readings?device=${device}&metric=${metric}&from=${from}&to=${Date.now() + 3600_000}`, headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } });
  return res.json().points;
}

async function pointsN(t: TestGateway, device: string, metric: string, n: number): Promise<unknown[][]> {
  return waitFor(async () => {
    const p = await points(t, device, metric);
    return p.length >= n ? p : null;
  }, 10_000, `${n} points of ${device}/${metric}`);
}

const seqGaps = async (t: TestGateway) => (await t.gw.metrics.sparkplugSeqGaps.get()).values.reduce((n, v) => n + v.value, 0);

describe('SparkplugTransport (simulators) → gateway', () => {
  it('births, sends by alias, marks bad quality with is_null and dies cleanly', async () => {
    const t = await startTestGateway();
    stops.push(() => t.stop());
    const durable: WalEntry[] = [];
    t.gw.wal.on('durable', (entries: WalEntry[]) => durable.push(...entries));

    const creds = t.gw.config.auth.devices;
    const tr = new SparkplugTransport(t.mqttUrl, creds, (c) => (c.enterprise === 'ent-a' && c.site === 's1' ? ['gas-01', { id: 'gas-02', metrics: ['lel'] }] : []));
    await tr.start();
    stops.push(() => tr.stop());

    const gas01 = { enterprise: 'ent-a', site: 's1', id: 'gas-01', kind: 'gas' };
    const gas02 = { enterprise: 'ent-a', site: 's1', id: 'gas-02', kind: 'gas' };
    const ts = 1_700_010_000_000;
    await tr.send(gas01, { ts, values: { lel: 2, co: 3 } }); // → DBIRTH carrying the values
    await tr.send(gas01, { ts: ts + 1000, values: { lel: 12.5, co: 4.25 } }); // → DDATA by alias
    await tr.send(gas01, { ts: ts + 2000, values: { lel: 13 }, bad: ['co'] }); // co is_null
    await tr.send(gas02, { ts, values: { lel: 1 } });
    await tr.send(gas01, { ts: ts + 3000, values: { lel: 14, co: 5, h2s: 0.5 } }); // new metric → DBIRTH again
    // a device event goes as a String metric Event/{type} with the detail as JSON (issue 17)
    await tr.send(gas01, { ts: ts + 4000, values: { h2s: 0.75 }, events: [{ type: 'sensor_fault', detail: { code: 7 } }] });
    // a position sample has no Sparkplug form: skipped, not an error
    await tr.send({ enterprise: 'ent-a', site: 's1', id: 'uwb-1', kind: 'positioning' }, { ts, values: {}, tags: [] } as never);

    expect(await pointsN(t, 'gas-01', 'lel', 4)).toEqual([[ts, 2], [ts + 1000, 12.5], [ts + 2000, 13], [ts + 3000, 14]]);
    expect(await pointsN(t, 'gas-01', 'co', 3)).toEqual([[ts, 3], [ts + 1000, 4.25], [ts + 3000, 5]]);
    expect(await pointsN(t, 'gas-01', 'h2s', 2)).toEqual([[ts + 3000, 0.5], [ts + 4000, 0.75]]);
    expect(await pointsN(t, 'gas-02', 'lel', 1)).toEqual([[ts, 1]]);

    await waitFor(() => durable.some((e) => e.frame.type === 'event'), 10_000, 'the event in the WAL');
    expect(durable.flatMap((e) => (e.frame.type === 'event' ? [[e.frame.device, e.frame.ts, e.frame.eventType, e.frame.detail]] : []))).toEqual([['gas-01', ts + 4000, 'sensor_fault', { code: 7 }]]);
    const readings = durable.flatMap((e) => (e.frame.type === 'readings' ? e.frame.readings : []));
    expect(readings.filter((r) => r.device === 'gas-01' && r.metric === 'co' && r.ts === ts + 2000)).toMatchObject([{ value: null, quality: 'bad' }]);
    expect(await seqGaps(t)).toBe(0);

    const offline = new Set<string>();
    t.gw.wal.on('durable', (entries: WalEntry[]) => {
      for (const { frame } of entries) if (frame.type === 'status' && !frame.online) offline.add(frame.device);
    });
    await tr.stop();
    await waitFor(() => offline.has('gas-01') && offline.has('gas-02'), 10_000, 'DDEATH/NDEATH → offline');
    expect(await seqGaps(t)).toBe(0);
    // nothing was dead-lettered: no DATA before BIRTH, no unknown alias, the NDEATH's bdSeq matched
    const rejected = await t.gw.api.inject({ method: 'GET', url: '/api/v1/ingest/rejected', headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } });
    expect(rejected.json().rejected).toEqual([]);
  });

  it('after a dropped link the Will (NDEATH) fires, then the node and its devices are reborn with a new bdSeq', async () => {
    const t = await startTestGateway();
    stops.push(() => t.stop());
    const statuses: [string, boolean][] = [];
    t.gw.wal.on('durable', (entries: WalEntry[]) => {
      for (const { frame } of entries) if (frame.type === 'status') statuses.push([frame.device, frame.online]);
    });
    const tr = new SparkplugTransport(t.mqttUrl, t.gw.config.auth.devices, (c) => (c.site === 's1' ? ['gas-01'] : []));
    await tr.start();
    stops.push(() => tr.stop());
    const gas01 = { enterprise: 'ent-a', site: 's1', id: 'gas-01', kind: 'gas' };
    const ts = 1_700_020_000_000;
    await tr.send(gas01, { ts, values: { lel: 1 } });
    await tr.send(gas01, { ts: ts + 1000, values: { lel: 2 } });
    const client = (tr as unknown as { nodes: Map<string, { client: { stream: { destroy(): void }; connected: boolean } }> }).nodes.get('ent-a/s1')!.client;
    client.stream.destroy();
    await waitFor(() => statuses.some(([d, on]) => d === 'gas-01' && !on), 10_000, 'Will → gas-01 offline');
    await waitFor(() => statuses.filter(([d, on]) => d === 'gas-01' && on).length === 2, 10_000, 'DBIRTH after reconnect');
    await tr.send(gas01, { ts: ts + 2000, values: { lel: 3 } });
    expect(await pointsN(t, 'gas-01', 'lel', 3)).toEqual([[ts, 1], [ts + 1000, 2], [ts + 2000, 3]]);
    const rejected = await t.gw.api.inject({ method: 'GET', url: '/api/v1/ingest/rejected', headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } });
    expect(rejected.json().rejected).toEqual([]);
  });

  it('an NCMD Node Control/Rebirth from a host application rebirths the node (seq 0, same bdSeq) and its devices', async () => {
    // the machine's Mosquitto, anonymous: a host application may publish NCMD there
    const group = `hl-test-${process.pid}-${Date.now()}`;
    const cred = { username: 'x', password: 'x', enterprise: group, site: 'edge1' };
    const host = await mqtt.connectAsync(EXTERNAL_BROKER, { clientId: `${group}-host` });
    stops.push(() => host.endAsync());
    const births: { type: string; seq: number; bdSeq?: number }[] = [];
    host.on('message', (topic, payload) => {
      const p = codec.decodePayload(payload);
      const bdSeq = p.metrics?.find((m) => m.name === 'bdSeq')?.value;
      births.push({ type: topic.split('/')[2], seq: Number(p.seq), bdSeq: bdSeq === undefined ? undefined : Number(bdSeq) });
    });
    await host.subscribeAsync([`spBv1.0/${group}/NBIRTH/#`, `spBv1.0/${group}/DBIRTH/#`], { qos: 1 });
    const tr = new SparkplugTransport(EXTERNAL_BROKER, [cred], () => [{ id: 'gas-01', metrics: ['lel'] }]);
    await tr.start();
    stops.push(() => tr.stop());
    await tr.send({ enterprise: group, site: 'edge1', id: 'gas-01', kind: 'gas' }, { ts: 1_700_030_000_000, values: { lel: 1 } });
    await waitFor(() => births.length === 2, 10_000, 'first NBIRTH + DBIRTH');
    // a command that is not a rebirth, and garbage, change nothing
    await host.publishAsync(`spBv1.0/${group}/NCMD/edge1`, Buffer.from(codec.encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Reboot', type: 'Boolean', value: true }] })), { qos: 1 });
    await host.publishAsync(`spBv1.0/${group}/NCMD/edge1`, Buffer.from('not protobuf'), { qos: 1 });
    await host.publishAsync(`spBv1.0/${group}/NCMD/edge1`, Buffer.from(codec.encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] })), { qos: 1 });
    await waitFor(() => births.length === 4, 10_000, 'NBIRTH + DBIRTH after the rebirth request');
    expect(births).toEqual([
      { type: 'NBIRTH', seq: 0, bdSeq: 0 },
      { type: 'DBIRTH', seq: 1, bdSeq: undefined },
      { type: 'NBIRTH', seq: 0, bdSeq: 0 },
      { type: 'DBIRTH', seq: 1, bdSeq: undefined },
    ]);
  });
});
