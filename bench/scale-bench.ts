// npm run bench:scale — the simulators' scale mode (`hazardline simulate --devices N --rate R`)
// against a gateway process: N gas detectors in real time over MQTT JSON, staggered, one
// connection per site. Reports the rate the simulator achieved, the rate the gateway took in,
// and the gateway's CPU and peak RSS.
//
//   npm run bench:scale [-- --devices 10000 --rate 10000 --duration 20 --connections 8]
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { ScaleSimulator, scaleGatewayConfig } from '../simulators/src/scale.ts';
import { rawTestConfig, tempDir, writeConfigFile } from '../test/helpers/gateway.ts';
import { spawnGateway } from '../test/helpers/child-gateway.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '8' },
  },
});
const o = { devices: Number(args.devices), rate: Number(args.rate), connections: Number(args.connections), password: 'bench' };
const DURATION_S = Number(args.duration);

const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024);
const cpuSeconds = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) sum += Number(line.split(' ').pop());
  return sum;
}

async function main() {
  console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ${o.devices} devices at ${o.rate} msg/s over ${o.connections} connections for ${DURATION_S} s, wal.fsync=true`);
  const dir = tempDir('hl-bench-scale-');
  const raw = await rawTestConfig(dir);
  const side = scaleGatewayConfig(o);
  raw.enterprises = side.enterprises;
  // the test config's scoped tokens name its enterprises, which the bench replaces: check-config refuses them
  raw.auth.tokens = raw.auth.tokens.filter((t: { enterprises?: string[] }) => !t.enterprises);
  raw.auth.devices = side.auth.devices;
  raw.wal = { fsync: true, segmentBytes: 64 * 1024 * 1024, maxBytes: 4 * 1024 * 1024 * 1024 };
  const port = raw.gateway.http.port;
  const gw = await spawnGateway(writeConfigFile(dir, raw), port, { LOG_LEVEL: 'warn' });
  try {
    const sim = new ScaleSimulator({ ...o, brokerUrl: `mqtt://127.0.0.1:${raw.mqtt.embedded.port}`, durationMs: DURATION_S * 1000 });
    await sim.start();
    const readings0 = await metric(port, 'hazardline_ingest_readings_total');
    const cpu0 = cpuSeconds(gw.proc.pid!);
    const t0 = performance.now();
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, rssMb(gw.proc.pid!))), 500);
    await sim.finished();
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(timer);
    const readings = (await metric(port, 'hazardline_ingest_readings_total')) - readings0;
    const cpuPct = Math.round(((cpuSeconds(gw.proc.pid!) - cpu0) / seconds) * 100);
    await sim.stop();
    console.log(JSON.stringify({ devices: o.devices, rate: o.rate, seconds: +seconds.toFixed(1), sentPerS: Math.round(sim.sent / seconds), readingsPerS: Math.round(readings / seconds), gatewayCpuPct: cpuPct, gatewayPeakRssMb: peak }));
  } finally {
    await gw.terminate();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
