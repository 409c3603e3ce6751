// Edge mode (issue 7, docs/uplink.md): everything the central gateway needs goes through the
// forward queue — device frames as they become durable in the WAL (bulk lane, in WAL order),
// alarm transitions and hazard records as they happen (priority lane), and at start the open
// alarms and hazards (`sync`), so a change lost in a crash is made good. Frames that were durable
// but not yet queued when the edge died are queued again at start from the WAL (`walSeq`).
import { redactPhoto } from '../hazards/privacy.ts';
import { join } from 'node:path';
import type { AlarmEvent } from '../alarms/alarm-manager.ts';
import type { Alarm } from '../alarms/types.ts';
import type { Clock } from '../clock.ts';
import type { UplinkConfig } from '../config/schema.ts';
import type { HazardEvent } from '../hazards/hazard-service.ts';
import type { Hazard, HazardHistoryEntry } from '../hazards/types.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { StoredEntry, Wal } from '../wal/wal.ts';
import { encodeFrame } from '../wal/codec.ts';
import { ForwardQueue, type Dropped } from './forward-queue.ts';
import type { Hello } from './protocol.ts';
import { UplinkClient } from './uplink-client.ts';

export interface EdgeUplinkOptions {
  config: UplinkConfig;
  gatewayId: string;
  dataDir: string;
  wal: Wal;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  /** rule ids this edge evaluates (hello) */
  rules: () => string[];
  /** a full queue dropped bulk rows (alarmed by the caller) */
  onDropped?: (d: Dropped) => void;
  /** the queue could not take rows (alarmed by the caller) */
  onQueueError?: (err: Error) => void;
  /** a downlink batch from the centre, and the last row applied (issue 16) */
  onDown?: (payload: Buffer) => void;
  downApplied?: () => number;
}

/** The reporter's identity and report code stay at the enterprise: never on the uplink. */
export function hazardForUplink(h: Hazard): Hazard {
  const { reportCode: _code, reporterId: _reporter, reporterMark: _mark, possibleDuplicates: _dups, ...rest } = h;
  return rest.photos ? { ...rest, photos: rest.photos.map(redactPhoto) } : rest;
}
export function entryForUplink(e: HazardHistoryEntry): HazardHistoryEntry {
  return e.actor.role === 'worker' ? { ...e, actor: { role: 'worker', id: 'worker' } } : e;
}

/** how long durable entries gather before one queue transaction (one fsync) takes them */
const FORWARD_EVERY_MS = 25;

export class EdgeUplink {
  readonly queue: ForwardQueue;
  readonly client: UplinkClient;
  private readonly startedAt: number;
  /**
   * Durable entries are queued FORWARD_EVERY_MS at a time: each queue commit is an fsync
   * (synchronous=FULL) on the event loop, one per WAL group commit cost 15-20 % of the
   * single-reading rate (issue 19). Safe: the WAL holds them and `walSeq` says where to resume.
   */
  private pending: StoredEntry[][] = [];
  private flushTimer?: NodeJS.Timeout;
  private readonly onDurable = (entries: StoredEntry[]) => {
    this.pending.push(entries);
    this.flushTimer ??= setTimeout(this.flushPending, FORWARD_EVERY_MS);
  };
  private readonly flushPending = () => {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batches = this.pending;
    this.pending = [];
    if (batches.length > 0) this.forward(batches.length === 1 ? batches[0] : batches.flat());
  };

  constructor(private readonly o: EdgeUplinkOptions) {
    this.queue = new ForwardQueue({ file: join(o.dataDir, 'uplink', 'queue.db'), maxBytes: o.config.queueMaxBytes, now: () => o.clock.now() });
    this.startedAt = o.clock.now();
    this.client = new UplinkClient({ config: o.config, queue: this.queue, metrics: o.metrics, log: o.log, clock: o.clock, hello: () => this.hello(), onDown: o.onDown });
  }

  start(): void {
    this.queue.open();
    // every entry still on disk in the WAL (confirmed by the store or not) after the last one queued
    const after = this.queue.walSeq();
    const missed: StoredEntry[] = [];
    for (const e of this.o.wal.scan()) if (e.seq > after) missed.push(e);
    if (missed.length) this.o.log.info({ from: missed[0].seq, entries: missed.length }, 'uplink: queueing WAL entries that were durable but not yet queued');
    this.forward(missed);
    this.o.wal.on('durable', this.onDurable);
    this.client.start();
    this.gauges();
  }

  private forward(entries: StoredEntry[]): void {
    if (entries.length === 0) return;
    const rows: { items: string[]; readings: number }[] = [];
    let row = { items: [] as string[], readings: 0, bytes: 0 };
    // a row at most batchReadings readings and a quarter of a batch's bytes: a batch is whole rows
    const rowBytes = this.o.config.batchBytes / 4;
    for (const { frame } of entries) {
      if (frame.type === 'points' || frame.type === 'uplink' || frame.type === 'mirror') continue; // derived here (alarm, occupancy): the central derives its own
      const readings = frame.type === 'readings' ? frame.readings.length : 0;
      const item = encodeFrame(frame);
      if (row.items.length > 0 && (row.readings + readings > this.o.config.batchReadings || row.bytes + item.length > rowBytes)) {
        rows.push(row);
        row = { items: [], readings: 0, bytes: 0 };
      }
      row.items.push(item);
      row.readings += readings;
      row.bytes += item.length;
    }
    if (row.items.length) rows.push(row);
    if (rows.length === 0) return;
    this.enqueue('b', rows, entries[entries.length - 1].seq);
  }

  /**
   * Never throws into its callers (the WAL's consumers, the alarm manager, the hazard service): a
   * queue that cannot take a row (its disk full) is logged, counted and alarmed, and the edge goes
   * on working locally; what the WAL still holds is queued again at the next start.
   */
  private enqueue(lane: 'p' | 'b', rows: { items: string[]; readings: number }[], walSeq?: number): void {
    try {
      const dropped = this.queue.enqueue(lane, rows, walSeq);
      if (dropped) {
        this.o.metrics.uplinkDropped.inc(dropped.readings);
        this.o.onDropped?.(dropped);
      }
      this.client.wake();
    } catch (err) {
      this.o.metrics.uplinkQueueErrors.inc();
      this.o.log.error({ err, lane, rows: rows.length }, 'uplink queue write failed: these rows are not forwarded');
      this.o.onQueueError?.(err as Error);
    }
  }

  /** An alarm transition of this edge (AlarmManager 'transition'). */
  alarm(ev: AlarmEvent): void {
    this.enqueue('p', [{ items: [JSON.stringify({ k: 'alarm', alarm: ev.alarm, transition: ev.transition })], readings: 0 }]);
  }

  /** A hazard record changed (HazardService 'event'). */
  hazard(ev: HazardEvent): void {
    this.enqueue('p', [{ items: [JSON.stringify({ k: 'hazard', hazard: hazardForUplink(ev.hazard), entry: entryForUplink(ev.entry) })], readings: 0 }]);
  }

  /** The open alarms (one `sync` row) and hazards (`hazard` rows of 100) as they are now (at start). */
  sync(alarms: Alarm[], hazards: Hazard[]): void {
    const rows = [{ items: [JSON.stringify({ k: 'sync', at: this.o.clock.now(), alarms })], readings: 0 }];
    for (let i = 0; i < hazards.length; i += 100) rows.push({ items: hazards.slice(i, i + 100).map((h) => JSON.stringify({ k: 'hazard', hazard: hazardForUplink(h), entry: null })), readings: 0 });
    this.enqueue('p', rows);
  }

  hello(): Hello {
    const s = this.queue.stats();
    return {
      v: 1,
      epoch: this.queue.epoch(),
      gateway: this.o.gatewayId,
      rules: this.o.rules(),
      startedAt: this.startedAt,
      sentAt: this.o.clock.now(),
      down: this.o.downApplied?.() ?? 0,
      queue: { p: { rows: s.p.rows, oldestAt: s.p.oldestAt, nextSeq: s.p.nextSeq }, b: { rows: s.b.rows, readings: s.b.readings, oldestAt: s.b.oldestAt, nextSeq: s.b.nextSeq }, bytes: this.queue.bytes(), droppedReadings: this.queue.droppedReadings },
    };
  }

  /** queue depth, age of the oldest entry, link state (/metrics, /healthz, GET /api/v1/uplink) */
  status() {
    const s = this.queue.stats();
    const now = this.o.clock.now();
    const oldest = Math.min(s.p.oldestAt ?? Infinity, s.b.oldestAt ?? Infinity);
    return {
      mode: 'edge' as const,
      edge: this.client.edge,
      url: this.client.url,
      connected: this.client.connected,
      since: new Date(this.client.since).toISOString(),
      lastError: this.client.lastError,
      queue: {
        priorityRows: s.p.rows,
        bulkRows: s.b.rows,
        readings: s.b.readings,
        bytes: this.queue.bytes(),
        maxBytes: this.o.config.queueMaxBytes,
        oldestAgeSeconds: oldest === Infinity ? 0 : Math.max(0, (now - oldest) / 1000),
        droppedReadings: this.queue.droppedReadings,
        nextSeq: { p: s.p.nextSeq, b: s.b.nextSeq },
        epoch: this.queue.epoch(),
      },
    };
  }

  gauges(): void {
    const s = this.queue.stats();
    const m = this.o.metrics;
    m.uplinkQueueRows.set({ lane: 'p' }, s.p.rows);
    m.uplinkQueueRows.set({ lane: 'b' }, s.b.rows);
    m.uplinkQueueReadings.set(s.b.readings);
    m.uplinkQueueBytes.set(this.queue.bytes());
    m.uplinkQueueAge.set(this.status().queue.oldestAgeSeconds);
    m.uplinkConnected.set(this.client.connected ? 1 : 0);
  }

  /** degraded: disconnected for longer than `degradedAfterSeconds`, or the queue 90 % full */
  health() {
    const st = this.status();
    const down = !st.connected && this.o.clock.now() - this.client.since > this.o.config.degradedAfterSeconds * 1000;
    return { name: 'uplink', ok: !down && st.queue.bytes < 0.9 * st.queue.maxBytes, detail: st };
  }

  async stop(): Promise<void> {
    this.o.wal.off('durable', this.onDurable);
    this.flushPending();
    await this.client.stop();
    this.queue.close();
  }
}
