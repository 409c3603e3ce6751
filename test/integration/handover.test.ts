// Shift handover (交接班, issue 15) through the API on a real gateway: the draft shows the open
// alarms and the shift's disposals; the outgoing dispatcher hands over, the incoming one accepts;
// each step with its person in the audit chain; the rules (not your own, not twice, in scope).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/src/clock.ts';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { rawTestConfig, tempDir } from '../helpers/gateway.ts';

const at = (local: string) => Date.parse(`${local}+08:00`);
const clock = new ManualClock(at('2026-12-04T07:30:00'));
const T = { day: 'tk-day', night: 'tk-night', other: 'tk-b' };
let gw: Gateway;
const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => {
  const r = await gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  return { status: r.statusCode, body: r.json() };
};
const gas = (n: number) => gw.alarms!.handle({ rule: 'gas.lel', key: `gas.lel|ho|${n}`, subject: { enterprise: 'ent-a', site: 's1', device: 'gas-01' }, metric: 'lel', active: true, severity: n === 1 ? 'red' : 'yellow', value: 30, threshold: 20, ts: clock.now(), message: { zh: `可燃气体${n}`, en: `gas ${n}` } });

beforeAll(async () => {
  const raw = await rawTestConfig(tempDir(), { auth: { devices: [], tokens: [{ token: 'tk-admin', role: 'admin' }, { token: T.night, role: 'dispatcher', enterprises: ['ent-a'], name: '夜班李调度' }, { token: T.day, role: 'dispatcher', enterprises: ['ent-a'], name: '白班王调度' }, { token: T.other, role: 'dispatcher', enterprises: ['ent-b'], name: '乙厂调度' }] } });
  gw = new Gateway(parseConfig(raw), { clock, log: createLogger({ level: 'silent' }) });
  await gw.start();
  // the night shift: two alarms, one disposed
  clock.set(at('2026-12-04T02:00:00'));
  gas(1);
  gas(2);
  await gw.alarms!.flush();
  const red = gw.alarms!.openAlarms().find((a) => a.severity === 'red')!;
  clock.set(at('2026-12-04T02:10:00'));
  expect((await call('POST', `/api/v1/alarms/${red.id}/ack`, T.night, { note: '现场查看' })).status).toBe(200);
  expect((await call('POST', `/api/v1/alarms/${red.id}/dispose`, T.night, { cause: '通风不良', measures: '加强通风', result: '恢复正常' })).status).toBe(200);
  clock.set(at('2026-12-04T07:55:00'));
});
afterAll(async () => {
  await gw?.stop();
});

describe('shift handover', () => {
  let id = '';

  it('the draft: open alarms with their state, what was disposed in the shift, the counts', async () => {
    const { body } = await call('GET', '/api/v1/handovers/draft', T.night);
    expect(body.draft).toMatchObject({ enterprises: ['ent-a'], from: '夜班李调度', fromName: '夜班李调度', counts: { open: 2, unacked: 1, raised: 2, disposed: 1 } });
    expect(body.draft.openAlarms.map((a: { message: string; state: string }) => [a.message, a.state])).toEqual([['可燃气体1', 'active_acked'], ['可燃气体2', 'active_unacked']]);
    expect(body.draft.disposed.map((d: { cause: string; disposedBy: string }) => [d.cause, d.disposedBy])).toEqual([['通风不良', '夜班李调度']]);
  });

  it('hand over with notes (201); a second while the first waits is 409', async () => {
    const r = await call('POST', '/api/v1/handovers', T.night, { notes: '2号皮带跑偏，已通知维修' });
    expect(r.status).toBe(201);
    id = r.body.handover.id;
    expect(r.body.handover).toMatchObject({ state: 'offered', from: '夜班李调度', to: null, notes: '2号皮带跑偏，已通知维修', createdAt: '2026-12-03T23:55:00.000Z' });
    expect((await call('POST', '/api/v1/handovers', T.night, {})).status).toBe(409);
  });

  it('not your own, not from outside your scope; the incoming dispatcher accepts once', async () => {
    expect((await call('POST', `/api/v1/handovers/${id}/accept`, T.night, {})).status).toBe(409);
    expect((await call('POST', `/api/v1/handovers/${id}/accept`, T.other, {})).status).toBe(404);
    clock.set(at('2026-12-04T08:02:00'));
    const r = await call('POST', `/api/v1/handovers/${id}/accept`, T.day, { note: '已接班，皮带跟进' });
    expect(r.status).toBe(200);
    expect(r.body.handover).toMatchObject({ state: 'accepted', to: '白班王调度', toName: '白班王调度', acceptNote: '已接班，皮带跟进', acceptedAt: '2026-12-04T00:02:00.000Z' });
    expect((await call('POST', `/api/v1/handovers/${id}/accept`, T.day, {})).status).toBe(409);
  });

  it('listed for both, not for another enterprise; in the audit chain with the persons', async () => {
    expect((await call('GET', '/api/v1/handovers', T.day)).body.handovers.map((h: { id: string }) => h.id)).toEqual([id]);
    expect((await call('GET', '/api/v1/handovers', T.other)).body.handovers).toEqual([]);
    expect((await call('GET', `/api/v1/handovers/${id}`, T.other)).status).toBe(404);
    const audit = await gw.records!.audit.entries(0, 10_000, { kind: 'shift-handover', ref: id });
    expect(audit.map((e) => [e.action, e.actor])).toEqual([['hand-over', '夜班李调度'], ['accept', '白班王调度']]);
    // the next shift starts at the acceptance
    expect((await call('GET', '/api/v1/handovers/draft', T.day)).body.draft).toMatchObject({ shiftFrom: '2026-12-04T00:02:00.000Z', counts: { disposed: 0, raised: 0, open: 2 } });
  });
});
