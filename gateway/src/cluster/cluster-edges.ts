// Edges uplinking to a cluster (docs/cluster.md §10): an edge connects to any instance; its rows
// go into the ingest stream, and what the cluster has of it lives in PostgreSQL (edge_links), so
// the next instance it connects to carries on from the same rows.
//  - Bulk rows: each row's device frames into their enterprises' partitions; priority rows: the
//    alarm and hazard records as a mirror frame per partition, which that partition's owner
//    mirrors in stream order (partition-runner.ts). Every message carries the row's identity
//    (edge, queue epoch, lane, row, its queue time, partition) as its JetStream message id, so a
//    row sent again — after this instance died between the stream's acknowledgement and the record
//    below — is stored once (within the stream's duplicate window).
//  - Then the rows applied are recorded (raised within the epoch) and only then acknowledged.
//  - The instance holding the connection writes the link (connected, last heard, hello, gaps)
//    every few seconds; the others read it for their views, the silence findings and backfill.
//  - `uplink.edge-silent` is raised by the owner of each enterprise's partition.
//  - The downlink: rows queued on any instance are announced over NATS; the holder sends them.
import type { Condition } from '../model/vocabulary.ts';
import type { Frame, MirrorFrame } from '../model/types.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { EdgeLinkRow } from '../records/edge-link-records.ts';
import type { Logger } from '../log.ts';
import type { EdgeRegistry, EdgeState, Gap } from '../uplink/edge-registry.ts';
import type { Lane } from '../uplink/forward-queue.ts';
import type { PriorityItem } from '../uplink/priority-items.ts';
import type { CommitFn } from '../uplink/uplink-receiver.ts';
import { byPartition, partitionOf } from './partition.ts';
import { crashPoint } from '../crash-point.ts';

/** what the cluster offers the edges' side (cluster-mode.ts) */
export interface EdgeClusterPort {
  readonly instance: string;
  readonly partitions: number;
  publishOnce(partition: number, frames: readonly Frame[], id: string): Promise<void>;
  owns(enterprise: string): boolean;
  /** tells every instance that downlink rows were queued for `edge`; `on` hears it */
  announceDownlink(edge: string): void;
  onDownlink(cb: (edge: string) => void): void;
}

/** a link written longer ago than this by its holder is not trusted to be up */
const LINK_FRESH_MS = 15_000;

interface LinkState {
  gaps?: Gap[];
  dropped?: [number, number][];
  lastEventTs?: Record<string, number>;
}

const orNull = (x: number) => (Number.isFinite(x) ? x : null);
const orInf = (x: number | null) => x ?? -Infinity;

export class ClusterEdges {
  /** edges connected here whose state has not been read from the records yet */
  private readonly loading = new Map<string, Promise<void>>();
  private readonly failed = new Set<string>();

  constructor(
    private readonly o: {
      port: EdgeClusterPort;
      registry: EdgeRegistry;
      records: () => RecordStore | undefined;
      log: Logger;
      now: () => number;
    },
  ) {}

  private get store(): RecordStore {
    const s = this.o.records();
    if (!s) throw new Error('records database not open yet');
    return s;
  }

  /** The rows into the stream: one message (or a few, when large) per row and partition, each with the row's identity. */
  commit: CommitFn = async (b) => {
    const { port } = this.o;
    const sends: Promise<void>[] = [];
    for (const row of b.rows) {
      const parts = byPartition(row.frames, port.partitions) as Map<number, Frame[]>;
      for (const [p, items] of this.mirrorsByPartition(b.edge, row.items)) {
        const f: MirrorFrame = { type: 'mirror', edge: b.edge, epoch: b.epoch, seq: row.seq, items };
        parts.set(p, [...(parts.get(p) ?? []), f]);
      }
      for (const [p, frames] of parts) sends.push(port.publishOnce(p, frames, `up.${b.edge}.${b.epoch}.${b.lane}.${row.seq}.${row.at}.${p}`));
    }
    await Promise.all(sends);
    crashPoint('cluster-after-stream'); // in the stream, not yet recorded as applied nor acknowledged
  };

  /** Alarm and hazard records by their enterprise's partition; a sync to every partition of the edge's enterprises, each with its share. */
  private mirrorsByPartition(edge: string, items: readonly PriorityItem[]): Map<number, PriorityItem[]> {
    const n = this.o.port.partitions;
    const out = new Map<number, PriorityItem[]>();
    const put = (p: number, item: PriorityItem) => out.set(p, [...(out.get(p) ?? []), item]);
    for (const item of items) {
      if (item.k === 'alarm') put(partitionOf(item.alarm.enterprise, n), item);
      else if (item.k === 'hazard') put(partitionOf(item.hazard.enterprise, n), item);
      else {
        const scopes = new Map<number, string[]>();
        for (const e of this.o.registry.edges.get(edge)?.principal.enterprises ?? []) scopes.set(partitionOf(e, n), [...(scopes.get(partitionOf(e, n)) ?? []), e]);
        for (const [p, scope] of scopes) put(p, { k: 'sync', at: item.at, scope, alarms: item.alarms.filter((a) => scope.includes(a.enterprise)) });
      }
    }
    return out;
  }

  /** The rows applied, recorded before the acknowledgement (raised within the epoch). */
  marks = async (st: EdgeState, _lane: Lane): Promise<void> => {
    await this.store.edgeLinks.mark(st.principal.edge, st.epoch, st.hwm);
  };

  /** A hello showed the edge's queue behind what was recorded: the record follows the edge. */
  lowered = (st: EdgeState): void => {
    void this.store.edgeLinks.lower(st.principal.edge, st.epoch, st.hwm).catch((err: Error) => this.o.log.warn({ err: err.message, edge: st.principal.edge }, 'lowering the rows applied failed'));
  };

  /** Waited for before each batch: the edge's state as the cluster recorded it, read once per connection here. */
  ready = (edge: string): Promise<void> => {
    if (this.failed.delete(edge)) this.loading.set(edge, this.load(edge));
    return this.loading.get(edge) ?? Promise.resolve();
  };

  /** An edge connected here: its state is read from the records before its first batch, and the link written. */
  connected(edge: string): void {
    this.failed.delete(edge);
    this.loading.set(edge, this.load(edge));
  }

  private load(edge: string): Promise<void> {
    const load = (async () => {
      const row = await this.store.edgeLinks.get(edge);
      const st = this.o.registry.edges.get(edge);
      if (row && st) this.adopt(st, row);
      await this.writeLink(edge);
    })();
    load.then(
      () => this.loading.get(edge) === load && this.loading.delete(edge),
      (err: Error) => {
        // the batch waiting for it is refused (the edge sends it again); the next one reads again
        this.o.log.warn({ err: err.message, edge }, "reading the edge's state from the records failed");
        if (this.loading.get(edge) !== load) return;
        this.loading.delete(edge);
        this.failed.add(edge);
      },
    );
    return load;
  }

  disconnected(edge: string): void {
    void this.writeLink(edge).catch(() => {});
  }

  /** Rows recorded by whichever instance had the edge before: taken where they are ahead of this one's. */
  private adopt(st: EdgeState, row: EdgeLinkRow): void {
    if (row.epoch !== st.epoch) {
      st.epoch = row.epoch;
      st.hwm = { ...row.hwm };
    } else {
      st.hwm = { p: Math.max(st.hwm.p, row.hwm.p), b: Math.max(st.hwm.b, row.hwm.b) };
    }
    st.claimed = { p: Math.max(st.claimed.p, st.hwm.p), b: Math.max(st.claimed.b, st.hwm.b) };
    const s = (row.state ?? {}) as LinkState;
    if (s.gaps && s.gaps.length >= st.gaps.length) st.gaps = s.gaps;
    if (s.dropped) st.dropped = s.dropped;
    for (const [e, t] of Object.entries(s.lastEventTs ?? {})) if (t > (st.lastEventTs.get(e) ?? -Infinity)) st.lastEventTs.set(e, t);
  }

  private async writeLink(edge: string): Promise<void> {
    const st = this.o.registry.edges.get(edge);
    if (!st) return;
    const state: LinkState = { gaps: st.gaps, dropped: st.dropped, lastEventTs: Object.fromEntries(st.lastEventTs) };
    await this.store.edgeLinks.link(edge, { instance: this.o.port.instance, connected: st.clients > 0, connectedAt: orNull(st.connectedAt), lastHeardAt: orNull(st.lastHeardAt), hello: st.hello ?? null, helloAt: orNull(st.helloAt), state });
  }

  /**
   * Every few seconds: the links held here written; the others read — edges connected elsewhere
   * are shown as their holder last wrote them (a holder silent for LINK_FRESH_MS is not trusted).
   */
  async tick(): Promise<void> {
    const store = this.o.records();
    if (!store) return;
    for (const st of this.o.registry.edges.values()) if (st.clients > 0) await this.writeLink(st.principal.edge);
    const [rows, now] = await Promise.all([store.edgeLinks.all(), store.cluster.now()]);
    for (const row of rows) {
      const st = this.o.registry.edges.get(row.edge);
      if (!st || st.clients > 0 || row.instance === this.o.port.instance) continue;
      this.adopt(st, row);
      st.connected = row.connected && row.updatedAt > now - LINK_FRESH_MS;
      st.connectedAt = orInf(row.connectedAt);
      st.lastHeardAt = Math.max(st.lastHeardAt, orInf(row.lastHeardAt));
      if (row.hello) {
        st.hello = row.hello as EdgeState['hello'];
        st.helloAt = orInf(row.helloAt);
      }
    }
  }

  /**
   * `uplink.edge-silent` for the enterprises whose partition this instance owns, stated against
   * what is open (not what this instance last said), so a new owner carries on where the last left.
   */
  silent(silentAfterMs: number, open: readonly { rule: string; key: string }[]): Condition[] {
    const keys = new Set(open.filter((a) => a.rule === 'uplink.edge-silent').map((a) => a.key));
    return this.o.registry.silentConditions(silentAfterMs, this.o.now(), (key) => keys.has(key)).filter((c) => this.o.port.owns(c.subject.enterprise));
  }
}
