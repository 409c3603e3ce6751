// Group commit of alarm changes to the records database: every change queued while the previous
// transaction ran goes in the next one, so a flood of alarms costs one fsync per batch, not one
// per alarm (SQLite commits block the event loop). Order is kept; an alarm never changes without
// its transition, and every transition also goes to the audit chain in the same transaction.
//
// A failed transaction (database locked, PostgreSQL down) loses nothing: its changes go back to
// the head of the queue and are retried, in order, with exponential back-off (capped). Every
// failed attempt is counted; `status()` gives the backlog for /healthz and /metrics.
//
// Overflow (the database down long enough for `maxPending` changes to wait): the alarm stays
// raised in memory and pushed live (safety first), but its transition is not queued: counted
// (`refused`), logged, and the alarm is marked for resync. Once the queue has drained, the
// current row of every such alarm is written (upsert) with one audit entry saying how many
// transitions are missing, so memory and the database agree again and the gap is on record.
import type { AuditEntry } from '../audit/chain.ts';
import { Backoff } from '../backoff.ts';
import type { Logger } from '../log.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Alarm, AlarmTransition } from './types.ts';

export interface AlarmWriterOptions {
  store: RecordStore;
  log: Logger;
  /** the injected clock's now(): the backlog's age */
  now: () => number;
  /** changes waiting before new ones are refused (kept in memory, resynced later); default 50,000 */
  maxPending?: number;
  /** first retry delay after a failed write, doubled per failure up to retryMaxMs */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * Cluster mode (docs/cluster.md §4): called inside each write's transaction with the enterprises
   * it touches; answers those whose partition this instance no longer holds. Their changes are not
   * written (the new owner replays the stream and makes them), counted in `writesFenced`.
   */
  fence?: AlarmWriteFence;
}

export type AlarmWriteFence = (tx: RecordStore, enterprises: ReadonlySet<string>) => Promise<ReadonlySet<string>>;

export interface AlarmWriterStatus {
  /** changes (transitions and row updates) not yet in the records database */
  pending: number;
  /** age of the oldest of them, seconds (0 when none) */
  oldestAgeSeconds: number;
  /** consecutive failed attempts (0 once a write succeeds) */
  consecutiveFailures: number;
  lastError?: string;
  /** alarms whose changes overflowed the queue, waiting for a resync */
  resyncPending: number;
}

interface Pending {
  alarm: Alarm;
  transition: AlarmTransition | null;
  insert: boolean;
  queuedAt: number;
}

export class AlarmWriter {
  private chain: Promise<void> = Promise.resolve();
  private readonly queue: Pending[] = [];
  /** alarms whose only change since their last queued write is value or peak (coalesced) */
  private readonly dirty = new Map<string, Alarm>();
  private dirtySince?: number;
  /** overflowed alarms: latest snapshot and the number of transitions not recorded */
  private readonly resync = new Map<string, { alarm: Alarm; missed: number }>();
  private writing = false;
  private consecutiveFailures = 0;
  private readonly retryBackoff: Backoff;
  private lastError?: string;
  private retryTimer?: NodeJS.Timeout;
  private wake?: () => void;
  private stopped = false;
  /** changes in the transaction being written (out of the queue until it commits or fails) */
  private inflight = 0;
  /** failed write attempts (each retried), counted in changes */
  writeFailures = 0;
  /** changes refused because the queue was full (their alarms are resynced later) */
  writesRefused = 0;
  /** cluster mode: changes not written because another instance had taken their partition */
  writesFenced = 0;

  constructor(private readonly o: AlarmWriterOptions) {
    this.retryBackoff = new Backoff({ initialMs: o.retryBaseMs ?? 100, maxMs: o.retryMaxMs ?? 30_000 });
  }

  /** A change with its transition (kept), or without (`transition` null: the row only). */
  write(alarm: Alarm, transition: AlarmTransition | null, insert: boolean): void {
    const overflow = this.resync.get(alarm.id);
    if (overflow || this.queue.length >= (this.o.maxPending ?? 50_000)) {
      // the records database is down or far behind: refuse to grow without bound, loudly; the
      // alarm itself is raised and pushed as usual, its row is written once the queue drained
      this.writesRefused++;
      if (!overflow) this.o.log.error({ alarm: alarm.id, action: transition?.action, pending: this.queue.length }, 'records database not keeping up: alarm change kept in memory, resynced when the database recovers');
      this.resync.set(alarm.id, { alarm, missed: (overflow?.missed ?? 0) + (transition ? 1 : 0) });
      this.dirty.delete(alarm.id);
      this.kick();
      return;
    }
    this.dirty.delete(alarm.id); // this change's row is newer than any pending peak update
    this.queue.push({ alarm, transition, insert, queuedAt: this.o.now() });
    this.kick();
  }

  /** A new peak or value only: the latest row is enough, written with the next batch. */
  update(alarm: Alarm): void {
    const overflow = this.resync.get(alarm.id);
    if (overflow) overflow.alarm = alarm;
    else {
      if (this.dirty.size === 0) this.dirtySince = this.o.now();
      this.dirty.set(alarm.id, alarm);
    }
    this.kick();
  }

  status(): AlarmWriterStatus {
    const now = this.o.now();
    const oldest = Math.min(this.queue[0]?.queuedAt ?? Infinity, this.dirty.size > 0 ? (this.dirtySince ?? now) : Infinity);
    return {
      pending: this.queue.length + this.dirty.size + this.inflight,
      oldestAgeSeconds: Number.isFinite(oldest) ? Math.max(0, (now - oldest) / 1000) : 0,
      consecutiveFailures: this.consecutiveFailures,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      resyncPending: this.resync.size,
    };
  }

  private kick(): void {
    if (this.retryTimer) return; // a retry is scheduled: it takes the new changes too
    if (!this.writing) this.chain = this.writeQueued();
  }

  private get idle(): boolean {
    return this.queue.length === 0 && this.dirty.size === 0 && this.resync.size === 0;
  }

  /**
   * Waits for every accepted change to be in the records database, retrying as long as it takes;
   * `untilFailure`: or until a write fails (retried in the background; readers go on, /healthz says why).
   */
  async flush(opts: { untilFailure?: boolean } = {}): Promise<void> {
    while (!this.stopped && (this.writing || this.retryTimer || !this.idle)) {
      if (this.retryTimer) {
        if (opts.untilFailure) return;
        await new Promise<void>((resolve) => {
          const prev = this.wake;
          this.wake = () => {
            prev?.();
            resolve();
          };
        });
        continue;
      }
      if (!this.writing) this.chain = this.writeQueued();
      await this.chain;
    }
  }

  /**
   * At stop: flush for at most `timeoutMs`, then stop retrying and return what could not be
   * written (the caller logs it loudly; the alarms are rebuilt from the database at the next start).
   */
  async close(timeoutMs: number): Promise<{ unwritten: number; alarms: string[] }> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.wake?.();
    const alarms = new Set([...this.queue.map((p) => p.alarm.id), ...this.dirty.keys(), ...this.resync.keys()]);
    return { unwritten: this.queue.length + this.dirty.size + this.resync.size + this.inflight, alarms: [...alarms] };
  }

  private async writeQueued(): Promise<void> {
    this.writing = true;
    try {
      while (!this.idle) {
        if (!(await this.writeBatch())) {
          // after close() a change made late in the stop is still tried once, never retried
          if (!this.stopped) this.scheduleRetry();
          return;
        }
        // SQLite commits are synchronous and kysely's awaits resolve as microtasks: without a
        // turn of the event loop between batches, a flood's whole queue would be one stall
        if (!this.idle) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.writing = false;
    }
  }

  /** One transaction; false when it failed (its changes are back at the head of the queue). */
  private async writeBatch(): Promise<boolean> {
    const batch = this.queue.splice(0, BATCH);
    const updates = batch.length < BATCH ? [...this.dirty.values()] : [];
    const dirtySince = this.dirtySince;
    for (const u of updates) this.dirty.delete(u.id);
    // overflowed alarms once the queue is empty: their latest row, and the gap on record
    const resync = this.queue.length === 0 && batch.length < BATCH ? [...this.resync.entries()] : [];
    for (const [id] of resync) this.resync.delete(id);
    this.inflight = batch.length + updates.length + resync.length;
    let fencedOut = 0;
    try {
      await this.o.store.transaction(async (tx) => {
        // cluster mode: the leases of the partitions written are checked (and held) in this transaction
        const fenced = this.o.fence ? await this.o.fence(tx, new Set([...batch.map((w) => w.alarm.enterprise), ...updates.map((u) => u.enterprise), ...resync.map(([, r]) => r.alarm.enterprise)])) : NONE;
        const mine = (a: Alarm) => !fenced.has(a.enterprise);
        const writes = batch.filter((w) => mine(w.alarm));
        const rows = updates.filter(mine);
        const resyncs = resync.filter(([, r]) => mine(r.alarm));
        fencedOut = batch.length - writes.length + updates.length - rows.length + resync.length - resyncs.length;
        for (const w of writes) {
          if (w.transition) await tx.alarms.saveWithTransition(w.alarm, w.transition, w.insert);
          else if (w.insert) await tx.alarms.insert(w.alarm);
          else await tx.alarms.update(w.alarm);
        }
        for (const u of rows) await tx.alarms.update(u);
        for (const [, r] of resyncs) await tx.alarms.upsert(r.alarm);
        await tx.audit.append([...writes.filter((w) => w.transition).map((w) => auditEntry(w.alarm, w.transition!)), ...resyncs.map(([, r]) => resyncEntry(r.alarm, r.missed, this.o.now()))]);
      });
    } catch (err) {
      // back in order: the failed batch before anything queued meanwhile
      const newer = new Set(this.queue.map((p) => p.alarm.id));
      this.queue.unshift(...batch);
      for (const u of updates) if (!this.dirty.has(u.id) && !newer.has(u.id) && !this.resync.has(u.id)) this.dirty.set(u.id, u);
      if (updates.length > 0) this.dirtySince = Math.min(dirtySince ?? this.o.now(), this.dirtySince ?? Infinity);
      for (const [id, r] of resync) {
        const later = this.resync.get(id);
        this.resync.set(id, later ? { alarm: later.alarm, missed: r.missed + later.missed } : r);
      }
      const changes = batch.length + updates.length + resync.length;
      this.writeFailures += changes;
      this.consecutiveFailures++;
      this.lastError = (err as Error).message ?? String(err);
      this.o.log.error({ err, changes, pending: this.queue.length + this.dirty.size, attempt: this.consecutiveFailures }, 'alarm write to the records database failed; retrying');
      return false;
    } finally {
      this.inflight = 0;
    }
    if (fencedOut > 0) {
      this.writesFenced += fencedOut;
      this.o.log.warn({ changes: fencedOut }, "alarm changes of partitions another instance has taken were not written; its replay makes them");
    }
    if (this.consecutiveFailures > 0) this.o.log.warn({ after: this.consecutiveFailures }, 'records database writable again');
    this.consecutiveFailures = 0;
    this.retryBackoff.reset();
    this.lastError = undefined;
    if (this.dirty.size === 0) this.dirtySince = undefined;
    return true;
  }

  private scheduleRetry(): void {
    const delay = this.retryBackoff.next();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const wake = this.wake;
      this.wake = undefined;
      if (!this.writing) this.chain = this.writeQueued();
      wake?.();
    }, delay);
    this.retryTimer.unref();
  }
}

const NONE: ReadonlySet<string> = new Set();
/** changes per transaction: about 10 ms of SQLite work (1,000 took 35 ms in a flood, issue 19) */
const BATCH = 250;

function auditEntry(a: Alarm, t: AlarmTransition): AuditEntry {
  return {
    kind: 'alarm',
    ref: a.id,
    action: t.action,
    actor: t.actor,
    at: t.ts,
    payload: { rule: a.rule, enterprise: a.enterprise, site: a.site, zone: a.zone, device: a.device, severity: t.severity, from: t.fromState, to: t.toState, note: t.note, value: t.value },
  };
}

/** the row written after an overflow: its state, and how many transitions were not recorded */
function resyncEntry(a: Alarm, missed: number, at: number): AuditEntry {
  return {
    kind: 'alarm',
    ref: a.id,
    action: 'resync',
    actor: 'system',
    at,
    payload: { rule: a.rule, enterprise: a.enterprise, site: a.site, zone: a.zone, device: a.device, severity: a.severity, to: a.state, missedTransitions: missed },
  };
}
