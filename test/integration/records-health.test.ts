// Issue 12 item 8: a records database that fails writes shows in /healthz and /metrics, and
// the backlog goes in once it recovers (the alarm stays live meanwhile).
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../gateway/src/records/record-store.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('records database health (issue 12 item 8)', () => {
  it('failing writes: /healthz degraded with a records check, failures counted in /metrics; recovers and the database equals memory', async () => {
    t = await startTestGateway();
    const { gw } = t;
    const store = gw.records!;
    const ctl = { down: true };
    const real = store.transaction.bind(store);
    store.transaction = (async (fn: (tx: RecordStore) => Promise<unknown>) => {
      if (ctl.down) throw new Error('SQLITE_BUSY: database is locked');
      return real(fn);
    }) as RecordStore['transaction'];
    const ok = await gw.api.inject({ method: 'GET', url: '/healthz' });
    expect(ok.json().checks.find((c: { name: string }) => c.name === 'records')).toMatchObject({ ok: true, detail: { pending: 0 } });

    const now = gw.clock.now();
    gw.alarms!.handle({ rule: 'gas.lel', key: 'gas.lel|ent-a|s1||gas-01|lel', subject: { enterprise: 'ent-a', site: 's1', device: 'gas-01' }, metric: 'lel', active: true, severity: 'yellow', value: 22, threshold: 20, ts: now, message: { zh: '可燃气体', en: 'gas' } });
    await gw.alarms!.flush();
    const id = gw.alarms!.openAlarms()[0].id;
    const degraded = await gw.api.inject({ method: 'GET', url: '/healthz' });
    expect(degraded.statusCode).toBe(503);
    expect(degraded.json().checks.find((c: { name: string }) => c.name === 'records')).toMatchObject({ ok: false, detail: { pending: 1, error: expect.stringMatching(/locked/) } });
    const metrics = (await gw.api.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^hazardline_records_write_failures_total [1-9]/m);
    expect(metrics).toMatch(/^hazardline_records_pending 1$/m);
    expect(metrics).toMatch(/^hazardline_records_up 0$/m);

    ctl.down = false;
    await gw.alarms!.drained();
    const back = await gw.api.inject({ method: 'GET', url: '/healthz' });
    expect(back.json().checks.find((c: { name: string }) => c.name === 'records')).toMatchObject({ ok: true, detail: { pending: 0 } });
    expect(await store.alarms.get(id)).toEqual(gw.alarms!.get(id));
    expect((await gw.api.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^hazardline_records_up 1$/m);
  });
});
