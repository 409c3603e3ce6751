// An outage of the link (issue 7, docs/uplink.md), edge and central in one process: the central
// is stopped while the edge goes on alone (ingest, rules, alarms), then started again on the same
// data. Everything queued arrives once, in order; an alarm the edge raised during the outage is
// mirrored once, as retroactive, and never pushed to the centre's dispatchers as a fresh live
// alarm; the centre's own rules do not raise it again. With a queue too small for the outage, the
// documented policy holds: the oldest readings go, alarms survive, the centre reports the gap as
// dropped at the edge.
import mqtt from 'mqtt';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { waitFor } from '../helpers/ports.ts';
import { centralConfig, edgeConfig } from '../helpers/uplink.ts';

const log = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const running: Gateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0).reverse()) await g.stop();
});
async function start(raw: Record<string, unknown>): Promise<Gateway> {
  const g = new Gateway(parseConfig(raw), { log: log() });
  await g.start();
  running.push(g);
  return g;
}
async function stop(g: Gateway): Promise<void> {
  await g.stop();
  running.splice(running.indexOf(g), 1);
}
const MIN = 60_000;

describe('link outage', () => {
  it('the backlog arrives once and in order; an alarm of the outage is mirrored once, retroactive, not pushed live', async () => {
    const cRaw = await centralConfig();
    let central = await start(cRaw);
    const edge = await start(await edgeConfig(central.mqttPort));
    await waitFor(() => edge.edge!.uplink.client.connected, 10_000, 'uplink connected');
    await stop(central);
    await waitFor(() => !edge.edge!.uplink.client.connected, 10_000, 'link down');

    // an hour ago, for ten minutes: gas-02 every second; gas-01 leaks at +5 min and recovers at +6 min
    const t0 = Date.now() - 60 * MIN;
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, { username: 's1-eon', password: 'pw-s1' });
    for (let m = 0; m < 10; m++) {
      const batch = Array.from({ length: 60 }, (_, s) => ({ ts: t0 + m * MIN + s * 1000, values: { lel: (m * 60 + s) % 7 } }));
      await c.publishAsync('hl/v1/ent-a/s1/gas-02/telemetry', JSON.stringify(batch), { qos: 1 });
      const lel = m === 5 ? 46 : 2;
      await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify(Array.from({ length: 6 }, (_, k) => ({ ts: t0 + m * MIN + k * 10_000, values: { lel } }))), { qos: 1 });
    }
    await c.endAsync();
    const edgeAlarm = await waitFor(() => edge.alarms!.openAlarms().find((a) => a.rule === 'gas.lel'), 5000, 'edge alarm during the outage');
    expect(edgeAlarm.raisedAt).toBe(t0 + 5 * MIN);
    // the forward queue takes durable entries 25 ms at a time (one fsync each)
    await waitFor(() => edge.edge!.uplink.status().queue.readings === 660, 5000, 'all readings queued');
    const status = edge.edge!.uplink.status();
    expect(status).toMatchObject({ connected: false, queue: { readings: 660 } });
    expect(status.queue.priorityRows).toBeGreaterThan(0);

    // the central comes back on the same data; a dispatcher watches its stream while the backlog drains
    central = await start(cRaw);
    const pushed: { id: string; retroactive: boolean; action: string }[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${central.httpPort}/api/v1/stream?token=tk-central-dispatcher`);
    ws.on('message', (m) => {
      const msg = JSON.parse(String(m));
      if (msg.type === 'alarm') pushed.push(msg.data);
    });
    await new Promise((r) => ws.once('open', r));
    await waitFor(() => edge.edge!.uplink.queue.stats().b.rows === 0 && edge.edge!.uplink.queue.stats().p.rows === 0, 20_000, 'backlog drained');
    await waitFor(() => central.wal.depth() === 0, 20_000, 'central WAL drained');
    await central.alarms!.flush();

    const pts = await central.runningSink.sink.query({ measurement: 'gas', enterprise: 'ent-a', device: 'gas-02', metric: 'lel', from: t0, to: t0 + 10 * MIN });
    expect(pts.length).toBe(600);
    expect(pts.every(([ts], i) => ts === t0 + Math.floor(i / 60) * MIN + (i % 60) * 1000)).toBe(true);
    // the centre's rules saw the backlog in order: nothing late
    expect(central.evaluator!.stats().late).toBe(0);

    const all = (await central.alarms!.list({ rule: 'gas.lel' })).filter((a) => a.device === 'gas-01');
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: edgeAlarm.id, origin: 'edge-a', retroactive: true, raisedAt: t0 + 5 * MIN });
    const forIt = pushed.filter((p) => p.id === edgeAlarm.id);
    expect(forIt.length).toBeGreaterThan(0);
    expect(forIt.every((p) => p.retroactive)).toBe(true);
    ws.close();
    const st = central.central!.view(central.central!.registry.edges.get('edge-a')!);
    expect(st).toMatchObject({ connected: true, gaps: [] });
  }, 60_000);

  it('queue full: the oldest readings are dropped and the edge alarms it; alarms survive; the centre reports the gap as dropped', async () => {
    const cRaw = await centralConfig();
    let central = await start(cRaw);
    const edge = await start(await edgeConfig(central.mqttPort, undefined, { queueMaxBytes: 1024 * 1024 }));
    await waitFor(() => edge.edge!.uplink.client.connected, 10_000, 'uplink connected');
    await stop(central);
    await waitFor(() => !edge.edge!.uplink.client.connected, 10_000, 'link down');

    const t0 = Date.now() - 3 * 3_600_000;
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, { username: 's1-eon', password: 'pw-s1' });
    // ~4 MiB of readings into a 1 MiB queue
    for (let b = 0; b < 100; b++) {
      const batch = Array.from({ length: 500 }, (_, s) => ({ ts: t0 + (b * 500 + s) * 100, values: { lel: 1, co: 2, o2: 20.9 } }));
      await c.publishAsync('hl/v1/ent-a/s1/gas-02/telemetry', JSON.stringify(batch), { qos: 1 });
    }
    // a red alarm in the middle of it
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts: t0 + 60_000, values: { lel: 55 } }), { qos: 1 });
    for (let b = 100; b < 120; b++) {
      const batch = Array.from({ length: 500 }, (_, s) => ({ ts: t0 + (b * 500 + s) * 100, values: { lel: 1, co: 2, o2: 20.9 } }));
      await c.publishAsync('hl/v1/ent-a/s1/gas-02/telemetry', JSON.stringify(batch), { qos: 1 });
    }
    await c.endAsync();
    const q = edge.edge!.uplink.queue;
    expect(q.droppedReadings).toBeGreaterThan(0);
    expect(q.bytes()).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    const overflow = await waitFor(() => edge.alarms!.openAlarms().find((a) => a.rule === 'uplink.queue-overflow'), 10_000, 'overflow alarm at the edge');
    expect(overflow.severity).toBe('orange');
    const gasAlarm = edge.alarms!.openAlarms().find((a) => a.rule === 'gas.lel')!;
    expect((await edge.api.inject({ method: 'GET', url: '/healthz' })).json().checks.find((x: { name: string }) => x.name === 'uplink').ok).toBe(false);

    central = await start(cRaw);
    await waitFor(() => q.stats().b.rows === 0 && q.stats().p.rows === 0, 30_000, 'backlog drained');
    await waitFor(() => central.wal.depth() === 0, 20_000, 'central WAL drained');
    await central.alarms!.flush();
    // alarms survive the overflow: the gas alarm and the overflow alarm are at the centre
    expect(central.alarms!.get(gasAlarm.id)).toMatchObject({ rule: 'gas.lel', origin: 'edge-a' });
    expect(central.alarms!.openAlarms().some((a) => a.rule === 'uplink.queue-overflow' && a.origin === 'edge-a')).toBe(true);
    const view = central.central!.view(central.central!.registry.edges.get('edge-a')!);
    expect(view.gaps.length).toBeGreaterThan(0);
    expect(view.gaps.every((g) => g.cause === 'dropped' && g.lane === 'b')).toBe(true);
    // what was dropped is the oldest: the newest readings are all there, the first ones are not
    const pts = await central.runningSink.sink.query({ measurement: 'gas', enterprise: 'ent-a', device: 'gas-02', metric: 'lel', from: t0, to: t0 + 120 * 500 * 100 });
    expect(pts.length).toBe(120 * 500 - q.droppedReadings / 3);
    expect(pts.at(-1)![0]).toBe(t0 + (120 * 500 - 1) * 100);
    expect(pts[0][0]).toBeGreaterThan(t0);
  }, 60_000);

  it("what only the centre's rules find in the backfill is raised there, as retroactive", async () => {
    const cRaw = await centralConfig();
    let central = await start(cRaw);
    // this edge does not evaluate gas.lel (say, an older rule pack): the centre does
    const eRaw = await edgeConfig(central.mqttPort);
    eRaw.rules = { overrides: [{ rule: 'gas.lel', enterprise: 'ent-a', enabled: false }] };
    const edge = await start(eRaw);
    await waitFor(() => edge.edge!.uplink.client.connected, 10_000, 'uplink connected');
    await stop(central);
    await waitFor(() => !edge.edge!.uplink.client.connected, 10_000, 'link down');
    const t0 = Date.now() - 30 * MIN;
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, { username: 'gas-01', password: 'pw-gas-01' });
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify([{ ts: t0, values: { lel: 2 } }, { ts: t0 + 1000, values: { lel: 48 } }]), { qos: 1 });
    await c.endAsync();
    expect(edge.alarms!.openAlarms().filter((a) => a.rule === 'gas.lel')).toEqual([]);
    central = await start(cRaw);
    const own = await waitFor(() => central.alarms!.openAlarms().find((a) => a.rule === 'gas.lel'), 20_000, "the centre's own alarm");
    expect(own).toMatchObject({ origin: null, retroactive: true, raisedAt: t0 + 1000, severity: 'red' });
    // and a live one after the link is back is not retroactive
    const live = await mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, { username: 'gas-02', password: 'pw-gas-02' });
    await live.publishAsync('hl/v1/ent-a/s1/gas-02/telemetry', JSON.stringify({ ts: Date.now(), values: { lel: 47 } }), { qos: 1 });
    await live.endAsync();
    const fresh = await waitFor(() => central.alarms!.openAlarms().find((a) => a.rule === 'gas.lel' && a.device === 'gas-02'), 20_000, 'live alarm');
    expect(fresh).toMatchObject({ origin: null, retroactive: false });
  }, 60_000);
});
