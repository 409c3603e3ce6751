// A scenario file through the real ingest path (CONTRACT §3): its devices, scripted by its
// timeline, reach the gateway over MQTT in event time; what the store holds is what the script says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, scenarioGatewayConfig } from '../../simulators/src/scenario/scenario.ts';
import { opcuaSpeed, runScenario, scenarioRunConfig } from '../../simulators/src/scenario/run-scenario.ts';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { freePort, waitFor } from '../helpers/ports.ts';

const scenario = loadScenario('gas-leak');
let t: TestGateway;

beforeAll(async () => {
  const { enterprises, auth } = scenarioGatewayConfig(scenario, 'pw-sim');
  t = await startTestGateway({ enterprises, auth: { devices: auth.devices, tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }] } });
});
afterAll(async () => {
  await t.stop();
});

describe('scenario run (gas-leak)', () => {
  it('delivers every sample of the scenario window, with the scripted plume on gas-01 only', async () => {
    const res = await runScenario(scenario, { brokerUrl: t.mqttUrl, speed: Infinity, password: 'pw-sim' });
    // two gas detectors every 5 s over 2 h, both ends included
    expect(res.sent).toBe(2 * (2 * 3600 / 5 + 1));
    await waitFor(() => t.gw.wal.depth() === 0, 30_000, 'wal drained');
    const get = async (device: string) =>
      (await t.gw.api.inject({ method: 'GET', url: `/api/v1/readings?device=${device}&metric=lel&from=${scenario.startMs}&to=${scenario.endMs}`, headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })).json().points as number[][];
    const leak = await get('gas-01');
    const quiet = await get('gas-02');
    expect(leak).toHaveLength(1441);
    const max = (pts: number[][]) => Math.max(...pts.map((p) => p[1]));
    // plateau 45 %LEL from 12 to 17 min (ramp 2 min, hold 5 min)
    expect(max(leak)).toBeGreaterThanOrEqual(44);
    const plateau = leak.filter((p) => p[0] >= scenario.startMs + 12.5 * 60_000 && p[0] <= scenario.startMs + 16.5 * 60_000);
    for (const p of plateau) expect(p[1]).toBeGreaterThan(43);
    expect(max(quiet)).toBeLessThan(5);
    expect(leak.filter((p) => p[0] < scenario.startMs + 10 * 60_000).every((p) => p[1] < 5)).toBe(true);
  });
});

describe('scenario run over the other transports', () => {
  // the first 2 minutes of gas-leak: 25 samples per detector (every 5 s, both ends included)
  const short = { ...scenario, endMs: scenario.startMs + 120_000 };
  const lel = async (g: TestGateway, device: string) =>
    (await g.gw.api.inject({ method: 'GET', url: `/api/v1/readings?device=${device}&metric=lel&from=${short.startMs}&to=${short.endMs}`, headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })).json().points as number[][];
  const grid = Array.from({ length: 25 }, (_, k) => short.startMs + k * 5000);

  it('Sparkplug B: one edge node per site, every sample stored at its event time', async () => {
    const { enterprises, auth } = scenarioGatewayConfig(scenario, 'pw-sim');
    const g = await startTestGateway({ enterprises, auth: { devices: auth.devices, tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }] } });
    try {
      const res = await runScenario(short, { brokerUrl: g.mqttUrl, speed: Infinity, password: 'pw-sim', transport: 'sparkplug' });
      expect(res.sent).toBe(50);
      await waitFor(async () => (await lel(g, 'gas-02')).length === 25, 20_000, 'gas-02 stored');
      expect((await lel(g, 'gas-01')).map((p) => p[0])).toEqual(grid);
    } finally {
      await g.stop();
    }
  });

  it('Sparkplug B: the video-violations scenario (issue 17) — violations as Event/{type} metrics — raises exactly its alarms', async () => {
    const video = loadScenario('video-violations');
    const { enterprises, auth } = scenarioGatewayConfig(video, 'pw-sim');
    const g = await startTestGateway({ enterprises, auth: { devices: auth.devices, tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }] } });
    try {
      await runScenario(video, { brokerUrl: g.mqttUrl, speed: Infinity, password: 'pw-sim', transport: 'sparkplug' });
      const summary = async () => (await g.gw.api.inject({ method: 'GET', url: '/api/v1/alarms?state=all&rule=video.violation', headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })).json().alarms.map((a: any) => `${a.device} ${a.severity} ${Math.round((Date.parse(a.raisedAt) - video.startMs) / 60_000)}m ×${a.count}`).sort();
      // helmet_missing at 10 min (three times: one alarm) and again at 70 min (re-activated: ×2)
      const want = ['cam-loading-1 orange 20m ×1', 'cam-loading-1 yellow 50m ×1', 'cam-tank-1 red 40m ×1', 'cam-tank-1 yellow 10m ×2'];
      await waitFor(async () => JSON.stringify(await summary()) === JSON.stringify(want), 20_000, 'the video alarms').catch(async () => expect(await summary()).toEqual(want));
    } finally {
      await g.stop();
    }
  });

  it('OPC UA: the first 45 minutes of video-violations (issue 17) — violations written to each camera\'s Event variable — raise exactly their alarms', async () => {
    const video = loadScenario('video-violations');
    const part = { ...video, endMs: video.startMs + 45 * 60_000 };
    const port = await freePort();
    const cfg = scenarioRunConfig(video, { password: 'pw-sim', transport: 'opcua', opcuaPort: port }) as Record<string, any>;
    expect(cfg.opcua[0].nodes).toContainEqual({ nodeId: 'ns=1;s=p1.cam-tank-1.Event', device: 'cam-tank-1', event: '*' });
    const run = runScenario(part, { brokerUrl: '', speed: opcuaSpeed(video), transport: 'opcua', opcuaPort: port, lingerMs: 2000 });
    const g = await startTestGateway({ enterprises: cfg.enterprises, opcua: cfg.opcua, auth: { devices: [], tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }] } });
    try {
      await run;
      // the run's end stops the server: its devices go offline then, at 45 min, not before
      const summary = async () =>
        (await g.gw.api.inject({ method: 'GET', url: '/api/v1/alarms?state=all', headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })).json().alarms
          .filter((a: any) => Date.parse(a.raisedAt) < part.endMs)
          .map((a: any) => `${a.rule} ${a.device} ${a.severity} ${Math.round((Date.parse(a.raisedAt) - video.startMs) / 60_000)}m v${a.value}`)
          .sort();
      // helmet_missing three times in four minutes: one alarm, its value the count
      const want = ['video.violation cam-loading-1 orange 20m v1', 'video.violation cam-tank-1 red 40m v1', 'video.violation cam-tank-1 yellow 10m v3'];
      await waitFor(async () => JSON.stringify(await summary()) === JSON.stringify(want), 20_000, 'the video alarms').catch(async () => expect(await summary()).toEqual(want));
    } finally {
      await g.stop();
    }
  });

  it('OPC UA: the simulator serves the scenario, waits for the gateway to subscribe, and every sample is sampled', async () => {
    const port = await freePort();
    const cfg = scenarioRunConfig(scenario, { password: 'pw-sim', transport: 'opcua', opcuaPort: port }) as Record<string, any>;
    // the run starts the server and waits for the gateway's monitored items before it sends anything
    const run = runScenario(short, { brokerUrl: '', speed: opcuaSpeed(scenario), transport: 'opcua', opcuaPort: port, lingerMs: 2000 });
    const g = await startTestGateway({ enterprises: cfg.enterprises, opcua: cfg.opcua, auth: { devices: [], tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }] } });
    try {
      expect((await run).sent).toBe(50);
      await waitFor(async () => (await lel(g, 'gas-01')).length >= 25 && (await lel(g, 'gas-02')).length >= 25, 20_000, 'every sample stored').catch(() => undefined);
      expect((await lel(g, 'gas-01')).map((p) => p[0])).toEqual(grid);
      expect((await lel(g, 'gas-02')).map((p) => p[0])).toEqual(grid);
    } finally {
      await g.stop();
    }
  });
});
