// npm run bench:uplink — the edge's drain rate after an outage (issue 7). Two gateway processes on
// loopback: the central is down while 100 detectors publish `--readings` readings (10 s apart,
// time-compressed) into the edge, which queues them; then the central starts and the bench times
// the drain: from the edge's reconnection until its queue is empty, and until the central's store
// has caught up. Readings/s, uplink bytes per reading (raw-deflated batches) and the queue
// bytes per reading on the edge's disk are reported.
//
//   npm run bench:uplink [-- --readings 1000000 --rate 1000000 --batch 5000 --fsync true]
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { waitFor } from '../test/helpers/ports.ts';
import { DEVICES, processPair, publishToEdge, type ChildGateway } from '../test/helpers/uplink-pair.ts';

const { values: args } = parseArgs({ options: { readings: { type: 'string', default: '1000000' }, rate: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '5000' }, fsync: { type: 'string', default: 'true' } } });
const N = Number(args.readings);
const perDevice = Math.ceil(N / DEVICES);

async function main() {
  const fsync = args.fsync !== 'false';
  console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ${DEVICES * perDevice} readings, uplink.maxReadingsPerSecond ${args.rate}, batchReadings ${args.batch}, wal.fsync ${fsync}, SQLite stores, edge and central on loopback`);
  const children: ChildGateway[] = [];
  const p = await processPair(children, { fsync, uplink: { maxReadingsPerSecond: Number(args.rate), batchReadings: Number(args.batch) } });
  try {
    let central = await p.spawn(p.cFile, p.cRaw);
    await p.spawn(p.eFile, p.eRaw);
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).connected, 15_000, 'uplink connected');
    await p.stopped(central, 'terminate');
    const t0 = Date.now() - 3 * 86_400_000;
    const q0 = performance.now();
    await publishToEdge(p.eRaw, t0, perDevice);
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).queue.readings === DEVICES * perDevice, 300_000, 'queued');
    const queueSeconds = (performance.now() - q0) / 1000;
    const queued = await p.edge.api('/api/v1/uplink');
    const sentBytes0 = await p.edge.metric('hazardline_uplink_sent_bytes_total');

    central = await p.spawn(p.cFile, p.cRaw);
    // from the moment the edge is back on the link (its reconnect back-off is not the drain)
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).connected, 120_000, 'reconnected');
    const d0 = performance.now();
    await waitFor(async () => (await p.edge.api('/api/v1/uplink')).queue.readings === 0, 1_800_000, 'drained');
    const drainSeconds = (performance.now() - d0) / 1000;
    await waitFor(async () => (await p.central.api('/healthz')).checks.find((c: { name: string }) => c.name === 'wal').detail.depth === 0, 1_800_000, 'stored');
    const storedSeconds = (performance.now() - d0) / 1000;
    const total = DEVICES * perDevice;
    const sentBytes = (await p.edge.metric('hazardline_uplink_sent_bytes_total')) - sentBytes0;
    console.log(
      JSON.stringify({
        readings: total,
        edgeQueueReadingsPerS: Math.round(total / queueSeconds),
        edgeQueueBytesPerReading: +(queued.queue.bytes / total).toFixed(1),
        drainSeconds: +drainSeconds.toFixed(1),
        drainReadingsPerS: Math.round(total / drainSeconds),
        untilStoredSeconds: +storedSeconds.toFixed(1),
        uplinkBytesPerReading: +(sentBytes / total).toFixed(2),
        centralDuplicateRows: await p.central.metric('hazardline_edge_duplicate_rows_total', 'edge="edge-a"'),
        centralLateReadings: await p.central.metric('hazardline_rules_late_readings'),
        edgeDisconnects: await p.edge.metric('hazardline_uplink_disconnects_total'),
      }),
    );
  } finally {
    for (const c of children) await c.terminate().catch(() => {});
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
