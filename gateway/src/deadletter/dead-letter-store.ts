// Dead letters (CONTRACT §3.5): every rejected message, with its reason, kept in a small
// SQLite file in dataDir and readable at GET /api/v1/ingest/rejected. Bounded twice: the
// in-memory queue (overflow counted in hazardline_deadletter_dropped_total) and the table
// (oldest rows pruned past `maxRows`).
import Database from 'better-sqlite3';
import type { Metrics } from '../metrics/metrics.ts';
import { openSqliteFile } from '../sqlite-file.ts';

export interface DeadLetter {
  at: number;
  transport: string;
  topic: string;
  client?: string;
  reason: string;
  message: string;
  size: number;
  /** the first bytes of the payload, as UTF-8 text when printable, else base64 */
  payload: string;
}

const EXCERPT = 1024;

export function excerpt(payload: Buffer): string {
  const head = payload.subarray(0, EXCERPT);
  const text = head.toString('utf8');
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text) ? `base64:${head.toString('base64')}` : text;
}

export class DeadLetterStore {
  private readonly db: Database.Database;
  private queue: DeadLetter[] = [];
  private timer?: NodeJS.Timeout;
  private readonly insert: Database.Statement;

  constructor(
    file: string,
    private readonly metrics: Metrics,
    private readonly o: { maxRows: number; maxQueue: number; flushMs: number } = { maxRows: 10_000, maxQueue: 10_000, flushMs: 100 },
  ) {
    this.db = openSqliteFile(file, 'gateway.dataDir (dead letters)');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS rejected (
      id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, transport TEXT NOT NULL, topic TEXT NOT NULL,
      client TEXT, reason TEXT NOT NULL, message TEXT NOT NULL, size INTEGER NOT NULL, payload TEXT NOT NULL)`);
    this.insert = this.db.prepare('INSERT INTO rejected (at, transport, topic, client, reason, message, size, payload) VALUES (@at, @transport, @topic, @client, @reason, @message, @size, @payload)');
  }

  add(d: DeadLetter): void {
    if (this.queue.length >= this.o.maxQueue) {
      this.metrics.deadLetterDropped.inc();
      return;
    }
    this.queue.push(d);
    this.timer ??= setTimeout(() => {
      try {
        this.flush();
      } catch {
        // disk full or closed database: what could not be stored is counted as dropped
      }
    }, this.o.flushMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.db.transaction(() => {
        for (const d of batch) this.insert.run({ ...d, client: d.client ?? null });
        this.db.prepare('DELETE FROM rejected WHERE id <= (SELECT MAX(id) FROM rejected) - ?').run(this.o.maxRows);
      })();
    } catch (err) {
      this.metrics.deadLetterDropped.inc(batch.length);
      throw err;
    }
  }

  list(q: { limit?: number; reason?: string; since?: number } = {}): (DeadLetter & { id: number })[] {
    this.flush();
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.reason) {
      where.push('reason = ?');
      args.push(q.reason);
    }
    if (q.since !== undefined) {
      where.push('at >= ?');
      args.push(q.since);
    }
    const sql = `SELECT * FROM rejected ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.db.prepare(sql).all(...args, Math.min(q.limit ?? 100, 1000)) as (DeadLetter & { id: number })[];
  }

  close(): void {
    try {
      this.flush();
    } finally {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.db.close();
    }
  }
}
