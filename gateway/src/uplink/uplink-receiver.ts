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
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AssetModel } from '../model/assets.ts';
import type { DeviceFrame, Frame, Reading } from '../model/types.ts';
import type { Wal } from '../wal/wal.ts';
import { crashPoint } from '../crash-point.ts';
import type { EdgePrincipal, EdgeRegistry, EdgeState } from './edge-registry.ts';
import type { Lane } from './forward-queue.ts';
import { decodeBatch, frameOfItem, parseUplinkTopic, UplinkFormatError, type BatchRow, type Hello } from './protocol.ts';

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
}

type Result = IngestResult;
const refused = (reason: RejectReason, message: string): Result => ({ ok: false, reason, message });

export class UplinkReceiver {
  /** one batch at a time per edge: its rows are applied in order */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly o: UplinkReceiverOptions) {}

  accept(p: EdgePrincipal, topic: string, payload: Buffer, clientId?: string): Promise<Result> {
    const prev = this.chains.get(p.edge) ?? Promise.resolve();
    const next = prev.then(() => this.apply(p, topic, payload, clientId));
    this.chains.set(p.edge, next.catch(() => {}));
    return next;
  }

  private async apply(p: EdgePrincipal, topic: string, payload: Buffer, clientId?: string): Promise<Result> {
    const t = parseUplinkTopic(topic);
    const st = this.o.registry.edges.get(p.edge)!;
    if (!t || t.edge !== p.edge) return this.refuse(p, 'acl_denied', `edge ${p.edge} may publish only under hl/uplink/v1/${p.edge}/`, topic, payload, clientId);
    if (payload.length > this.o.maxMessageBytes) return this.refuse(p, 'too_large', `uplink message of ${payload.length} bytes > central.maxMessageBytes`, topic, payload, clientId);
    st.lastHeardAt = this.o.clock.now();
    if (t.what === 'state') return { ok: true, readings: 0 };
    if (t.what === 'hello') {
      try {
        st.hello = JSON.parse(payload.toString('utf8')) as Hello;
        st.helloAt = this.o.clock.now();
        this.o.metrics.edgeBacklog.set({ edge: p.edge }, st.hello.queue?.b?.readings ?? 0);
      } catch {
        return this.refuse(p, 'malformed', 'hello is not JSON', topic, payload, clientId);
      }
      return { ok: true, readings: 0 };
    }
    if (t.what !== 'p' && t.what !== 'b') return this.refuse(p, 'unknown_topic', `unknown uplink topic ${topic}`, topic, payload, clientId);
    let batch;
    try {
      batch = decodeBatch(payload, this.o.maxMessageBytes * 64);
      if (batch.edge !== p.edge || batch.lane !== t.what) throw new UplinkFormatError('batch edge or lane does not match its topic');
    } catch (err) {
      return this.refuse(p, 'malformed', (err as Error).message, topic, payload, clientId);
    }
    const lane = batch.lane;
    let hwm = st.hwm[lane];
    const frames: Frame[] = [];
    const mirrors: (() => Promise<void>)[] = [];
    let readings = 0;
    for (const row of batch.rows) {
      if (row.seq <= hwm) {
        this.o.metrics.edgeDuplicates.inc({ edge: p.edge });
        continue;
      }
      if (row.seq > hwm + 1) this.gap(st, lane, hwm + 1, row.seq - 1);
      hwm = row.seq;
      this.o.metrics.edgeRows.inc({ edge: p.edge, lane });
      if (lane === 'b') readings += this.bulkRow(st, row, frames, clientId);
      else this.priorityRow(st, row, mirrors);
    }
    if (hwm === st.hwm[lane]) return { ok: true, readings: 0 }; // all of it seen before
    try {
      for (const m of mirrors) await m();
      if (mirrors.length) await this.o.alarms()?.flush();
      frames.push({ type: 'uplink', edge: p.edge, lane, seq: hwm });
      await this.o.wal.append(frames);
    } catch (err) {
      // nothing is acknowledged: the edge sends the rows again (the mirrors are idempotent)
      if (err instanceof RejectError) return refused(err.reason, err.message);
      throw err;
    }
    st.hwm[lane] = hwm;
    crashPoint('central-after-durable'); // durable here, not yet acknowledged to the edge
    if (readings) {
      this.o.metrics.readings.inc({ transport: 'uplink' }, readings);
      this.o.metrics.messages.inc({ transport: 'uplink' });
    }
    return { ok: true, readings };
  }

  private gap(st: EdgeState, lane: Lane, from: number, to: number): void {
    // rows the edge said it dropped (queue full) are a loss at the edge, not on the way
    const announced = lane === 'b' && covers(st.dropped, from, to);
    const cause = announced ? 'dropped' : 'missing';
    st.gaps.push({ lane, from, to, cause, at: this.o.clock.now() });
    if (st.gaps.length > 100) st.gaps.splice(0, st.gaps.length - 100);
    st.dropped = st.dropped.filter(([, b]) => b > to);
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
        for (const r of f.readings) if (this.deviceOk(st, r.enterprise, r.site, r.device, r, clientId)) ok.push(r);
        if (ok.length === 0) continue;
        f = { ...f, readings: ok };
        n += ok.length;
        for (const r of ok) this.seen(st, r.enterprise, r.ts);
      } else {
        if (!this.deviceOk(st, f.enterprise, f.site, f.device, f, clientId)) continue;
        if (f.type !== 'status') this.seen(st, f.enterprise, f.ts);
      }
      frames.push(f);
    }
    return n;
  }

  private seen(st: EdgeState, enterprise: string, ts: number): void {
    if (ts > (st.lastEventTs.get(enterprise) ?? -Infinity)) st.lastEventTs.set(enterprise, ts);
  }

  private deviceOk(st: EdgeState, enterprise: string, site: string, device: string, item: unknown, clientId?: string): boolean {
    if (!this.o.registry.allows(st.principal, enterprise, site)) {
      this.refuseItem(st, 'acl_denied', `edge ${st.principal.edge} may not forward ${enterprise}/${site}`, item, clientId);
      return false;
    }
    const l = this.o.assets.lookup(enterprise, site, device);
    if (!l.ok) {
      this.refuseItem(st, l.reason, `${enterprise}/${site}/${device} is not in the asset model`, item, clientId);
      return false;
    }
    return true;
  }

  /** alarm, hazard, sync and loss-notice items: applied after the row loop, in order */
  private priorityRow(st: EdgeState, row: BatchRow, mirrors: (() => Promise<void>)[]): void {
    const edge = st.principal.edge;
    for (const raw of row.items) {
      const item = raw as { k?: string; alarm?: Alarm; transition?: AlarmTransition; hazard?: Hazard; entry?: HazardHistoryEntry; alarms?: Alarm[]; hazards?: Hazard[]; from?: number; to?: number; readings?: number; at?: number };
      const allowed = (x: { enterprise?: string; site?: string | null }) => {
        const ok = typeof x?.enterprise === 'string' && this.o.registry.allows(st.principal, x.enterprise, x.site ?? null);
        if (!ok) this.refuseItem(st, 'acl_denied', `edge ${edge} may not forward records of ${String(x?.enterprise)}`, item);
        return ok;
      };
      if (item.k === 'alarm' && item.alarm && item.transition) {
        if (allowed(item.alarm)) mirrors.push(async () => void (await this.o.alarms()?.mirror(edge, item.alarm!, item.transition!)));
      } else if (item.k === 'hazard' && item.hazard) {
        if (allowed(item.hazard)) mirrors.push(() => this.o.hazards()?.mirror(edge, item.hazard!, item.entry ?? null) ?? Promise.resolve());
      } else if (item.k === 'sync' && Array.isArray(item.alarms) && Array.isArray(item.hazards)) {
        const alarms = item.alarms.filter(allowed);
        const hazards = item.hazards.filter(allowed);
        mirrors.push(async () => {
          await this.o.alarms()?.syncFromEdge(edge, alarms, this.o.clock.now());
          for (const h of hazards) await this.o.hazards()?.mirror(edge, h, null);
        });
      } else if (item.k === 'dropped' && Number.isSafeInteger(item.from) && Number.isSafeInteger(item.to)) {
        st.dropped.push([item.from!, item.to!]);
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

  private refuse(p: EdgePrincipal, reason: RejectReason, message: string, topic: string, payload: Buffer, clientId?: string): Result {
    this.o.metrics.edgeRefused.inc({ edge: p.edge, reason });
    this.o.metrics.rejected.inc({ reason });
    this.deadLetter(reason, message, topic, p.edge, payload, clientId);
    this.o.log.warn({ edge: p.edge, topic, reason, message }, 'uplink message refused');
    return refused(reason, message);
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
