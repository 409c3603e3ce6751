// 复工复产 (issue 17) on a real gateway under a manual clock: a mine declared stopped, with an
// electronic seal at its shaft. Its officer declares production: that is a request (202), the
// rules still judge it stopped, and the seal opened before the regulator's acceptance is a red
// 明停暗开 alarm; once the regulator accepts (the declaration is made, by the regulator) the seal
// opens without an alarm. A second request while one waits is refused; a rejection needs a note.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/src/clock.ts';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { rawTestConfig, tempDir } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const at = (local: string) => Date.parse(`2026-12-05T${local}+08:00`);
const clock = new ManualClock(at('09:55:00'));
const T = { regulator: 'tk-reg', officer: 'tk-officer' };
let gw: Gateway;
const call = async (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) => {
  const r = await gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  return { status: r.statusCode, body: r.json() };
};
const seal = async (t: string, type: 'seal_opened' | 'seal_closed') => {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.mqttPort}`, { username: 'seal-shaft', password: 'pw-seal-shaft' });
  await c.publishAsync('hl/v1/ent-a/s1/seal-shaft/event', JSON.stringify({ ts: at(t), type, detail: {} }), { qos: 1 });
  await c.endAsync();
  await waitFor(() => gw.wal.depth() === 0, 10_000, 'seal event through the rules');
  await gw.alarms!.flush();
};
const sealAlarms = () => gw.alarms!.openAlarms().filter((a) => a.rule === 'seal.opened-while-stopped').map((a) => `${new Date(a.raisedAt).toISOString()} ${a.active ? 'active' : 'cleared'}`);

beforeAll(async () => {
  const raw = await rawTestConfig(tempDir(), {});
  const ent = raw.enterprises.find((e: { id: string }) => e.id === 'ent-a');
  ent.declaredStatus = 'stopped';
  ent.sites[0].devices.push({ id: 'seal-shaft', name: '主井口电子封条', kind: 'seal', intervalSeconds: 60 });
  raw.auth.devices.push({ username: 'seal-shaft', password: 'pw-seal-shaft', enterprise: 'ent-a', site: 's1', device: 'seal-shaft' });
  raw.auth.tokens.push({ token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '泰安应急局孙科长' }, { token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '甲矿安全员张工' });
  gw = new Gateway(parseConfig(raw), { clock, log: createLogger({ level: 'silent' }) });
  await gw.start();
});
afterAll(async () => {
  await gw?.stop();
});

describe('复工复产 needs the regulator', () => {
  let request: any;

  it("the officer's declaration of production is a request (202); the enterprise stays declared stopped", async () => {
    clock.set(at('10:00:00'));
    const r = await call('PUT', '/api/v1/enterprises/ent-a/declared-status', T.officer, { status: 'producing', reason: '整改完成，申请复工' });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    request = r.body.pending;
    expect(r.body.declaredStatus).toBe('stopped');
    expect(request).toMatchObject({ enterprise: 'ent-a', state: 'pending', wasStatus: 'stopped', requestedByName: '甲矿安全员张工', reason: '整改完成，申请复工' });
    expect((await call('GET', '/api/v1/enterprises/ent-a/declarations', T.officer)).body.declarations).toEqual([]);
    expect((await call('PUT', '/api/v1/enterprises/ent-a/declared-status', T.officer, { status: 'producing' })).status).toBe(409);
    expect((await call('GET', '/api/v1/resumptions?state=pending', T.regulator)).body.resumptions.map((x: any) => x.id)).toEqual([request.id]);
  });

  it('the seal opened before the acceptance is still a red alarm', async () => {
    clock.set(at('10:10:00'));
    await seal('10:10:00', 'seal_opened');
    await seal('10:20:00', 'seal_closed');
    expect(sealAlarms()).toEqual(['2026-12-05T02:10:00.000Z cleared']);
  });

  it('the regulator accepts: the declaration of production is made by the regulator; the seal then opens without an alarm', async () => {
    clock.set(at('10:30:00'));
    expect((await call('POST', `/api/v1/resumptions/${request.id}/accept`, T.officer, {})).status).toBe(403);
    const r = await call('POST', `/api/v1/resumptions/${request.id}/accept`, T.regulator, { note: '现场验收合格' });
    expect(r.status).toBe(200);
    expect(r.body.resumption).toMatchObject({ state: 'accepted', decidedByName: '泰安应急局孙科长', note: '现场验收合格' });
    const decl = (await call('GET', '/api/v1/enterprises/ent-a/declarations', T.officer)).body.declarations;
    expect(decl.map((x: any) => [x.status, x.from])).toEqual([['producing', '2026-12-05T02:30:00.000Z']]);
    expect(decl[0].reason).toContain('复工复产验收通过：现场验收合格');
    expect((await call('POST', `/api/v1/resumptions/${request.id}/accept`, T.regulator, {})).status).toBe(409);
    await seal('10:40:00', 'seal_opened');
    expect(sealAlarms()).toEqual(['2026-12-05T02:10:00.000Z cleared']);
    const audit = (await gw.records!.audit.entries(0, 1000, { kind: 'resumption', ref: request.id })).map((e) => e.action);
    expect(audit).toEqual(['request', 'accept']);
  });

  it('a rejection needs a note', async () => {
    // declared stopped again by the regulator, then another request
    clock.set(at('11:00:00'));
    expect((await call('PUT', '/api/v1/enterprises/ent-a/declared-status', T.regulator, { status: 'stopped', reason: '停产整顿' })).status).toBe(200);
    const r = await call('PUT', '/api/v1/enterprises/ent-a/declared-status', T.officer, { status: 'producing' });
    expect(r.status).toBe(202);
    const bad = await call('POST', `/api/v1/resumptions/${r.body.pending.id}/reject`, T.regulator, {});
    expect([bad.status, bad.body.error.field]).toEqual([400, 'note']);
    expect((await call('POST', `/api/v1/resumptions/${r.body.pending.id}/reject`, T.regulator, { note: '隐患未整改到位' })).body.resumption).toMatchObject({ state: 'rejected', note: '隐患未整改到位' });
  });
});
