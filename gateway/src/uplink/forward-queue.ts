// The edge's disk-backed forward queue (issue 7, docs/uplink.md): what the central gateway has not
// acknowledged yet, in `dataDir/uplink/queue.db` (SQLite, WAL journal: a committed row survives
// kill -9). Two lanes, each a strictly ordered sequence of rows numbered from 1:
//   p  priority — alarm transitions, hazard records, loss notices: drained first, never dropped;
//   b  bulk     — device frames (readings, positions, events, status), oldest first.
// Bounded by `maxBytes`: when full, the oldest bulk rows are dropped first (counted, and a `dropped`
// notice goes into the priority lane in the same transaction, so the central knows the gap is a
// loss and not a link fault); priority rows are never dropped, even past the bound.
import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Lane = 'p' | 'b';
export const LANES: readonly Lane[] = ['p', 'b'];

export interface QueueRow {
  lane: Lane;
  seq: number;
  /** wall time it was queued (ms) */
  at: number;
  readings: number;
  /** JSON array of items (docs/uplink.md) */
  body: string;
}

export interface LaneStats {
  rows: number;
  readings: number;
  bytes: number;
  /** wall time the oldest row was queued; null when empty */
  oldestAt: number | null;
  /** the next sequence number of the lane */
  nextSeq: number;
}

export interface Dropped {
  from: number;
  to: number;
  rows: number;
  readings: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rows (
  lane TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, readings INTEGER NOT NULL, bytes INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (lane, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;
`;

export class ForwardQueue {
  private db?: Database.Database;
  private st!: Record<string, Database.Statement>;
  private readonly lanes: Record<Lane, LaneStats> = { p: { rows: 0, readings: 0, bytes: 0, oldestAt: null, nextSeq: 1 }, b: { rows: 0, readings: 0, bytes: 0, oldestAt: null, nextSeq: 1 } };
  private walSeqValue = 0;
  private epochValue = 0;
  droppedRows = 0;
  droppedReadings = 0;

  constructor(private readonly o: { file: string; maxBytes: number; now?: () => number }) {}

  open(): void {
    mkdirSync(dirname(this.o.file), { recursive: true });
    const db = new Database(this.o.file);
    // WAL journal + NORMAL: a commit is an append to the -wal file, durable across a process
    // crash; the gateway's own WAL (fsync'ed) covers the bulk lane against power loss (replayed
    // from `walSeq` at start)
    db.pragma('journal_mode = WAL');
    // FULL: a row's number is durable once committed, even across a power cut (an edge box in a
    // pit loses power); a number that went back would make the central drop new rows as duplicates
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    this.st = {
      insert: db.prepare('INSERT INTO rows (lane, seq, at, readings, bytes, body) VALUES (?, ?, ?, ?, ?, ?)'),
      peek: db.prepare('SELECT lane, seq, at, readings, body FROM rows WHERE lane = ? AND seq > ? ORDER BY seq LIMIT ?'),
      ackSum: db.prepare('SELECT count(*) AS rows, coalesce(sum(readings), 0) AS readings, coalesce(sum(bytes), 0) AS bytes FROM rows WHERE lane = ? AND seq <= ?'),
      ack: db.prepare('DELETE FROM rows WHERE lane = ? AND seq <= ?'),
      oldest: db.prepare('SELECT seq, at, readings, bytes FROM rows WHERE lane = ? ORDER BY seq LIMIT ?'),
      sums: db.prepare('SELECT count(*) AS rows, coalesce(sum(readings), 0) AS readings, coalesce(sum(bytes), 0) AS bytes, max(seq) AS last FROM rows WHERE lane = ?'),
      getMeta: db.prepare('SELECT v FROM meta WHERE k = ?').pluck(),
      setMeta: db.prepare('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v'),
    };
    this.db = db;
    this.load();
  }

  /** the counters kept in memory, from the database (at open, and after a transaction failed) */
  private load(): void {
    for (const lane of LANES) {
      const s = this.st.sums.get(lane) as { rows: number; readings: number; bytes: number; last: number | null };
      const l = this.lanes[lane];
      Object.assign(l, { rows: s.rows, readings: s.readings, bytes: s.bytes });
      // sequence numbers never go back, even once every row was acknowledged and deleted
      l.nextSeq = Math.max((s.last ?? 0) + 1, Number(this.st.getMeta.get(`next.${lane}`) ?? 1));
      l.oldestAt = this.oldestAt(lane);
    }
    this.walSeqValue = Number(this.st.getMeta.get('walSeq') ?? 0);
    // a new queue (first start, or its file lost) numbers its rows from 1 again: the epoch tells the central
    this.epochValue = Number(this.st.getMeta.get('epoch') ?? 0);
    if (!this.epochValue) {
      this.epochValue = randomInt(1, 2 ** 47);
      this.st.setMeta.run('epoch', this.epochValue);
    }
    this.droppedRows = Number(this.st.getMeta.get('dropped.rows') ?? 0);
    this.droppedReadings = Number(this.st.getMeta.get('dropped.readings') ?? 0);
  }

  private oldestAt(lane: Lane): number | null {
    const r = this.st.oldest.get(lane, 1) as { at: number } | undefined;
    return r?.at ?? null;
  }

  /** this queue's identity: rows are numbered from 1 within it */
  epoch(): number {
    return this.epochValue;
  }

  /** the last gateway-WAL seq whose device frames are in the bulk lane (replayed from there at start) */
  walSeq(): number {
    return this.walSeqValue;
  }

  bytes(): number {
    return this.lanes.p.bytes + this.lanes.b.bytes;
  }

  stats(): Record<Lane, LaneStats> {
    return { p: { ...this.lanes.p }, b: { ...this.lanes.b } };
  }

  /**
   * Appends rows of items (each a JSON text) in one transaction. Bulk rows record `walSeq`. When the
   * bound is passed, the oldest bulk rows go (not the ones being added, unless nothing older is
   * left) and a `dropped` notice is queued in the priority lane; returns what was dropped.
   */
  enqueue(lane: Lane, rows: { items: string[]; readings: number }[], walSeq?: number): Dropped | undefined {
    const db = this.db;
    if (!db) throw new Error('ForwardQueue: enqueue before open');
    const at = (this.o.now ?? Date.now)();
    const bodies = rows.map((r) => {
      const body = `[${r.items.join(',')}]`;
      return { body, bytes: Buffer.byteLength(body), readings: r.readings };
    });
    let dropped: Dropped | undefined;
    try {
      db.transaction(() => {
      const adding = bodies.reduce((n, b) => n + b.bytes, 0);
      if (this.bytes() + adding > this.o.maxBytes) dropped = this.dropOldestBulk(this.bytes() + adding - this.o.maxBytes);
      if (dropped) {
        // the loss notice travels first, so the central reports the gap as a loss at the edge
        const notice = JSON.stringify({ k: 'dropped', lane: 'b', ...dropped, at });
        this.insert('p', [{ body: `[${notice}]`, bytes: Buffer.byteLength(notice) + 2, readings: 0 }], at);
        this.st.setMeta.run('dropped.rows', this.droppedRows + dropped.rows);
        this.st.setMeta.run('dropped.readings', this.droppedReadings + dropped.readings);
      }
      this.insert(lane, bodies, at);
      if (walSeq !== undefined && walSeq > this.walSeqValue) this.st.setMeta.run('walSeq', walSeq);
      })();
    } catch (err) {
      // rolled back: the counters changed on the way are read again
      this.load();
      throw err;
    }
    if (dropped) {
      this.droppedRows += dropped.rows;
      this.droppedReadings += dropped.readings;
    }
    if (walSeq !== undefined && walSeq > this.walSeqValue) this.walSeqValue = walSeq;
    return dropped;
  }

  private insert(lane: Lane, bodies: { body: string; bytes: number; readings: number }[], at: number): void {
    const l = this.lanes[lane];
    for (const b of bodies) {
      this.st.insert.run(lane, l.nextSeq, at, b.readings, b.bytes, b.body);
      l.nextSeq++;
      l.rows++;
      l.readings += b.readings;
      l.bytes += b.bytes;
      l.oldestAt ??= at;
    }
    this.st.setMeta.run(`next.${lane}`, l.nextSeq);
  }

  /** Deletes the oldest bulk rows until `need` bytes are free (or no bulk row is left). */
  private dropOldestBulk(need: number): Dropped | undefined {
    const l = this.lanes.b;
    let freed = 0;
    let out: Dropped | undefined;
    while (freed < need && l.rows > 0) {
      const batch = this.st.oldest.all('b', 256) as { seq: number; readings: number; bytes: number }[];
      let last = -1;
      for (const r of batch) {
        if (freed >= need) break;
        freed += r.bytes;
        last = r.seq;
        out ??= { from: r.seq, to: r.seq, rows: 0, readings: 0 };
        out.to = r.seq;
        out.rows++;
        out.readings += r.readings;
        l.rows--;
        l.readings -= r.readings;
        l.bytes -= r.bytes;
      }
      if (last < 0) break;
      this.st.ack.run('b', last);
    }
    l.oldestAt = l.rows > 0 ? this.oldestAt('b') : null;
    return out;
  }

  /** Up to `maxRows` rows of a lane after `afterSeq`, oldest first, at most `maxReadings` readings and `maxBytes` (at least one row). */
  peek(lane: Lane, afterSeq: number, maxRows: number, maxReadings = Infinity, maxBytes = Infinity): QueueRow[] {
    if (!this.db) return [];
    // iterated, not fetched: a batch reads only the rows it takes, however long the backlog
    const out: QueueRow[] = [];
    let n = 0;
    let bytes = 0;
    for (const r of this.st.peek.iterate(lane, afterSeq, maxRows) as IterableIterator<QueueRow>) {
      if (out.length > 0 && (n + r.readings > maxReadings || bytes + r.body.length > maxBytes)) break;
      out.push(r);
      n += r.readings;
      bytes += r.body.length;
    }
    return out;
  }

  /** The central has everything of `lane` up to `seq`: delete those rows. */
  ack(lane: Lane, seq: number): void {
    if (!this.db) return;
    const s = this.st.ackSum.get(lane, seq) as { rows: number; readings: number; bytes: number };
    if (s.rows === 0) return;
    try {
      this.st.ack.run(lane, seq);
    } catch (err) {
      this.load();
      throw err;
    }
    const l = this.lanes[lane];
    l.rows -= s.rows;
    l.readings -= s.readings;
    l.bytes -= s.bytes;
    l.oldestAt = l.rows > 0 ? this.oldestAt(lane) : null;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}
