// Sparkplug B decoder (CONTRACT §3.4), fed real payloads built with Tahu's sparkplug-payload codec.
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import spPayload from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import protoRoot from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { RejectError, type RejectReason } from '../errors.ts';
import type { Frame, Reading } from '../model/types.ts';
import { SPARKPLUG_SUBSCRIPTIONS, SparkplugDecoder, parseSparkplugTopic } from './sparkplug-decoder.ts';

const sp = spPayload.get('spBv1.0')!;
const T0 = 1_732_233_600_000;
const ARRIVAL = T0 + 5_000;
const G = 'ent-a';
const N = 'site-1';
const topic = (type: string, device?: string) => `spBv1.0/${G}/${type}/${N}${device ? `/${device}` : ''}`;
const enc = (p: UPayload) => Buffer.from(sp.encodePayload(p));
const m = (name: string | undefined, type: UMetric['type'], value: UMetric['value'], extra: Partial<UMetric> = {}): UMetric =>
  ({ ...(name === undefined ? {} : { name }), type, value, ...extra }) as UMetric;

function nbirth(d: SparkplugDecoder, bdSeq = 0, metrics: UMetric[] = []) {
  return d.decode(topic('NBIRTH'), enc({ timestamp: T0, seq: 0, metrics: [...metrics, m('bdSeq', 'UInt64', bdSeq)] }), ARRIVAL);
}
function dbirth(d: SparkplugDecoder, device: string, seq: number, metrics: UMetric[]) {
  return d.decode(topic('DBIRTH', device), enc({ timestamp: T0, seq, metrics }), ARRIVAL);
}
const GAS_BIRTH = [m('lel', 'Float', 12.5, { alias: 1 }), m('h2s', 'Double', 3.1, { alias: 2 }), m('running', 'Boolean', true, { alias: 3 })];

function readingsOf(frames: Frame[]): Reading[] {
  return frames.flatMap((f) => (f.type === 'readings' ? f.readings : []));
}
function statusOf(frames: Frame[]) {
  return frames.flatMap((f) => (f.type === 'status' ? [{ device: f.device, online: f.online, reason: f.reason }] : []));
}
function rejected(fn: () => unknown): RejectReason {
  try {
    fn();
  } catch (err) {
    if (err instanceof RejectError) return err.reason;
    throw err;
  }
  throw new Error('expected a RejectError');
}

describe('SparkplugDecoder', () => {
  it('device events (issue 17): DATA metrics named Event/{type} — a JSON string as the detail, a flag when true — are events, not readings; a BIRTH value is no event', () => {
    const d = new SparkplugDecoder();
    nbirth(d, 1);
    const birth = dbirth(d, 'cam-1', 1, [m('online', 'Int32', 1, { alias: 1 }), m('Event/helmet_missing', 'String', '', { alias: 2 }), m('Event/fire_smoke', 'Boolean', false, { alias: 3 })]);
    expect(birth.frames.filter((f) => f.type === 'event')).toEqual([]);
    expect(readingsOf(birth.frames).map((r) => r.metric)).toEqual(['online']);
    const dd = d.decode(topic('DDATA', 'cam-1'), enc({ timestamp: T0 + 1000, seq: 2, metrics: [m(undefined, 'String', JSON.stringify({ snapshot: 'https://nvr.example/1.jpg', score: 0.93 }), { alias: 2 }), m(undefined, 'Boolean', true, { alias: 3, timestamp: T0 + 900 }), m('Event/climbing', 'String', 'tank T-3'), m(undefined, 'Int32', 1, { alias: 1 })] }), ARRIVAL);
    expect(dd.frames.filter((f) => f.type === 'event')).toEqual([
      { type: 'event', transport: 'sparkplug', ts: T0 + 1000, enterprise: G, site: N, device: 'cam-1', eventType: 'helmet_missing', detail: { snapshot: 'https://nvr.example/1.jpg', score: 0.93 } },
      { type: 'event', transport: 'sparkplug', ts: T0 + 900, enterprise: G, site: N, device: 'cam-1', eventType: 'fire_smoke', detail: {} },
      { type: 'event', transport: 'sparkplug', ts: T0 + 1000, enterprise: G, site: N, device: 'cam-1', eventType: 'climbing', detail: { value: 'tank T-3' } },
    ]);
    expect(readingsOf(dd.frames).map((r) => r.metric)).toEqual(['online']);
    // the flag going back is nothing
    const back = d.decode(topic('DDATA', 'cam-1'), enc({ timestamp: T0 + 2000, seq: 3, metrics: [m(undefined, 'Boolean', false, { alias: 3 })] }), ARRIVAL);
    expect(back.frames).toEqual([]);
  });

  it('births with aliases, then resolves DATA sent by alias only [tck-id-payloads-alias-data-cmd-requirement]', () => {
    const d = new SparkplugDecoder();
    const nb = nbirth(d, 7, [m('kw', 'Double', 55.5, { alias: 100 })]);
    expect(statusOf(nb.frames)).toEqual([{ device: N, online: true, reason: 'sparkplug NBIRTH' }]);
    // node-level metrics are filed under device id = edge_node; bdSeq is metadata, not a reading
    expect(readingsOf(nb.frames)).toEqual([{ ts: T0, enterprise: G, site: N, device: N, kind: 'generic', metric: 'kw', value: 55.5, quality: 'good' }]);

    const db = dbirth(d, 'gas-01', 1, GAS_BIRTH);
    expect(db.device).toBe('gas-01');
    expect(statusOf(db.frames)).toEqual([{ device: 'gas-01', online: true, reason: 'sparkplug DBIRTH' }]);
    expect(readingsOf(db.frames).map((r) => [r.metric, r.value])).toEqual([['lel', 12.5], ['h2s', 3.1], ['running', 1]]);

    const dd = d.decode(topic('DDATA', 'gas-01'), enc({ timestamp: T0 + 1000, seq: 2, metrics: [m(undefined, 'Float', 30, { alias: 1 }), m(undefined, 'Boolean', false, { alias: 3 })] }), ARRIVAL);
    expect(dd.messageType).toBe('DDATA');
    expect(dd.seqGap).toBeUndefined();
    expect(dd.frames).toHaveLength(1);
    expect(readingsOf(dd.frames)).toEqual([
      { ts: T0 + 1000, enterprise: G, site: N, device: 'gas-01', kind: 'generic', metric: 'lel', value: 30, quality: 'good' },
      { ts: T0 + 1000, enterprise: G, site: N, device: 'gas-01', kind: 'generic', metric: 'running', value: 0, quality: 'good' },
    ]);
    const nd = d.decode(topic('NDATA'), enc({ seq: 3, metrics: [m(undefined, 'Double', 60, { alias: 100 })] }), ARRIVAL);
    expect(readingsOf(nd.frames)).toMatchObject([{ device: N, metric: 'kw', value: 60, ts: ARRIVAL }]);
    expect(readingsOf(nd.frames)[0]).not.toHaveProperty('zone');
  });

  it('takes the datatype from the BIRTH when DATA omits it [tck-id-payloads-metric-datatype-not-req]', () => {
    const d = new SparkplugDecoder();
    nbirth(d);
    dbirth(d, 'gas-01', 1, GAS_BIRTH);
    const P = protoRoot.org.eclipse.tahu.protobuf.Payload;
    const raw = P.encode({ seq: 2, metrics: [{ alias: 2, doubleValue: 4.25 }, { alias: 3, booleanValue: true }] }).finish();
    expect(readingsOf(d.decode(topic('DDATA', 'gas-01'), Buffer.from(raw), ARRIVAL).frames).map((r) => [r.metric, r.value])).toEqual([['h2s', 4.25], ['running', 1]]);
  });

  it('rejects an alias that was not in the BIRTH', () => {
    const d = new SparkplugDecoder();
    nbirth(d);
    dbirth(d, 'gas-01', 1, GAS_BIRTH);
    expect(rejected(() => d.decode(topic('DDATA', 'gas-01'), enc({ seq: 2, metrics: [m(undefined, 'Float', 1, { alias: 99 })] }), ARRIVAL))).toBe('sparkplug_unknown_alias');
    // the node alias map is not the device's
    expect(rejected(() => d.decode(topic('NDATA'), enc({ seq: 3, metrics: [m(undefined, 'Float', 1, { alias: 1 })] }), ARRIVAL))).toBe('sparkplug_unknown_alias');
  });

  it('rejects DATA and DBIRTH before a BIRTH, as after a gateway restart', () => {
    const d = new SparkplugDecoder();
    const data = enc({ seq: 5, metrics: [m('lel', 'Float', 1)] });
    expect(rejected(() => d.decode(topic('NDATA'), data, ARRIVAL))).toBe('sparkplug_no_birth');
    expect(rejected(() => d.decode(topic('DDATA', 'gas-01'), data, ARRIVAL))).toBe('sparkplug_no_birth');
    expect(rejected(() => dbirth(d, 'gas-01', 1, GAS_BIRTH))).toBe('sparkplug_no_birth');
    nbirth(d);
    // node born, device not
    expect(rejected(() => d.decode(topic('DDATA', 'gas-01'), data, ARRIVAL))).toBe('sparkplug_no_birth');
    expect(readingsOf(d.decode(topic('NDATA'), data, ARRIVAL).frames)).toHaveLength(1);
  });

  it('reports seq gaps without rejecting; 255 → 0 is not a gap [tck-id-payloads-sequence-num-incrementing]', () => {
    const d = new SparkplugDecoder();
    nbirth(d, 0, [m('kw', 'Double', 1, { alias: 1 })]);
    const ndata = (seq: number) => d.decode(topic('NDATA'), enc({ seq, metrics: [m(undefined, 'Double', 2, { alias: 1 })] }), ARRIVAL);
    expect(ndata(1).seqGap).toBeUndefined();
    const gap = ndata(4);
    expect(gap.seqGap).toEqual({ expected: 2, got: 4 });
    expect(readingsOf(gap.frames)).toHaveLength(1);
    expect(ndata(5).seqGap).toBeUndefined();
    for (let s = 6; s <= 255; s++) expect(ndata(s).seqGap).toBeUndefined();
    expect(ndata(0).seqGap).toBeUndefined();
    expect(ndata(2).seqGap).toEqual({ expected: 1, got: 2 });
    // DBIRTH shares the node's counter; a new NBIRTH restarts it at any value [tck-id-payloads-nbirth-seq]
    expect(dbirth(d, 'gas-01', 9, GAS_BIRTH).seqGap).toEqual({ expected: 3, got: 9 });
    expect(nbirth(d, 1).seqGap).toBeUndefined();
    expect(d.decode(topic('NDATA'), enc({ seq: 1, metrics: [] }), ARRIVAL).seqGap).toBeUndefined();
  });

  it('NDEATH with the current bdSeq takes the node and its devices offline; a stale one is ignored [tck-id-topics-ndeath-payload]', () => {
    const d = new SparkplugDecoder();
    nbirth(d, 3);
    dbirth(d, 'gas-01', 1, GAS_BIRTH);
    dbirth(d, 'belt-01', 2, [m('tph', 'Double', 800)]);
    const death = (bdSeq: number) => d.decode(topic('NDEATH'), enc({ timestamp: T0 - 60_000, metrics: [m('bdSeq', 'UInt64', bdSeq)] }), ARRIVAL);

    expect(death(2).frames).toEqual([]); // Will of an older session
    expect(readingsOf(d.decode(topic('DDATA', 'gas-01'), enc({ seq: 3, metrics: [m('lel', 'Float', 1)] }), ARRIVAL).frames)).toHaveLength(1);

    const dead = death(3);
    expect(statusOf(dead.frames)).toEqual([
      { device: N, online: false, reason: 'sparkplug NDEATH' },
      { device: 'gas-01', online: false, reason: 'sparkplug NDEATH' },
      { device: 'belt-01', online: false, reason: 'sparkplug NDEATH' },
    ]);
    // [tck-id-operational-behavior-edge-node-termination-host-action-ndeath-node-offline]: dated by arrival
    expect(dead.frames.every((f) => f.type === 'status' && f.ts === ARRIVAL)).toBe(true);
    expect(d.nodeCount()).toBe(0);
    expect(rejected(() => d.decode(topic('DDATA', 'gas-01'), enc({ seq: 4, metrics: [m('lel', 'Float', 1)] }), ARRIVAL))).toBe('sparkplug_no_birth');
    // no birth known: the node alone goes offline
    expect(statusOf(death(9).frames)).toEqual([{ device: N, online: false, reason: 'sparkplug NDEATH' }]);
  });

  it('DDEATH takes one device offline and forgets its aliases', () => {
    const d = new SparkplugDecoder();
    nbirth(d);
    dbirth(d, 'gas-01', 1, GAS_BIRTH);
    const r = d.decode(topic('DDEATH', 'gas-01'), enc({ timestamp: T0 + 9, seq: 2 }), ARRIVAL);
    expect(r.frames).toEqual([{ type: 'status', transport: 'sparkplug', ts: T0 + 9, online: false, reason: 'sparkplug DDEATH', enterprise: G, site: N, device: 'gas-01' }]);
    expect(r.seqGap).toBeUndefined();
    expect(rejected(() => d.decode(topic('DDATA', 'gas-01'), enc({ seq: 3, metrics: [m(undefined, 'Float', 1, { alias: 1 })] }), ARRIVAL))).toBe('sparkplug_no_birth');
  });

  it('rejects NaN and Infinity as non_finite (CONTRACT §3.5)', () => {
    const d = new SparkplugDecoder();
    nbirth(d);
    dbirth(d, 'gas-01', 1, GAS_BIRTH);
    expect(rejected(() => d.decode(topic('DDATA', 'gas-01'), enc({ seq: 2, metrics: [m(undefined, 'Double', NaN, { alias: 2 })] }), ARRIVAL))).toBe('non_finite');
    expect(rejected(() => d.decode(topic('DDATA', 'gas-01'), enc({ seq: 3, metrics: [m('lel', 'Float', Infinity)] }), ARRIVAL))).toBe('non_finite');
    expect(rejected(() => dbirth(d, 'gas-02', 4, [m('co', 'Double', -Infinity)]))).toBe('non_finite');
  });

  it('rejects bytes that are not a Sparkplug protobuf as malformed', () => {
    const d = new SparkplugDecoder();
    expect(rejected(() => d.decode(topic('NBIRTH'), Buffer.from('not a protobuf {"ts":1}'), ARRIVAL))).toBe('malformed');
    expect(rejected(() => d.decode(topic('NDATA'), Buffer.from([0x0a, 0xff, 0xff]), ARRIVAL))).toBe('malformed');
  });

  it('converts booleans to 1/0 and Int64/UInt64 Longs to numbers, sign-extending small ints', () => {
    const d = new SparkplugDecoder();
    nbirth(d);
    const r = readingsOf(dbirth(d, 'power-01', 1, [
      m('kwh', 'Int64', -5), m('total_t', 'UInt64', 2 ** 40 + 3), m('cnt', 'UInt32', 4_000_000_000),
      m('i8', 'Int8', -3), m('i16', 'Int16', -300), m('u8', 'UInt8', 250), m('on', 'Boolean', true), m('off', 'Boolean', false),
    ]).frames);
    expect(Object.fromEntries(r.map((x) => [x.metric, x.value]))).toEqual({ kwh: -5, total_t: 2 ** 40 + 3, cnt: 4_000_000_000, i8: -3, i16: -300, u8: 250, on: 1, off: 0 });
  });

  it('is_null gives value null with quality bad', () => {
    const d = new SparkplugDecoder();
    nbirth(d);
    dbirth(d, 'gas-01', 1, GAS_BIRTH);
    const r = readingsOf(d.decode(topic('DDATA', 'gas-01'), enc({ seq: 2, metrics: [m(undefined, 'Float', null, { alias: 1 })] }), ARRIVAL).frames);
    expect(r).toMatchObject([{ metric: 'lel', value: null, quality: 'bad' }]);
  });

  it('skips unsupported types and metadata; a DATA with nothing numeric yields no frame', () => {
    const d = new SparkplugDecoder();
    const b = nbirth(d, 0, [m('Node Control/Rebirth', 'Boolean', false), m('Properties/Hardware', 'String', 'x'), m('fw', 'String', '1.2'), m('when', 'DateTime', T0), m('kw', 'Double', 1)]);
    expect(readingsOf(b.frames).map((r) => r.metric)).toEqual(['kw']);
    expect(d.decode(topic('NDATA'), enc({ seq: 1, metrics: [m('fw', 'String', '1.3')] }), ARRIVAL).frames).toEqual([]);
  });

  it('uses metric timestamp, else payload timestamp, else arrival', () => {
    const d = new SparkplugDecoder();
    nbirth(d);
    const payload = { timestamp: T0 + 1, seq: 1, metrics: [m('a', 'Double', 1, { timestamp: T0 + 2 }), m('b', 'Double', 2)] };
    expect(readingsOf(d.decode(topic('NDATA'), enc(payload), ARRIVAL).frames).map((r) => r.ts)).toEqual([T0 + 2, T0 + 1]);
    expect(readingsOf(d.decode(topic('NDATA'), enc({ seq: 2, metrics: [m('b', 'Double', 2)] }), ARRIVAL).frames)[0].ts).toBe(ARRIVAL);
  });

  it('rejects topics outside spBv1.0 N/D BIRTH|DATA|DEATH as unknown_topic', () => {
    const d = new SparkplugDecoder();
    const ok = enc({ seq: 0, metrics: [] });
    for (const t of ['spBv1.0/STATE/host-1', `spBv1.0/${G}/NCMD/${N}`, `spBv1.0/${G}/DCMD/${N}/x`, `spBv1.0/${G}/NDATA/${N}/extra`, `spBv1.0/${G}/DDATA/${N}`, `spAv1.0/${G}/NDATA/${N}`, `spBv1.0//NDATA/${N}`, 'hl/v1/a/b/c/telemetry']) {
      expect(rejected(() => d.decode(t, ok, ARRIVAL)), t).toBe('unknown_topic');
    }
    expect(parseSparkplugTopic(`spBv1.0/${G}/DDATA/${N}/gas-01`)).toEqual({ group: G, node: N, device: 'gas-01', messageType: 'DDATA' });
    expect(SPARKPLUG_SUBSCRIPTIONS).toContain('spBv1.0/+/DDATA/+/+');
  });

  it('bounds memory: nodes and devices per node are capped (invalid_payload), metrics per device too (too_many_metrics)', () => {
    const d = new SparkplugDecoder({ maxNodes: 1, maxDevicesPerNode: 1, maxMetricsPerDevice: 2 });
    nbirth(d);
    expect(rejected(() => d.decode(`spBv1.0/${G}/NBIRTH/site-2`, enc({ seq: 0, metrics: [] }), ARRIVAL))).toBe('invalid_payload');
    expect(nbirth(d, 1).frames.length).toBeGreaterThan(0); // the same node may rebirth
    expect(rejected(() => dbirth(d, 'gas-01', 1, GAS_BIRTH))).toBe('too_many_metrics');
    dbirth(d, 'gas-01', 2, GAS_BIRTH.slice(0, 2));
    expect(rejected(() => dbirth(d, 'gas-02', 3, []))).toBe('invalid_payload');
  });

  it('keeps nothing for a BIRTH the known() check refuses (issue 12 item 5)', () => {
    const known = (_g: string, node: string, device?: string) => (node !== N ? new RejectError('unknown_site', node) : device !== undefined && device !== 'gas-01' ? new RejectError('unknown_device', device) : null);
    const d = new SparkplugDecoder({ known });
    expect(rejected(() => d.decode(`spBv1.0/${G}/NBIRTH/site-2`, enc({ seq: 0, metrics: [] }), ARRIVAL))).toBe('unknown_site');
    expect(d.nodeCount()).toBe(0);
    nbirth(d);
    for (let i = 0; i < 100; i++) expect(rejected(() => dbirth(d, `ghost-${i}`, i + 1, GAS_BIRTH))).toBe('unknown_device');
    expect(d.deviceCount()).toBe(0);
    dbirth(d, 'gas-01', 101, GAS_BIRTH);
    expect(d.deviceCount()).toBe(1);
  });

  it('rejects a BIRTH that binds one alias to two metrics [tck-id-payloads-alias-uniqueness]', () => {
    const d = new SparkplugDecoder();
    nbirth(d);
    expect(rejected(() => dbirth(d, 'gas-01', 1, [m('lel', 'Float', 1, { alias: 1 }), m('co', 'Float', 1, { alias: 1 })]))).toBe('invalid_payload');
  });

  it('a new NBIRTH drops the devices of the old session', () => {
    const d = new SparkplugDecoder();
    nbirth(d, 0);
    dbirth(d, 'gas-01', 1, GAS_BIRTH);
    nbirth(d, 1);
    expect(rejected(() => d.decode(topic('DDATA', 'gas-01'), enc({ seq: 1, metrics: [m('lel', 'Float', 1)] }), ARRIVAL))).toBe('sparkplug_no_birth');
  });

  it("decodes Tahu's compressed envelope (DEFLATE and GZIP)", () => {
    const d = new SparkplugDecoder();
    nbirth(d);
    const inner = sp.encodePayload({ seq: 1, metrics: [m('kw', 'Double', 42)] });
    const deflated = enc({ uuid: 'SPBV1.0_COMPRESSED', body: deflateSync(inner), metrics: [] });
    expect(readingsOf(d.decode(topic('NDATA'), deflated, ARRIVAL).frames)[0].value).toBe(42);
    const inner2 = sp.encodePayload({ seq: 2, metrics: [m('kw', 'Double', 43)] });
    const gz = enc({ uuid: 'SPBV1.0_COMPRESSED', body: gzipSync(inner2), metrics: [m('algorithm', 'String', 'GZIP')] });
    const r = d.decode(topic('NDATA'), gz, ARRIVAL);
    expect(r.seqGap).toBeUndefined(); // the seq inside the envelope is the one counted
    expect(readingsOf(r.frames)[0].value).toBe(43);
    expect(rejected(() => d.decode(topic('NDATA'), enc({ uuid: 'SPBV1.0_COMPRESSED', body: Buffer.from('nope'), metrics: [] }), ARRIVAL))).toBe('malformed');
  });
});
