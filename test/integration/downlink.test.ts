// Down the link (issue 16): what the centre decides for an edge's enterprise reaches the edge —
// a declared status (the edge's 明停暗开 rules read it), an acknowledgement and a shelve of a
// mirrored alarm — in order, once, with the centre's person, and across the edge's restarts.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { tempDir } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';
import { centralConfig, edgeConfig } from '../helpers/uplink.ts';

const log = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let central: Gateway;
let edge: Gateway;
let edgeRaw: Record<string, any>;
const edgeDir = tempDir('hl-edge-down-');
const REG = 'tk-central-regulator';
const DISP = 'tk-central-dispatcher';

const startEdge = async () => {
  edge = new Gateway(parseConfig(edgeRaw), { log: log() });
  await edge.start();
  await waitFor(() => edge.edge!.uplink.client.connected, 10_000, 'uplink connected');
};
const declarations = async () => (await edge.records!.declarations.list('ent-a')).map((d) => [d.status, d.actor]);
const call = async (g: Gateway, method: 'PUT' | 'POST', url: string, token: string, payload: unknown) => {
  const r = await g.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json();
};

beforeAll(async () => {
  const c = await centralConfig();
  c.auth.tokens.push({ token: REG, role: 'regulator', jurisdictions: ['taian'], name: '孙监管' });
  c.auth.tokens.find((t: { token: string }) => t.token === DISP).name = '中心王调度';
  central = new Gateway(parseConfig(c), { log: log() });
  await central.start();
  edgeRaw = await edgeConfig(central.mqttPort, edgeDir);
  await startEdge();
});
afterAll(async () => {
  await edge?.stop();
  await central?.stop();
});

describe('centre → edge', () => {
  it('a status the regulator declares at the centre reaches the edge, with the person', async () => {
    await call(central, 'PUT', '/api/v1/enterprises/ent-a/declared-status', REG, { status: 'stopped', from: new Date(Date.now() - 60_000).toISOString(), reason: '停产整顿' });
    await waitFor(async () => (await declarations()).length === 1, 10_000, 'declaration at the edge');
    expect(await declarations()).toEqual([['stopped', '孙监管']]);
  });

  it("the centre's acknowledgement and shelve of a mirrored alarm reach the edge's own alarm", async () => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, { username: 'gas-01', password: 'pw-gas-01' });
    const t0 = Date.now() - 30_000;
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify([{ ts: t0, values: { lel: 46 } }]), { qos: 1 });
    await c.endAsync();
    const own = await waitFor(() => edge.alarms!.openAlarms().find((a) => a.rule === 'gas.lel'), 10_000, 'edge alarm');
    const mirrored = await waitFor(() => central.alarms!.openAlarms().find((a) => a.rule === 'gas.lel' && a.origin === 'edge-a'), 10_000, 'mirrored alarm');
    await call(central, 'POST', `/api/v1/alarms/${mirrored.id}/ack`, DISP, { note: '中心已电话通知矿方' });
    await waitFor(() => edge.alarms!.get(own.id)?.state === 'active_acked', 10_000, 'acknowledged at the edge');
    expect(edge.alarms!.get(own.id)).toMatchObject({ ackedBy: '中心王调度', ackNote: '中心已电话通知矿方' });
    await call(central, 'POST', `/api/v1/alarms/${mirrored.id}/shelve`, DISP, { reason: '检修', until: Date.now() + 3_600_000 });
    await waitFor(() => edge.alarms!.get(own.id)?.state === 'shelved', 10_000, 'shelved at the edge');
  });

  it('decided while the edge is down: applied once after it restarts; a second restart applies nothing again', async () => {
    await edge.stop();
    await call(central, 'PUT', '/api/v1/enterprises/ent-a/declared-status', REG, { status: 'producing', from: new Date().toISOString(), reason: '复工复产验收通过' });
    await startEdge();
    await waitFor(async () => (await declarations()).length === 2, 15_000, 'the declaration made while down');
    expect(await declarations()).toEqual([['stopped', '孙监管'], ['producing', '孙监管']]);
    await edge.stop();
    await startEdge();
    // the hello says what it applied: the centre sends nothing older, and nothing is applied twice
    await waitFor(async () => (await central.records!.downlink.after('edge-a', 0)).length === 1, 15_000, 'the centre pruned what the edge applied');
    expect(await declarations()).toEqual([['stopped', '孙监管'], ['producing', '孙监管']]);
  });

  it('an enterprise of the centre itself is not sent down; an edge may subscribe to its own downlink only', async () => {
    expect(await central.pipeline!.alarmRoutes.downlink!({ kind: 'ack', enterprise: 'ent-b', alarmId: 'x', actor: 'a', note: null })).toBeUndefined();
    expect(await central.records!.downlink.after('edge-a', 4)).toEqual([]);
    const spy = await mqtt.connectAsync(`mqtt://127.0.0.1:${central.mqttPort}`, { username: 'edge-a', password: 'pw-edge-a', clientId: 'spy-edge' });
    // SUBACK 0x80 for each (mqtt.js reports it as an error)
    for (const topic of ['hl/uplink/v1/edge-b/down', 'hl/v1/#']) await expect(spy.subscribeAsync(topic)).rejects.toThrow(/Subscribe error/);
    expect((await spy.subscribeAsync('hl/uplink/v1/edge-a/down', { qos: 1 }))[0].qos).toBe(1);
    await spy.endAsync();
  });
});
