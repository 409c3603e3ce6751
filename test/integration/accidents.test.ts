// Accident reports (issue 17, docs/accidents.md) through the API on a real gateway under a manual
// clock. Seed 001: a fatal accident must reach the regulator within 30 minutes. The report raises
// `accident.reported` (red when fatal) until a regulator of the jurisdiction signs for it; a fatal
// one not signed for by 30 minutes after it happened raises `accident.direct-report-overdue` —
// not at 29:59, at 30:00 — and both clear on the receipt; the steps are in the audit chain with
// their persons; scope and roles hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/src/clock.ts';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { rawTestConfig, tempDir } from '../helpers/gateway.ts';

const at = (local: string) => Date.parse(`${local}+08:00`);
const clock = new ManualClock(at('2026-12-04T10:00:00'));
const T = { officer: 'tk-officer', regulator: 'tk-reg', otherReg: 'tk-reg-jinan', dispatcherB: 'tk-disp-b', worker: 'tk-worker' };
let gw: Gateway;
const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => {
  const r = await gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  return { status: r.statusCode, body: r.json() };
};
const open = () => gw.alarms!.openAlarms().filter((a) => a.rule.startsWith('accident.')).map((a) => `${a.rule} ${a.severity} ${a.active ? 'active' : 'cleared'}`).sort();

beforeAll(async () => {
  const raw = await rawTestConfig(tempDir(), {
    auth: {
      devices: [],
      tokens: [
        { token: 'tk-admin', role: 'admin' },
        { token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '甲矿安全员张工' },
        { token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '泰安应急局孙科长' },
        { token: T.otherReg, role: 'regulator', jurisdictions: ['jinan'], name: '济南应急局' },
        { token: T.dispatcherB, role: 'dispatcher', enterprises: ['ent-b'], name: '乙厂调度' },
        { token: T.worker, role: 'worker', enterprises: ['ent-a'], name: '职工刘' },
      ],
    },
  });
  gw = new Gateway(parseConfig(raw), { clock, log: createLogger({ level: 'silent' }) });
  await gw.start();
});
afterAll(async () => {
  await gw?.stop();
});

describe('accident reports', () => {
  let fatal: any;

  it('a fatal accident reported at 10:05 (it happened at 10:00) is due at 10:30, and reaches the regulator as a red alarm at once', async () => {
    clock.set(at('2026-12-04T10:05:00'));
    const r = await call('POST', '/api/v1/accidents', T.officer, { enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', place: '-240 中段 301 采场', occurredAt: '2026-12-04T10:00:00+08:00', deaths: 1, injuries: 2, description: '顶板冒落，1人死亡，2人受伤' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    fatal = r.body.accident;
    expect(fatal).toMatchObject({ enterprise: 'ent-a', jurisdiction: 'taian', fatal: true, deaths: 1, injuries: 2, occurredAt: '2026-12-04T02:00:00.000Z', dueBy: '2026-12-04T02:30:00.000Z', reportedBy: expect.any(String), reportedByName: '甲矿安全员张工', receivedAt: null, late: false });
    await gw.alarms!.flush();
    expect(open()).toEqual(['accident.reported red active']);
    const a = gw.alarms!.openAlarms().find((x) => x.rule === 'accident.reported')!;
    expect(a.message).toBe('生产安全事故（亡人）直报：-240 中段 301 采场，死亡 1 人、受伤 2 人（发生于 12-04 10:00），待监管部门签收');
    expect([a.enterprise, a.site, a.zone]).toEqual(['ent-a', 's1', 'z-stope-301']);
  });

  it('not signed for: nothing more at 10:29:59; at 10:30 the direct report is overdue (red)', async () => {
    await gw.checkOverdue(at('2026-12-04T10:29:59'));
    expect(open()).toEqual(['accident.reported red active']);
    await gw.checkOverdue(at('2026-12-04T10:30:01'));
    await gw.alarms!.flush();
    expect(open()).toEqual(['accident.direct-report-overdue red active', 'accident.reported red active']);
    const o = gw.alarms!.openAlarms().find((x) => x.rule === 'accident.direct-report-overdue')!;
    expect(o.raisedAt).toBe(at('2026-12-04T10:30:00'));
    expect(o.message).toBe('亡人事故未在30分钟内直报至监管部门：-240 中段 301 采场（发生于 12-04 10:00，期限 12-04 10:30）');
    // checked again: nothing raised twice
    await gw.checkOverdue(at('2026-12-04T10:31:00'));
    expect(gw.alarms!.openAlarms().filter((x) => x.rule.startsWith('accident.'))).toHaveLength(2);
  });

  it("the regulator of the jurisdiction signs for it: both alarms clear; it stays marked late; a second receipt is refused", async () => {
    clock.set(at('2026-12-04T10:40:00'));
    expect((await call('POST', `/api/v1/accidents/${fatal.id}/receive`, T.otherReg)).status).toBe(404);
    expect((await call('POST', `/api/v1/accidents/${fatal.id}/receive`, T.officer)).status).toBe(403);
    const r = await call('POST', `/api/v1/accidents/${fatal.id}/receive`, T.regulator);
    expect(r.status).toBe(200);
    expect(r.body.accident).toMatchObject({ receivedByName: '泰安应急局孙科长', receivedAt: '2026-12-04T02:40:00.000Z', late: true });
    await gw.alarms!.flush();
    expect(open()).toEqual(['accident.direct-report-overdue red cleared', 'accident.reported red cleared']);
    expect((await call('POST', `/api/v1/accidents/${fatal.id}/receive`, T.regulator)).status).toBe(409);
    const audit = (await gw.records!.audit.entries(0, 1000, { kind: 'accident', ref: fatal.id })).map((e) => [e.action, e.actor]);
    expect(audit).toEqual([['report', fatal.reportedBy], ['receive', r.body.accident.receivedBy]]);
  });

  it('an injury without deaths is orange with no deadline; roles and scope: a worker may not report, another enterprise is unknown, lists are scoped', async () => {
    const r = await call('POST', '/api/v1/accidents', T.officer, { enterprise: 'ent-a', place: '破碎车间', occurredAt: at('2026-12-04T10:45:00'), injuries: 1, description: '手部划伤' });
    expect(r.status).toBe(201);
    expect(r.body.accident).toMatchObject({ fatal: false, dueBy: null });
    await gw.alarms!.flush();
    expect(gw.alarms!.openAlarms().filter((a) => a.rule === 'accident.reported' && a.active).map((a) => a.severity)).toEqual(['orange']);
    expect((await call('POST', '/api/v1/accidents', T.worker, { enterprise: 'ent-a', place: 'x', occurredAt: at('2026-12-04T10:45:00'), description: 'x' })).status).toBe(403);
    const other = await call('POST', '/api/v1/accidents', T.officer, { enterprise: 'ent-b', place: 'x', occurredAt: at('2026-12-04T10:45:00'), description: 'x' });
    expect(other.status).toBe(404);
    const future = await call('POST', '/api/v1/accidents', T.officer, { enterprise: 'ent-a', place: 'x', occurredAt: at('2026-12-04T12:00:00'), description: 'x' });
    expect([future.status, future.body.error?.field]).toEqual([400, 'occurredAt']);
    expect((await call('GET', '/api/v1/accidents', T.regulator)).body.accidents).toHaveLength(2);
    expect((await call('GET', '/api/v1/accidents', T.otherReg)).body.accidents).toEqual([]);
    expect((await call('GET', '/api/v1/accidents', T.dispatcherB)).body.accidents).toEqual([]);
    expect((await call('GET', `/api/v1/accidents/${fatal.id}`, T.dispatcherB)).status).toBe(404);
  });
});
