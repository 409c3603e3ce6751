// The gateway as a Sparkplug B host application (issue 18), against Eclipse Tahu's
// sparkplug-client as the edge node and the machine's Mosquitto as the broker: the gateway
// publishes its STATE (retained: online, then offline when it stops); restarted while the edge
// node stayed connected, it no longer holds the node's births, so the node's next data is refused
// — and the gateway asks for a rebirth (NCMD Node Control/Rebirth), the node answers with its
// births without being restarted, and its data is stored again.
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import sparkplugClient from 'sparkplug-client';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_TOKENS, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const MOSQUITTO = 'mqtt://127.0.0.1:1883'; // the machine's Mosquitto (.ci/run checks it runs), as external-clients.test.ts
const id = randomUUID().slice(0, 8);
const group = `ent-sp-${id}`;
const hostId = `hl-host-${id}`;
const over = {
  mqtt: { url: MOSQUITTO, clientId: `hl-sp-${id}`, sparkplugHostId: hostId },
  auth: { tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }] },
  enterprises: [{ id: group, sites: [{ id: 's1', devices: [{ id: 'gas-01', kind: 'gas' }] }] }],
};
const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const lel = async (t: TestGateway) =>
  (await t.gw.api.inject({ method: 'GET', url: `/api/v1/readings?device=gas-01&metric=lel&from=0&to=${Date.now() + 3600_000}`, headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })).json().points as number[][];

describe('Sparkplug host application (Tahu edge node, Mosquitto)', () => {
  it('STATE online/offline, and a rebirth request after a gateway restart brings the edge node\'s data back without restarting it', async () => {
    const states: { online: boolean; timestamp: number }[] = [];
    const watcher = await mqtt.connectAsync(MOSQUITTO, { clientId: `watch-${id}` });
    cleanup.push(async () => {
      await watcher.publishAsync(`spBv1.0/STATE/${hostId}`, '', { retain: true }); // leave no retained message behind
      await watcher.endAsync();
    });
    watcher.on('message', (_t, p) => p.length && states.push(JSON.parse(p.toString())));
    await watcher.subscribeAsync(`spBv1.0/STATE/${hostId}`, { qos: 1 });

    const dataDir = tempDir();
    let t = await startTestGateway(over, dataDir);
    await waitFor(() => states.at(-1)?.online === true, 10_000, 'STATE online');
    expect(Object.keys(states[0]).sort()).toEqual(['online', 'timestamp']);

    // the edge node: births on connect and whenever its host asks
    const edge = sparkplugClient.newClient({ serverUrl: MOSQUITTO, username: '', password: '', groupId: group, edgeNode: 's1', clientId: `tahu-${id}`, version: 'spBv1.0', publishDeath: true });
    cleanup.push(() => edge.stop());
    let value = 5;
    let rebirths = 0;
    const births = () => {
      edge.publishNodeBirth({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: false }] });
      edge.publishDeviceBirth('gas-01', { timestamp: Date.now(), metrics: [{ name: 'lel', alias: 1, type: 'Float', value }] });
    };
    edge.on('birth', births);
    edge.on('ncmd', (payload) => {
      if (payload.metrics?.some((m) => m.name === 'Node Control/Rebirth' && m.value === true)) {
        rebirths++;
        births();
      }
    });
    const data = (ts: number, v: number) => edge.publishDeviceData('gas-01', { timestamp: ts, metrics: [{ alias: 1, type: 'Float', value: (value = v) }] });
    await waitFor(async () => (await lel(t)).length >= 1, 10_000, 'the first birth stored');
    const ts1 = Date.now();
    data(ts1, 12.5);
    await waitFor(async () => (await lel(t)).some((p) => p[0] === ts1), 10_000, 'data before the restart');
    expect(rebirths).toBe(0);

    // the gateway restarts; the edge node stays connected to the broker and knows nothing of it
    await t.stop();
    await waitFor(() => states.at(-1)?.online === false, 10_000, 'STATE offline');
    t = await startTestGateway(over, dataDir);
    cleanup.push(() => t.stop());
    await waitFor(() => states.at(-1)?.online === true, 10_000, 'STATE online again');
    const ts2 = Date.now();
    data(ts2, 20);
    // refused (no birth held), and the node asked to rebirth: it does, and its data is stored again
    await waitFor(() => rebirths === 1, 10_000, 'the rebirth request answered');
    await waitFor(async () => (await lel(t)).some((p) => p[1] === 20 && p[0] > ts2 - 1), 10_000, 'the rebirth stored');
    const ts3 = Date.now() + 1;
    data(ts3, 21);
    await waitFor(async () => (await lel(t)).some((p) => p[0] === ts3 && p[1] === 21), 10_000, 'data after the rebirth');
    expect((await lel(t)).some((p) => p[0] === ts2)).toBe(false);
    expect(rebirths).toBe(1);
  }, 60_000);
});
