// Hazard routes (CONTRACT §7, §8) on a stubbed HazardService: who may call what, the 400s,
// 404 never 403 out of scope, 503 before the records database opens, the acting person passed
// to the service, and the service's (redacted) hazard returned as it is.
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { HazardService } from '../hazards/hazard-service.ts';
import type { Actor } from '../hazards/types.ts';
import { hazardRoutes, type HazardRouteDeps } from './hazard-routes.ts';
import { bearer, testApp } from './test-app.ts';

type Call = { method: string; args: unknown[] };

function stubHazards(calls: Call[]) {
  const shown = { id: 'hz_1', enterprise: 'ent-a', title: '巷道积水', state: 'reported', reporter: null };
  const rec = (method: string, ret: unknown) => async (...args: unknown[]) => {
    calls.push({ method, args });
    return ret;
  };
  return {
    ledger: rec('ledger', { hazards: [shown], total: 1, counts: { reported: 1 } }),
    create: rec('create', { hazard: shown, reportCode: 'RC-7Q2M' }),
    byCode: rec('byCode', { state: 'reported' }),
    get: rec('get', { hazard: shown, history: [] }),
    act: rec('act', { ...shown, state: 'verified' }),
    publicNotices: rec('publicNotices', []),
  } as unknown as HazardService;
}

function stubAlarms(linked: unknown[]) {
  const alarms = new Map([
    ['al_a', { id: 'al_a', enterprise: 'ent-a', site: 's1', zone: 'z1', device: 'gas-01', message: '甲烷超限', hazardId: null }],
    ['al_b', { id: 'al_b', enterprise: 'ent-b', site: 'p1', zone: null, device: 'gas-09', message: '硫化氢超限', hazardId: null }],
    ['al_linked', { id: 'al_linked', enterprise: 'ent-a', site: 's1', zone: null, device: null, message: 'x', hazardId: 'hz_0' }],
  ]);
  return { get: (id: string) => alarms.get(id), linkHazard: (...a: unknown[]) => void linked.push(a) } as unknown as AlarmManager;
}

describe('hazard routes (stubbed service)', () => {
  let close: () => Promise<void> = async () => {};
  afterEach(() => close());

  function setup(open = true) {
    const t = testApp();
    const calls: Call[] = [];
    const linked: unknown[] = [];
    const deps: HazardRouteDeps = { hazards: stubHazards(calls), alarms: stubAlarms(linked), auth: t.auth };
    hazardRoutes(t.app, () => (open ? deps : undefined), { photoMaxBytes: 1024 });
    close = () => t.app.close();
    return { app: t.app, calls, linked };
  }

  it('GET /api/v1/hazards: officers, regulators, admins; the person acting goes to the service', async () => {
    const { app, calls } = setup();
    const r = await app.inject({ method: 'GET', url: '/api/v1/hazards?state=reported&level=major&limit=50', headers: bearer('officerA') });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ total: 1, counts: { reported: 1 } });
    expect(r.json().hazards).toHaveLength(1);
    expect((calls[0].args[0] as Actor).id).toBe('officer-zhao');
    expect(calls[0].args[1]).toEqual({ state: 'reported', level: 'major', limit: 50 });
    // the ledger's filters: a bad one is a 400 naming it, the service not asked
    const bad = await app.inject({ method: 'GET', url: '/api/v1/hazards?overdue=maybe', headers: bearer('officerA') });
    expect(bad.json().error.field).toBe('overdue');
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['dispatcherA', 403],
    ['worker', 403],
  ] as const)('GET /api/v1/hazards as %s: %i', async (who, status) => {
    const { app, calls } = setup();
    const r = await app.inject({ method: 'GET', url: '/api/v1/hazards', headers: bearer(who) });
    expect(r.statusCode).toBe(status);
    expect(r.json().error.code).toBe('HL_ERR_FORBIDDEN');
    expect(calls).toHaveLength(0);
  });

  it('GET /api/v1/hazards without a token: 401, the service never called', async () => {
    const { app, calls } = setup();
    const r = await app.inject({ method: 'GET', url: '/api/v1/hazards' });
    expect(r.statusCode).toBe(401);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['level=serious', 'level'],
    ['limit=0', 'limit'],
    ['limit=10001', 'limit'],
    ['limit=2.5', 'limit'],
  ])('GET /api/v1/hazards?%s: 400 naming %s', async (q, field) => {
    const { app } = setup();
    const r = await app.inject({ method: 'GET', url: `/api/v1/hazards?${q}`, headers: bearer('admin') });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('HL_ERR_BAD_REQUEST');
    expect(r.json().error.message).toContain(field);
  });

  it('POST /api/v1/hazards: 201 with the hazard and the reporter\'s code, the worker as actor', async () => {
    const { app, calls } = setup();
    const body = { enterprise: 'ent-a', title: '巷道积水', anonymous: true };
    const r = await app.inject({ method: 'POST', url: '/api/v1/hazards', headers: bearer('worker'), payload: body });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ hazard: { id: 'hz_1', enterprise: 'ent-a', title: '巷道积水', state: 'reported', reporter: null }, reportCode: 'RC-7Q2M' });
    expect(calls[0].args[0]).toEqual(body);
    expect(calls[0].args[1]).toMatchObject({ role: 'worker', id: 'worker-zhou' });
  });

  it('POST /api/v1/hazards as a dispatcher: 403', async () => {
    const { app } = setup();
    expect((await app.inject({ method: 'POST', url: '/api/v1/hazards', headers: bearer('dispatcherA'), payload: {} })).statusCode).toBe(403);
  });

  it('GET /api/v1/hazards/by-code/:code needs no token (the code is the reporter\'s secret)', async () => {
    const { app, calls } = setup();
    const r = await app.inject({ method: 'GET', url: '/api/v1/hazards/by-code/RC-7Q2M' });
    expect(r.statusCode).toBe(200);
    expect(calls[0]).toEqual({ method: 'byCode', args: ['RC-7Q2M'] });
  });

  it('POST /api/v1/hazards/:id/actions: the step and the person go to the service, its hazard comes back', async () => {
    const { app, calls } = setup();
    const r = await app.inject({ method: 'POST', url: '/api/v1/hazards/hz_1/actions', headers: bearer('officerA'), payload: { action: 'verify', note: '现场核实' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().hazard.state).toBe('verified');
    expect(calls[0].args[0]).toBe('hz_1');
    expect(calls[0].args[1]).toEqual({ action: 'verify', note: '现场核实' });
    expect((calls[0].args[2] as Actor).id).toBe('officer-zhao');
  });

  it('GET /api/v1/public/hazards is public', async () => {
    const { app } = setup();
    const r = await app.inject({ method: 'GET', url: '/api/v1/public/hazards' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ hazards: [] });
  });

  it('POST /api/v1/alarms/:id/hazard: 201, a dynamic hazard from the alarm, linked by the person who asked', async () => {
    const { app, calls, linked } = setup();
    const r = await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/hazard', headers: bearer('dispatcherA'), payload: { level: 'major', note: '已通知班组' } });
    expect(r.statusCode).toBe(201);
    expect(calls[0].args[0]).toEqual({ enterprise: 'ent-a', site: 's1', zone: 'z1', device: 'gas-01', title: '甲烷超限', description: '已通知班组', level: 'major', category: 'dynamic' });
    expect(calls[0].args[2]).toEqual({ source: 'alarm', alarmId: 'al_a' });
    expect(linked).toEqual([['al_a', 'hz_1', 'disp-wang']]);
  });

  it('POST /api/v1/alarms/:id/hazard out of scope: 404, not 403; an alarm already linked: 409', async () => {
    const { app, calls } = setup();
    const out = await app.inject({ method: 'POST', url: '/api/v1/alarms/al_b/hazard', headers: bearer('dispatcherA'), payload: {} });
    expect(out.statusCode).toBe(404);
    expect(out.json().error.code).toBe('HL_ERR_NOT_FOUND');
    const dup = await app.inject({ method: 'POST', url: '/api/v1/alarms/al_linked/hazard', headers: bearer('admin'), payload: {} });
    expect(dup.statusCode).toBe(409);
    expect(calls).toHaveLength(0);
  });

  it('before the records database is open: 503 HL_ERR_STORE_UNAVAILABLE', async () => {
    const { app } = setup(false);
    const r = await app.inject({ method: 'GET', url: '/api/v1/hazards', headers: bearer('admin') });
    expect(r.statusCode).toBe(503);
    expect(r.json().error.code).toBe('HL_ERR_STORE_UNAVAILABLE');
  });
});
