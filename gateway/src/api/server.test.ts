// The API shell (api/server.ts) without a gateway: /healthz from the health checks, 404 for an
// unknown route, the catalogued error body, and a 500 that names a ref, never the error's text.
import { afterEach, describe, expect, it } from 'vitest';
import { HazardlineError } from '../errors.ts';
import { testApp } from './test-app.ts';

describe('API shell (no gateway)', () => {
  let close: () => Promise<void> = async () => {};
  afterEach(() => close());

  it('/healthz: 200 when every check is ok, 503 when one is not, with the checks', async () => {
    let ok = true;
    const t = testApp(() => [{ name: 'wal', ok: true }, { name: 'store:sqlite', ok }]);
    close = () => t.app.close();
    const good = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(good.statusCode).toBe(200);
    ok = false;
    const bad = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(bad.statusCode).toBe(503);
    expect(JSON.stringify(bad.json())).toContain('store:sqlite');
  });

  it('an unknown route: 404 with the catalogued body', async () => {
    const t = testApp();
    close = () => t.app.close();
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(r.statusCode).toBe(404);
  });

  it('a HazardlineError becomes its status and code; anything else a 500 with a ref and no text', async () => {
    const t = testApp();
    close = () => t.app.close();
    t.app.get('/boom/known', async () => {
      throw new HazardlineError('HL_ERR_CONFLICT', 'already closed', 409);
    });
    t.app.get('/boom/unknown', async () => {
      throw new Error('password=hunter2 at db.internal:5432');
    });
    const known = await t.app.inject({ method: 'GET', url: '/boom/known' });
    expect(known.statusCode).toBe(409);
    expect(known.json().error).toMatchObject({ code: 'HL_ERR_CONFLICT', message: 'already closed' });
    const unknown = await t.app.inject({ method: 'GET', url: '/boom/unknown' });
    expect(unknown.statusCode).toBe(500);
    expect(unknown.json().error.code).toBe('HL_ERR_INTERNAL');
    expect(unknown.body).not.toContain('hunter2');
    expect(unknown.body).not.toContain('db.internal');
    expect(JSON.stringify(unknown.json())).toMatch(/ref/);
  });
});
