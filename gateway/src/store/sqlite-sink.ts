// Telemetry store in one SQLite file (storage.telemetry.type = sqlite), the default for a
// standalone gateway. Narrow layout: one row per (series, field, ts), so a device that sends
// 10 metrics in one point costs 10 small rows and a query for one metric reads only its rows.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Aggregate, Point, ReadingsQuery, SeriesPoint } from '../model/types.ts';
import type { Sink } from './sink.ts';

const DEFAULT_LIMIT = 100_000;
/** rows per multi-row INSERT (5 parameters each, well under SQLite's 32,766) */
const MULTI_ROWS = 32;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  measurement TEXT NOT NULL,
  tags TEXT NOT NULL,
  enterprise TEXT, site TEXT, zone TEXT, device TEXT,
  UNIQUE (measurement, tags)
);
CREATE INDEX IF NOT EXISTS series_by_device ON series (measurement, enterprise, device);
CREATE TABLE IF NOT EXISTS points (
  series_id INTEGER NOT NULL,
  field TEXT NOT NULL,
  ts INTEGER NOT NULL,
  value REAL,
  svalue TEXT,
  PRIMARY KEY (series_id, field, ts)
) WITHOUT ROWID;
`;

// Every series of one device (there can be several when its zone tag changed over time), or
// the zone's own series (occupancy: no device tag).
const SERIES_OF_DEVICE = `SELECT id FROM series WHERE measurement = @measurement AND enterprise = @enterprise
  AND CASE WHEN @device IS NOT NULL THEN device = @device ELSE device IS NULL AND site = @site AND zone = @zone END`;

const RAW_SQL = `SELECT ts, value FROM points
  WHERE series_id IN (${SERIES_OF_DEVICE}) AND field = @metric AND ts BETWEEN @from AND @to AND value IS NOT NULL
  ORDER BY ts LIMIT @limit`;

// Bucket = floor(ts / every) * every, written so it also floors (not truncates) before 1970.
const aggSql = (fn: 'avg' | 'min' | 'max') => `SELECT ts - (((ts % @every) + @every) % @every) AS bucket, ${fn}(value) AS value
  FROM points
  WHERE series_id IN (${SERIES_OF_DEVICE}) AND field = @metric AND ts BETWEEN @from AND @to AND value IS NOT NULL
  GROUP BY bucket ORDER BY bucket LIMIT @limit`;

const AGG_FN: Record<Aggregate, 'avg' | 'min' | 'max'> = { mean: 'avg', min: 'min', max: 'max' };

/** Canonical tag set: keys sorted, `k=v` joined by `,`; `\`, `,` and `=` escaped so two tag sets never collide. */
export function canonicalTags(tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort();
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (i > 0) out += ',';
    out += esc(k) + '=' + esc(tags[k]);
  }
  return out;
}

function esc(s: string): string {
  // A char scan beats a regex test on these short strings; escaping itself is rare.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2c || c === 0x3d || c === 0x5c) return s.replace(/[\\,=]/g, '\\$&');
  }
  return s;
}

type Stmt = Database.Statement;

/** Series-id cache node: one level per measurement, tag key and tag value. */
interface SeriesNode {
  id?: number;
  next?: Map<string, SeriesNode>;
}

function child(node: SeriesNode, s: string): SeriesNode {
  const next = (node.next ??= new Map());
  let c = next.get(s);
  if (c === undefined) next.set(s, (c = {}));
  return c;
}

export class SqliteSink implements Sink {
  readonly type = 'sqlite';
  private db: Database.Database | undefined;
  private seriesIds: SeriesNode = {};
  private stmts!: {
    insertPoint: Stmt;
    insertMany: Stmt;
    insertSeries: Stmt;
    selectSeries: Stmt;
    raw: Stmt;
    agg: Record<Aggregate, Stmt>;
  };
  private writeTx!: (points: Point[], added: SeriesNode[]) => void;
  /** the parameters of one multi-row INSERT, reused */
  private readonly params: (number | string | null)[] = new Array(MULTI_ROWS * 5);

  constructor(private readonly file: string) {}

  async open(): Promise<void> {
    if (this.db) return;
    if (this.file !== ':memory:') mkdirSync(dirname(this.file), { recursive: true });
    const db = new Database(this.file);
    // WAL + NORMAL: a commit is one append to the -wal file without fsync; the gateway's own
    // WAL already holds every reading until the store has it, so losing the last commit on
    // power loss is recovered by replay (Sink.write is idempotent).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536'); // 64 MiB: keeps the points b-tree's hot pages in memory
    db.pragma('temp_store = MEMORY');
    db.exec(SCHEMA);
    this.stmts = {
      insertPoint: db.prepare('INSERT OR REPLACE INTO points (series_id, field, ts, value, svalue) VALUES (?, ?, ?, ?, ?)'),
      insertMany: db.prepare(`INSERT OR REPLACE INTO points (series_id, field, ts, value, svalue) VALUES ${Array(MULTI_ROWS).fill('(?, ?, ?, ?, ?)').join(', ')}`),
      insertSeries: db.prepare(
        'INSERT OR IGNORE INTO series (measurement, tags, enterprise, site, zone, device) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      selectSeries: db.prepare('SELECT id FROM series WHERE measurement = ? AND tags = ?').pluck(),
      raw: db.prepare(RAW_SQL).raw(),
      agg: { mean: db.prepare(aggSql('avg')).raw(), min: db.prepare(aggSql('min')).raw(), max: db.prepare(aggSql('max')).raw() },
    };
    this.writeTx = db.transaction((points: Point[], added: SeriesNode[]) => this.insertAll(points, added));
    this.db = db;
  }

  async write(points: Point[]): Promise<void> {
    if (!this.db) throw new Error('SqliteSink: write before open');
    if (points.length === 0) return;
    const added: SeriesNode[] = [];
    try {
      this.writeTx(points, added);
    } catch (err) {
      // The transaction rolled back, and with it any series rows it created: forget their ids.
      for (const node of added) node.id = undefined;
      throw err;
    }
  }

  private insertAll(points: Point[], added: SeriesNode[]): void {
    // Rows go in MULTI_ROWS at a time through one prepared multi-row INSERT, the rest one by one:
    // one statement step per 32 rows instead of per row (issue 19; npm run bench:sqlite).
    const params = this.params;
    let n = 0;
    for (const p of points) {
      const seriesId = this.seriesId(p, added);
      // A fractional ts would be stored as REAL and miss the (series, field, ts) key on rewrite.
      const ts = Math.round(p.ts);
      const fields = p.fields;
      for (const field in fields) {
        const v = fields[field];
        params[n++] = seriesId;
        params[n++] = field;
        params[n++] = ts;
        // NaN/Infinity have no REAL form: stored as NULL, which queries skip.
        if (typeof v === 'string') {
          params[n++] = null;
          params[n++] = v;
        } else {
          params[n++] = Number.isFinite(v) ? v : null;
          params[n++] = null;
        }
        if (n === params.length) {
          this.stmts.insertMany.run(params);
          n = 0;
        }
      }
    }
    const one = this.stmts.insertPoint;
    for (let i = 0; i < n; i += 5) one.run(params[i], params[i + 1], params[i + 2], params[i + 3], params[i + 4]);
  }

  private seriesId(p: Point, added: SeriesNode[]): number {
    // Hot path: walk a trie of measurement, then tag key and value in the tags' own order.
    // Map lookups on existing strings reuse their cached hashes; a joined string key
    // (or canonicalTags) would build, flatten and hash a fresh string per point, which
    // profiled as the main cost of single-field writes. On a miss the canonical form decides,
    // so several orders of the same tags reach the same id.
    let node = child(this.seriesIds, p.measurement);
    const t = p.tags;
    for (const k in t) node = child(child(node, k), t[k]);
    if (node.id !== undefined) return node.id;
    const tags = canonicalTags(t);
    this.stmts.insertSeries.run(p.measurement, tags, t.enterprise ?? null, t.site ?? null, t.zone ?? null, t.device ?? null);
    node.id = this.stmts.selectSeries.get(p.measurement, tags) as number;
    added.push(node);
    return node.id;
  }

  async query(q: ReadingsQuery): Promise<SeriesPoint[]> {
    if (!this.db) throw new Error('SqliteSink: query before open');
    const params = {
      measurement: q.measurement,
      enterprise: q.enterprise,
      device: q.device ?? null,
      site: q.site ?? null,
      zone: q.zone ?? null,
      metric: q.metric,
      from: Math.ceil(q.from),
      to: Math.floor(q.to),
      limit: q.limit ?? DEFAULT_LIMIT,
    };
    if (q.every === undefined) return this.stmts.raw.all(params) as SeriesPoint[];
    const every = Math.floor(q.every);
    if (!(every >= 1)) throw new RangeError(`every must be >= 1 ms, got ${q.every}`);
    return this.stmts.agg[q.agg ?? 'mean'].all({ ...params, every }) as SeriesPoint[];
  }

  async ping(): Promise<boolean> {
    return this.db?.open === true;
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
    this.seriesIds = {};
  }
}
