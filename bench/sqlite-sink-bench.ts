// npm run bench:sqlite — micro-benchmark of SqliteSink.write alone: a fresh DB per run, batches of
// 5000 points (the wal.batchSize default), 100 devices. Isolates the insert cost that dominates
// the gateway's CPU in 10-reading batch ingest.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSink } from '../gateway/src/store/sqlite-sink.ts';
import type { Point } from '../gateway/src/model/types.ts';

function makePoints(nPoints: number, nFields: number, devices: number): Point[] {
  const t0 = 1_732_233_600_000;
  return Array.from({ length: nPoints }, (_, i) => {
    const d = i % devices;
    const fields: Record<string, number> = {};
    for (let f = 0; f < nFields; f++) fields[`m${f}`] = Math.random() * 100;
    // Fresh tag objects and strings per point, as decoded JSON would give.
    return { measurement: 'gas', tags: JSON.parse(JSON.stringify({ enterprise: 'ent-a', site: 's1', zone: `z${d % 7}`, device: `gas-${d}` })), fields, ts: t0 + Math.floor(i / devices) * 1000 };
  });
}

async function run(nPoints: number, nFields: number, batch = 5000, devices = 100) {
  const points = makePoints(nPoints, nFields, devices);
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-'));
  const sink = new SqliteSink(join(dir, 'telemetry.db'));
  await sink.open();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < points.length; i += batch) await sink.write(points.slice(i, i + batch));
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
  return { wall, cpu: (c.user + c.system) / 1000, rows: nPoints * nFields, nPoints };
}

await run(50_000, 1); // warm-up (JIT), not reported
console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}, cpus: 2`);
for (const [label, n, f] of [['200,000 points x 1 field', 200_000, 1], ['20,000 points x 10 fields', 20_000, 10]] as const) {
  const runs = [];
  for (let r = 0; r < 5; r++) runs.push(await run(n, f));
  runs.sort((a, b) => a.wall - b.wall);
  const med = runs[2], best = runs[0];
  console.log(`${label}: median ${med.wall.toFixed(0)} ms wall (${med.cpu.toFixed(0)} ms cpu) = ${Math.round(med.rows / med.wall * 1000)} rows/s; best ${best.wall.toFixed(0)} ms = ${Math.round(best.rows / best.wall * 1000)} rows/s, ${Math.round(best.nPoints / best.wall * 1000)} points/s; all: ${runs.map((r) => r.wall.toFixed(0)).join(', ')} ms`);
}
console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
