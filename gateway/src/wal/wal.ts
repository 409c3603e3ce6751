// Write-ahead log (CONTRACT §5): a frame is acknowledged only once it is here. Segments of
// NDJSON lines `{"seq","at","f"}` (codec.ts) in `dataDir/wal/`; group commit (one write, optionally
// one fdatasync, per event-loop turn); a checkpoint file records the last seq the telemetry
// store has confirmed. Bounded on disk with an explicit, counted overflow policy.
import { EventEmitter } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, truncateSync, existsSync } from 'node:fs';
import { open, writeFile, rename, type FileHandle } from 'node:fs/promises';
import { syncDir } from '../durable-file.ts';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Frame, WalEntry } from '../model/types.ts';
import { RejectError } from '../errors.ts';
import { decodeLine, encodeFrame, type StoredEntry } from './codec.ts';

export interface WalOptions {
  dir: string;
  maxBytes: number;
  segmentBytes: number;
  fsync: boolean;
  overflow: 'reject-new' | 'drop-oldest';
  /** readings kept in memory for the drainer; beyond it entries are re-read from disk */
  memReadings?: number;
  /**
   * A segment the telemetry store has fully confirmed is deleted unless this says to keep it
   * (central mode: it may hold uplink marks not yet saved elsewhere, docs/uplink.md).
   */
  retain?: (segmentLastSeq: number) => boolean;
  log: Logger;
  metrics: Metrics;
  now?: () => number;
}

interface Segment {
  file: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
}

interface Pending {
  entries: WalEntry[];
  lines: string[];
  bytes: number;
  waiters: { resolve: () => void; reject: (e: Error) => void }[];
}

export type { StoredEntry } from './codec.ts';

const weight = (e: WalEntry) => (e.frame.type === 'readings' ? e.frame.readings.length : 1);
const newPending = (): Pending => ({ entries: [], lines: [], bytes: 0, waiters: [] });

export class Wal extends EventEmitter<{ durable: [StoredEntry[]]; overflow: [{ policy: string; frames: number }] }> {
  private segments: Segment[] = [];
  private segNo = 0;
  private fh?: FileHandle;
  private nextSeq = 1;
  private durableSeq = 0;
  private checkpointSeq = 0;
  private totalBytes = 0;
  private pending = newPending();
  private flushing = false;
  private scheduled = false;
  /** entries after the checkpoint, in order; when `spilled`, entries after `mem`'s end are on disk only */
  private mem: StoredEntry[] = [];
  private memHead = 0;
  private memWeight = 0;
  private spilled = false;
  private checkpointWriting?: Promise<void>;
  private checkpointWanted = false;
  private waiters: (() => void)[] = [];
  private readonly memReadings: number;
  private readonly now: () => number;

  constructor(private readonly o: WalOptions) {
    super();
    this.memReadings = o.memReadings ?? 200_000;
    this.now = o.now ?? Date.now;
  }

  async open(): Promise<void> {
    mkdirSync(this.o.dir, { recursive: true });
    const cp = join(this.o.dir, 'checkpoint');
    this.checkpointSeq = existsSync(cp) ? Number(readFileSync(cp, 'utf8').trim()) || 0 : 0;
    const files = readdirSync(this.o.dir).filter((f) => /^\d+\.wal$/.test(f)).sort();
    for (const f of files) {
      this.segNo = Math.max(this.segNo, Number(f.slice(0, -4)));
      const seg = this.recoverSegment(join(this.o.dir, f));
      if (!seg) continue;
      if (seg.lastSeq <= this.checkpointSeq && !this.o.retain?.(seg.lastSeq)) {
        unlinkSync(seg.file);
        continue;
      }
      this.segments.push(seg);
      this.totalBytes += seg.bytes;
      this.nextSeq = Math.max(this.nextSeq, seg.lastSeq + 1);
    }
    this.nextSeq = Math.max(this.nextSeq, this.checkpointSeq + 1);
    this.durableSeq = this.nextSeq - 1;
    this.spilled = this.segments.length > 0;
    this.loadFromDisk();
    const recovered = this.mem.length;
    await this.openSegment();
    this.updateGauges();
    this.o.log.info({ checkpoint: this.checkpointSeq, nextSeq: this.nextSeq, segments: this.segments.length, recovered, spilled: this.spilled }, 'wal opened');
  }

  /**
   * Reads one segment. A torn tail (a crash mid-write leaves a last line without newline) is
   * truncated; a corrupt complete line is skipped and counted, never taking later lines with it.
   * Byte offsets come from the Buffer itself, so recovery is linear in the segment size.
   */
  private recoverSegment(file: string): Segment | undefined {
    const buf = readFileSync(file);
    let pos = 0;
    let first = 0;
    let lastSeq = 0;
    let corrupt = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      try {
        const e = decodeLine(buf.toString('utf8', pos, nl));
        if (!first) first = e.seq;
        lastSeq = e.seq;
      } catch {
        corrupt++;
      }
      pos = nl + 1;
    }
    if (corrupt) this.o.log.error({ file, lines: corrupt }, 'corrupt wal lines skipped');
    if (pos < buf.length) {
      this.o.log.warn({ file, bytes: buf.length - pos }, 'torn wal tail truncated');
      truncateSync(file, pos);
    }
    if (!first) {
      unlinkSync(file);
      return undefined;
    }
    return { file, firstSeq: first, lastSeq, bytes: pos };
  }

  /**
   * A new segment file, named by its own counter (not by a seq: seqs of a write in flight are
   * already assigned when a segment rolls, so seq-named files could collide). Opened first,
   * then the old one is closed, so a failed open keeps the current segment usable.
   */
  private async openSegment(): Promise<void> {
    const file = join(this.o.dir, `${String(++this.segNo).padStart(16, '0')}.wal`);
    const fh = await open(file, 'wx');
    // the new file's directory entry must be durable too, or a power loss can drop the file
    if (this.o.fsync) await syncDir(this.o.dir);
    await this.fh?.close();
    this.fh = fh;
    this.segments.push({ file, firstSeq: this.nextSeq, lastSeq: this.nextSeq - 1, bytes: 0 });
  }

  /** Makes frames durable; resolves once written (and fdatasync'ed when `fsync`). */
  append(frames: Frame[]): Promise<void> {
    const at = this.now();
    const bodies: string[] = [];
    let bytes = 0;
    const entries: StoredEntry[] = [];
    for (const frame of frames) {
      const body = encodeFrame(frame);
      bodies.push(body);
      bytes += body.length + 48; // estimate for the bound check (seq, at); exact size is counted at write
      entries.push({ seq: 0, at, frame });
    }
    if (this.totalBytes + this.pending.bytes + bytes > this.o.maxBytes && !this.makeRoom(bytes)) {
      this.o.metrics.walOverflow.inc({ policy: this.o.overflow }, frames.length);
      this.emit('overflow', { policy: this.o.overflow, frames: frames.length });
      return Promise.reject(new RejectError('wal_full', `write-ahead log full (${this.o.maxBytes} bytes)`));
    }
    // seq is assigned after the check so that a refused append leaves no gap
    const p = this.pending;
    for (let i = 0; i < entries.length; i++) {
      entries[i].seq = this.nextSeq++;
      p.entries.push(entries[i]);
      p.lines.push(`{"seq":${entries[i].seq},"at":${at},"f":${bodies[i]}}\n`);
    }
    p.bytes += bytes;
    return new Promise((resolve, reject) => {
      p.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** drop-oldest: discard the oldest closed segment(s) until `bytes` fit. Counted and logged. */
  private makeRoom(bytes: number): boolean {
    if (this.o.overflow !== 'drop-oldest') return false;
    while (this.totalBytes + this.pending.bytes + bytes > this.o.maxBytes && this.segments.length > 1) {
      const seg = this.segments.shift()!;
      unlinkSync(seg.file);
      this.totalBytes -= seg.bytes;
      const dropped = Math.max(0, seg.lastSeq - Math.max(seg.firstSeq - 1, this.checkpointSeq));
      this.o.log.error({ segment: seg.file, frames: dropped }, 'wal full: dropped the oldest segment (wal.overflow=drop-oldest)');
      this.o.metrics.walOverflow.inc({ policy: 'drop-oldest' }, dropped);
      this.emit('overflow', { policy: 'drop-oldest', frames: dropped });
      if (seg.lastSeq > this.checkpointSeq) this.advanceCheckpoint(seg.lastSeq);
    }
    return this.totalBytes + this.pending.bytes + bytes <= this.o.maxBytes;
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    if (this.pending.entries.length === 0) return;
    this.flushing = true;
    const batch = this.pending;
    this.pending = newPending();
    try {
      const buf = Buffer.from(batch.lines.join(''));
      await this.fh!.write(buf);
      if (this.o.fsync) await this.fh!.datasync();
      const seg = this.segments[this.segments.length - 1];
      // seqs are assigned at append time, so a segment's first seq is known only at its first write
      if (seg.bytes === 0) seg.firstSeq = batch.entries[0].seq;
      seg.bytes += buf.length;
      seg.lastSeq = batch.entries[batch.entries.length - 1].seq;
      this.totalBytes += buf.length;
      this.durableSeq = seg.lastSeq;
      this.remember(batch.entries as StoredEntry[]);
      for (const w of batch.waiters) w.resolve();
      // each consumer on its own: one's bug is not a write failure, nor the others' loss
      for (const l of this.listeners('durable') as ((e: StoredEntry[]) => void)[]) {
        try {
          l(batch.entries as StoredEntry[]);
        } catch (err) {
          this.o.log.error({ err }, 'a consumer of durable WAL entries failed');
        }
      }
      if (seg.bytes >= this.o.segmentBytes) await this.openSegment();
    } catch (err) {
      this.o.log.error({ err }, 'wal write failed; nothing of this batch is acknowledged');
      for (const w of batch.waiters) w.reject(err as Error);
      // what was appended after it is refused too: nothing may become durable behind a hole
      const later = this.pending;
      this.pending = newPending();
      for (const w of later.waiters) w.reject(err as Error);
      await this.discardPartialWrite();
    } finally {
      this.flushing = false;
      this.updateGauges();
      if (this.pending.entries.length) this.schedule();
    }
  }

  /** A failed (short) write may have left part of a line: cut it off, or roll to a new segment. */
  private async discardPartialWrite(): Promise<void> {
    const seg = this.segments[this.segments.length - 1];
    try {
      await this.fh!.truncate(seg.bytes);
    } catch (err) {
      this.o.log.error({ err, segment: seg.file }, 'wal truncate after failed write failed; rolling to a new segment');
      await this.openSegment().catch((e) => this.o.log.error({ err: e }, 'wal cannot open a new segment'));
    }
  }

  private remember(entries: StoredEntry[]): void {
    if (!this.spilled) {
      for (const e of entries) {
        this.mem.push(e);
        this.memWeight += weight(e);
      }
      if (this.memWeight > this.memReadings) this.spilled = true;
    }
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Refills memory from segments once the drainer has consumed it (after a spill or a restart). */
  private loadFromDisk(): void {
    if (!this.spilled || this.memHead < this.mem.length) return;
    const from = Math.max(this.checkpointSeq, this.mem.length ? this.mem[this.mem.length - 1].seq : 0);
    this.mem = [];
    this.memHead = 0;
    this.memWeight = 0;
    let last = from;
    for (const seg of this.segments) {
      if (seg.lastSeq <= from || seg.bytes === 0) continue;
      const text = readFileSync(seg.file, 'utf8');
      for (const line of text.split('\n')) {
        if (!line) continue;
        let e: StoredEntry;
        try {
          e = decodeLine(line);
        } catch {
          continue; // a line being written right now: it is past durableSeq anyway
        }
        if (e.seq <= last || e.seq > this.durableSeq) continue;
        this.mem.push(e);
        this.memWeight += weight(e);
        last = e.seq;
      }
      if (this.memWeight >= this.memReadings) break;
    }
    if (last >= this.durableSeq) this.spilled = false;
  }

  /** Up to `maxReadings` readings' worth of entries after the checkpoint, oldest first (not removed). */
  read(maxReadings: number): StoredEntry[] {
    this.loadFromDisk();
    const out: StoredEntry[] = [];
    let n = 0;
    for (let i = this.memHead; i < this.mem.length && n < maxReadings; i++) {
      out.push(this.mem[i]);
      n += weight(this.mem[i]);
    }
    return out;
  }

  /** Resolves when new entries are durable (or after `ms`). */
  waitForData(ms: number): Promise<void> {
    if (this.memHead < this.mem.length || this.spilled) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** The telemetry store has everything up to `seq`: move the checkpoint, drop drained segments. */
  commit(seq: number): void {
    this.advanceCheckpoint(seq);
    while (this.segments.length > 1 && this.segments[0].lastSeq <= this.checkpointSeq && !this.o.retain?.(this.segments[0].lastSeq)) {
      const seg = this.segments.shift()!;
      unlinkSync(seg.file);
      this.totalBytes -= seg.bytes;
    }
    this.updateGauges();
  }

  private advanceCheckpoint(seq: number): void {
    if (seq <= this.checkpointSeq) return;
    this.checkpointSeq = seq;
    while (this.memHead < this.mem.length && this.mem[this.memHead].seq <= seq) {
      this.memWeight -= weight(this.mem[this.memHead]);
      this.memHead++;
    }
    if (this.memHead > 4096 && this.memHead * 2 > this.mem.length) {
      this.mem = this.mem.slice(this.memHead);
      this.memHead = 0;
    }
    this.persistCheckpoint();
  }

  /** Coalesced: at most one checkpoint write in flight. A lost checkpoint only replays idempotent writes. */
  private persistCheckpoint(): void {
    if (this.checkpointWriting) {
      this.checkpointWanted = true;
      return;
    }
    const file = join(this.o.dir, 'checkpoint');
    const seq = this.checkpointSeq;
    this.checkpointWriting = writeFile(`${file}.tmp`, String(seq))
      .then(() => rename(`${file}.tmp`, file))
      .catch((err) => this.o.log.error({ err }, 'wal checkpoint write failed'))
      .finally(() => {
        this.checkpointWriting = undefined;
        if (this.checkpointWanted) {
          this.checkpointWanted = false;
          this.persistCheckpoint();
        }
      });
  }

  /** the last seq that is durable */
  lastDurableSeq(): number {
    return this.durableSeq;
  }

  /**
   * Every durable entry still on disk, confirmed by the store or not, oldest first: for what must
   * outlive the checkpoint (the central's uplink marks after a crash).
   */
  *scan(): Generator<StoredEntry> {
    for (const seg of this.segments) {
      if (seg.bytes === 0) continue;
      for (const line of readFileSync(seg.file, 'utf8').split('\n')) {
        if (!line) continue;
        let e: StoredEntry;
        try {
          e = decodeLine(line);
        } catch {
          continue;
        }
        if (e.seq <= this.durableSeq) yield e;
      }
    }
  }

  /** frames durable but not yet in the telemetry store */
  depth(): number {
    return this.durableSeq - this.checkpointSeq;
  }

  oldestAgeSeconds(): number {
    const e = this.mem[this.memHead];
    return e && this.depth() > 0 ? Math.max(0, (this.now() - e.at) / 1000) : 0;
  }

  bytes(): number {
    return this.totalBytes;
  }

  private updateGauges(): void {
    this.o.metrics.walDepth.set(this.depth());
    this.o.metrics.walBytes.set(this.totalBytes);
  }

  async close(): Promise<void> {
    while (this.flushing || this.pending.entries.length) {
      if (!this.flushing) await this.flush();
      else await new Promise((r) => setImmediate(r));
    }
    await this.checkpointWriting;
    if (this.checkpointWanted) this.persistCheckpoint();
    await this.checkpointWriting;
    await this.fh?.close();
    this.fh = undefined;
  }
}
