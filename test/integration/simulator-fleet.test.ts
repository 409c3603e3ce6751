// The simulators' device models reach the gateway over MQTT JSON only (CONTRACT §3), on a
// simulated clock: an hour of five device families in event time, as fast as acknowledged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoSimulator } from '../../simulators/src/demo-simulator.ts';
import { buildFleet } from '../../simulators/src/fleet.ts';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { rawTestConfig, startTestGateway, TEST_TOKENS, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';
import { MqttJsonTransport } from '../../simulators/src/transports/mqtt-json-transport.ts';

const FROM = Date.parse('2026-11-02T09:00:00+08:00'); // a production hour of the default schedules
const TO = FROM + 3600_000;
let t: TestGateway;
let over: Record<string, unknown>;
const frames = { position: 0, status: 0 };

beforeAll(async () => {
  const raw = await rawTestConfig(tempDir());
  raw.enterprises[0].approvedCapacity = { tonnesPerDay: 3000 };
  raw.enterprises[0].power = { idleKw: 40, productionKw: 900 };
  raw.enterprises[0].sites[0].zones.push({ id: 'z-shaft', maxPersons: 20 });
  raw.enterprises[0].sites[0].devices = raw.enterprises[0].sites[0].devices.map((d: { id: string }) => ({ ...d, intervalSeconds: d.id === 'uwb-1' ? 10 : 30 }));
  over = { enterprises: raw.enterprises };
  t = await startTestGateway(over);
  t.gw.wal.on('durable', (es) => es.forEach((e) => (e.frame.type === 'position' || e.frame.type === 'status') && frames[e.frame.type]++));
});
afterAll(async () => {
  await t.stop();
});

const series = async (device: string, metric: string) =>
  (await t.gw.api.inject({ method: 'GET', url: `/api/v1/readings?device=${device}&metric=${metric}&from=${FROM}&to=${TO}`, headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })).json().points as number[][];

describe('simulated fleet over MQTT JSON', () => {
  it('an hour of gas, belt, power and positioning in event time; the stored belt counter is the model integral', async () => {
    const config = t.gw.config;
    const sim = new DemoSimulator({ brokerUrl: t.mqttUrl, config, seed: 7, from: FROM, to: TO, speed: Infinity });
    await sim.start();
    await sim.finished();
    await sim.stop();
    await waitFor(() => t.gw.wal.depth() === 0, 30_000, 'wal drained');
    // every 30 s from FROM to TO inclusive
    expect((await series('gas-01', 'lel')).length).toBe(121);
    expect((await series('meter-main', 'kwh')).length).toBe(121);
    const total = await series('belt-main', 'total_t');
    expect(total.length).toBe(121);
    // the same fleet, built again, is the ground truth: total_t is the integral of tph
    const truth = buildFleet(parseConfig({ ...over, gateway: { dataDir: tempDir() } }), { seed: 7, epochMs: FROM }).find((d) => d.model.id === 'belt-main')!;
    const belt = truth.model as unknown as { trueTotal(t: number): number };
    expect(total.at(-1)![1]).toBeCloseTo(belt.trueTotal(TO), 2);
    expect(total.at(-1)![1]).toBeGreaterThan(0);
    // positioning every 10 s, and each device announced itself online
    expect(frames.position).toBe(361);
    expect(frames.status).toBeGreaterThanOrEqual(5);
  });

  it('a refused credential fails start() with a clear message and leaves no client reconnecting', async () => {
    const creds = [
      { username: 's1-eon', password: 'pw-s1', enterprise: 'ent-a', site: 's1' },
      { username: 'b-eon', password: 'wrong', enterprise: 'ent-b', site: 'p1' },
    ];
    const transport = new MqttJsonTransport(t.mqttUrl, creds, () => ['x']);
    await expect(transport.start()).rejects.toThrow(/MQTT connection as b-eon refused/);
    await waitFor(async () => ((await t.gw.metrics.mqttClients.get()).values[0]?.value ?? 0) === 0, 10_000, 'simulator clients gone');
  });
});
