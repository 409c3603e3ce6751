// Alarm routes (CONTRACT §6, §7) on a stubbed alarm manager and record repository: scope, roles,
// the 400s, the acknowledging person (not the role), shelving limits, the declared-status PUT.
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Alarm } from '../alarms/types.ts';
import type { RecordStore } from '../records/record-store.ts';
import { fullAlarm } from '../../../test/contracts/records/fixtures.ts';
import { alarmRoutes, type AlarmRouteDeps } from './alarm-routes.ts';
import { causesFor } from '../alarms/disposal.ts';
import type { DisposalService } from '../alarms/disposal-service.ts';
import { bearer, NOW, testApp } from './test-app.ts';

describe('alarm routes (stubbed alarm manager)', () => {
  let close: () => Promise<void> = async () => {};
  afterEach(() => close());

  function setup() {
    const t = testApp();
    const a = fullAlarm('al_a', { enterprise: 'ent-a', state: 'active_unacked', ackedAt: null, ackedBy: null, dueBy: NOW + 3_600_000 });
    const b = fullAlarm('al_b', { enterprise: 'ent-b', state: 'active_unacked', ackedAt: null, ackedBy: null, dueBy: NOW + 3_600_000 });
    const calls: { m: string; args: unknown[] }[] = [];
    const byId = new Map<string, Alarm>([[a.id, a], [b.id, b]]);
    const alarms = {
      get: (id: string) => byId.get(id),
      list: async (f: unknown) => (calls.push({ m: 'list', args: [f] }), [a]),
      flush: async () => {},
      openAlarms: () => [a, b],
      ack: (id: string, actor: string, note?: string) => (calls.push({ m: 'ack', args: [id, actor, note] }), { ...byId.get(id)!, state: 'active_acked', ackedBy: actor, ackedAt: NOW }),
      shelve: (id: string, actor: string, until: number, reason: string) => (calls.push({ m: 'shelve', args: [id, actor, until, reason] }), { ...byId.get(id)!, state: 'shelved', shelvedUntil: until }),
    } as unknown as AlarmManager;
    const store = { alarms: { get: async () => undefined, transitions: async () => [], recentTransitions: async () => [] }, disposals: { get: async () => undefined } } as unknown as RecordStore;
    const disposals = {
      byAlarms: async () => new Map(),
      causes: causesFor,
      dispose: async (al: Alarm, body: unknown, person: string) => (
        calls.push({ m: 'dispose', args: [al.id, body, person] }),
        { alarm: al, disposal: { alarmId: al.id, enterprise: al.enterprise, rule: al.rule, raisedAt: al.raisedAt, dueBy: al.dueBy, disposedAt: NOW, disposedBy: person, cause: 'c', measures: 'm', result: 'r', responsible: person, note: null } }
      ),
      summary: async (ents: string[], from: number, to: number) => (calls.push({ m: 'rates', args: [ents, from, to] }), { raised: 0, sameDay: 0, sameDayDisposalRate: null, days: [] }),
    } as unknown as DisposalService;
    const declared: unknown[] = [];
    const deps: AlarmRouteDeps = {
      alarms,
      disposals,
      store,
      auth: t.auth,
      assets: t.assets,
      clock: { now: () => NOW },
      timezone: 'Asia/Shanghai',
      declarationBounds: t.config.declarations,
      declare: async (...args) => void declared.push(args),
    };
    alarmRoutes(t.app, () => deps);
    close = () => t.app.close();
    return { app: t.app, calls, declared };
  }

  it('GET /api/v1/alarms: only the enterprises in the caller\'s scope are asked for', async () => {
    const { app, calls } = setup();
    const r = await app.inject({ method: 'GET', url: '/api/v1/alarms?severity=red', headers: bearer('dispatcherA') });
    expect(r.statusCode).toBe(200);
    expect(r.json().alarms.map((x: { id: string }) => x.id)).toEqual(['al_a']);
    expect(calls[0].args[0]).toMatchObject({ open: true, enterprises: ['ent-a'], severity: 'red', limit: 1000 });
  });

  it('GET /api/v1/alarms?enterprise= outside the scope: an empty list, the store not asked', async () => {
    const { app, calls } = setup();
    const r = await app.inject({ method: 'GET', url: '/api/v1/alarms?enterprise=ent-b', headers: bearer('dispatcherA') });
    expect(r.json()).toEqual({ alarms: [] });
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['state=closed', 'state'],
    ['severity=purple', 'severity'],
    ['limit=0', 'limit'],
  ])('GET /api/v1/alarms?%s: 400 naming %s', async (q, field) => {
    const { app } = setup();
    const r = await app.inject({ method: 'GET', url: `/api/v1/alarms?${q}`, headers: bearer('admin') });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toContain(field);
  });

  it('GET /api/v1/alarms as a worker: 403', async () => {
    const { app } = setup();
    expect((await app.inject({ method: 'GET', url: '/api/v1/alarms', headers: bearer('worker') })).statusCode).toBe(403);
  });

  it('GET /api/v1/alarms/:id of another enterprise: 404, not 403', async () => {
    const { app } = setup();
    const r = await app.inject({ method: 'GET', url: '/api/v1/alarms/al_b', headers: bearer('dispatcherA') });
    expect(r.statusCode).toBe(404);
  });

  it('POST ack: recorded with the person (disp-wang), not the role, with the note', async () => {
    const { app, calls } = setup();
    const r = await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/ack', headers: bearer('dispatcherA'), payload: { note: '已派人处置' } });
    expect(r.statusCode).toBe(200);
    expect(calls).toEqual([{ m: 'ack', args: ['al_a', 'disp-wang', '已派人处置'] }]);
    expect(r.json().alarm.ackedBy).toBe('disp-wang');
  });

  it('POST ack out of scope: 404 and nothing acknowledged; as a regulator: 403', async () => {
    const { app, calls } = setup();
    expect((await app.inject({ method: 'POST', url: '/api/v1/alarms/al_b/ack', headers: bearer('dispatcherA'), payload: {} })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/ack', headers: bearer('regulator'), payload: {} })).statusCode).toBe(403);
    expect(calls).toHaveLength(0);
  });

  it('POST ack with a note over 2000 characters: 400', async () => {
    const { app } = setup();
    const r = await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/ack', headers: bearer('admin'), payload: { note: 'x'.repeat(2001) } });
    expect(r.statusCode).toBe(400);
  });

  it('POST shelve: needs a reason and an until at most 7 days ahead', async () => {
    const { app, calls } = setup();
    const until = new Date(NOW + 3_600_000).toISOString();
    expect((await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/shelve', headers: bearer('dispatcherA'), payload: { until } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/shelve', headers: bearer('dispatcherA'), payload: { reason: '检修' } })).statusCode).toBe(400);
    const far = new Date(NOW + 8 * 86_400_000).toISOString();
    expect((await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/shelve', headers: bearer('dispatcherA'), payload: { reason: '检修', until: far } })).statusCode).toBe(400);
    const ok = await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/shelve', headers: bearer('dispatcherA'), payload: { reason: '检修', until } });
    expect(ok.statusCode).toBe(200);
    expect(calls).toEqual([{ m: 'shelve', args: ['al_a', 'disp-wang', NOW + 3_600_000, '检修'] }]);
  });

  it('POST shelve as an officer: 403 (dispatchers and admins shelve)', async () => {
    const { app } = setup();
    const r = await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/shelve', headers: bearer('officerA'), payload: { reason: 'x', until: new Date(NOW + 1000).toISOString() } });
    expect(r.statusCode).toBe(403);
  });

  it('POST /api/v1/alarms/{id}/dispose: the person (not the role) is recorded; workers and regulators 403; out of scope 404', async () => {
    const { app, calls } = setup();
    const body = { cause: 'leak', measures: '关阀通风', result: '恢复正常' };
    const r = await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/dispose', headers: bearer('dispatcherA'), payload: body });
    expect(r.statusCode).toBe(200);
    const who = calls.find((c) => c.m === 'dispose')!.args[2];
    expect(who).not.toBe('dispatcher');
    expect(r.json().alarm.disposal).toMatchObject({ disposedBy: who, responsible: who, sameDay: true });
    expect((await app.inject({ method: 'POST', url: '/api/v1/alarms/al_b/dispose', headers: bearer('dispatcherA'), payload: body })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/v1/alarms/al_a/dispose', headers: bearer('regulator'), payload: body })).statusCode).toBe(403);
  });

  it('GET /api/v1/alarms/disposal-rate: today by default, in scope; a window over 92 days is a 400', async () => {
    const { app, calls } = setup();
    const r = await app.inject({ method: 'GET', url: '/api/v1/alarms/disposal-rate', headers: bearer('dispatcherA') });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ raised: 0, sameDay: 0, sameDayDisposalRate: null, days: [], timezone: 'Asia/Shanghai' });
    const [ents, from, to] = calls.find((c) => c.m === 'rates')!.args as [string[], number, number];
    expect(ents).toEqual(['ent-a']);
    expect(to - from).toBe(86_400_000);
    expect(from <= NOW && NOW < to).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/api/v1/alarms/disposal-rate?from=0&to=9000000000', headers: bearer('dispatcherA') })).statusCode).toBe(400);
  });
});
