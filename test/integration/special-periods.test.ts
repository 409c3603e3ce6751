// Special periods (issue 17, docs/special-periods.md) on a real gateway under a manual clock: a
// regulator sets 春节 for the jurisdiction from 10:00 to 12:00 — thresholds × 0.8, gas.co red,
// production forbidden for mines. The same readings raise nothing before 10:00, raise (tightened)
// between its dates and nothing after 12:00; a CO alarm during it is red; a declaration of
// production is refused while it lasts and the enterprise already declared producing is a red
// finding until the period is ended early; each step is in the audit chain with its person.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/src/clock.ts';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { rawTestConfig, tempDir } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const at = (local: string) => Date.parse(`2026-12-05T${local}+08:00`);
const clock = new ManualClock(at('09:00:00'));
const T = { regulator: 'tk-reg', officer: 'tk-officer', otherReg: 'tk-reg-jinan' };
let gw: Gateway;
let period: any;
const call = async (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) => {
  const r = await gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  return { status: r.statusCode, body: r.json() };
};
const publish = async (samples: { t: string; values: Record<string, number> }[]) => {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.mqttPort}`, { username: 'gas-01', password: 'pw-gas-01' });
  await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify(samples.map((s) => ({ ts: at(s.t), values: s.values }))), { qos: 1 });
  await c.endAsync();
};
const gasAlarms = () => gw.alarms!.openAlarms().filter((a) => a.rule.startsWith('gas.'));

beforeAll(async () => {
  const raw = await rawTestConfig(tempDir(), {});
  raw.auth.tokens.push({ token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '泰安应急局孙科长' }, { token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '甲矿安全员张工' }, { token: T.otherReg, role: 'regulator', jurisdictions: ['jinan'], name: '济南应急局' });
  gw = new Gateway(parseConfig(raw), { clock, log: createLogger({ level: 'silent' }) });
  await gw.start();
});
afterAll(async () => {
  await gw?.stop();
});

describe('special periods', () => {
  it('a regulator sets 春节 for the jurisdiction, 10:00–12:00; an officer may not; nonsense is refused with its field', async () => {
    const body = { name: '春节', kind: 'holiday', from: '2026-12-05T10:00:00+08:00', to: '2026-12-05T12:00:00+08:00', reason: '两禁止、一严控', sectors: ['metal-nonmetal-mine'], thresholdFactor: 0.8, delayFactor: 0.5, redRules: ['gas.co'], forbidProduction: true };
    expect((await call('POST', '/api/v1/special-periods', T.officer, body)).status).toBe(403);
    const wrong = await call('POST', '/api/v1/special-periods', T.regulator, { ...body, redRules: ['gas.nonsense'] });
    expect([wrong.status, wrong.body.error.field]).toEqual([400, 'redRules']);
    const backwards = await call('POST', '/api/v1/special-periods', T.regulator, { ...body, to: body.from });
    expect([backwards.status, backwards.body.error.field]).toEqual([400, 'to']);
    const r = await call('POST', '/api/v1/special-periods', T.regulator, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    period = r.body.period;
    expect(period).toMatchObject({ jurisdiction: 'taian', from: '2026-12-05T02:00:00.000Z', to: '2026-12-05T04:00:00.000Z', createdByName: '泰安应急局孙科长', thresholdFactor: 0.8, delayFactor: 0.5 });
    // the engine's view: the raise delays halved between its dates only (event time)
    const book = gw.pipeline!.periods.book;
    expect([at('09:59:59'), at('10:00:00'), at('11:59:59'), at('12:00:00')].map((ts) => [book.factorAt('ent-a', ts), book.delayAt('ent-a', ts)])).toEqual([[1, 1], [0.8, 0.5], [0.8, 0.5], [1, 1]]);
    expect((await call('GET', '/api/v1/special-periods', T.officer)).body.periods.map((p: any) => p.id)).toEqual([period.id]);
    expect((await call('GET', '/api/v1/special-periods', T.otherReg)).body.periods).toEqual([]);
  });

  it('the same 17 %LEL raises nothing before 10:00, a tightened yellow (16) between its dates, nothing after 12:00; CO is red during it', async () => {
    await publish([
      { t: '09:30:00', values: { lel: 17, co: 5 } },
      { t: '09:31:00', values: { lel: 5, co: 5 } },
      { t: '10:30:00', values: { lel: 17, co: 20 } },
      { t: '10:31:00', values: { lel: 5, co: 5 } },
      { t: '12:30:00', values: { lel: 17, co: 20 } },
      { t: '12:31:00', values: { lel: 5, co: 5 } },
    ]);
    clock.set(at('12:32:00'));
    await waitFor(() => gw.wal.depth() === 0 && gasAlarms().length === 2, 10_000, 'the two alarms of the period');
    await gw.alarms!.flush();
    // raised once (×1: the same readings before and after did not re-activate it)
    const list = gasAlarms().map((a) => `${a.rule} ${a.severity} ${new Date(a.raisedAt).toISOString()} ${a.threshold} ×${a.count}`).sort();
    expect(list).toEqual(['gas.co red 2026-12-05T02:30:00.000Z 13.6 ×1', 'gas.lel yellow 2026-12-05T02:30:00.000Z 16 ×1']);
    const lel = gasAlarms().find((a) => a.rule === 'gas.lel')!;
    expect(lel.message).toBe('可燃气体浓度 17.0 %LEL ≥ 一级报警 16 %LEL（特殊时期从严）');
    expect(gasAlarms().find((a) => a.rule === 'gas.co')!.message).toContain('（春节期间从严为红色）');
  });

  it('production is forbidden: a declaration of it is refused while it lasts; the enterprise declared producing is a red finding until the period is ended early', async () => {
    clock.set(at('11:00:00'));
    const refused = await call('PUT', '/api/v1/enterprises/ent-a/declared-status', T.officer, { status: 'producing', from: '2026-12-05T11:00:00+08:00', reason: '复工' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('春节');
    await gw.checkOverdue(clock.now());
    await gw.alarms!.flush();
    const finding = () => gw.alarms!.openAlarms().filter((a) => a.rule === 'period.production-forbidden');
    expect(finding().map((a) => [a.enterprise, a.severity, a.active])).toEqual([['ent-a', 'red', true]]);
    // ended early by the regulator: the finding clears at the next check
    clock.set(at('11:20:00'));
    const ended = await call('POST', `/api/v1/special-periods/${period.id}/end`, T.regulator);
    expect(ended.status).toBe(200);
    expect(ended.body.period).toMatchObject({ to: '2026-12-05T03:20:00.000Z', endedByName: '泰安应急局孙科长' });
    await gw.checkOverdue(clock.now());
    await gw.alarms!.flush();
    expect(finding().map((a) => a.active)).toEqual([false]);
    expect((await call('POST', `/api/v1/special-periods/${period.id}/end`, T.regulator)).status).toBe(409);
    const audit = (await gw.records!.audit.entries(0, 1000, { kind: 'special-period', ref: period.id })).map((e) => e.action);
    expect(audit).toEqual(['set', 'end']);
  });
});
