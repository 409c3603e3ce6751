// Scale mode (`hazardline simulate --devices N --rate R`): N devices reach the real gateway over
// MQTT JSON in real time, every device heard, their reports staggered over one interval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaleSimulator, scaleDeviceId, scaleGatewayConfig } from '../../simulators/src/scale.ts';
import type { WalEntry } from '../../gateway/src/model/types.ts';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const o = { devices: 500, rate: 1000, connections: 4, password: 'pw-scale' };
let t: TestGateway;

beforeAll(async () => {
  const { enterprises, auth } = scaleGatewayConfig(o);
  t = await startTestGateway({ enterprises, auth: { devices: auth.devices, tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }] } });
});
afterAll(async () => {
  await t.stop();
});

describe('simulate --devices (scale mode)', () => {
  it('splits N devices over K site credentials, each reporting every N / rate seconds', () => {
    const c = scaleGatewayConfig({ devices: 10_000, rate: 5000, connections: 8 });
    expect(c.auth.devices).toHaveLength(8);
    expect(c.enterprises[0].sites.reduce((n, s) => n + s.devices.length, 0)).toBe(10_000);
    expect(c.enterprises[0].sites[0].devices[0]).toEqual({ id: 'd00000', kind: 'gas', intervalSeconds: 2 });
    expect(() => scaleGatewayConfig({ devices: 0, rate: 1 })).toThrow(/--devices/);
  });

  it('every device reaches the gateway at the configured rate, first reports staggered over one interval', async () => {
    const frames: WalEntry[] = [];
    t.gw.wal.on('durable', (es: WalEntry[]) => frames.push(...es));
    const sim = new ScaleSimulator({ ...o, brokerUrl: t.mqttUrl, durationMs: 1500 });
    await sim.start();
    await sim.finished();
    await sim.stop();
    // interval 0.5 s: phases 0..499 ms, so each device reports 3 or 4 times in [from, from + 1.5 s]
    expect(sim.sent).toBeGreaterThanOrEqual(3 * o.devices);
    expect(sim.sent).toBeLessThanOrEqual(4 * o.devices);
    await waitFor(() => frames.filter((e) => e.frame.type === 'readings').length === sim.sent, 20_000, 'every sample durable');
    const first = new Map<string, number>();
    for (const e of frames) {
      if (e.frame.type !== 'readings') continue;
      for (const r of e.frame.readings) if (!first.has(r.device)) first.set(r.device, r.ts);
    }
    expect(first.size).toBe(o.devices);
    // event-time phases spread over the 500 ms interval, for the fleet and for each connection (site)
    const span = (ids: string[]) => {
      const ts = ids.map((id) => first.get(id)!);
      return Math.max(...ts) - Math.min(...ts);
    };
    expect(span([...first.keys()])).toBeGreaterThanOrEqual(495);
    expect(span([...first.keys()])).toBeLessThan(500);
    const site1 = Array.from({ length: o.devices / o.connections }, (_, k) => scaleDeviceId(k * o.connections));
    expect(span(site1)).toBeGreaterThanOrEqual(450);
    expect(new Set(site1.map((id) => first.get(id))).size).toBeGreaterThan(100);
  });
});
