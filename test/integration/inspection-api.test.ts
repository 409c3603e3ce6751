// Online inspection + offline verification (CONTRACT §7, DOMAIN.md §0, §6, §9): an enterprise
// declared stopped whose main meter shows production load is 明停暗开 on the regulator's board,
// red with its reasons; the regulator sends a verification task, records the on-site result,
// and a confirmed finding becomes a major `inspection` hazard. Scopes hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { rawTestConfig, startTestGateway, TEST_TOKENS, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const REG = 'tk-reg-taian';
const REG_JN = 'tk-reg-jinan';
let t: TestGateway;
const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => {
  const res = await t.gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  return { status: res.statusCode, body: res.json() };
};

beforeAll(async () => {
  const raw = await rawTestConfig(tempDir());
  raw.enterprises[0].declaredStatus = 'stopped';
  raw.enterprises[0].power = { idleKw: 40, productionKw: 900 };
  raw.enterprises[0].approvedCapacity = { tonnesPerDay: 3000, tonnesPerMonth: 80000 };
  t = await startTestGateway({
    enterprises: raw.enterprises,
    auth: {
      devices: [{ username: 's1-eon', password: 'pw-s1', enterprise: 'ent-a', site: 's1' }],
      tokens: [
        { token: TEST_TOKENS.admin, role: 'admin' },
        { token: REG, role: 'regulator', jurisdictions: ['taian'], name: '泰安应急局' },
        { token: REG_JN, role: 'regulator', jurisdictions: ['jinan'] },
        { token: TEST_TOKENS.dispatcher, role: 'dispatcher', enterprises: ['ent-a'] },
      ],
    },
  });
});
afterAll(async () => {
  await t.stop();
});

describe('online inspection and offline verification', () => {
  let alarmId = '';

  it('a stopped enterprise drawing production power is 明停暗开 on the board: red, with the meter reading and the reasons', async () => {
    const c = await mqtt.connectAsync(t.mqttUrl, { username: 's1-eon', password: 'pw-s1' });
    const t0 = Date.now() - 60 * 60_000;
    const batch = Array.from({ length: 50 }, (_, k) => ({ ts: t0 + k * 60_000, values: { kw: 820 } }));
    await c.publishAsync('hl/v1/ent-a/s1/meter-main/telemetry', JSON.stringify(batch), { qos: 1 });
    await c.endAsync();
    const alarm = await waitFor(() => t.gw.alarms!.openAlarms().find((a) => a.rule === 'power.secret-operation' && a.severity === 'red'), 5000, '明停暗开 alarm');
    alarmId = alarm.id;
    const board = await call('GET', '/api/v1/inspection', REG);
    expect(board.status).toBe(200);
    const ent = board.body.enterprises.find((e: { id: string }) => e.id === 'ent-a');
    expect(ent).toMatchObject({ declaredStatus: 'stopped', riskColour: 'red' });
    expect(ent.live.powerKw[0]).toMatchObject({ device: 'meter-main', value: 820 });
    expect(ent.risk.reasons.reduce((n: number, r: { points: number }) => n + r.points, 0)).toBe(ent.risk.score);
    expect(ent.risk.reasons.map((r: { zh: string }) => r.zh).join('\n')).toMatch(/明停暗开/);
    expect(board.body.anomalies.find((a: { id: string }) => a.id === alarmId).finding.zh).toBe('明停暗开');
    // issue 14: the contradiction is flagged from the live meter itself, and the KPI tiles count it
    expect(ent.contradiction).toMatchObject({ power: { device: 'meter-main', kw: 820 } });
    expect(ent.contradiction.zh).toMatch(/^申报停产，但用电 820 kW/);
    expect(board.body.kpi).toMatchObject({ enterprises: 1, contradictions: 1, openHazards: 0, overdueHazards: 0 });
    expect(board.body.kpi.openAlarms).toBeGreaterThanOrEqual(1);
    // riskiest first; the other jurisdiction's enterprise is not on this board
    expect(board.body.enterprises[0].id).toBe('ent-a');
    expect(board.body.enterprises.map((e: { id: string }) => e.id)).not.toContain('ent-b');
  });

  it('a verification task from the finding; the confirmed on-site result becomes a major inspection hazard', async () => {
    const bad = await call('POST', '/api/v1/verifications', REG, { enterprise: 'ent-a', finding: 'x', dueBy: Date.now() - 1 });
    expect(bad.body.error.field).toBe('dueBy');
    expect((await call('POST', '/api/v1/verifications', REG, { enterprise: 'ent-a', finding: 'x', dueBy: Date.now() + 86_400_000, inspectors: [''] })).body.error.field).toBe('inspectors');
    const created = await call('POST', '/api/v1/verifications', REG, { enterprise: 'ent-a', finding: '申报停产期间主电表持续生产负荷', alarmIds: [alarmId], dueBy: new Date(Date.now() + 2 * 86_400_000).toISOString(), inspectors: ['张检查', '李执法'] });
    expect(created.status).toBe(201);
    expect(created.body.verification.inspectors).toEqual(['张检查', '李执法']);
    const id = created.body.verification.id;
    expect((await call('GET', '/api/v1/inspection', REG)).body.verifications.map((v: { id: string }) => v.id)).toContain(id);
    expect((await call('POST', `/api/v1/verifications/${id}/result`, REG_JN, { confirmed: true, note: 'x' })).status).toBe(404);
    expect((await call('POST', `/api/v1/verifications/${id}/result`, REG, { confirmed: true })).body.error.field).toBe('note');
    const done = await call('POST', `/api/v1/verifications/${id}/result`, REG, { confirmed: true, note: '现场井下有人作业，提升机运行', evidence: '照片 3 张' });
    expect(done.status).toBe(200);
    expect(done.body.verification).toMatchObject({ state: 'confirmed', result: { confirmed: true } });
    expect(done.body.hazard).toMatchObject({ source: 'inspection', level: 'major', enterprise: 'ent-a', state: 'reported' });
    expect((await call('POST', `/api/v1/verifications/${id}/result`, REG, { confirmed: false, note: 'x' })).status).toBe(409);
    const other = (await call('POST', '/api/v1/verifications', REG, { enterprise: 'ent-a', finding: '疑似夜间生产', dueBy: Date.now() + 86_400_000 })).body.verification.id;
    const closed = await call('POST', `/api/v1/verifications/${other}/result`, REG, { confirmed: false, note: '现场确已停产，负荷为排水泵' });
    expect(closed.body).toMatchObject({ verification: { state: 'not-confirmed' } });
    expect(closed.body.hazard).toBeUndefined();
  });

  it('enterprise views are scoped: a dispatcher sees its enterprise, out of scope is 404; a worker role is refused', async () => {
    const list = await call('GET', '/api/v1/enterprises', TEST_TOKENS.dispatcher);
    expect(list.body.enterprises.map((e: { id: string }) => e.id)).toEqual(['ent-a']);
    expect((await call('GET', '/api/v1/enterprises/ent-b', TEST_TOKENS.dispatcher)).status).toBe(404);
    const one = await call('GET', '/api/v1/enterprises/ent-a', REG);
    expect(one.body.enterprise.openAlarms.map((a: { id: string }) => a.id)).toContain(alarmId);
    expect(one.body.enterprise.hazards).toMatchObject({ open: 1, major: 1 });
    expect((await call('GET', '/api/v1/inspection', TEST_TOKENS.dispatcher)).status).toBe(403);
  });

  it("the site view's numbers: head-count against the zone limit, belt state and today's tonnage against capacity, power; a zone's head-count series", async () => {
    const c = await mqtt.connectAsync(t.mqttUrl, { username: 's1-eon', password: 'pw-s1' });
    // two readings inside today's local day (Asia/Shanghai), whenever the test runs
    const now = Date.now();
    const dayStart = Date.parse(`${new Date(now + 8 * 3_600_000).toISOString().slice(0, 10)}T00:00:00+08:00`);
    const t1 = Math.max(dayStart + 1, now - 120_000);
    await c.publishAsync('hl/v1/ent-a/s1/belt-main/telemetry', JSON.stringify([{ ts: t1, values: { running: 1, tph: 410, total_t: 12_000 } }, { ts: now - 1, values: { running: 1, tph: 420, total_t: 12_250.5 } }]), { qos: 1 });
    await c.publishAsync('hl/v1/ent-a/s1/uwb-1/position', JSON.stringify({ ts: now, tags: ['P1', 'P2', 'P3'].map((tag) => ({ tag, zone: 'z-stope-301' })) }), { qos: 1 });
    await c.endAsync();
    const view = await waitFor(async () => {
      const v = (await call('GET', '/api/v1/enterprises/ent-a', TEST_TOKENS.dispatcher)).body.enterprise;
      return v.live.beltToday.length && v.live.zones[0].persons === 3 ? v : undefined;
    }, 5000, 'site view');
    expect(view.live.beltToday).toEqual([{ site: 's1', device: 'belt-main', tonnes: 250.5, capacity: 3000, alarmAbove: expect.closeTo(3300, 6), dayStart: new Date(dayStart).toISOString() }]);
    expect(view.live.beltRunning).toEqual([{ device: 'belt-main', value: 1, at: new Date(now - 1).toISOString() }]);
    expect(view.live.zones).toEqual([{ site: 's1', zone: 'z-stope-301', name: '301采场', maxPersons: 9, highRisk: true, persons: 3 }]);
    expect(view).toMatchObject({ declaredStatus: 'stopped', power: { idleKw: 40, productionKw: 900 } });
    // the head-count as a series (the `occupancy` measurement), by zone instead of device
    const series = await waitFor(async () => {
      const r = await call('GET', `/api/v1/readings?zone=z-stope-301&metric=persons&from=${now - 1000}&to=${now + 1000}`, TEST_TOKENS.dispatcher);
      return r.body.points?.length ? r.body : undefined;
    }, 5000, 'occupancy points');
    expect(series).toEqual({ zone: 'z-stope-301', site: 's1', enterprise: 'ent-a', metric: 'persons', unit: expect.any(String), points: [[now, 3]] });
    expect((await call('GET', '/api/v1/readings?zone=z-stope-301&metric=lel', TEST_TOKENS.dispatcher)).body.error.field).toBe('metric');
    expect((await call('GET', '/api/v1/readings?zone=z-nowhere&metric=persons', TEST_TOKENS.dispatcher)).status).toBe(404);
    expect((await call('GET', '/api/v1/readings?zone=z-stope-301&device=gas-01&metric=persons', TEST_TOKENS.dispatcher)).body.error.field).toBe('zone');
    expect((await call('GET', '/api/v1/readings?zone=z-stope-301&metric=persons', REG_JN)).status).toBe(404);
  });
});
