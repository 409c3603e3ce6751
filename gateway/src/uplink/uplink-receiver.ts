// Central mode (issue 7, docs/uplink.md): what an edge publishes on its uplink topics. A batch is
// applied row by row in the lane's order: a row the central already has is skipped (idempotent
// ingest: a replayed or duplicated message changes nothing), a jump in the sequence is a gap,
// reported (a loss the edge announced, or rows never received). Each item must be for one of the
// edge's enterprises (and sites): anything else is refused and counted. Device frames go into the
// WAL with their original timestamps, together with a mark of the rows applied; alarm and hazard
// records are mirrored into the records database. Only then is the batch acknowledged (PUBACK).
import type { Alarm, AlarmTransition } from '../alarms/types.ts';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Clock } from '../clock.ts';
import { excerpt, type DeadLetterStore } from '../deadletter/dead-letter-store.ts';
import { RejectError, type RejectReason } from '../errors.ts';
import type { HazardService } from '../hazards/hazard-service.ts';
import type { Hazard, HazardHistoryEntry } from '../hazards/types.ts';
import type { IngestResult } from '../ingest/source.ts';
import { Intake } from '../ingest/intake.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AssetModel, DeviceInfo } from '../model/assets.ts';
import type { DeviceFrame, Frame, Reading } from '../model/types.ts';
import type { Wal } from '../wal/wal.ts';
import { crashPoint } from '../crash-point.ts';
import type { EdgePrincipal, EdgeRegistry, EdgeState } from './edge-registry.ts';
import type { Lane } from './forward-queue.ts';
import { decodeBatch, frameOfItem, parseHello, parseUplinkTopic, UplinkFormatError, type BatchRow, type Hello } from './protocol.ts';
import { MirrorRefused, type OriginRev } from '../alarms/alarm-mirror.ts';
import { RateLimitedLog, type Logger } from '../log.ts';

export interface UplinkReceiverOptions {
  registry: EdgeRegistry;
  assets: AssetModel;
  wal: Wal;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  deadLetters: DeadLetterStore;
  maxMessageBytes: number;
  alarms: () => AlarmManager | undefined;
  hazards: () => HazardService | undefined;
  /** every hello, after the registry took it (the downlink acknowledges and resends, issue 16) */
  onHello?: (edge: string, hello: Hello) => void;
}

type Result = IngestResult;
/** `retry`: not acknowledged (the connection is dropped), so the edge keeps the rows and sends them again */
const refused = (reason: RejectReason, message: string, retry = false): Result => ({ ok: false, reason, message, ...(retry ? { retry: true } : {}) });
/** a priority batch that cannot be mirrored in this time is not acknowledged (the records database hangs) */
const MIRROR_TIMEOUT_MS = 30_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)))]).finally(() => clearTimeout(timer));
}

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
    const begun = prev.then(() => this.begin(p, topic, payload, clientId));
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
      this.o.registry.hello(st, hello, (lane, from, to) => this.o.log.error({ edge: p.edge, lane, from, to }, "the edge's queue numbers went back (its queue file lost its last commits): numbering follows the edge again"));
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
    const frames: Frame[] = [];
    const mirrors: (() => Promise<void>)[] = [];
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
      if (lane === 'b') readings += this.bulkRow(st, row, frames, clientId);
      else this.priorityRow(st, row, { epoch, seq: row.seq }, mirrors);
    }
    const pending = st.pending[lane];
    if (claimed === before) {
      // nothing new: acknowledged once what it repeats is durable (a write still in flight may fail)
      const result = pending.then(() => (st.hwm[lane] >= last ? { ok: true as const, readings: 0 } : refused('wal_full', 'not durable yet: resend', true)));
      return { result, gate: lane === 'p' ? result : undefined };
    }
    st.claimed[lane] = claimed;
    frames.push({ type: 'uplink', edge: p.edge, lane, from: before + 1, seq: claimed, epoch });
    const alarms = this.o.alarms();
    const applied = (async () => {
      if (mirrors.length) {
        const problems = alarms?.writeProblems() ?? 0;
        await withTimeout(
          (async () => {
            for (const m of mirrors) await m();
            await alarms?.flush();
          })(),
          MIRROR_TIMEOUT_MS,
          'mirroring into the records database timed out',
        );
        // the records database did not take every mirrored change: acknowledge nothing, the edge resends
        if ((alarms?.writeProblems() ?? 0) !== problems) throw new Error('the records database did not take the mirrored alarms');
      }
      await this.o.wal.append(frames);
    })();
    const result = applied.then(
      () => {
        // durable in order (one WAL, one writer): counted only if every row before it is durable too
        if (st.epoch === epoch && st.hwm[lane] >= before) st.hwm[lane] = Math.max(st.hwm[lane], claimed);
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
        if (st.epoch === epoch) st.claimed[lane] = Math.min(st.claimed[lane], before);
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
  private bulkRow(st: EdgeState, row: BatchRow, frames: Frame[], clientId?: string): number {
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

  /** alarm, hazard, sync and loss-notice items: applied after the row loop, in order, each with the row that sent it */
  private priorityRow(st: EdgeState, row: BatchRow, rev: OriginRev, mirrors: (() => Promise<void>)[]): void {
    const edge = st.principal.edge;
    for (const raw of row.items) {
      const item = raw as { k?: string; alarm?: Alarm; transition?: AlarmTransition; hazard?: Hazard; entry?: HazardHistoryEntry; alarms?: Alarm[]; hazards?: Hazard[]; from?: number; to?: number; readings?: number; at?: number };
      const allowed = (x: { enterprise?: string; site?: string | null }) => {
        const ok = typeof x?.enterprise === 'string' && this.o.registry.allows(st.principal, x.enterprise, x.site ?? null);
        if (!ok) this.refuseItem(st, 'acl_denied', `edge ${edge} may not forward records of ${String(x?.enterprise)}`, item);
        return ok;
      };
      // a record the edge may not change (another enterprise's alarm id or key) is refused, the rest applied
      const guarded = (fn: () => Promise<unknown>) => async () => {
        try {
          await fn();
        } catch (err) {
          if (!(err instanceof MirrorRefused)) throw err;
          this.refuseItem(st, 'acl_denied', err.message, item);
        }
      };
      if (item.k === 'alarm' && item.alarm && item.transition) {
        if (allowed(item.alarm)) mirrors.push(guarded(() => this.o.alarms()?.mirror(edge, item.alarm!, item.transition!, rev) ?? Promise.resolve()));
      } else if (item.k === 'hazard' && item.hazard) {
        if (allowed(item.hazard)) mirrors.push(guarded(() => this.o.hazards()?.mirror(edge, item.hazard!, item.entry ?? null, rev) ?? Promise.resolve()));
      } else if (item.k === 'sync' && Array.isArray(item.alarms)) {
        const alarms = item.alarms.filter(allowed);
        const at = typeof item.at === 'number' ? item.at : this.o.clock.now();
        mirrors.push(guarded(() => this.o.alarms()?.syncFromEdge(edge, alarms, at, rev) ?? Promise.resolve()));
      } else if (item.k === 'dropped' && Number.isSafeInteger(item.from) && Number.isSafeInteger(item.to)) {
        st.dropped.push([item.from!, item.to!]);
        if (st.dropped.length > 1000) st.dropped.splice(0, st.dropped.length - 1000);
        this.o.log.error({ edge, from: item.from, to: item.to, readings: item.readings }, "the edge's forward queue was full: it dropped its oldest readings");
      } else {
        this.refuseItem(st, 'invalid_payload', `unknown priority item ${String(item.k)}`, item);
      }
    }
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
