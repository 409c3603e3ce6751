// Edge and central gateways on loopback (issue 7, docs/uplink.md), in one process: live
// forwarding, alarms mirrored not raised twice, hazards without reporter identity, refusals.
import mqtt from 'mqtt';
import { encodeBatch, uplinkTopic } from '../../gateway/src/uplink/protocol.ts';
import { encodeFrame } from '../../gateway/src/wal/codec.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import type { Hazard } from '../../gateway/src/hazards/types.ts';
import { waitFor } from '../helpers/ports.ts';
import { centralConfig, EDGE, edgeConfig } from '../helpers/uplink.ts';

const log = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let central: Gateway;
let edge: Gateway;

beforeAll(async () => {
  central = new Gateway(parseConfig(await centralConfig()), { log: log() });
  await central.start();
  const e = await edgeConfig(central.mqttPort);
  e.auth.tokens.push({ token: 'tk-worker', role: 'worker', enterprises: ['ent-a'] }, { token: 'tk-officer', role: 'officer', enterprises: ['ent-a'] });
  edge = new Gateway(parseConfig(e), { log: log() });
  await edge.start();
  await waitFor(() => edge.edge!.uplink.client.connected, 10_000, 'uplink connected');
});
afterAll(async () => {
  await edge?.stop();
  await central?.stop();
});

describe('edge → central uplink', () => {
  it('forwards readings with their timestamps; an edge alarm is mirrored once, with its id', async () => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, { username: 'gas-01', password: 'pw-gas-01' });
    const t0 = Date.now() - 60_000;
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify([{ ts: t0, values: { lel: 3 } }, { ts: t0 + 1000, values: { lel: 46 } }]), { qos: 1 });
    await c.endAsync();
    const pts = await waitFor(async () => {
      const p = await central.runningSink.sink.query({ measurement: 'gas', enterprise: 'ent-a', device: 'gas-01', metric: 'lel', from: t0 - 1, to: t0 + 2000 });
      return p.length === 2 ? p : undefined;
    }, 10_000, 'readings at the centre');
    expect(pts).toEqual([[t0, 3], [t0 + 1000, 46]]);
    const edgeAlarm = await waitFor(() => edge.alarms!.openAlarms().find((a) => a.rule === 'gas.lel'), 5000, 'edge alarm');
    const mirrored = await waitFor(() => central.alarms!.openAlarms().find((a) => a.rule === 'gas.lel'), 10_000, 'mirrored alarm');
    expect(mirrored).toMatchObject({ id: edgeAlarm.id, origin: 'edge-a', severity: 'red', state: 'active_unacked', raisedAt: t0 + 1000 });
    expect(central.alarms!.openAlarms().filter((a) => a.rule === 'gas.lel')).toHaveLength(1);
    edge.alarms!.ack(edgeAlarm.id, 'dispatcher:zhang', '已通知');
    await waitFor(() => central.alarms!.get(edgeAlarm.id)?.state === 'active_acked', 10_000, 'mirrored ack');
  });
});

describe('hazard records over the uplink', () => {
  it('a worker report at the edge reaches the regulator at the centre without the reporter or the report code', async () => {
    const res = await edge.api.inject({ method: 'POST', url: '/api/v1/hazards', headers: { authorization: 'Bearer tk-worker' }, payload: { enterprise: 'ent-a', site: 's1', title: '皮带托辊脱落', description: '主井皮带 30 号托辊', category: 'static', level: 'general', anonymous: false, reporter: { name: '刘欢', phone: '13800000000' } } });
    expect(res.statusCode).toBe(201);
    const { hazard, reportCode } = res.json();
    await edge.api.inject({ method: 'POST', url: `/api/v1/hazards/${hazard.id}/actions`, headers: { authorization: 'Bearer tk-officer' }, payload: { action: 'verify' } });
    const mirrored = await waitFor(async () => {
      const h = await central.records!.hazards.get<Hazard>(hazard.id);
      return h?.state === 'verifying' ? h : undefined;
    }, 10_000, 'mirrored hazard');
    expect(mirrored).toMatchObject({ title: '皮带托辊脱落', origin: 'edge-a', jurisdiction: 'taian', reporterAlias: '职工 刘*' });
    expect(JSON.stringify(mirrored)).not.toContain(reportCode);
    expect(mirrored.reporterId).toBeUndefined();
    const history = await central.records!.hazards.history<{ action: string; actor: { role: string; id: string } }>(hazard.id);
    expect(history.map((h) => h.action)).toEqual(['create', 'verify']);
    expect(history[0].actor).toEqual({ role: 'worker', id: 'edge:edge-a/worker' });
    const byCode = await central.api.inject({ method: 'GET', url: `/api/v1/hazards/by-code/${reportCode}` });
    expect(byCode.statusCode).toBe(404);
    const list = await central.api.inject({ method: 'GET', url: '/api/v1/hazards', headers: { authorization: 'Bearer test-regulator' } });
    expect(list.json().hazards.map((h: { id: string }) => h.id)).toContain(hazard.id);
  });
});

describe('what the centre refuses or ignores', () => {
  const t0 = Date.UTC(2026, 10, 20, 0, 0, 0);
  const readings = (enterprise: string, site: string, device: string, value: number) => encodeFrame({ type: 'readings', transport: 'mqtt', readings: [{ ts: t0, enterprise, site, device, kind: 'gas', metric: 'lel', value, quality: 'good' }] });
  const rows = (seq: number, items: string[]) => [{ lane: 'b' as const, seq, at: t0, readings: items.length, body: `[${items.join(',')}]` }];
  // the real edge's queue: rows of these crafted batches continue its numbering
  const EPOCH = () => edge.edge!.uplink.queue.epoch();
  const refused = async (reason: string) => Number((await central.metrics.edgeRefused.get()).values.find((v) => v.labels.edge === 'edge-a' && v.labels.reason === reason)?.value ?? 0);

  it("an edge publishing for another enterprise, or under another edge's topic, is refused and counted; a device may not publish uplink topics", async () => {
    // a second session with the edge's credentials, as a rogue box would
    const rogue = await mqtt.connectAsync(`mqtt://127.0.0.1:${central.mqttPort}`, { ...EDGE, clientId: 'rogue-edge' });
    const before = await refused('acl_denied');
    const next = central.central!.registry.edges.get('edge-a')!.hwm.b + 1;
    await rogue.publishAsync(uplinkTopic('edge-a', 'b'), encodeBatch('edge-a', EPOCH(), 'b', rows(next, [readings('ent-b', 'p1', 'gas-h2s-1', 77), readings('ent-a', 's1', 'gas-02', 5)])), { qos: 1 });
    await rogue.publishAsync(uplinkTopic('edge-other', 'b'), encodeBatch('edge-other', EPOCH(), 'b', rows(1, [readings('ent-a', 's1', 'gas-02', 6)])), { qos: 1 });
    await rogue.endAsync();
    expect(await refused('acl_denied')).toBe(before + 2);
    await central.wal.waitForData(0);
    await waitFor(() => central.wal.depth() === 0, 5000, 'drained');
    expect(await central.runningSink.sink.query({ measurement: 'gas', enterprise: 'ent-b', device: 'gas-h2s-1', metric: 'lel', from: t0 - 1, to: t0 + 1 })).toEqual([]);
    // the allowed frame of the same batch is kept
    expect(await central.runningSink.sink.query({ measurement: 'gas', enterprise: 'ent-a', device: 'gas-02', metric: 'lel', from: t0 - 1, to: t0 + 1 })).toEqual([[t0, 5]]);
    const dev = await mqtt.connectAsync(`mqtt://127.0.0.1:${central.mqttPort}`, { username: 'gas-01', password: 'pw-gas-01' });
    const deniedBefore = Number((await central.metrics.rejected.get()).values.find((v) => v.labels.reason === 'acl_denied')?.value ?? 0);
    await dev.publishAsync(uplinkTopic('edge-a', 'b'), encodeBatch('edge-a', EPOCH(), 'b', rows(next + 1, [readings('ent-a', 's1', 'gas-02', 7)])), { qos: 1 });
    await dev.endAsync();
    expect(Number((await central.metrics.rejected.get()).values.find((v) => v.labels.reason === 'acl_denied')?.value)).toBe(deniedBefore + 1);
    expect(central.central!.registry.edges.get('edge-a')!.hwm.b).toBe(next);
  });

  it('a batch sent twice is applied once: the second changes nothing and is counted as duplicate rows', async () => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${central.mqttPort}`, { ...EDGE, clientId: 'replayer' });
    const next = central.central!.registry.edges.get('edge-a')!.hwm.b + 1;
    const batch = encodeBatch('edge-a', EPOCH(), 'b', rows(next, [readings('ent-a', 's1', 'gas-02', 8)]));
    const dupBefore = Number((await central.metrics.edgeDuplicates.get()).values.find((v) => v.labels.edge === 'edge-a')?.value ?? 0);
    const walBefore = central.wal.depth() + (central.wal as unknown as { checkpointSeq: number }).checkpointSeq;
    await c.publishAsync(uplinkTopic('edge-a', 'b'), batch, { qos: 1 });
    const walAfterFirst = central.wal.depth() + (central.wal as unknown as { checkpointSeq: number }).checkpointSeq;
    await c.publishAsync(uplinkTopic('edge-a', 'b'), batch, { qos: 1 });
    await c.endAsync();
    expect(Number((await central.metrics.edgeDuplicates.get()).values.find((v) => v.labels.edge === 'edge-a')?.value)).toBe(dupBefore + 1);
    // the replay wrote nothing to the WAL
    expect(central.wal.depth() + (central.wal as unknown as { checkpointSeq: number }).checkpointSeq).toBe(walAfterFirst);
    expect(walAfterFirst).toBe(walBefore + 2); // the frame and its mark
    expect(central.central!.registry.edges.get('edge-a')!.hwm.b).toBe(next);
  });

  it("a new queue at the edge (its file lost, the box replaced) numbers rows from 1 again: the centre starts over instead of calling them duplicates", async () => {
    // a batch of a queue no hello announced (a stale box on the same credentials) is not acknowledged: the connection is dropped
    const stale = await mqtt.connectAsync(`mqtt://127.0.0.1:${central.mqttPort}`, { ...EDGE, clientId: 'stale-box', reconnectPeriod: 0 });
    const closed = new Promise<void>((r) => stale.once('close', () => r()));
    stale.publish(uplinkTopic('edge-a', 'b'), encodeBatch('edge-a', EPOCH() + 7, 'b', rows(1, [readings('ent-a', 's1', 'gas-02', 1.25)])), { qos: 1 }, () => {});
    await closed;
    stale.end(true);
    expect(central.central!.registry.edges.get('edge-a')!.epoch).toBe(EPOCH());
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${central.mqttPort}`, { ...EDGE, clientId: 'new-box' });
    expect(central.central!.registry.edges.get('edge-a')!.hwm.b).toBeGreaterThan(1);
    // its hello announces the new queue first: a batch of an epoch nobody announced is not taken
    const hello = { ...edge.edge!.uplink.hello(), epoch: EPOCH() + 1, queue: { p: { rows: 0, oldestAt: null, nextSeq: 1 }, b: { rows: 1, readings: 1, oldestAt: t0, nextSeq: 2 }, bytes: 100, droppedReadings: 0 } };
    await c.publishAsync(uplinkTopic('edge-a', 'hello'), JSON.stringify(hello), { qos: 1 });
    await c.publishAsync(uplinkTopic('edge-a', 'b'), encodeBatch('edge-a', EPOCH() + 1, 'b', rows(1, [readings('ent-a', 's1', 'gas-02', 9.5)])), { qos: 1 });
    await c.endAsync();
    expect(central.central!.registry.edges.get('edge-a')).toMatchObject({ epoch: EPOCH() + 1, hwm: { b: 1, p: 0 } });
    await waitFor(async () => (await central.runningSink.sink.query({ measurement: 'gas', enterprise: 'ent-a', device: 'gas-02', metric: 'lel', from: t0 - 1, to: t0 + 1 }))[0]?.[1] === 9.5, 5000, 'applied');
  });
});
