// Central and cluster mode (issue 7, docs/uplink.md; docs/cluster.md §10): what an edge publishes
// on its uplink topics. A batch is applied row by row in the lane's order: a row already applied is
// skipped (idempotent ingest: a replayed or duplicated message changes nothing), a jump in the
// sequence is a gap, reported (a loss the edge announced, or rows never received). Each item must
// be for one of the edge's enterprises (and sites): anything else is refused and counted. The rows
// are then made durable by `commit` — the central's WAL with a mark of the rows and its records
// database (central-commit.ts), or the cluster's stream (cluster/cluster-edges.ts) — and only then
// is the batch acknowledged (PUBACK).
import type { Clock } from '../clock.ts';
import { excerpt, type DeadLetterStore } from '../deadletter/dead-letter-store.ts';
import { RejectError, type RejectReason } from '../errors.ts';
import type { IngestResult } from '../ingest/source.ts';
import { Intake } from '../ingest/intake.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AssetModel, DeviceInfo } from '../model/assets.ts';
import type { DeviceFrame, Reading } from '../model/types.ts';
import { crashPoint } from '../crash-point.ts';
import type { EdgePrincipal, EdgeRegistry, EdgeState } from './edge-registry.ts';
import type { Lane } from './forward-queue.ts';
import { decodeBatch, frameOfItem, parseHello, parseUplinkTopic, UplinkFormatError, type BatchRow, type Hello } from './protocol.ts';
import { readPriorityRow, type PriorityItem } from './priority-items.ts';
import { RateLimitedLog, type Logger } from '../log.ts';

/** one new row of a batch: its device frames (bulk lane) or its records to mirror (priority lane) */
export interface CommitRow {
  seq: number;
  /** the edge's time the row was queued (with seq, the row's identity in the cluster's stream) */
  at: number;
  frames: DeviceFrame[];
  items: PriorityItem[];
}

/** the rows `from`..`to` of one lane, checked: to be made durable before the acknowledgement */
export interface UplinkCommit {
  edge: string;
  epoch: number;
  lane: Lane;
  from: number;
  to: number;
  rows: CommitRow[];
}

/** resolves once the rows are durable; `refused`: a mirrored record the edge may not change */
export type CommitFn = (b: UplinkCommit, refused: (message: string, item: unknown) => void) => Promise<void>;

export interface UplinkReceiverOptions {
  registry: EdgeRegistry;
  assets: AssetModel;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  deadLetters: DeadLetterStore;
  maxMessageBytes: number;
  commit: CommitFn;
  /** cluster mode: the edge's rows applied, saved where any instance finds them, before the acknowledgement */
  marks?: (st: EdgeState, lane: Lane) => Promise<void>;
  /** cluster mode: what the cluster knows of the edge, loaded before its first batch here */
  ready?: (edge: string) => Promise<void>;
  /** cluster mode: a hello lowered the rows applied (the edge's queue lost its last commits) */
  onLowered?: (st: EdgeState) => void;
  /** every hello, after the registry took it (the downlink acknowledges and resends, issue 16) */
  onHello?: (edge: string, hello: Hello) => void;
}

type Result = IngestResult;
/** `retry`: not acknowledged (the connection is dropped), so the edge keeps the rows and sends them again */
const refused = (reason: RejectReason, message: string, retry = false): Result => ({ ok: false, reason, message, ...(retry ? { retry: true } : {}) });

/** what `begin` decided, in the edge's order: the answer, and what the next batch must wait for */
interface Begun {
  result: Promise<Result>;
  /** priority batches (mirrors in the records database) hold the next batch until done; bulk ones only until appended */
  gate?: Promise<unknown>;
}

export class UplinkReceiver {
  /** batches of one edge are begun in arrival order: rows decided, frames handed to the WAL in that order */
  private readonly chains = new Map<string, Promise<unknown>>();

  private readonly rlog: RateLimitedLog;

  /** the same device resolution and placement as the ingest pipeline's (never auto-registering: an edge forwards configured devices) */
  private readonly intake: Intake;

  constructor(private readonly o: UplinkReceiverOptions) {
    this.rlog = new RateLimitedLog(o.log, 10_000, () => o.clock.now());
    this.intake = new Intake({ assets: o.assets, autoRegister: false });
  }

  /**
   * The PUBACK waits for the returned promise. Bulk batches of one edge are pipelined: the next is
   * decided and appended while the previous one's WAL write is still being made durable (they share
   * a group commit), so the drain is not one fsync per batch.
   */
  accept(p: EdgePrincipal, topic: string, payload: Buffer, clientId?: string): Promise<Result> {
    const prev = this.chains.get(p.edge) ?? Promise.resolve();
    const begun = prev.then(async () => {
      try {
        await this.o.ready?.(p.edge);
      } catch (err) {
        return { result: Promise.resolve(refused('internal_error', `the edge's state could not be read: ${(err as Error).message}`, true)) };
      }
      return this.begin(p, topic, payload, clientId);
    });
    this.chains.set(p.edge, begun.then((b) => b.gate).catch(() => {}));
    return begun.then((b) => b.result);
  }

  private begin(p: EdgePrincipal, topic: string, payload: Buffer, clientId?: string): Begun {
    const done = (r: Result): Begun => ({ result: Promise.resolve(r) });
    const t = parseUplinkTopic(topic);
    const st = this.o.registry.edges.get(p.edge)!;
    if (!t || t.edge !== p.edge) return done(this.refuse(p, 'acl_denied', `edge ${p.edge} may publish only under hl/uplink/v1/${p.edge}/`, topic, payload, clientId));
    // what follows is the edge's own uplink: a message refused whole is not acknowledged (the edge
    // keeps its rows and sends them again), so nothing of a legitimate edge is lost to a refusal
    if (payload.length > this.o.maxMessageBytes) return done(this.refuse(p, 'too_large', `uplink message of ${payload.length} bytes > central.maxMessageBytes`, topic, payload, clientId, true));
    st.lastHeardAt = this.o.clock.now();
    if (t.what === 'state') return done({ ok: true, readings: 0 });
    if (t.what === 'hello') {
      const hello = parseHello(payload);
      if (!hello) return done(this.refuse(p, 'malformed', 'hello: not the expected JSON', topic, payload, clientId));
      let lowered = false;
      this.o.registry.hello(st, hello, (lane, from, to) => {
        lowered = true;
        this.o.log.error({ edge: p.edge, lane, from, to }, "the edge's queue numbers went back (its queue file lost its last commits): numbering follows the edge again");
      });
      if (lowered) this.o.onLowered?.(st);
      this.o.metrics.edgeBacklog.set({ edge: p.edge }, hello.queue.b.readings);
      this.o.onHello?.(p.edge, hello);
      return done({ ok: true, readings: 0 });
    }
    if (t.what !== 'p' && t.what !== 'b') return done(this.refuse(p, 'unknown_topic', `unknown uplink topic ${topic}`, topic, payload, clientId, true));
    let batch;
    try {
      batch = decodeBatch(payload, this.o.maxMessageBytes * 16);
      if (batch.edge !== p.edge || batch.lane !== t.what) throw new UplinkFormatError('batch edge or lane does not match its topic');
    } catch (err) {
      return done(this.refuse(p, 'malformed', (err as Error).message, topic, payload, clientId, true));
    }
    const lane = batch.lane;
    const epoch = batch.epoch;
    if (epoch !== st.epoch) {
      // a new queue at the edge, as its hello announced; anything else (a stale box on the same credentials) waits
      if (st.hello?.epoch !== epoch) return done(this.refuse(p, 'malformed', `queue epoch ${epoch} not announced by the edge's hello`, topic, payload, clientId, true));
      if (st.epoch !== 0) this.o.log.warn({ edge: p.edge, from: st.epoch, to: epoch }, "the edge's forward queue is a new one: its rows are numbered from 1 again");
      this.o.registry.newEpoch(st, epoch);
    }
    // `claimed`: rows handed to the WAL, durable or about to be; `hwm`: rows durable
    const before = st.claimed[lane];
    let claimed = before;
    const first = batch.rows.find((r) => r.seq > claimed);
    // an earlier batch of this connection was not applied: this one would leave a hole; the edge
    // sends everything again, in order, once the connection is renewed (a refusal drops it)
    if (st.stalled && first && first.seq > claimed + 1) return done(refused('wal_full', 'an earlier batch was not applied: resend in order', true));
    const rows: CommitRow[] = [];
    let readings = 0;
    const last = batch.rows.length ? batch.rows[batch.rows.length - 1].seq : 0;
    for (const row of batch.rows) {
      if (row.seq <= claimed) {
        this.o.metrics.edgeDuplicates.inc({ edge: p.edge });
        continue;
      }
      if (row.seq > claimed + 1) this.gap(st, lane, claimed + 1, row.seq - 1);
      claimed = row.seq;
      this.o.metrics.edgeRows.inc({ edge: p.edge, lane });
      const r: CommitRow = { seq: row.seq, at: row.at, frames: [], items: [] };
      if (lane === 'b') readings += this.bulkRow(st, row, r.frames, clientId);
      else r.items = this.priorityRow(st, row);
      rows.push(r);
    }
    const pending = st.pending[lane];
    if (claimed === before) {
      // nothing new: acknowledged once what it repeats is durable (a write still in flight may fail)
      const result = pending.then(() => (st.hwm[lane] >= last ? { ok: true as const, readings: 0 } : refused('wal_full', 'not durable yet: resend', true)));
      return { result, gate: lane === 'p' ? result : undefined };
    }
    st.claimed[lane] = claimed;
    const applied = this.o.commit({ edge: p.edge, epoch, lane, from: before + 1, to: claimed, rows }, (message, item) => this.refuseItem(st, 'acl_denied', message, item));
    const result = applied
      .then(async () => {
        // durable in order: counted only if every row before it is durable too
        await pending;
        if (st.epoch === epoch && st.hwm[lane] >= before) st.hwm[lane] = Math.max(st.hwm[lane], claimed);
        await this.o.marks?.(st, lane);
      })
      .then(
        () => {
          crashPoint('central-after-durable'); // durable here, not yet acknowledged to the edge
          if (readings) {
            this.o.metrics.readings.inc({ transport: 'uplink' }, readings);
            this.o.metrics.messages.inc({ transport: 'uplink' });
          }
          return { ok: true as const, readings };
        },
        (err: Error) => {
          // nothing is acknowledged: the edge sends these rows again, and everything after them
          st.stalled = true;
          if (st.epoch === epoch) st.claimed[lane] = Math.min(st.claimed[lane], Math.max(before, st.hwm[lane]));
          this.o.log.error({ err, edge: p.edge, lane, from: before + 1, to: claimed }, 'uplink batch not applied; the edge will send it again');
          return refused(err instanceof RejectError ? err.reason : 'internal_error', err.message, true);
        },
      );
    st.pending[lane] = result.then(() => undefined);
    return { result, gate: lane === 'p' ? result : undefined };
  }

  private gap(st: EdgeState, lane: Lane, from: number, to: number): void {
    // rows the edge said it dropped (queue full) are a loss at the edge, not on the way
    const announced = lane === 'b' && covers(st.dropped, from, to);
    const cause = announced ? 'dropped' : 'missing';
    st.gaps.push({ lane, from, to, cause, at: this.o.clock.now() });
    if (st.gaps.length > 100) st.gaps.splice(0, st.gaps.length - 100);
    if (lane === 'b') st.dropped = st.dropped.filter(([, b]) => b > to);
    this.o.metrics.edgeGaps.inc({ edge: st.principal.edge, cause }, to - from + 1);
    this.o.log.warn({ edge: st.principal.edge, lane, from, to, cause }, 'uplink rows missing from the edge sequence');
  }

  /** device frames of one bulk row: checked, scoped to the edge, known to the asset model */
  private bulkRow(st: EdgeState, row: BatchRow, frames: DeviceFrame[], clientId?: string): number {
    let n = 0;
    for (const item of row.items) {
      let f: DeviceFrame;
      try {
        f = frameOfItem(item);
      } catch (err) {
        this.refuseItem(st, 'invalid_payload', (err as Error).message, item, clientId);
        continue;
      }
      if (f.type === 'readings') {
        const ok: Reading[] = [];
        for (const r of f.readings) {
          const d = this.device(st, r.enterprise, r.site, r.device, r, clientId);
          if (!d) continue;
          // stored as this gateway's asset model says (measurement = kind, zone tag), like any reading here
          this.intake.place(r, d);
          ok.push(r);
        }
        if (ok.length === 0) continue;
        f = { ...f, readings: ok };
        n += ok.length;
        for (const r of ok) this.seen(st, r.enterprise, r.ts);
      } else {
        if (!this.device(st, f.enterprise, f.site, f.device, f, clientId)) continue;
        if (f.type !== 'status') this.seen(st, f.enterprise, f.ts);
      }
      frames.push(f);
    }
    return n;
  }

  private seen(st: EdgeState, enterprise: string, ts: number): void {
    if (ts > (st.lastEventTs.get(enterprise) ?? -Infinity)) st.lastEventTs.set(enterprise, ts);
  }

  private device(st: EdgeState, enterprise: string, site: string, device: string, item: unknown, clientId?: string): DeviceInfo | undefined {
    if (!this.o.registry.allows(st.principal, enterprise, site)) {
      this.refuseItem(st, 'acl_denied', `edge ${st.principal.edge} may not forward ${enterprise}/${site}`, item, clientId);
      return undefined;
    }
    try {
      return this.intake.device(enterprise, site, device);
    } catch (err) {
      if (!(err instanceof RejectError)) throw err;
      this.refuseItem(st, err.reason, err.message, item, clientId);
      return undefined;
    }
  }

  /** alarm, hazard and sync items to mirror, checked against the edge's enterprises; loss notices kept for the gaps */
  private priorityRow(st: EdgeState, row: BatchRow): PriorityItem[] {
    const edge = st.principal.edge;
    const { items, dropped } = readPriorityRow(row.items, (e, site) => this.o.registry.allows(st.principal, e, site), (why, message, item) => this.refuseItem(st, why, `edge ${edge}: ${message}`, item), this.o.clock.now());
    for (const d of dropped) {
      st.dropped.push([d.from, d.to]);
      if (st.dropped.length > 1000) st.dropped.splice(0, st.dropped.length - 1000);
      this.o.log.error({ edge, from: d.from, to: d.to, readings: d.readings }, "the edge's forward queue was full: it dropped its oldest readings");
    }
    return items;
  }

  private refuseItem(st: EdgeState, reason: RejectReason, message: string, item: unknown, clientId?: string): void {
    this.o.metrics.edgeRefused.inc({ edge: st.principal.edge, reason });
    this.o.metrics.rejected.inc({ reason });
    this.deadLetter(reason, message, `hl/uplink/v1/${st.principal.edge}`, st.principal.edge, Buffer.from(JSON.stringify(item) ?? ''), clientId);
  }

  private deadLetter(reason: RejectReason, message: string, topic: string, edge: string, payload: Buffer, clientId?: string): void {
    this.o.deadLetters.add({ at: this.o.clock.now(), transport: 'uplink', topic: topic.slice(0, 512), client: clientId ?? edge, reason, message, size: payload.length, payload: excerpt(payload) });
  }

  private refuse(p: EdgePrincipal, reason: RejectReason, message: string, topic: string, payload: Buffer, clientId?: string, retry = false): Result {
    this.o.metrics.edgeRefused.inc({ edge: p.edge, reason });
    this.o.metrics.rejected.inc({ reason });
    this.deadLetter(reason, message, topic, p.edge, payload, clientId);
    this.rlog.warn(`${p.edge}:${reason}`, { edge: p.edge, topic, reason, message, retry }, retry ? 'uplink message refused; not acknowledged, the edge sends it again' : 'uplink message refused');
    return refused(reason, message, retry);
  }
}

/** the union of the announced ranges covers [from, to] (one overflow drops in several steps) */
function covers(ranges: [number, number][], from: number, to: number): boolean {
  let next = from;
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    if (a > next) break;
    if (b >= next) next = b + 1;
    if (next > to) return true;
  }
  return false;
}
