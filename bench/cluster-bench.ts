// Cluster mode on this machine (issue 16, docs/cluster.md): readings/s through 1, 2 and 3
// instances, and the takeover time after `kill -9` of an owner. A 3-node NATS cluster (R3 stream),
// the machine's PostgreSQL (a fresh database per run), influxd, and hazardline processes; 32
// enterprises with one gas device each, spread over 16 partitions, every device connected to
// instance (k mod n) and keeping `--window` QoS 1 single-reading messages in flight for
// `--seconds`. "acknowledged" counts PUBACKs (the reading is in the replicated stream); "stored"
// divides the same readings by the time until every owner had folded them in and InfluxDB held
// them all. The takeover runs with the default lease (15 s, heartbeat 3 s).
// `npm run bench:cluster [-- --seconds 15 --window 16 --instances 1,2,3]`
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { clusterConfigs, clusterView, devicePassword, freshDatabase, startInstances, type ClusterInstance } from '../test/helpers/cluster.ts';
import { startInfluxd } from '../test/helpers/influxd.ts';
import { startNatsCluster } from '../test/helpers/nats-cluster.ts';
import { waitFor } from '../test/helpers/ports.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    window: { type: 'string', default: '16' },
    instances: { type: 'string', default: '1,2,3' },
  },
});
const SECONDS = Number(args.seconds);
const WINDOW = Number(args.window);
const ENTERPRISES = Array.from({ length: 32 }, (_, i) => `ent-${String(i).padStart(2, '0')}`);
const PARTITIONS = 16;

async function load(instances: ClusterInstance[]): Promise<{ acked: number; ms: number }> {
  const clients = await Promise.all(
    ENTERPRISES.map((e, k) => mqtt.connectAsync(`mqtt://127.0.0.1:${instances[k % instances.length].mqtt}`, { username: `dev-${e}`, password: devicePassword(e), clientId: `bench-${e}`, reconnectPeriod: 0 })),
  );
  let acked = 0;
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  const ts0 = Date.UTC(2026, 10, 1);
  await Promise.all(
    clients.flatMap((c, k) => {
      const topic = `hl/v1/${ENTERPRISES[k]}/s1/gas-1/telemetry`;
      let seq = 0;
      return Array.from({ length: WINDOW }, async () => {
        while (performance.now() < until) {
          const i = seq++;
          await c.publishAsync(topic, JSON.stringify({ ts: ts0 + i * 100, values: { ch4: 0.2 + (i % 7) / 100 } }), { qos: 1 });
          acked++;
        }
      });
    }),
  );
  const ms = performance.now() - t0;
  await Promise.all(clients.map((c) => c.endAsync()));
  return { acked, ms };
}

async function influxCount(url: string): Promise<number> {
  const res = await fetch(`${url}/query?db=hl_cluster&q=${encodeURIComponent('SELECT count("ch4") FROM "gas"')}`);
  const body = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

async function main() {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  console.log(`load: ${ENTERPRISES.length} devices × ${WINDOW} in flight, single-reading QoS 1 messages, ${SECONDS} s; ${PARTITIONS} partitions, R3 stream on 3 NATS nodes`);
  const [nats, influx] = await Promise.all([startNatsCluster(3), startInfluxd()]);
  const rows: string[] = [];
  try {
    for (const n of args.instances!.split(',').map(Number)) {
      const db = await freshDatabase('hl_bench_cluster');
      await fetch(`${influx.url}/query?q=${encodeURIComponent('DROP DATABASE hl_cluster')}`, { method: 'POST' });
      const takeover = n === 3;
      const stream = `HL_BENCH_${n}`;
      const list = await clusterConfigs(n, { nats: nats.urls, influx: influx.url, records: db.url, enterprises: ENTERPRISES, partitions: PARTITIONS, cluster: { stream, ...(takeover ? { leaseSeconds: 15, heartbeatSeconds: 3 } : {}) } });
      try {
        await startInstances(list);
        await waitFor(async () => (await clusterView(list[0])).partitions.every((p: { owner: string | null }) => p.owner) || null, 90_000, 'every partition owned');
        const t0 = performance.now();
        const { acked, ms } = await load(list);
        await waitFor(async () => ((await influxCount(influx.url)) >= acked ? true : null), 300_000, 'every acknowledged reading stored');
        const storedMs = performance.now() - t0;
        const row = `${n} instance(s): ${Math.round(acked / (ms / 1000))} readings/s acknowledged, ${Math.round(acked / (storedMs / 1000))} readings/s stored (${acked} readings, all stored ${((storedMs - ms) / 1000).toFixed(1)} s after the last acknowledgement)`;
        console.log(row);
        rows.push(row);
        if (takeover) {
          const victimId = (await clusterView(list[0])).partitions[0].owner as string;
          const victim = list.find((x) => x.id === victimId)!;
          const other = list.find((x) => x !== victim)!;
          const k0 = performance.now();
          await victim.child!.kill9();
          const by = await waitFor(async () => {
            const o = (await clusterView(other)).partitions[0].owner;
            return o && o !== victimId ? o : null;
          }, 90_000, 'partition 0 taken over');
          const t = `takeover after kill -9 of ${victimId} (lease 15 s, heartbeat 3 s): partition 0 owned by ${by} ${((performance.now() - k0) / 1000).toFixed(1)} s later`;
          console.log(t);
          rows.push(t);
        }
      } finally {
        for (const x of list) await x.child?.terminate().catch(() => {});
        await db.drop().catch(() => {});
        // the next run's stream takes the same subjects
        const nc = await connect({ servers: nats.urls });
        await (await jetstreamManager(nc)).streams.delete(stream).catch(() => {});
        await nc.close();
      }
    }
  } finally {
    await nats.stop();
    await influx.stop();
  }
  console.log(`\n${rows.join('\n')}`);
}

await main();
