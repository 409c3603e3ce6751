// Edge and central as two gateway processes on loopback (issue 7): a long outage, time-compressed
// (a million readings queued at the edge over 28 hours of event time), then every reading stored at
// the centre exactly once and in order per device; and kill -9 of the edge mid-drain and of the
// centre mid-ingest: nothing lost, nothing doubled; an edge forwarding for another enterprise:
// refused. "Exactly once, in order" is checked where a
// double or a reordering would show: every device's series at the centre is complete and
// ascending, and the centre's rules saw no reading older than one they already had
// (hazardline_rules_late_readings 0) — a row applied twice, or out of order, would count there.
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch, uplinkTopic } from '../../gateway/src/uplink/protocol.ts';
import { encodeFrame } from '../../gateway/src/wal/codec.ts';
import { EDGE } from '../helpers/uplink.ts';
import { waitFor } from '../helpers/ports.ts';
import { DEVICES, dev, processPair, publishToEdge, value, type ChildGateway } from '../helpers/uplink-pair.ts';

const children: ChildGateway[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill9().catch(() => {});
});
const pair = () => processPair(children);
const publish = publishToEdge;

async function expectComplete(api: (p: string) => Promise<any>, t0: number, perDevice: number): Promise<void> {
  for (let d = 0; d < DEVICES; d++) {
    const r = await api(`/api/v1/readings?device=${dev(d)}&enterprise=ent-a&metric=lel&from=${t0}&to=${t0 + perDevice * 10_000}`);
    const pts = r.points as [number, number][];
    expect(pts.length, dev(d)).toBe(perDevice);
    for (let k = 0; k < perDevice; k++) {
      if (pts[k][0] !== t0 + k * 10_000 || pts[k][1] !== value(d, k)) expect.fail(`${dev(d)} point ${k}: ${JSON.stringify(pts[k])}`);
    }
  }
}

describe('edge and central processes', () => {
  it('a long outage: a million readings queued at the edge reach the centre exactly once, in order per device', async () => {
    const p = await pair();
    let central = await p.spawn(p.cFile, p.cRaw);
    await p.spawn(p.eFile, p.eRaw);
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).connected, 15_000, 'uplink connected');
    await p.stopped(central, 'terminate');
    const perDevice = 10_000; // × 100 devices = 1,000,000 readings, 28 h of event time
    const t0 = Date.now() - 3 * 86_400_000;
    await publish(p.eRaw, t0, perDevice);
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).queue.readings === DEVICES * perDevice, 60_000, 'all queued at the edge');
    expect((await p.edge.api('/api/v1/uplink')).connected).toBe(false);

    central = await p.spawn(p.cFile, p.cRaw);
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).queue.readings === 0, 180_000, 'edge backlog drained');
    await waitFor(async () => (await p.central.api('/healthz')).checks.find((c: { name: string }) => c.name === 'wal').detail.depth === 0, 120_000, 'centre store caught up');
    await expectComplete(p.central.api, t0, perDevice);
    expect(await p.central.metric('hazardline_rules_late_readings')).toBe(0);
    expect(await p.central.metric('hazardline_edge_gap_rows_total')).toBe(0);
    expect(await p.central.metric('hazardline_ingest_readings_total', 'transport="uplink"')).toBe(DEVICES * perDevice);

    // the same edge credentials, forwarding for an enterprise that is not theirs: refused and counted
    const { queue } = await p.edge.api('/api/v1/uplink');
    const rogue = await mqtt.connectAsync(`mqtt://127.0.0.1:${p.cRaw.mqtt.embedded.port}`, { ...EDGE, clientId: 'rogue' });
    const frame = encodeFrame({ type: 'readings', transport: 'mqtt', readings: [{ ts: t0, enterprise: 'ent-b', site: 'p1', device: 'gas-h2s-1', kind: 'gas', metric: 'h2s', value: 99, quality: 'good' }] });
    await rogue.publishAsync(uplinkTopic('edge-a', 'b'), encodeBatch('edge-a', queue.epoch, 'b', [{ lane: 'b', seq: queue.nextSeq.b, at: Date.now(), readings: 1, body: `[${frame}]` }]), { qos: 1 });
    await rogue.endAsync();
    expect(await p.central.metric('hazardline_edge_refused_total', 'edge="edge-a",reason="acl_denied"')).toBe(1);
    const b = await p.central.api(`/api/v1/readings?device=gas-h2s-1&enterprise=ent-b&metric=h2s&from=${t0 - 1}&to=${t0 + 1}`);
    expect(b.points).toEqual([]);
  }, 400_000);

  it('kill -9 of the edge mid-drain and of the centre mid-ingest: nothing lost, nothing doubled', async () => {
    const p = await pair();
    let central = await p.spawn(p.cFile, p.cRaw);
    let edge = await p.spawn(p.eFile, p.eRaw);
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).connected, 15_000, 'uplink connected');
    await p.stopped(central, 'terminate');
    const perDevice = 3000;
    const t0 = Date.now() - 2 * 86_400_000;
    await publish(p.eRaw, t0, perDevice);
    const total = DEVICES * perDevice;
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).queue.readings === total, 60_000, 'all queued');
    await p.stopped(edge, 'terminate');

    // the link returns; mid-drain the edge dies in the worst place: its 10th batch acknowledged by
    // the centre, not yet deleted from its queue (a crash point, not a lucky kill -9)
    central = await p.spawn(p.cFile, p.cRaw);
    edge = await p.spawn(p.eFile, p.eRaw, { HAZARDLINE_CRASH_AT: 'edge-after-puback', HAZARDLINE_CRASH_AFTER: '10' });
    await waitFor(() => edge.proc.exitCode !== null || edge.proc.signalCode !== null, 60_000, 'edge died at its crash point');
    children.splice(children.indexOf(edge), 1);
    expect(edge.proc.signalCode).toBe('SIGKILL');
    // the centre dies too, in its worst place: the 20th batch durable, not yet acknowledged
    await p.stopped(central, 'terminate');
    central = await p.spawn(p.cFile, p.cRaw, { HAZARDLINE_CRASH_AT: 'central-after-durable', HAZARDLINE_CRASH_AFTER: '20' });
    edge = await p.spawn(p.eFile, p.eRaw);
    await waitFor(() => central.proc.exitCode !== null || central.proc.signalCode !== null, 60_000, 'centre died at its crash point');
    children.splice(children.indexOf(central), 1);
    expect(central.proc.signalCode).toBe('SIGKILL');
    // and a plain kill -9 of the edge somewhere in the drain
    central = await p.spawn(p.cFile, p.cRaw);
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).queue.readings < total * 0.5, 60_000, 'drain under way');
    await p.stopped(edge, 'kill9');
    edge = await p.spawn(p.eFile, p.eRaw);
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).queue.readings === 0, 120_000, 'edge backlog drained');
    await waitFor(async () => (await p.central.api('/healthz')).checks.find((c: { name: string }) => c.name === 'wal').detail.depth === 0, 60_000, 'centre caught up');
    await expectComplete(p.central.api, t0, perDevice);
    // the batches sent again after each crash were recognised and skipped, not applied twice
    expect(await p.central.metric('hazardline_edge_duplicate_rows_total', 'edge="edge-a"')).toBeGreaterThan(0);
    expect(await p.central.metric('hazardline_rules_late_readings')).toBe(0);
    expect(await p.central.metric('hazardline_edge_gap_rows_total')).toBe(0);
  }, 400_000);
});
