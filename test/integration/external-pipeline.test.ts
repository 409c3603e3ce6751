// Pipelined acknowledgements from an external broker (issue 16): the gateway takes the next
// messages while earlier ones are still being made durable, yet each PUBACK goes only after its
// message is durable, and in the order the messages arrived. Observed from an aedes broker
// started here, whose 'ack' event is the PUBACK it received.
import { createServer, type Server } from 'node:net';
import { Aedes, type PublishPacket } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { ExternalBrokerSource } from '../../gateway/src/ingest/external-broker-source.ts';
import type { IngestResult } from '../../gateway/src/ingest/source.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { waitFor } from '../helpers/ports.ts';

let server: Server | undefined;
let broker: Aedes | undefined;
let source: ExternalBrokerSource | undefined;
afterEach(async () => {
  await source?.stop();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  await new Promise((r) => (broker ? broker.close(() => r(null)) : r(null)));
});

/**
 * An aedes broker here and the source subscribed to it; PUBACKs the broker received (by topic), and
 * the messages handed to emit, each waiting for its test to make it durable.
 */
async function connected(clientId: string): Promise<{ acks: string[]; pending: Map<string, (r: IngestResult) => void> }> {
  broker = await Aedes.createBroker();
  server = createServer(broker.handle);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const acks: string[] = [];
  broker.on('ack', (packet) => acks.push((packet as PublishPacket).topic));
  const pending = new Map<string, (r: IngestResult) => void>();
  source = new ExternalBrokerSource({ url: `mqtt://127.0.0.1:${port}`, clientId, log: createLogger({ level: 'silent' }), clock: { now: () => Date.now() } });
  await source.start((m) => new Promise((resolve) => pending.set((m as { topic: string }).topic, resolve)));
  await waitFor(() => Object.values((broker as unknown as { clients: Record<string, unknown> }).clients).length === 1 && source!.health().ok, 5000, 'connected');
  await new Promise((r) => setTimeout(r, 200)); // the subscription in place
  return { acks, pending };
}

describe('external broker: pipelined acknowledgements', () => {
  it('all three are taken at once; the PUBACKs wait for durability and go in arrival order', async () => {
    const { acks, pending } = await connected('hl-pipeline-test');
    const topics = ['hl/v1/e/s/d1/telemetry', 'hl/v1/e/s/d2/telemetry', 'hl/v1/e/s/d3/telemetry'];
    for (const topic of topics) broker!.publish({ cmd: 'publish', topic, payload: Buffer.from('{}'), qos: 1, retain: false, dup: false } as PublishPacket, () => {});
    // pipelined: all three are being made durable at the same time, none acknowledged
    await waitFor(() => pending.size === 3, 5000, 'three messages in flight');
    expect(acks).toEqual([]);
    // the second and third become durable first: still nothing, the first holds the order
    pending.get(topics[1])!({ ok: true } as IngestResult);
    pending.get(topics[2])!({ ok: true } as IngestResult);
    await new Promise((r) => setTimeout(r, 200));
    expect(acks).toEqual([]);
    pending.get(topics[0])!({ ok: true } as IngestResult);
    await waitFor(() => acks.length === 3, 5000, 'three PUBACKs');
    expect(acks).toEqual(topics);
  });

  it('thousands in flight, made durable out of order: every PUBACK once, in arrival order', async () => {
    const { acks, pending } = await connected('hl-pipeline-bulk');
    // more than the 1,024 after which the held acknowledgements are compacted
    const topics = Array.from({ length: 3000 }, (_, i) => `hl/v1/e/s/d${i}/telemetry`);
    for (const topic of topics) broker!.publish({ cmd: 'publish', topic, payload: Buffer.from('{}'), qos: 1, retain: false, dup: false } as PublishPacket, () => {});
    await waitFor(() => pending.size === topics.length, 10_000, 'every message in flight');
    // durable block by block, each block newest first: within a block nothing goes until its oldest is
    // durable; the acknowledgements are compacted while later blocks still wait
    for (let b = 0; b < topics.length; b += 100) {
      for (const t of topics.slice(b, b + 100).reverse()) pending.get(t)!({ ok: true } as IngestResult);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => acks.length === topics.length, 10_000, 'every PUBACK');
    expect(acks).toEqual(topics);
  });
});
