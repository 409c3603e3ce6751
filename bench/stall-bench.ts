// npm run bench:stall — how long the gateway's event loop stops under two loads a large site
// meets (issue 19): the rule-state snapshot (`rules.stateSnapshotSeconds`, here every 10 s) and
// an alarm flood (8,000 of 10,000 gas detectors over their red level in one second).
//
// A gateway process with 10,000 gas detectors takes single-reading QoS 1 messages at a fixed
// 10,000/s (each device once a second, quiet values). At `--flood-at` seconds the first `--flood`
// devices send 45 %LEL (red) instead, and keep sending it. Every second the bench reads the
// gateway's own event-loop delay (`nodejs_eventloop_lag_max_seconds`: prom-client resets it at
// each scrape, so each sample is the longest stall of that second) and the publish → PUBACK
// latencies it saw. A dispatcher's WebSocket client counts the pushed raises; the alarms are
// counted again in the records database (`GET /api/v1/alarms`) at the end: none may be lost.
//
//   npm run bench:stall [-- --duration 40 --flood 8000 --flood-at 25 --snapshot 10]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { rawTestConfig, tempDir } from '../test/helpers/gateway.ts';
import { connectPublishers, startBenchGateway } from './bench-gateway.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '40' },
    devices: { type: 'string', default: '10000' },
    flood: { type: 'string', default: '8000' },
    'flood-at': { type: 'string', default: '25' },
    snapshot: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    fsync: { type: 'string', default: 'true' },
    /** first give every device this many hours of history (one sample per 30 s, 48 a message), then measure */
    'history-hours': { type: 'string', default: '0' },
  },
});
const DURATION_S = Number(args.duration);
const DEVICES = Number(args.devices);
const FLOOD = Number(args.flood);
const FLOOD_AT = Number(args['flood-at']);
const CONNECTIONS = Number(args.connections);
const RATE = DEVICES; // each device once a second
const devId = (i: number) => `d${String(i).padStart(5, '0')}`;
const percentile = (s: number[], p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN);

async function scrape(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line[0] === '#') continue;
    const name = line.slice(0, line.search(/[ {]/));
    m.set(name, (m.get(name) ?? 0) + Number(line.split(' ').pop()));
  }
  return m;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/**
 * Every device's last `hours` of history before the run, one sample per 30 s in messages of 48
 * (quiet values, pseudo-random: a repeating sequence would be a data.replay),
 * 200 in flight per connection; then waits for the store and the rules, and reads the memory.
 */
async function prefill(clients: MqttClient[], port: number, pid: number, hours: number) {
  const t0 = performance.now();
  const samples = Math.floor((hours * 3600) / 30);
  const start = Date.now() - 5000 - samples * 30_000;
  const jobs: [number, number][] = [];
  for (let k = 0; k < samples; k += 48) for (let d = 0; d < DEVICES; d++) jobs.push([d, k]);
  let next = 0;
  await Promise.all(
    clients.flatMap((c) =>
      Array.from({ length: 200 }, async () => {
        while (next < jobs.length) {
          const [d, k] = jobs[next++];
          const body = JSON.stringify(Array.from({ length: Math.min(48, samples - k) }, (_, j) => ({ ts: start + (k + j) * 30_000, values: { lel: ((Math.imul(d * 100_003 + k + j, 0x9e3779b1) >>> 0) % 1000) / 100 } })));
          await c.publishAsync(`hl/v1/bench/s1/${devId(d)}/telemetry`, body, { qos: 1 });
        }
      }),
    ),
  );
  let m = await scrape(port);
  while ((m.get('hazardline_wal_depth') ?? 0) > 0 || (m.get('hazardline_rules_backlog_frames') ?? 0) > 0) {
    await new Promise((r) => setTimeout(r, 500));
    m = await scrape(port);
  }
  await new Promise((r) => setTimeout(r, 2000));
  m = await scrape(port);
  return { hours, samplesPerDevice: samples, seconds: Math.round((performance.now() - t0) / 1000), rssMb: rssMb(pid), heapUsedMb: Math.round((m.get('nodejs_heap_size_used_bytes') ?? NaN) / 2 ** 20), externalMb: Math.round((m.get('nodejs_external_memory_bytes') ?? NaN) / 2 ** 20) };
}

async function main() {
  console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ${DEVICES} gas devices at ${RATE} msg/s for ${DURATION_S} s, rule state saved every ${args.snapshot} s, ${FLOOD} devices red from second ${FLOOD_AT}, wal.fsync=${args.fsync}, all built-in rule packs`);
  const dir = tempDir('hl-bench-stall-');
  const raw = await rawTestConfig(dir);
  raw.wal = { fsync: args.fsync !== 'false', segmentBytes: 64 * 1024 * 1024, maxBytes: 4 * 1024 * 1024 * 1024 };
  // the history is sent 48 samples (24 min) of one device after another: device.offline would see
  // the others silent meanwhile and flood, so it is off in that mode
  raw.rules = { stateSnapshotSeconds: Number(args.snapshot), ...(Number(args['history-hours']) > 0 ? { overrides: [{ rule: 'device.offline', enabled: false }] } : {}) };
  const { gw, port, url } = await startBenchGateway(dir, raw, Array.from({ length: DEVICES }, (_, i) => ({ id: devId(i), kind: 'gas', intervalSeconds: 1 })));
  const clients = await connectPublishers(url, CONNECTIONS);
  let pushed = 0;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/stream?token=bench-dispatcher`);
  ws.on('message', (m) => {
    const msg = JSON.parse(String(m));
    if (msg.type === 'alarm' && msg.data.action === 'raise' && msg.data.rule === 'gas.lel') pushed++;
  });
  await new Promise((r) => ws.once('open', r));
  const history = Number(args['history-hours']) > 0 ? await prefill(clients, port, gw.proc.pid!, Number(args['history-hours'])) : undefined;
  if (history) console.log(JSON.stringify({ history }));
  const perSecond: { s: number; loopMaxMs: number; pubackMaxMs: number; pubackP99Ms: number; activations: number; recordsPending: number; rssMb: number; heapMb: number; externalMb: number }[] = [];
  const lat: number[][] = Array.from({ length: DURATION_S + 5 }, () => []);
  let sampling = true;
  const t0 = performance.now();
  await scrape(port); // resets the loop-delay histogram
  const sampler = (async () => {
    for (let s = 1; sampling; s++) {
      const wait = t0 + s * 1000 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const m = await scrape(port);
      const l = lat[s - 1]?.sort((a, b) => a - b) ?? [];
      perSecond.push({ s, loopMaxMs: Math.round((m.get('nodejs_eventloop_lag_max_seconds') ?? NaN) * 1000), pubackMaxMs: Math.round(l.at(-1) ?? NaN), pubackP99Ms: Math.round(percentile(l, 99)), activations: m.get('hazardline_alarm_activations_total') ?? 0, recordsPending: m.get('hazardline_records_pending') ?? 0, rssMb: rssMb(gw.proc.pid!), heapMb: Math.round((m.get('nodejs_heap_size_used_bytes') ?? NaN) / 2 ** 20), externalMb: Math.round((m.get('nodejs_external_memory_bytes') ?? NaN) / 2 ** 20) });
    }
  })();
  try {
    const total = RATE * DURATION_S;
    const ts0 = Date.now() - 5000;
    const inflight: Promise<unknown>[] = [];
    for (let seq = 0; seq < total; seq++) {
      const due = t0 + (seq / RATE) * 1000;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const round = Math.floor(seq / DEVICES);
      const dev = seq % DEVICES;
      const red = round >= FLOOD_AT && dev < FLOOD;
      const sent = performance.now();
      const bucket = lat[Math.floor((sent - t0) / 1000)];
      inflight.push(clients[seq % CONNECTIONS].publishAsync(`hl/v1/bench/s1/${devId(dev)}/telemetry`, `{"ts":${ts0 + round * 1000},"values":{"lel":${red ? 45 : (seq % 50) / 10}}}`, { qos: 1 }).then(() => bucket?.push(performance.now() - sent)));
      if (inflight.length > 20_000) await Promise.all(inflight.splice(0, 10_000));
    }
    await Promise.all(inflight);
    // every flooded device raised, pushed and in the records database
    const deadline = performance.now() + 60_000;
    let m = await scrape(port);
    while (((m.get('hazardline_alarm_activations_total') ?? 0) < FLOOD || (m.get('hazardline_records_pending') ?? 0) > 0 || pushed < FLOOD) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      m = await scrape(port);
    }
    sampling = false;
    await sampler;
    const before = perSecond.filter((p) => p.s <= FLOOD_AT);
    const flood = perSecond.filter((p) => p.s > FLOOD_AT && p.s <= FLOOD_AT + 5);
    const max = (xs: number[]) => Math.max(...xs.filter((x) => !Number.isNaN(x)));
    console.log(JSON.stringify({ perSecond }));
    console.log(
      JSON.stringify({
        devices: DEVICES,
        snapshotEverySeconds: Number(args.snapshot),
        loopMaxMsBeforeFlood: max(before.slice(2).map((p) => p.loopMaxMs)),
        pubackMaxMsBeforeFlood: max(before.slice(2).map((p) => p.pubackMaxMs)),
        floodDevices: FLOOD,
        loopMaxMsInFlood: max(flood.map((p) => p.loopMaxMs)),
        pubackMaxMsInFlood: max(flood.map((p) => p.pubackMaxMs)),
        raised: m.get('hazardline_alarm_activations_total'),
        pushed,
        rssMbEnd: rssMb(gw.proc.pid!),
        stateSaves: m.get('hazardline_rules_state_save_seconds_count'),
        stateSaveMeanMs: Math.round(((m.get('hazardline_rules_state_save_seconds_sum') ?? NaN) / (m.get('hazardline_rules_state_save_seconds_count') ?? NaN)) * 1000),
        stateSliceMeanMs: +(((m.get('hazardline_rules_state_slice_seconds_sum') ?? NaN) / (m.get('hazardline_rules_state_slice_seconds_count') ?? NaN)) * 1000).toFixed(1),
        stateBytes: m.get('hazardline_rules_state_bytes'),
      }),
    );
  } finally {
    sampling = false;
    ws.close();
    await Promise.all(clients.map((c) => c.endAsync()));
    await gw.terminate();
    // BENCH_GATEWAY_OUTPUT=FILE keeps what the gateway printed (with GATEWAY_NODE_ARGS=--trace-gc, its collections)
    if (process.env.BENCH_GATEWAY_OUTPUT) writeFileSync(process.env.BENCH_GATEWAY_OUTPUT, gw.output());
  }
  // the records database, once the gateway has stopped: every raise is a row with its transition
  const db = new Database(join(dir, 'records.db'), { readonly: true });
  const rows = db.prepare("SELECT count(*) FROM alarms WHERE rule = 'gas.lel'").pluck().get();
  db.close();
  console.log(JSON.stringify({ gasLelAlarmsInRecords: rows }));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
