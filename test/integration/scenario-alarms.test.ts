// Every scenario under simulators/scenarios/ through the real ingest path (MQTT → WAL → rules →
// alarm manager → records database) raises exactly its expected alarms — no more, no fewer —
// within their windows, and none of its forbidden ones; the quiet "normal day" raises none.
import { afterAll, describe, expect, it } from 'vitest';
import { listScenarios, loadScenario, scenarioGatewayConfig, type Scenario } from '../../simulators/src/scenario/scenario.ts';
import { runScenario } from '../../simulators/src/scenario/run-scenario.ts';
import type { AlarmJson } from '../../gateway/src/alarms/alarm-json.ts';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const gateways: TestGateway[] = [];
afterAll(async () => {
  for (const g of gateways) await g.stop();
});

type Expected = Scenario['expected'][number];

const subjectMatches = (a: AlarmJson, e: { device?: string; zone?: string; enterprise?: string }) =>
  (!e.device || a.device === e.device) && (!e.zone || a.zone === e.zone) && (!e.enterprise || a.enterprise === e.enterprise) && (e.device || e.zone || !a.device);

/** One raise, re-activation or severity escalation of an alarm: what a dispatcher sees pushed. */
type Activation = AlarmJson & { at: number; as: string };

const matches = (a: Activation, e: Expected) => a.rule === e.rule && subjectMatches(a, e) && (!e.severity || a.as === e.severity) && a.at >= e.fromMs && a.at <= e.toMs;

/** Runs a scenario against its own gateway and returns every activation inside the scenario window. */
export async function activationsOf(s: Scenario): Promise<Activation[]> {
  const { enterprises, auth } = scenarioGatewayConfig(s, 'pw-sim');
  // scenarios run on their own (past) dates: their declarations are backdated by design
  const t = await startTestGateway({ enterprises, auth: { devices: auth.devices, tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }] }, declarations: { maxBackdateHours: 24 * 365 * 100, maxAheadSeconds: 86_400 * 365 * 100 } });
  gateways.push(t);
  const headers = { authorization: `Bearer ${TEST_TOKENS.admin}` };
  // operator actions carry their own event time: declared before the run, effective from `at`
  for (const op of s.operatorActions) {
    const res = await t.gw.api.inject({ method: 'PUT', url: `/api/v1/enterprises/${op.enterprise}/declared-status`, headers, payload: { status: op.with.status, from: op.at, reason: op.with.reason ?? 'scenario' } });
    expect(res.statusCode, res.body).toBe(200);
  }
  await runScenario(s, { brokerUrl: t.mqttUrl, speed: Infinity, password: 'pw-sim' });
  await waitFor(() => t.gw.wal.depth() === 0, 60_000, 'wal drained');
  await t.gw.alarms!.flush();
  const res = await t.gw.api.inject({ method: 'GET', url: '/api/v1/alarms?state=all&limit=10000', headers });
  const out: Activation[] = [];
  for (const a of res.json().alarms as AlarmJson[]) {
    const one = await t.gw.api.inject({ method: 'GET', url: `/api/v1/alarms/${a.id}`, headers });
    for (const tr of one.json().transitions as { action: string; ts: string; severity: string }[]) {
      if (tr.action === 'raise' || tr.action === 'escalate') out.push({ ...a, at: Date.parse(tr.ts), as: tr.severity });
    }
  }
  // the simulator marks its devices offline when it stops: that is after the scenario, not in it
  return out.filter((a) => a.at < s.endMs);
}

describe('scenarios raise exactly their expected alarms (through MQTT ingest)', () => {
  for (const { name } of listScenarios()) {
    it(name, async () => {
      const s = loadScenario(name);
      const alarms = await activationsOf(s);
      const brief = (a: Activation) => `${a.rule} ${a.as} ${a.device ?? a.zone ?? a.enterprise} at +${((a.at - s.startMs) / 60_000).toFixed(1)} min`;
      const unexpected = alarms.filter((a) => !s.expected.some((e) => a.rule === e.rule && subjectMatches(a, e)));
      expect(unexpected.map(brief), 'alarms the scenario does not expect').toEqual([]);
      for (const e of s.expected) {
        expect(alarms.some((a) => matches(a, e)), `${e.rule} ${e.severity ?? ''} ${e.device ?? e.zone ?? e.enterprise ?? ''} in [${e.from ?? 0}, ${e.to ?? 'end'}]; raised: ${alarms.map(brief).join('; ')}`).toBe(true);
      }
      for (const f of s.forbidden) {
        const hit = alarms.filter((a) => a.rule === f.rule && subjectMatches(a, f) && (!f.severity || a.as === f.severity));
        expect(hit.map(brief), `forbidden ${f.rule}`).toEqual([]);
      }
    }, 120_000);
  }
});
