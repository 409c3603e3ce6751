// The centre's side of the downlink (issue 16; downlink.ts): items are numbered into the records'
// outbox per edge, and sent — QoS 1 on the centre's own broker, to `hl/uplink/v1/{edge}/down` —
// when queued while the edge is connected and again after every hello that shows the edge behind.
// A hello acknowledges what the edge applied; those rows are pruned.
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { DownBatch, DownItem } from './downlink.ts';
import type { EdgeRegistry } from './edge-registry.ts';
import { uplinkTopic } from './protocol.ts';

export type BrokerPublish = (topic: string, payload: Buffer) => Promise<void>;

export class DownlinkSender {
  private publish?: BrokerPublish;
  /** the last row each edge said it applied */
  private readonly applied = new Map<string, number>();
  private sending = new Map<string, Promise<void>>();

  /** `queued`: cluster mode tells the instance holding the edge's connection (cluster-edges.ts) */
  constructor(private readonly o: { store: () => RecordStore | undefined; registry: EdgeRegistry; clock: Clock; log: Logger; queued?: (edge: string) => void }) {}

  /** The centre's broker: set once the sources are built (main.ts). */
  attach(publish: BrokerPublish): void {
    this.publish = publish;
  }

  /** Queues an item for the edge that forwards `item.enterprise`; false when no edge does (a local enterprise). */
  async enqueue(item: DownItem): Promise<boolean> {
    const edge = this.o.registry.originOf(item.enterprise);
    const store = this.o.store();
    if (!edge || !store) return false;
    const seq = await store.downlink.add(edge, this.o.clock.now(), item);
    this.o.log.info({ edge, seq, kind: item.kind, enterprise: item.enterprise }, 'downlink: queued for the edge');
    this.poke(edge);
    this.o.queued?.(edge);
    return true;
  }

  /** Rows were queued for the edge (here or, in cluster mode, on another instance): sent if it is connected here. */
  poke(edge: string): void {
    if (this.applied.has(edge)) this.send(edge);
  }

  /** An edge's hello: prune what it applied, send what it lacks. Older edges (no `down`) get nothing. */
  hello(edge: string, down: number | undefined): void {
    if (down === undefined) return;
    this.applied.set(edge, down);
    const store = this.o.store();
    if (store) void store.downlink.prune(edge, down).catch((err) => this.o.log.warn({ err, edge }, 'downlink: prune failed'));
    this.send(edge);
  }

  /** One send at a time per edge: the rows after what it last said it applied. */
  private send(edge: string): void {
    const prev = this.sending.get(edge) ?? Promise.resolve();
    const next = prev.then(async () => {
      const store = this.o.store();
      const st = this.o.registry.edges.get(edge);
      // connected to this gateway's broker (in cluster mode it may be connected to another instance)
      if (!store || !this.publish || !st || st.clients === 0) return;
      const rows = await store.downlink.after<DownBatch['rows'][number]['item']>(edge, this.applied.get(edge) ?? 0, 500);
      if (rows.length === 0) return;
      const batch: DownBatch = { v: 1, edge, rows };
      await this.publish(uplinkTopic(edge, 'down'), Buffer.from(JSON.stringify(batch)));
    });
    const settled = next.catch((err) => this.o.log.warn({ err, edge }, 'downlink: send failed; the next hello tries again'));
    this.sending.set(edge, settled);
  }
}
