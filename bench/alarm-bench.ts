// npm run bench:alarms — publish → alarm on the WebSocket, under load (issue 4 goal: p99 ≤ 50 ms
// at 10,000 readings/s). A gateway process with 10,000 gas detectors takes a steady background
// of single-reading messages (quiet values, no alarms) at `--rate`; meanwhile `--probes` other
// detectors each publish one red LEL value, 20 per second, and a dispatcher's WebSocket client
// times each from the publish call to the pushed alarm. Same process measures both ends, so
// the clocks agree. Probes report hourly (they send once), so none of them goes offline during
// the run: the bench measures the push path, not an offline flood.
//
//   npm run bench:alarms [-- --rate 10000 --duration 15 --probes 250 --connections 8]
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { rawTestConfig, tempDir } from '../test/helpers/gateway.ts';
import { connectPublishers, startBenchGateway } from './bench-gateway.ts';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '15' },
    probes: { type: 'string', default: '250' },
    connections: { type: 'string', default: '8' },
    devices: { type: 'string', default: '10000' },
    fsync: { type: 'string', default: 'true' },
  },
});
const RATE = Number(args.rate);
const DURATION_S = Number(args.duration);
const PROBES = Number(args.probes);
const CONNECTIONS = Number(args.connections);
const DEVICES = Number(args.devices);
const devId = (i: number) => `d${String(i).padStart(5, '0')}`;
const probeId = (i: number) => `p${String(i).padStart(4, '0')}`;
const percentile = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];

async function main() {
  console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; background ${RATE} readings/s over ${CONNECTIONS} connections, ${PROBES} probe alarms at 20/s, wal.fsync=${args.fsync}, all built-in rule packs`);
  const dir = tempDir('hl-bench-alarms-');
  const raw = await rawTestConfig(dir);
  raw.wal = { fsync: args.fsync !== 'false', segmentBytes: 64 * 1024 * 1024, maxBytes: 4 * 1024 * 1024 * 1024 };
  const { gw, port, url } = await startBenchGateway(dir, raw, [...Array.from({ length: DEVICES }, (_, i) => ({ id: devId(i), kind: 'gas', intervalSeconds: 1 })), ...Array.from({ length: PROBES }, (_, i) => ({ id: probeId(i), kind: 'gas', intervalSeconds: 3600 }))]);
  const clients: MqttClient[] = await connectPublishers(url, CONNECTIONS + 1);
  const probeClient = clients.pop()!;
  const sentAt = new Map<string, number>();
  const lat: number[] = [];
  const ackLat: number[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/stream?token=bench-dispatcher`);
  ws.on('message', (m) => {
    const msg = JSON.parse(String(m));
    if (msg.type !== 'alarm' || msg.data.action !== 'raise' || msg.data.rule !== 'gas.lel') return;
    const t = sentAt.get(msg.data.device);
    if (t !== undefined) lat.push(performance.now() - t);
    sentAt.delete(msg.data.device);
  });
  await new Promise((r) => ws.once('open', r));
  try {
    const t0 = performance.now();
    const total = RATE * DURATION_S;
    const ts0 = Date.now();
    let probe = 0;
    const inflight: Promise<unknown>[] = [];
    for (let seq = 0; seq < total; seq++) {
      const due = t0 + (seq / RATE) * 1000;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const ts = ts0 + Math.floor(seq / DEVICES) * 1000;
      inflight.push(clients[seq % CONNECTIONS].publishAsync(`hl/v1/bench/s1/${devId(seq % DEVICES)}/telemetry`, `{"ts":${ts},"values":{"lel":${(seq % 50) / 10}}}`, { qos: 1 }));
      // a probe every 50 ms, after a 2 s warm-up
      if (probe < PROBES && performance.now() - t0 > 2000 + probe * 50) {
        const id = probeId(probe++);
        const sent = performance.now();
        sentAt.set(id, sent);
        inflight.push(probeClient.publishAsync(`hl/v1/bench/s1/${id}/telemetry`, JSON.stringify({ ts: Date.now(), values: { lel: 45 } }), { qos: 1 }).then(() => ackLat.push(performance.now() - sent)));
      }
      if (inflight.length > 5000) await Promise.all(inflight.splice(0));
    }
    await Promise.all(inflight);
    const achieved = Math.round(total / ((performance.now() - t0) / 1000));
    await new Promise((r) => setTimeout(r, 2000));
    lat.sort((a, b) => a - b);
    ackLat.sort((a, b) => a - b);
    console.log(JSON.stringify({ backgroundReadingsPerS: achieved, probes: probe, pushed: lat.length, pubackP50ms: +percentile(ackLat, 50).toFixed(1), pubackP99ms: +percentile(ackLat, 99).toFixed(1), p50ms: +percentile(lat, 50).toFixed(1), p99ms: +percentile(lat, 99).toFixed(1), maxMs: +(lat.at(-1) ?? NaN).toFixed(1) }));
  } finally {
    ws.close();
    await Promise.all([...clients, probeClient].map((c) => c.endAsync()));
    await gw.terminate();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
