// The hazard loop through the HTTP API (CONTRACT §7, §8; DOMAIN.md §7): a worker's report runs
// 上报 → 核查 → 限期整改 → 反馈 → 奖励 → 公示; roles and scopes hold (out of scope = 404);
// the reporter's identity reaches only the accepting officer and regulators; duplicates are not
// rewarded; an alarm becomes a hazard; a major hazard needs a regulator to close; every step is
// in the audit chain.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import sharp from 'sharp';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const T = { worker: 'tk-worker', officer: 'tk-officer', officer2: 'tk-officer-2', officerB: 'tk-officer-b', regulator: 'tk-regulator', dispatcher: 'tk-dispatcher' };
const tokens = [
  { token: TEST_TOKENS.admin, role: 'admin' },
  { token: T.worker, role: 'worker', enterprises: ['ent-a'], name: 'worker-17' },
  { token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '安全员王' },
  { token: T.officer2, role: 'officer', enterprises: ['ent-a'], name: '安全员李' },
  { token: T.officerB, role: 'officer', enterprises: ['ent-b'], name: 'officer-b' },
  { token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '泰安应急局' },
  { token: T.dispatcher, role: 'dispatcher', enterprises: ['ent-a'], name: '调度员甲' },
  { token: 'tk-regulator-jinan', role: 'regulator', jurisdictions: ['jinan'], name: '济南应急局' },
];
let t: TestGateway;
const call = async (method: 'GET' | 'POST', url: string, token?: string, payload?: unknown) => {
  const res = await t.gw.api.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, payload: payload as object });
  return { status: res.statusCode, body: res.json() };
};
const act = (id: string, token: string, payload: Record<string, unknown>) => call('POST', `/api/v1/hazards/${id}/actions`, token, payload);
const future = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

beforeAll(async () => {
  t = await startTestGateway({ auth: { tokens, devices: [{ username: 'gas-01', password: 'pw-gas-01', enterprise: 'ent-a', site: 's1', device: 'gas-01' }, { username: 's1-eon', password: 'pw-s1', enterprise: 'ent-a', site: 's1' }] } });
});
afterAll(async () => {
  await t.stop();
});

describe('hazard reports over HTTP', () => {
  let first = '';
  let code = '';

  it('a worker report runs the whole loop to the public notice, the reporter rewarded and masked', async () => {
    const created = await call('POST', '/api/v1/hazards', T.worker, { enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', title: '吊链隐蔽断口', description: '10 t 行车吊链有隐蔽断口', category: 'static', reporter: { name: '刘欢', phone: '13800000000' } });
    expect(created.status).toBe(201);
    expect(created.body.reportCode).toMatch(/^HL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(JSON.stringify(created.body)).not.toContain('刘欢');
    first = created.body.hazard.id;
    code = created.body.reportCode;
    for (const [step, body] of [
      ['verify', {}],
      ['confirm', { level: 'general' }],
      ['assign', { owner: '机电队张', measures: '更换吊链', funds: 800, deadline: future() }],
      ['rectify', { evidence: '已更换，见照片' }],
      ['close', { note: '验收合格' }],
      ['reward', { amount: 500 }],
      ['publish', {}],
    ] as const) {
      const r = await act(first, T.officer, { action: step, ...body });
      expect(r.status, `${step}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    const mine = await call('GET', `/api/v1/hazards/by-code/${code}`);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ state: 'published' });
    expect(JSON.stringify(mine.body)).toContain('500');
    const notice = await call('GET', '/api/v1/public/hazards');
    const entry = notice.body.hazards.find((h: { id: string }) => h.id === first);
    expect(entry).toBeDefined();
    expect(JSON.stringify(notice.body)).not.toMatch(/刘欢|13800000000|worker-17/);
    expect(JSON.stringify(entry)).toContain('职工 刘*');
  });

  it('an illegal step answers 409 with the allowed next steps; a worker may not verify (403)', async () => {
    const r = await act(first, T.officer, { action: 'verify' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('HL_ERR_CONFLICT');
    expect(Array.isArray(r.body.error.allowed)).toBe(true);
    const created = await call('POST', '/api/v1/hazards', T.worker, { enterprise: 'ent-a', title: '配电柜门未锁', anonymous: true });
    expect((await act(created.body.hazard.id, T.worker, { action: 'verify' })).status).toBe(403);
  });

  it('scopes: another enterprise sees 404; the reporter identity only for the accepting officer and the regulator', async () => {
    expect((await call('GET', `/api/v1/hazards/${first}`, T.officerB)).status).toBe(404);
    expect((await act(first, T.officerB, { action: 'publish' })).status).toBe(404);
    expect((await call('GET', `/api/v1/hazards/${first}`, T.worker)).status).toBe(403);
    const accepting = await call('GET', `/api/v1/hazards/${first}`, T.officer);
    expect(accepting.body.reporter).toEqual({ name: '刘欢', phone: '13800000000' });
    expect((await call('GET', `/api/v1/hazards/${first}`, T.regulator)).body.reporter?.name).toBe('刘欢');
    const other = await call('GET', `/api/v1/hazards/${first}`, T.officer2);
    expect(other.status).toBe(200);
    expect(JSON.stringify(other.body)).not.toMatch(/刘欢|13800000000/);
    expect(other.body.hazard.reporterId).toBeUndefined();
    expect((await call('GET', '/api/v1/hazards', T.officerB)).body.hazards).toEqual([]);
  });

  it('a duplicate report of the same hazard is linked and cannot be rewarded: only the first reporter is', async () => {
    const a = (await call('POST', '/api/v1/hazards', T.worker, { enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', title: '三号皮带托辊脱落', reporter: { name: '赵一' } })).body.hazard.id;
    const b = (await call('POST', '/api/v1/hazards', T.worker, { enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', title: '三号皮带托辊脱落了', reporter: { name: '钱二' } })).body.hazard.id;
    const view = await call('GET', `/api/v1/hazards/${b}`, T.officer);
    expect(view.body.hazard.possibleDuplicates).toContain(a);
    await act(b, T.officer, { action: 'verify' });
    expect((await act(b, T.officer, { action: 'confirm', duplicateOf: a })).status).toBe(200);
    for (const [step, body] of [['assign', { owner: 'x', measures: 'y', deadline: future() }], ['rectify', { evidence: 'z' }], ['close', {}]] as const) await act(b, T.officer, { action: step, ...body });
    const reward = await act(b, T.officer, { action: 'reward', amount: 100 });
    expect(reward.status).toBeGreaterThanOrEqual(400);
    expect(reward.status).toBeLessThan(500);
  });

  it('an alarm becomes a hazard; a major hazard is closed by the regulator, not by the enterprise alone', async () => {
    const c = await mqtt.connectAsync(t.mqttUrl, { username: 'gas-01', password: 'pw-gas-01' });
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts: Date.now(), values: { lel: 45 } }), { qos: 1 });
    await c.endAsync();
    const alarm = await waitFor(() => t.gw.alarms!.openAlarms().find((a) => a.rule === 'gas.lel'), 5000, 'alarm');
    const made = await call('POST', `/api/v1/alarms/${alarm.id}/hazard`, T.dispatcher, { level: 'major', note: '合成工段可燃气体超限' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.hazard).toMatchObject({ source: 'alarm', alarmId: alarm.id, enterprise: 'ent-a', device: 'gas-01' });
    expect(t.gw.alarms!.get(alarm.id)!.hazardId).toBe(made.body.hazard.id);
    expect((await call('POST', `/api/v1/alarms/${alarm.id}/hazard`, T.dispatcher, {})).status).toBe(409);
    const id = made.body.hazard.id;
    await act(id, T.officer, { action: 'verify' });
    expect((await act(id, T.officer, { action: 'confirm', level: 'major' })).status).toBe(200);
    expect((await act(id, T.officer, { action: 'assign', owner: '车间主任', measures: '更换密封', funds: 20000, deadline: future() })).body.error.field).toBe('plan');
    await act(id, T.officer, { action: 'assign', owner: '车间主任', measures: '更换密封', funds: 20000, deadline: future(), plan: '停车检修应急预案' });
    await act(id, T.officer, { action: 'rectify', evidence: '密封已更换' });
    expect((await act(id, T.officer, { action: 'close' })).status).toBe(403);
    expect((await act(id, T.regulator, { action: 'close', note: '现场核查合格，销号' })).status).toBe(200);
  });

  it('a rule opens a major hazard by itself: ≥ 10 persons in a high-risk zone (DOMAIN.md §3), once per alarm', async () => {
    const c = await mqtt.connectAsync(t.mqttUrl, { username: 's1-eon', password: 'pw-s1' });
    const tags = Array.from({ length: 12 }, (_, i) => ({ tag: `P${100 + i}`, zone: 'z-stope-301' }));
    const t0 = Date.now() - 5 * 60_000;
    for (const dt of [0, 30_000, 61_000, 90_000]) await c.publishAsync('hl/v1/ent-a/s1/uwb-1/position', JSON.stringify({ ts: t0 + dt, tags }), { qos: 1 });
    await c.endAsync();
    const alarm = await waitFor(() => t.gw.alarms!.openAlarms().find((a) => a.rule === 'personnel.overcrowding' && a.severity === 'red' && a.hazardId), 5000, 'overcrowding alarm with its hazard');
    const hz = await call('GET', `/api/v1/hazards/${alarm.hazardId}`, T.regulator);
    expect(hz.body.hazard).toMatchObject({ source: 'alarm', level: 'major', alarmId: alarm.id, zone: 'z-stope-301', state: 'reported' });
    const all = (await call('GET', '/api/v1/hazards?level=major', T.regulator)).body.hazards.filter((h: { alarmId?: string }) => h.alarmId === alarm.id);
    expect(all).toHaveLength(1);
  });

  it('an overdue rectification raises an alarm (red for a major hazard), cleared once rectified', async () => {
    const id = (await call('POST', '/api/v1/hazards', T.regulator, { enterprise: 'ent-a', site: 's1', title: '尾矿库排洪设施堵塞', level: 'major' })).body.hazard.id;
    await act(id, T.regulator, { action: 'verify' });
    await act(id, T.regulator, { action: 'confirm', level: 'major' });
    const deadline = Date.now() + 3 * 86_400_000;
    expect((await act(id, T.officer, { action: 'assign', owner: '尾矿工段长', measures: '清淤', funds: 50_000, deadline, plan: '汛期应急预案' })).status).toBe(200);
    await t.gw.checkOverdue(Date.now());
    expect(t.gw.alarms!.openAlarms().filter((a) => a.rule === 'hazard.overdue-rectification')).toEqual([]);
    await t.gw.checkOverdue(deadline + 86_400_000);
    const alarm = t.gw.alarms!.openAlarms().find((a) => a.rule === 'hazard.overdue-rectification')!;
    expect(alarm).toMatchObject({ severity: 'red', enterprise: 'ent-a', raisedAt: deadline });
    expect(alarm.message).toContain('逾期未整改');
    const listed = (await call('GET', '/api/v1/hazards', T.regulator)).body.hazards.find((h: { id: string }) => h.id === id);
    expect(listed.state).toBe('rectifying');
    await act(id, T.officer, { action: 'rectify', evidence: '已清淤' });
    await t.gw.checkOverdue(deadline + 2 * 86_400_000);
    expect(t.gw.alarms!.get(alarm.id)?.active ?? false).toBe(false);
    // the inspection finding's loop ends with the regulator's 销号; another jurisdiction sees nothing of it
    expect((await act(id, T.officer, { action: 'close' })).status).toBe(403);
    expect((await act(id, T.regulator, { action: 'close', note: '复查合格' })).body.hazard).toMatchObject({ state: 'closed', source: 'inspection' });
    expect((await call('GET', `/api/v1/hazards/${id}`, 'tk-regulator-jinan')).status).toBe(404);
    expect((await call('GET', '/api/v1/hazards', 'tk-regulator-jinan')).body.hazards).toEqual([]);
  });

  it('photos: type checked from the bytes (415), size-limited (413), stored under dataDir, shown to officers, not to the public', async () => {
    const id = (await call('POST', '/api/v1/hazards', T.worker, { enterprise: 'ent-a', site: 's1', title: '消防通道堵塞', anonymous: true })).body.hazard.id;
    const png = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#336699' } }).png().toBuffer();
    const up = (body: Buffer, type: string, token = T.worker) => t.gw.api.inject({ method: 'POST', url: `/api/v1/hazards/${id}/photos`, headers: { authorization: `Bearer ${token}`, 'content-type': type }, payload: body });
    const ok = await up(png, 'image/png');
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().photo).toMatchObject({ name: '1.png', type: 'image/png' });
    // a script renamed to .jpg is refused: the bytes decide
    const fake = await up(Buffer.from('#!/bin/sh\nrm -rf /\n'), 'image/jpeg');
    expect(fake.statusCode).toBe(415);
    expect(fake.json().error.field).toBe('photo');
    expect((await up(Buffer.alloc(6 * 1024 * 1024, 0xff), 'image/jpeg')).statusCode).toBe(413);
    expect((await up(png, 'image/png', T.officerB)).statusCode).toBe(404);
    const got = await t.gw.api.inject({ method: 'GET', url: `/api/v1/hazards/${id}/photos/1.png`, headers: { authorization: `Bearer ${T.officer}` } });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    // re-encoded by the gateway (photo-sanitise.ts): the same picture
    expect(await sharp(got.rawPayload).metadata()).toMatchObject({ format: 'png', width: 16, height: 12 });
    expect(got.rawPayload.length).toBe(ok.json().photo.bytes);
    expect(existsSync(join(t.dataDir, 'photos', id, '1.png'))).toBe(true);
    expect((await t.gw.api.inject({ method: 'GET', url: `/api/v1/hazards/${id}/photos/1.png`, headers: { authorization: `Bearer ${T.worker}` } })).statusCode).toBe(403);
  });

  it('every step is in the tamper-evident audit chain', async () => {
    await t.gw.alarms!.flush();
    const r = await t.gw.records!.audit.verify();
    expect(r.ok).toBe(true);
    const entries = await t.gw.records!.audit.entries(0, 10_000, { kind: 'hazard', ref: first });
    expect(entries.map((e) => e.action)).toEqual(['create', 'verify', 'confirm', 'assign', 'rectify', 'close', 'reward', 'publish']);
    expect(JSON.stringify(entries)).not.toContain('刘欢');
  });
});
