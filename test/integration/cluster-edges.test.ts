// Edges uplinking to a cluster (issue 16, docs/cluster.md §10) on real servers: a 3-node NATS
// cluster, PostgreSQL, influxd, two cluster instances as processes and an edge gateway. The edge
// drains a backlog into the instance it is connected to; that instance is killed with SIGKILL
// mid-drain; the edge fails over to the other instance, which carries on from the rows recorded:
// every reading stored exactly once, the edge's alarm mirrored once, no gap. A status declared on
// an instance that does not hold the edge's connection reaches the edge.
import mqtt from 'mqtt';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { decodeMessage } from '../../gateway/src/cluster/ingest-stream.ts';
import { partitionOf, partitionSubject } from '../../gateway/src/cluster/partition.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { CLUSTER_ADMIN as ADMIN, clusterConfigs, freshDatabase, startInstances, type ClusterInstance as Instance } from '../helpers/cluster.ts';
import { spawnGateway } from '../helpers/child-gateway.ts';
import { rawTestConfig, tempDir } from '../helpers/gateway.ts';
import { startInfluxd, type ServerHandle } from '../helpers/influxd.ts';
import { startNatsCluster, type NatsCluster } from '../helpers/nats-cluster.ts';
import { waitFor } from '../helpers/ports.ts';
import { EDGE, edgeConfig } from '../helpers/uplink.ts';

const N = 3000;
const BASE = Date.UTC(2026, 10, 3, 2, 0, 0);
/** %LEL at gas-01: over the gas.lel level from 1000 s to 1030 s of event time, once */
const lel = (i: number) => (i >= 1000 && i < 1030 ? 46 : 5) + ((i * 7919) % 1009) / 1000;
const REGULATOR = 'cluster-regulator';

/** the timestamps of every reading of `enterprise` in its partition's subject of the ingest stream */
async function streamReadings(servers: string[], enterprise: string, partitions: number): Promise<number[]> {
  const nc = await connect({ servers });
  try {
    const js = jetstream(nc);
    const consumer = await js.consumers.get('HL_INGEST', { filter_subjects: partitionSubject(partitionOf(enterprise, partitions)) });
    const out: number[] = [];
    const messages = await consumer.consume({ expires: 2000 });
    for await (const m of messages) {
      for (const f of decodeMessage(m.string())) if (f.type === 'readings') for (const r of f.readings) if (r.enterprise === enterprise) out.push(r.ts);
      if (m.info.pending === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}

describe('edges uplinking to a cluster', () => {
  let nats: NatsCluster;
  let influx: ServerHandle;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const instances: Instance[] = [];
  let edge: Gateway;

  beforeAll(async () => {
    db = await freshDatabase('hl_cluster_edges');
    [nats, influx] = await Promise.all([startNatsCluster(3), startInfluxd()]);
    const test = await rawTestConfig(tempDir('hl-cluster-edges-'));
    instances.push(
      ...(await clusterConfigs(2, {
        nats: nats.urls,
        influx: influx.url,
        records: db.url,
        enterprises: ['ent-a', 'ent-b'],
        partitions: 8,
        over: {
          enterprises: test.enterprises,
          auth: {
            tokens: [
              { token: ADMIN, role: 'admin', name: '管理员' },
              { token: REGULATOR, role: 'regulator', jurisdictions: ['taian'], name: '孙监管' },
            ],
            edges: [{ ...EDGE, enterprises: ['ent-a'] }],
          },
        },
      })),
    );
    // the first instance dies exactly between the stream's acknowledgement of an edge batch and the
    // record of its rows (the rows are sent again, to the other instance, and must be stored once)
    await Promise.all([startInstances([instances[0]], { LOG_LEVEL: 'info', HAZARDLINE_CRASH_AT: 'cluster-after-stream', HAZARDLINE_CRASH_AFTER: '10' }), startInstances([instances[1]], { LOG_LEVEL: 'info' })]);
    // the edge drains slowly enough to be cut off mid-drain; its uplink fails over to the second instance
    const raw = await edgeConfig(instances[0].mqtt, tempDir('hl-cluster-edge-'), { failover: [`mqtt://127.0.0.1:${instances[1].mqtt}`], maxReadingsPerSecond: 300, batchReadings: 100 });
    edge = new Gateway(parseConfig(raw), { log: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    await edge.start();
  }, 120_000);

  afterAll(async () => {
    await edge?.stop().catch(() => {});
    for (const x of instances) await x.child?.terminate().catch(() => {});
    await nats?.stop();
    await influx?.stop();
    await db?.drop().catch(() => {});
  }, 60_000);

  const api = async (x: Instance, path: string, token = ADMIN) => {
    const res = await fetch(`http://127.0.0.1:${x.http}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()) as any;
  };

  it('kill -9 of the instance holding the edge mid-drain: the edge fails over, every reading stored once, its alarm mirrored once, no gap', async () => {
    await waitFor(() => edge.edge!.uplink.client.connected, 20_000, 'edge connected to the first instance');
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, { username: 'gas-01', password: 'pw-gas-01' });
    for (let i = 0; i < N; i += 100) {
      const batch = Array.from({ length: 100 }, (_, k) => ({ ts: BASE + (i + k) * 1000, values: { lel: lel(i + k) } }));
      await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify(batch), { qos: 1 });
    }
    await c.endAsync();
    // the first instance dies at its 10th edge batch (about a third of the backlog)
    await waitFor(() => instances[0].child!.proc.exitCode !== null || instances[0].child!.proc.signalCode !== null, 60_000, 'the first instance crashed');
    const left = edge.edge!.uplink.status().queue.readings;
    console.log(`${instances[0].id} killed itself (SIGKILL) at its crash point with ${left} of ${N} readings still queued at the edge`);
    expect(instances[0].child!.output()).toContain('crash point cluster-after-stream: SIGKILL');
    expect(left).toBeGreaterThan(N / 10);
    instances[0].child = undefined;

    await waitFor(() => edge.edge!.uplink.status().queue.readings === 0 && edge.edge!.uplink.client.url.endsWith(`:${instances[1].mqtt}`), 90_000, 'the backlog drained into the second instance');
    const pts = await waitFor(async () => {
      const r = await api(instances[1], `/api/v1/readings?enterprise=ent-a&device=gas-01&metric=lel&from=${BASE}&to=${BASE + N * 1000}`);
      return r.points?.length >= N ? (r.points as number[][]) : null;
    }, 60_000, 'every reading in the telemetry store');
    expect(pts).toHaveLength(N);
    pts.forEach(([ts, v], k) => {
      expect(ts).toBe(BASE + k * 1000);
      expect(v).toBeCloseTo(lel(k), 6);
    });

    // in the stream itself — what every future owner replays — each reading exactly once
    const inStream = await streamReadings(nats.urls, 'ent-a', 8);
    expect(inStream.length).toBe(N);
    expect(new Set(inStream).size).toBe(N);
    expect(Number((await (await fetch(`http://127.0.0.1:${instances[1].http}/metrics`)).text()).match(/^hazardline_rules_late_readings (\d+)/m)?.[1])).toBe(0);

    // the edge's alarm, mirrored once (the owner's own rules for ent-a fill in only what the edge did not raise)
    const alarms = await waitFor(async () => {
      const a = (await api(instances[1], '/api/v1/alarms?state=all&enterprise=ent-a')).alarms as any[];
      return a.some((x) => x.rule === 'gas.lel' && x.clearedAt) ? a : null;
    }, 30_000, 'the gas.lel alarm cleared');
    const summary = alarms.map((a) => `${a.rule} ${a.device ?? '-'} ${a.raisedAt} ${a.clearedAt} ×${a.count} ${a.origin ?? 'cluster'}`).sort();
    const at = (s: number) => new Date(BASE + s * 1000).toISOString();
    // raised at the edge, from its event time: the four devices that never report (150 s after the first data), lel over the level
    expect(summary).toEqual([
      ...['belt-main', 'gas-02', 'meter-main', 'uwb-1'].map((d) => `device.offline ${d} ${at(150)} null ×1 edge-a`),
      `gas.lel gas-01 ${at(1000)} ${at(1040)} ×1 edge-a`,
      // the positioning system dark while ent-a declares production: 无监控作业 (DOMAIN.md §10)
      `video.unmonitored-work uwb-1 ${at(150)} null ×1 edge-a`,
    ]);

    // the cluster's view of the edge: connected to the second instance, every row applied, no gap
    const q = edge.edge!.uplink.status().queue;
    const view = await waitFor(async () => {
      const u = await api(instances[1], '/api/v1/uplink');
      const e = u.edges?.find((x: any) => x.id === 'edge-a');
      return e?.connected && e.rows.b === q.nextSeq.b - 1 ? u : null;
    }, 20_000, "the edge's rows applied");
    expect(view.mode).toBe('cluster');
    expect(view.edges[0].gaps).toEqual([]);
  }, 240_000);

  it('a status declared on an instance that does not hold the edge reaches the edge, with the person', async () => {
    // the first instance back: it sees the edge connected to the other one
    instances[0].child = await spawnGateway(instances[0].file, instances[0].http, { LOG_LEVEL: 'info' });
    const seen = await waitFor(async () => {
      const e = (await api(instances[0], '/api/v1/uplink')).edges?.find((x: any) => x.id === 'edge-a');
      return e?.connected ? e : null;
    }, 30_000, 'the edge seen connected from the restarted instance');
    expect(seen.gaps).toEqual([]);
    const res = await fetch(`http://127.0.0.1:${instances[0].http}/api/v1/enterprises/ent-a/declared-status`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${REGULATOR}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'stopped', from: new Date(Date.now() - 60_000).toISOString(), reason: '停产整顿' }),
    });
    expect(res.status).toBeLessThan(300);
    await waitFor(async () => (await edge.records!.declarations.list('ent-a')).length === 1, 20_000, 'the declaration at the edge');
    expect((await edge.records!.declarations.list('ent-a')).map((d) => [d.status, d.actor])).toEqual([['stopped', '孙监管']]);
  }, 90_000);
});
