// Alarms end to end (CONTRACT §6, §7, §9): a reading over MQTT raises an alarm that is pushed
// on the WebSocket (snapshot first), listed, acknowledged with a note, shelved, scoped per
// token (out of scope = 404), counted in /metrics, recorded as the `alarm` measurement, and
// still open — not re-fired — after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import WebSocket from 'ws';
import type { WalEntry } from '../../gateway/src/model/types.ts';
import { startTestGateway, TEST_TOKENS, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const DISPATCHER_B = 'test-dispatcher-b';
const tokens = [
  { token: TEST_TOKENS.admin, role: 'admin' },
  { token: TEST_TOKENS.dispatcher, role: 'dispatcher', enterprises: ['ent-a'], name: '调度员甲' },
  { token: DISPATCHER_B, role: 'dispatcher', enterprises: ['ent-b'] },
  { token: TEST_TOKENS.regulator, role: 'regulator', jurisdictions: ['taian'] },
];
const dataDir = tempDir();
let t: TestGateway;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function publish(values: Record<string, number>, ts: number) {
  const c = await mqtt.connectAsync(t.mqttUrl, { username: 'gas-01', password: 'pw-gas-01', clientId: `t-${Math.random()}` });
  await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts, values }), { qos: 1 });
  await c.endAsync();
}

interface Msg { type: string; data: any }
function openStream(token: string): Promise<{ ws: WebSocket; messages: Msg[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${t.gw.httpPort}/api/v1/stream?token=${token}`);
  const messages: Msg[] = [];
  ws.on('message', (m) => messages.push(JSON.parse(String(m))));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('error', reject);
  });
}

beforeAll(async () => {
  t = await startTestGateway({ auth: { tokens, devices: [{ username: 'gas-01', password: 'pw-gas-01', enterprise: 'ent-a', site: 's1', device: 'gas-01' }, { username: 's1-eon', password: 'pw-s1', enterprise: 'ent-a', site: 's1' }] } }, dataDir);
});
afterAll(async () => {
  await t.stop();
});

describe('alarms over HTTP and WebSocket', () => {
  const now = Date.now();
  let alarmId = '';

  it('a red LEL reading is pushed to a subscribed dispatcher after the snapshot, with dueBy at the end of the local day', async () => {
    const points: WalEntry[] = [];
    t.gw.wal.on('durable', (es: WalEntry[]) => points.push(...es.filter((e) => e.frame.type === 'points')));
    const { ws, messages } = await openStream(TEST_TOKENS.dispatcher);
    const other = await openStream(DISPATCHER_B);
    await waitFor(() => messages.length >= 1 && other.messages.length >= 1, 5000, 'snapshots');
    expect(messages[0]).toEqual({ type: 'snapshot', data: { alarms: [] } });
    await publish({ lel: 45 }, now);
    const pushed = await waitFor(() => messages.find((m) => m.type === 'alarm'), 5000, 'alarm pushed');
    expect(pushed.data).toMatchObject({ rule: 'gas.lel', severity: 'red', state: 'active_unacked', device: 'gas-01', enterprise: 'ent-a', value: 45, action: 'raise' });
    expect(pushed.data.dueBy).toMatch(/T23:59:59\+08:00$/);
    alarmId = pushed.data.id;
    // another enterprise's dispatcher sees nothing of it
    await new Promise((r) => setTimeout(r, 200));
    expect(other.messages.filter((m) => m.type === 'alarm')).toEqual([]);
    // the alarm measurement for Grafana annotations (CONTRACT §5)
    await waitFor(() => points.length > 0, 5000, 'alarm measurement');
    const p = (points[0].frame as { points: { measurement: string; tags: Record<string, string>; fields: Record<string, unknown> }[] }).points[0];
    expect(p).toMatchObject({ measurement: 'alarm', tags: { enterprise: 'ent-a', site: 's1', device: 'gas-01', rule: 'gas.lel', severity: 'red' }, fields: { state: 'active_unacked' } });
    ws.close();
    other.ws.close();
  });

  it('lists open alarms in scope; out of scope answers 404; /metrics counts it', async () => {
    const list = await t.gw.api.inject({ method: 'GET', url: '/api/v1/alarms', headers: auth(TEST_TOKENS.dispatcher) });
    expect(list.json().alarms.map((a: { id: string }) => a.id)).toEqual([alarmId]);
    expect((await t.gw.api.inject({ method: 'GET', url: '/api/v1/alarms', headers: auth(DISPATCHER_B) })).json().alarms).toEqual([]);
    expect((await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/ack`, headers: auth(DISPATCHER_B), payload: {} })).statusCode).toBe(404);
    expect((await t.gw.api.inject({ method: 'GET', url: '/api/v1/alarms?severity=purple', headers: auth(TEST_TOKENS.dispatcher) })).json().error.field).toBe('severity');
    const metrics = await t.gw.api.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/hazardline_alarms_open\{severity="red"\} 1/);
    expect(metrics.body).toMatch(/hazardline_alarm_activations_total\{severity="red"\} 1/);
  });

  it('acknowledge with a note (actor recorded), then a second ack is a 409 with the allowed steps', async () => {
    const ack = await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/ack`, headers: auth(TEST_TOKENS.dispatcher), payload: { note: '已通知现场班长' } });
    expect(ack.statusCode).toBe(200);
    expect(ack.json().alarm).toMatchObject({ state: 'active_acked', ackedBy: '调度员甲', ackNote: '已通知现场班长' });
    const again = await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/ack`, headers: auth(TEST_TOKENS.dispatcher), payload: {} });
    expect(again.statusCode).toBe(409);
    const one = await t.gw.api.inject({ method: 'GET', url: `/api/v1/alarms/${alarmId}`, headers: auth(TEST_TOKENS.regulator) });
    expect(one.json().transitions.map((x: { action: string; actor: string }) => `${x.action}:${x.actor}`)).toEqual(['raise:system', 'ack:调度员甲']);
  });

  it('shelve needs a reason and a future expiry of at most 7 days', async () => {
    const bad = await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/shelve`, headers: auth(TEST_TOKENS.dispatcher), payload: { until: Date.now() + 3_600_000 } });
    expect(bad.json().error.field).toBe('reason');
    const far = await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/shelve`, headers: auth(TEST_TOKENS.dispatcher), payload: { until: Date.now() + 30 * 86_400_000, reason: 'x' } });
    expect(far.json().error.field).toBe('until');
    const ok = await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/shelve`, headers: auth(TEST_TOKENS.dispatcher), payload: { until: new Date(Date.now() + 3_600_000).toISOString(), reason: '探头标定' } });
    expect(ok.json().alarm).toMatchObject({ state: 'shelved', shelveReason: '探头标定' });
  });

  it('alarm health (ISA-18.2) answers per scope', async () => {
    const h = await t.gw.api.inject({ method: 'GET', url: '/api/v1/alarms/health', headers: auth(TEST_TOKENS.dispatcher) });
    expect(h.json()).toMatchObject({ activations: 1, open: 1, floods: [], chattering: [], stale: [] });
    expect((await t.gw.api.inject({ method: 'GET', url: '/api/v1/alarms/health', headers: auth(DISPATCHER_B) })).json().activations).toBe(0);
  });

  it('zone head-counts are pushed to occupancy subscribers and stored as the occupancy measurement (CONTRACT §5, §9)', async () => {
    const frames: WalEntry[] = [];
    t.gw.wal.on('durable', (es: WalEntry[]) => frames.push(...es.filter((e) => e.frame.type === 'points')));
    const { ws, messages } = await openStream(TEST_TOKENS.dispatcher);
    ws.send(JSON.stringify({ subscribe: ['occupancy:s1'] }));
    await new Promise((r) => setTimeout(r, 100));
    const c = await mqtt.connectAsync(t.mqttUrl, { username: 's1-eon', password: 'pw-s1', clientId: `t-${Math.random()}` });
    await c.publishAsync('hl/v1/ent-a/s1/uwb-1/position', JSON.stringify({ ts: now, tags: [{ tag: 'P1', zone: 'z-stope-301' }, { tag: 'P2', zone: 'z-stope-301' }, { tag: 'P3', zone: null }] }), { qos: 1 });
    await c.endAsync();
    const pushed = await waitFor(() => messages.find((m) => m.type === 'occupancy'), 5000, 'occupancy pushed');
    expect(pushed.data).toMatchObject({ enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', persons: 2, maxPersons: 9 });
    await waitFor(() => frames.some((e) => (e.frame as { points: { measurement: string }[] }).points[0].measurement === 'occupancy'), 5000, 'occupancy point');
    const p = frames.map((e) => (e.frame as { points: { measurement: string }[] }).points[0]).find((x) => x.measurement === 'occupancy');
    expect(p).toEqual({ measurement: 'occupancy', tags: { enterprise: 'ent-a', site: 's1', zone: 'z-stope-301' }, fields: { persons: 2 }, ts: now });
    ws.close();
  });

  it('after a restart the alarm is still open and the same condition does not raise a new one', async () => {
    await t.stop({ keepData: true });
    t = await startTestGateway({ auth: { tokens, devices: [{ username: 'gas-01', password: 'pw-gas-01', enterprise: 'ent-a', site: 's1', device: 'gas-01' }] } }, dataDir);
    await publish({ lel: 50 }, now + 5000);
    await waitFor(() => t.gw.wal.depth() === 0, 5000, 'drained');
    await t.gw.alarms!.flush();
    const all = (await t.gw.api.inject({ method: 'GET', url: '/api/v1/alarms?state=all', headers: auth(TEST_TOKENS.admin) })).json().alarms;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: alarmId, state: 'shelved', peak: 50 });
  });

  it('disposal (报警处置, issue 14): cause, measures, result and the person; the same-day rate moves; once only', async () => {
    const rate = async () => (await t.gw.api.inject({ method: 'GET', url: '/api/v1/alarms/disposal-rate', headers: auth(TEST_TOKENS.dispatcher) })).json();
    const before = await rate();
    expect(before).toMatchObject({ raised: 1, sameDay: 0, sameDayDisposalRate: 0 });
    expect(before.days).toEqual([expect.objectContaining({ enterprise: 'ent-a', raised: 1, acknowledged: 1, disposed: 0, sameDay: 0 })]);
    const one = (await t.gw.api.inject({ method: 'GET', url: `/api/v1/alarms/${alarmId}`, headers: auth(TEST_TOKENS.dispatcher) })).json();
    expect(one.alarm.disposal).toBeNull();
    expect(one.causes.map((c: { id: string }) => c.id)).toEqual(['leak', 'ventilation', 'gas-emission', 'operation', 'false-alarm', 'other']);
    const bad = await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/dispose`, headers: auth(TEST_TOKENS.dispatcher), payload: { cause: 'other', measures: 'm', result: 'r' } });
    expect(bad.json().error.field).toBe('causeText');
    expect((await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/dispose`, headers: auth(TEST_TOKENS.dispatcher), payload: { cause: 'leak', result: 'r' } })).json().error.field).toBe('measures');
    const ok = await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/dispose`, headers: auth(TEST_TOKENS.dispatcher), payload: { cause: 'leak', causeText: '3号阀门法兰', measures: '关闭上游阀门，强制通风', result: '浓度降至 5 %LEL 以下', responsible: '李班长' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().alarm.disposal).toMatchObject({ cause: '设备/管道泄漏：3号阀门法兰', responsible: '李班长', disposedBy: '调度员甲', sameDay: true });
    expect((await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/dispose`, headers: auth(TEST_TOKENS.dispatcher), payload: { cause: 'leak', measures: 'm', result: 'r' } })).statusCode).toBe(409);
    expect(await rate()).toMatchObject({ raised: 1, sameDay: 1, sameDayDisposalRate: 1 });
    await t.gw.alarms!.flush();
    const after = (await t.gw.api.inject({ method: 'GET', url: `/api/v1/alarms/${alarmId}`, headers: auth(TEST_TOKENS.regulator) })).json();
    expect(after.transitions.at(-1)).toMatchObject({ action: 'dispose', actor: '调度员甲' });
    const listed = (await t.gw.api.inject({ method: 'GET', url: '/api/v1/alarms?state=all', headers: auth(TEST_TOKENS.dispatcher) })).json().alarms;
    expect(listed[0].disposal).toMatchObject({ responsible: '李班长' });
    // another enterprise's dispatcher: absent
    expect((await t.gw.api.inject({ method: 'POST', url: `/api/v1/alarms/${alarmId}/dispose`, headers: auth(DISPATCHER_B), payload: { cause: 'leak', measures: 'm', result: 'r' } })).statusCode).toBe(404);
  });
});
