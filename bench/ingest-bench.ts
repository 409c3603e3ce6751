// npm run bench: drives a gateway process over loopback with QoS 1 publishers and reports
// sustained readings/s into each telemetry store (single-reading messages and 10-reading
// batches), p50/p99 publish-to-PUBACK latency at a fixed rate, and the gateway's RSS with
// 10,000 devices' state. Speed goals live here, never in the tests (DEVELOPERS.md).
//
//   npm run bench [-- --duration 10 --stores sqlite,influxdb-v1 --connections 8 --fsync true]
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { rawTestConfig, tempDir, writeConfigFile } from '../test/helpers/gateway.ts';
import { spawnGateway, type ChildGateway } from '../test/helpers/child-gateway.ts';
import { startInfluxd, type ServerHandle } from '../test/helpers/influxd.ts';
import { freePorts } from '../test/helpers/ports.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    stores: { type: 'string', default: 'sqlite,influxdb-v1' },
    connections: { type: 'string', default: '8' },
    window: { type: 'string', default: '200' },
    devices: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '10000' },
    fsync: { type: 'string', default: 'true' },
    /** which runs: single (1-reading saturation), batch (10-reading saturation), latency (fixed rate) */
    runs: { type: 'string', default: 'single,batch,latency' },
    /** standalone, or edge: an edge gateway whose central is down, so every reading also goes into its forward queue (SQLite, synchronous=FULL) */
    mode: { type: 'string', default: 'standalone' },
    /** also measure ingest from an external broker (e.g. mqtt://127.0.0.1:1883): the gateway subscribes, publishers publish there */
    external: { type: 'string' },
    /** offered rates for --external, messages/s, comma-separated */
    'external-rates': { type: 'string' },
  },
});
const DURATION_S = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const WINDOW = Number(args.window);
const DEVICES = Number(args.devices);
const FIXED_RATE = Number(args.rate);
const FSYNC = args.fsync !== 'false';

const devId = (i: number) => `d${String(i).padStart(5, '0')}`;

async function startGateway(store: string, influx?: ServerHandle, externalUrl?: string): Promise<{ gw: ChildGateway; httpPort: number; mqttUrl: string; clientId: string }> {
  const dir = tempDir('hl-bench-');
  const raw = await rawTestConfig(dir);
  raw.wal = { fsync: FSYNC, segmentBytes: 64 * 1024 * 1024, maxBytes: 4 * 1024 * 1024 * 1024 };
  raw.enterprises = [{ id: 'bench', sites: [{ id: 's1', devices: Array.from({ length: DEVICES }, (_, i) => ({ id: devId(i), kind: 'gas' })) }] }];
  // the test config's scoped tokens name its enterprises, which the bench replaces: check-config refuses them
  raw.auth.tokens = raw.auth.tokens.filter((t: { enterprises?: string[] }) => !t.enterprises);
  raw.auth.devices = [{ username: 'bench-eon', password: 'bench', enterprise: 'bench', site: 's1' }];
  if (store === 'influxdb-v1') raw.storage = { telemetry: { type: 'influxdb-v1', url: influx!.url, database: `bench_${Date.now()}` } };
  if (args.mode === 'edge') {
    // the central is unreachable (nothing listens on the port): the edge queues everything, as in a pit cut off
    const [nobody] = await freePorts(1);
    raw.gateway = { ...raw.gateway, id: 'edge-bench', mode: 'edge' };
    raw.uplink = { url: `mqtt://127.0.0.1:${nobody}`, username: 'edge-bench', password: 'bench', reconnectSeconds: 5 };
  }
  const clientId = `hl-bench-${Date.now()}`;
  if (externalUrl) raw.mqtt = { url: externalUrl, clientId };
  const httpPort = raw.gateway.http.port;
  const gw = await spawnGateway(writeConfigFile(dir, raw), httpPort, { LOG_LEVEL: 'warn' });
  return { gw, httpPort, mqttUrl: externalUrl ?? `mqtt://127.0.0.1:${raw.mqtt.embedded.port}`, clientId };
}

async function metric(httpPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) sum += Number(line.split(' ').pop());
  return sum;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function payload(seq: number, batch: number, ts0: number): { topic: string; body: string } {
  const dev = devId(seq % DEVICES);
  const ts = ts0 + Math.floor(seq / DEVICES) * 1000;
  // quiet values (0-9.9 %LEL, under every alarm level): this bench measures ingest; alarms are bench:alarms'
  const body = batch === 1 ? `{"ts":${ts},"values":{"lel":${(seq % 100) / 10}}}` : `[${Array.from({ length: batch }, (_, k) => `{"ts":${ts + k},"values":{"lel":${((seq + k) % 100) / 10}}}`).join(',')}]`;
  return { topic: `hl/v1/bench/s1/${dev}/telemetry`, body };
}

async function connectAll(url: string, external = false): Promise<MqttClient[]> {
  const auth = external ? {} : { username: 'bench-eon', password: 'bench' };
  return Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => mqtt.connectAsync(url, { ...auth, clientId: `bench-${i}-${Date.now()}`, reconnectPeriod: 0 })));
}

/**
 * External broker: publishers → broker (QoS 1) → gateway's persistent QoS 1 subscription.
 * Publishing is paced at `rate`; the result is the rate at which readings reach the store.
 */
async function external(url: string, rate: number) {
  const { gw, httpPort, clientId } = await startGateway('sqlite', undefined, url);
  await new Promise((r) => setTimeout(r, 1000)); // subscription in place
  const clients = await connectAll(url, true);
  const total = rate * DURATION_S;
  const t0 = performance.now();
  const sent: Promise<unknown>[] = [];
  for (let seq = 0; seq < total; seq++) {
    const wait = t0 + (seq / rate) * 1000 - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const { topic, body } = payload(seq, 1, Date.UTC(2026, 2, 1));
    sent.push(clients[seq % clients.length].publishAsync(topic, body, { qos: 1 }));
  }
  await Promise.all(sent);
  const deadline = performance.now() + 120_000;
  while ((await metric(httpPort, 'hazardline_sink_points_total')) < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const seconds = (performance.now() - t0) / 1000;
  const points = await metric(httpPort, 'hazardline_sink_points_total');
  await Promise.all(clients.map((c) => c.endAsync()));
  await gw.terminate();
  // remove the gateway's persistent session from the broker, or it queues every later message
  await (await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 })).endAsync();
  return { store: 'sqlite', source: 'external broker', offeredPerS: rate, offered: total, stored: points, storedReadingsPerS: Math.round(points / seconds) };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

/** Saturating run: every connection keeps WINDOW messages in flight for DURATION_S. */
async function saturate(store: string, batch: number, influx?: ServerHandle) {
  const { gw, httpPort, mqttUrl } = await startGateway(store, influx);
  const clients = await connectAll(mqttUrl);
  const ts0 = Date.UTC(2026, 0, 1);
  let seq = 0;
  let acked = 0;
  const t0 = performance.now();
  const end = t0 + DURATION_S * 1000;
  const gwCpu0 = cpuSeconds(gw.proc.pid!);
  const benchCpu0 = process.cpuUsage();
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssMb(gw.proc.pid!))), 500);
  await Promise.all(
    clients.flatMap((c) =>
      Array.from({ length: WINDOW }, async () => {
        while (performance.now() < end) {
          const { topic, body } = payload(seq++ * batch, batch, ts0);
          await c.publishAsync(topic, body, { qos: 1 });
          acked++;
        }
      }),
    ),
  );
  const ackSeconds = (performance.now() - t0) / 1000;
  const gatewayCpuPct = Math.round(((cpuSeconds(gw.proc.pid!) - gwCpu0) / ackSeconds) * 100);
  const bc = process.cpuUsage(benchCpu0);
  const publisherCpuPct = Math.round(((bc.user + bc.system) / 1e6 / ackSeconds) * 100);
  const readings = acked * batch;
  // sustained into the store = readings stored / time until the WAL has drained
  while ((await metric(httpPort, 'hazardline_wal_depth')) > 0) await new Promise((r) => setTimeout(r, 100));
  const storedSeconds = (performance.now() - t0) / 1000;
  clearInterval(rssTimer);
  const points = await metric(httpPort, 'hazardline_sink_points_total');
  const queued = args.mode === 'edge' ? { edgeQueueReadings: await metric(httpPort, 'hazardline_uplink_queue_readings') } : {};
  await Promise.all(clients.map((c) => c.endAsync()));
  await gw.terminate();
  return { mode: args.mode, ...queued, store, batch, messagesPerS: Math.round(acked / ackSeconds), ackedReadingsPerS: Math.round(readings / ackSeconds), storedReadingsPerS: Math.round(readings / storedSeconds), points, peakRssMb: peakRss, gatewayCpuPct, publisherCpuPct };
}

/** Fixed-rate run of single-reading messages: publish→PUBACK latency, and RSS once all devices have state. */
async function latency(store: string, influx?: ServerHandle) {
  const { gw, mqttUrl, httpPort } = await startGateway(store, influx);
  const clients = await connectAll(mqttUrl);
  const ts0 = Date.UTC(2026, 1, 1);
  const lat: number[] = [];
  /** latencies of the messages sent after the first 2 s: every device has been seen once by then (first contact costs more) */
  const warm: number[] = [];
  const total = FIXED_RATE * DURATION_S;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let seq = 0; seq < total; seq++) {
    const due = t0 + (seq / FIXED_RATE) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const { topic, body } = payload(seq, 1, ts0);
    const sent = performance.now();
    const afterWarmup = sent - t0 >= 2000;
    inflight.push(
      clients[seq % clients.length].publishAsync(topic, body, { qos: 1 }).then(() => {
        const ms = performance.now() - sent;
        lat.push(ms);
        if (afterWarmup) warm.push(ms);
      }),
    );
  }
  await Promise.all(inflight);
  const achieved = Math.round(total / ((performance.now() - t0) / 1000));
  const rss = rssMb(gw.proc.pid!);
  // the gateway's own share: arrival → durable in the WAL, as the upper bound of the p99 bucket
  const durableText = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const buckets = durableText.split('\n').filter((l) => l.startsWith('hazardline_ingest_durable_seconds_bucket')).map((l) => [Number(/le="([^"]+)"/.exec(l)![1]), Number(l.split(' ').pop())] as const);
  const count = buckets.at(-1)?.[1] ?? 0;
  const gatewayDurableP99LeMs = (buckets.find(([, n]) => n >= 0.99 * count)?.[0] ?? NaN) * 1000;
  await Promise.all(clients.map((c) => c.endAsync()));
  await gw.terminate();
  lat.sort((a, b) => a - b);
  warm.sort((a, b) => a - b);
  const p99msAfter2s = warm.length ? +percentile(warm, 99).toFixed(2) : null;
  return { mode: args.mode, store, rate: FIXED_RATE, achieved, p50ms: +percentile(lat, 50).toFixed(2), p99ms: +percentile(lat, 99).toFixed(2), p99msAfter2s, maxMs: +lat[lat.length - 1].toFixed(1), rssMbWithDevices: rss, devices: DEVICES, gatewayDurableP99LeMs };
}

async function main() {
  console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ${args.mode}; wal.fsync=${FSYNC}, ${CONNECTIONS} connections × ${WINDOW} in flight, ${DURATION_S} s runs, ${DEVICES} devices`);
  const stores = args.stores ? args.stores.split(',') : [];
  const influx = stores.includes('influxdb-v1') ? await startInfluxd() : undefined;
  try {
    for (const store of stores) {
      const runs = (args.runs ?? '').split(',');
      if (runs.includes('single')) console.log(JSON.stringify(await saturate(store, 1, influx)));
      if (runs.includes('batch')) console.log(JSON.stringify(await saturate(store, 10, influx)));
      if (runs.includes('latency')) console.log(JSON.stringify(await latency(store, influx)));
    }
    if (args.external) for (const rate of (args['external-rates'] ?? '250,500,1000').split(',').map(Number)) console.log(JSON.stringify(await external(args.external, rate)));
  } finally {
    await influx?.stop();
  }
}

await main();
process.exit(0);
