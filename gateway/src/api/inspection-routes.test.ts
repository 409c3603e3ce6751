// Inspection routes (CONTRACT §7) on a stubbed InspectionService: roles, the person acting, 201.
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionService } from '../inspection/inspection-service.ts';
import { inspectionRoutes } from './inspection-routes.ts';
import { bearer, testApp } from './test-app.ts';

describe('inspection routes (stubbed service)', () => {
  let close: () => Promise<void> = async () => {};
  afterEach(() => close());

  function setup() {
    const t = testApp();
    const calls: { m: string; args: unknown[] }[] = [];
    const rec = (m: string, ret: unknown) => async (...args: unknown[]) => (calls.push({ m, args }), ret);
    const inspection = {
      enterprises: rec('enterprises', [{ id: 'ent-a' }]),
      enterprise: rec('enterprise', { id: 'ent-a' }),
      board: rec('board', { enterprises: [] }),
      createVerification: rec('createVerification', { id: 'vf_1', state: 'open' }),
      recordResult: rec('recordResult', { verification: { id: 'vf_1', state: 'confirmed' } }),
    } as unknown as InspectionService;
    inspectionRoutes(t.app, () => ({ inspection, auth: t.auth }));
    close = () => t.app.close();
    return { app: t.app, calls };
  }

  it.each([
    ['dispatcherA', 200],
    ['officerA', 200],
    ['regulator', 200],
    ['worker', 403],
  ] as const)('GET /api/v1/enterprises as %s: %i', async (who, status) => {
    const { app } = setup();
    expect((await app.inject({ method: 'GET', url: '/api/v1/enterprises', headers: bearer(who) })).statusCode).toBe(status);
  });

  it('GET /api/v1/inspection: regulators and admins only', async () => {
    const { app, calls } = setup();
    expect((await app.inject({ method: 'GET', url: '/api/v1/inspection', headers: bearer('officerA') })).statusCode).toBe(403);
    const r = await app.inject({ method: 'GET', url: '/api/v1/inspection', headers: bearer('regulator') });
    expect(r.statusCode).toBe(200);
    expect(calls[0].args[0]).toMatchObject({ role: 'regulator', id: 'reg-sun' });
  });

  it('POST /api/v1/verifications: 201, the body and the regulator (by person) to the service', async () => {
    const { app, calls } = setup();
    const body = { enterprise: 'ent-a', finding: '明停暗开：夜间负荷', dueBy: '2026-11-05' };
    const r = await app.inject({ method: 'POST', url: '/api/v1/verifications', headers: bearer('regulator'), payload: body });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ verification: { id: 'vf_1', state: 'open' } });
    expect(calls[0].args[0]).toEqual(body);
    expect(calls[0].args[1]).toMatchObject({ id: 'reg-sun' });
  });

  it('POST /api/v1/verifications/:id/result as an officer: 403, nothing recorded', async () => {
    const { app, calls } = setup();
    expect((await app.inject({ method: 'POST', url: '/api/v1/verifications/vf_1/result', headers: bearer('officerA'), payload: {} })).statusCode).toBe(403);
    expect(calls).toHaveLength(0);
  });
});
