// OpcuaSource against a real node-opcua server (CONTRACT §4): data changes → readings,
// bad status → quality, chunked monitored items, offline/online status across a server restart,
// and an endpoint that is down at start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, DataValue, StatusCodes, Variant, VariantArrayType } from 'node-opcua';
import { systemClock } from '../../gateway/src/clock.ts';
import { configSchema, type OpcuaConfig } from '../../gateway/src/config/schema.ts';
import { OpcuaSource, toValue } from '../../gateway/src/ingest/opcua-source.ts';
import type { Emit, IngestInput } from '../../gateway/src/ingest/source.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Metrics } from '../../gateway/src/metrics/metrics.ts';
import { AssetModel } from '../../gateway/src/model/assets.ts';
import type { Frame, Reading } from '../../gateway/src/model/types.ts';
import { TestOpcuaServer, type TestVariable } from '../helpers/opcua-server.ts';
import { freePort } from '../helpers/ports.ts';

const BULK = 1200;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-opcua-'));
const log = createLogger({ level: 'silent' });

const GAS: Omit<TestVariable, 'initial'>[] = [
  { nodeId: 'ns=1;s=Gas01.LEL', site: 's1', device: 'gas-01', name: 'LEL', analog: true },
  { nodeId: 'ns=1;s=Gas01.CH4', site: 's1', device: 'gas-01', name: 'CH4', analog: true },
  { nodeId: 'ns=1;s=Gas02.O2', site: 's1', device: 'gas-02', name: 'O2', analog: true },
];
const GAS_NODES = [
  { nodeId: 'ns=1;s=Gas01.LEL', device: 'gas-01', metric: 'lel' },
  { nodeId: 'ns=1;s=Gas01.CH4', device: 'gas-01', metric: 'ch4' },
  { nodeId: 'ns=1;s=Gas02.O2', device: 'gas-02', metric: 'o2' },
];
const bulkId = (i: number) => `ns=1;s=Bulk.M${String(i).padStart(4, '0')}`;
const BULK_VARS: TestVariable[] = Array.from({ length: BULK }, (_, i) => ({ nodeId: bulkId(i), site: 's1', device: 'bulk', name: `M${i}`, initial: i }));
const BULK_NODES = Array.from({ length: BULK }, (_, i) => ({ nodeId: bulkId(i), device: 'bulk', metric: `m${i}` }));

/** Config objects with every default filled, as the gateway builds them. */
function buildConfig(endpoint: string, nodes: OpcuaConfig['nodes'], chunkSize = 500) {
  return configSchema.parse({
    enterprises: [
      {
        id: 'ent-a',
        sites: [
          {
            id: 's1',
            zones: [{ id: 'z-stope-301' }],
            devices: [
              { id: 'gas-01', kind: 'gas', zone: 'z-stope-301' },
              { id: 'gas-02', kind: 'gas' },
              { id: 'bulk', kind: 'generic' },
            ],
          },
        ],
      },
    ],
    opcua: [{ endpoint, site: 's1', samplingIntervalMs: 100, chunkSize, nodes }],
  });
}

interface Harness {
  source: OpcuaSource;
  metrics: Metrics;
  inputs: IngestInput[];
  readings: () => Reading[];
  statuses: () => Extract<Frame, { type: 'status' }>[];
}

function harness(endpoint: string, nodes: OpcuaConfig['nodes'], chunkSize = 500): Harness {
  const config = buildConfig(endpoint, nodes, chunkSize);
  const metrics = new Metrics();
  const inputs: IngestInput[] = [];
  const frames = () => inputs.flatMap((i) => (i.kind === 'frames' ? i.frames : []));
  const source = new OpcuaSource({
    config: config.opcua[0],
    enterprise: 'ent-a',
    assets: new AssetModel(config.enterprises),
    metrics,
    log,
    clock: systemClock,
    pkiDir: path.join(tmp, 'client-pki'),
    backoff: { initialDelayMs: 200, maxDelayMs: 1000 },
  });
  return {
    source,
    metrics,
    inputs,
    readings: () => frames().flatMap((f) => (f.type === 'readings' ? f.readings : [])),
    statuses: () => frames().filter((f): f is Extract<Frame, { type: 'status' }> => f.type === 'status'),
  };
}

const emitInto =
  (inputs: IngestInput[]): Emit =>
  (input) => {
    inputs.push(input);
    const n = input.kind === 'frames' ? input.frames.reduce((s, f) => s + (f.type === 'readings' ? f.readings.length : 0), 0) : 0;
    return Promise.resolve({ ok: true, readings: n });
  };

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function gauge(m: Metrics, endpoint: string): Promise<number | undefined> {
  return (await m.opcuaSession.get()).values.find((v) => v.labels.endpoint === endpoint)?.value;
}

async function reconnects(m: Metrics, endpoint: string): Promise<number> {
  return (await m.opcuaReconnects.get()).values.find((v) => v.labels.endpoint === endpoint)?.value ?? 0;
}

const find = (h: Harness, device: string, metric: string, pred: (r: Reading) => boolean = () => true) =>
  h.readings().find((r) => r.device === device && r.metric === metric && pred(r));

describe('toValue (CONTRACT §4: bad status codes are recorded as quality, not as values)', () => {
  const dv = (dataType: DataType, value: unknown, statusCode = StatusCodes.Good) => new DataValue({ value: new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }), statusCode });
  it('maps status severity to quality and numeric types to numbers', () => {
    expect(toValue(dv(DataType.Double, 12.5))).toEqual({ value: 12.5, quality: 'good' });
    expect(toValue(dv(DataType.Double, 12.5, StatusCodes.BadSensorFailure))).toEqual({ value: null, quality: 'bad' });
    expect(toValue(dv(DataType.Double, 3, StatusCodes.UncertainLastUsableValue))).toEqual({ value: 3, quality: 'uncertain' });
    expect(toValue(dv(DataType.Boolean, true))).toEqual({ value: 1, quality: 'good' });
    expect(toValue(dv(DataType.UInt64, [1, 5]))).toEqual({ value: 2 ** 32 + 5, quality: 'good' });
    expect(toValue(dv(DataType.String, 'n/a'))).toEqual({ value: null, quality: 'bad' });
  });
});

describe('OpcuaSource (CONTRACT §4)', { timeout: 60_000 }, () => {
  let server: TestOpcuaServer;
  const started: OpcuaSource[] = [];
  const servers: TestOpcuaServer[] = [];

  beforeAll(async () => {
    server = new TestOpcuaServer(await freePort(), [...GAS.map((g) => ({ ...g, initial: 1 })), ...BULK_VARS], path.join(tmp, 'server-pki'));
    servers.push(server);
    await server.start();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    await Promise.all(servers.map((s) => s.stop()));
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  function startSource(h: Harness): Promise<void> {
    started.push(h.source);
    return h.source.start(emitInto(h.inputs));
  }

  describe('on a running server', () => {
    let h: Harness;
    beforeAll(async () => {
      h = harness(server.endpoint, GAS_NODES);
      await startSource(h);
      await waitFor('session', () => h.source.health().ok);
    }, 60_000);

    it('(a) maps data changes to readings of the configured device and metric with the source timestamp', async () => {
      expect(h.source.health()).toEqual({ name: `opcua:${server.endpoint}`, ok: true, detail: { endpoint: server.endpoint, items: 3, connected: true } });
      const ts = new Date('2026-11-22T08:00:01.123Z');
      server.set('ns=1;s=Gas01.LEL', 23.5, { sourceTimestamp: ts });
      server.set('ns=1;s=Gas02.O2', 19.5, { sourceTimestamp: ts });
      await waitFor('LEL 23.5', () => !!find(h, 'gas-01', 'lel', (r) => r.value === 23.5));
      await waitFor('O2 19.5', () => !!find(h, 'gas-02', 'o2', (r) => r.value === 19.5));
      expect(find(h, 'gas-01', 'lel', (r) => r.value === 23.5)).toEqual({
        ts: ts.getTime(),
        enterprise: 'ent-a',
        site: 's1',
        device: 'gas-01',
        zone: 'z-stope-301',
        kind: 'gas',
        metric: 'lel',
        value: 23.5,
        quality: 'good',
      });
      expect(find(h, 'gas-02', 'o2', (r) => r.value === 19.5)).toMatchObject({ ts: ts.getTime(), kind: 'gas', quality: 'good' });
      expect(find(h, 'gas-02', 'o2')).not.toHaveProperty('zone');
      // every emit is a frames input from this endpoint; online status was sent once per device on connect
      expect(h.inputs.every((i) => i.kind === 'frames' && i.transport === 'opcua' && i.origin === server.endpoint)).toBe(true);
      expect(h.statuses().map((s) => [s.device, s.online])).toEqual([
        ['gas-01', true],
        ['gas-02', true],
      ]);
      expect(await gauge(h.metrics, server.endpoint)).toBe(1);
    });

    it('(b) records a Bad status code as quality bad with value null, Uncertain with its value', async () => {
      const ts = new Date('2026-11-22T08:00:02.000Z');
      server.set('ns=1;s=Gas01.CH4', 0.7, { status: StatusCodes.BadSensorFailure, sourceTimestamp: ts });
      await waitFor('bad CH4', () => !!find(h, 'gas-01', 'ch4', (r) => r.quality === 'bad'));
      expect(find(h, 'gas-01', 'ch4', (r) => r.quality === 'bad')).toMatchObject({ ts: ts.getTime(), value: null, quality: 'bad' });

      server.set('ns=1;s=Gas01.CH4', 0.8, { status: StatusCodes.UncertainLastUsableValue, sourceTimestamp: new Date(ts.getTime() + 1000) });
      await waitFor('uncertain CH4', () => !!find(h, 'gas-01', 'ch4', (r) => r.quality === 'uncertain'));
      expect(find(h, 'gas-01', 'ch4', (r) => r.quality === 'uncertain')).toMatchObject({ value: 0.8 });
    });

    it('batches data changes that arrive together into one emit', async () => {
      const before = h.inputs.length;
      const ts = new Date('2026-11-22T08:00:05.000Z');
      server.set('ns=1;s=Gas01.LEL', 31, { sourceTimestamp: ts });
      server.set('ns=1;s=Gas01.CH4', 0.9, { sourceTimestamp: ts });
      server.set('ns=1;s=Gas02.O2', 20.1, { sourceTimestamp: ts });
      await waitFor('three values', () => h.readings().filter((r) => r.ts === ts.getTime()).length === 3);
      const batches = h.inputs.slice(before).filter((i) => i.kind === 'frames' && i.frames.some((f) => f.type === 'readings' && f.readings.some((r) => r.ts === ts.getTime())));
      expect(batches).toHaveLength(1);
    });
  });

  it('(c) monitors more nodes than chunkSize in chunks, and every item delivers', async () => {
    const h = harness(server.endpoint, BULK_NODES, 500);
    const before = server.requests.length;
    await startSource(h);
    await waitFor('all initial values', () => new Set(h.readings().map((r) => r.metric)).size === BULK);
    expect(h.source.health().detail).toMatchObject({ items: BULK, connected: true });
    const creates = server.requests.slice(before).filter((r) => r.type === 'CreateMonitoredItemsRequest');
    expect(creates.map((r) => r.items)).toEqual([500, 500, 200]);
    const got = new Map(h.readings().map((r) => [r.metric, r.value]));
    for (const i of [0, 499, 500, 999, 1000, BULK - 1]) expect(got.get(`m${i}`)).toBe(i);
    server.set(bulkId(1100), 4242);
    await waitFor('a change in the last chunk', () => !!find(h, 'bulk', 'm1100', (r) => r.value === 4242));
    expect(find(h, 'bulk', 'm1100')).toMatchObject({ kind: 'generic', quality: 'good' });
  });

  it('(d) a server restart: offline status and gauge 0, then online, gauge 1 and values flow again', async () => {
    const plc = new TestOpcuaServer(await freePort(), GAS.map((g) => ({ ...g, initial: 5 })), path.join(tmp, 'plc-pki'));
    servers.push(plc);
    await plc.start();
    const h = harness(plc.endpoint, GAS_NODES);
    await startSource(h);
    await waitFor('connected', async () => (await gauge(h.metrics, plc.endpoint)) === 1);
    await waitFor('initial values', () => h.readings().length >= 3);

    await plc.stop();
    await waitFor('offline frames', () => h.statuses().some((s) => !s.online));
    const offline = h.statuses().filter((s) => !s.online);
    expect(offline).toHaveLength(2);
    expect(offline.map((s) => s.device).sort()).toEqual(['gas-01', 'gas-02']);
    expect(offline[0]).toMatchObject({ type: 'status', transport: 'opcua', online: false, reason: 'opcua connection lost', enterprise: 'ent-a', site: 's1' });
    expect(typeof offline[0].ts).toBe('number');
    expect(await gauge(h.metrics, plc.endpoint)).toBe(0);
    expect(await reconnects(h.metrics, plc.endpoint)).toBe(1);
    expect(h.source.health().ok).toBe(false);

    await plc.start(); // same port, same certificate, but no memory of the old session or subscription
    await waitFor('reconnected', async () => (await gauge(h.metrics, plc.endpoint)) === 1);
    await waitFor('online frames', () => h.statuses().filter((s) => s.online).length === 4);
    expect(h.source.health().ok).toBe(true);
    // the new server knows neither session nor subscription: node-opcua creates a new session,
    // fails to transfer the subscription and re-creates it with its monitored items
    const types = plc.requests.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['CreateSessionRequest', 'CreateSubscriptionRequest', 'CreateMonitoredItemsRequest']));
    const ts = new Date('2026-11-22T09:00:00.000Z');
    plc.set('ns=1;s=Gas01.LEL', 42, { sourceTimestamp: ts });
    await waitFor('a value after the restart', () => !!find(h, 'gas-01', 'lel', (r) => r.value === 42 && r.ts === ts.getTime()));
    expect(await reconnects(h.metrics, plc.endpoint)).toBe(1);
    // one transition each way, no flapping while node-opcua repaired the session
    expect(h.statuses().map((s) => `${s.device}:${s.online}`)).toEqual(['gas-01:true', 'gas-02:true', 'gas-01:false', 'gas-02:false', 'gas-01:true', 'gas-02:true']);
  });

  it('(e) an endpoint that is down at start does not fail start(), and connects when it appears', async () => {
    const port = await freePort();
    const plc = new TestOpcuaServer(port, GAS.map((g) => ({ ...g, initial: 7 })), path.join(tmp, 'late-pki'));
    servers.push(plc);
    const h = harness(plc.endpoint, GAS_NODES);
    await expect(startSource(h)).resolves.toBeUndefined();
    expect(h.source.health()).toMatchObject({ ok: false, detail: { connected: false, items: 0 } });
    await waitFor('unreachable status', () => h.statuses().length === 2);
    expect(h.statuses().every((s) => !s.online && s.reason === 'opcua endpoint unreachable')).toBe(true);
    expect(await gauge(h.metrics, plc.endpoint)).toBe(0);
    expect(await reconnects(h.metrics, plc.endpoint)).toBe(0); // never connected: nothing was lost

    await plc.start();
    await waitFor('connected', () => h.source.health().ok);
    await waitFor('initial values', () => h.readings().filter((r) => r.value === 7).length === 3);
    expect(await gauge(h.metrics, plc.endpoint)).toBe(1);
    expect(h.statuses().filter((s) => s.online)).toHaveLength(2);
  });

  it('stop() returns promptly while the endpoint is down, and nothing is emitted after it', async () => {
    const port = await freePort();
    const h = harness(`opc.tcp://127.0.0.1:${port}`, GAS_NODES);
    await startSource(h);
    await waitFor('first failed attempt', () => h.statuses().length > 0);
    const t0 = Date.now();
    await h.source.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    const n = h.inputs.length;
    const plc = new TestOpcuaServer(port, GAS.map((g) => ({ ...g, initial: 9 })), path.join(tmp, 'late-pki'));
    servers.push(plc);
    await plc.start();
    await new Promise((r) => setTimeout(r, 2000));
    expect(h.inputs.length).toBe(n);
    expect(h.source.health().ok).toBe(false);
  });
});
