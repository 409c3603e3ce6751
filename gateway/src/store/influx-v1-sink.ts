// Telemetry store in InfluxDB 1.x (storage.telemetry.type = influxdb-v1) through the `influx`
// package. Layout is CONTRACT §5 as is: measurement = device kind, tags, one field per metric.
import { InfluxDB, escape, type IPoint, type IPoolOptions } from 'influx';
import type { TelemetryStoreConfig } from '../config/schema.ts';
import type { Point, ReadingsQuery, SeriesPoint } from '../model/types.ts';
import type { Sink } from './sink.ts';

export type InfluxV1Config = Extract<TelemetryStoreConfig, { type: 'influxdb-v1' }>;

export interface InfluxV1SinkOptions {
  /** overrides cfg.timeoutMs: a store that accepts the connection but never answers fails after this */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_LIMIT = 100_000;

// The pool of the `influx` package takes a failed host out of rotation for an exponential
// back-off (300 ms .. 10 s) and answers "No host available" meanwhile. Retry and back-off live
// in the shared RunningSink wrapper (ARCHITECTURE.md, Sink), so the sink must see the store's
// real state on every call: a zero delay keeps the host always available.
type Backoff = NonNullable<IPoolOptions['backoff']>;
const NO_BACKOFF: Backoff = {
  getDelay: () => 0,
  next: () => NO_BACKOFF,
  reset: () => NO_BACKOFF,
};

interface RawSeries {
  columns: string[];
  values: [number, number | null][] | null;
}
interface RawResults {
  results: { error?: string; series?: RawSeries[] }[];
}

export class InfluxV1Sink implements Sink {
  readonly type = 'influxdb-v1';
  private readonly influx: InfluxDB;
  private readonly timeoutMs: number;

  constructor(
    private readonly cfg: InfluxV1Config,
    opts: InfluxV1SinkOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const url = new URL(cfg.url);
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    this.influx = new InfluxDB({
      host: url.hostname,
      port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 8086,
      protocol,
      path: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, ''),
      database: cfg.database,
      username: cfg.username,
      password: cfg.password,
      // maxRetries 0: the package would otherwise resend a timed-out write twice itself.
      pool: { maxRetries: 0, requestTimeout: this.timeoutMs, backoff: NO_BACKOFF },
      // Host options win over the pool's timeout in the package's request code (pool.js).
      options: { timeout: this.timeoutMs },
    });
  }

  async open(): Promise<void> {
    // SHOW DATABASES first: a non-admin user may write to an existing database but not create one.
    const names = await this.influx.getDatabaseNames();
    if (!names.includes(this.cfg.database)) await this.influx.createDatabase(this.cfg.database);
  }

  async write(points: Point[]): Promise<void> {
    const out: IPoint[] = [];
    for (const p of points) {
      const fields = finiteFields(p.fields);
      // A line without fields is a parse error that would fail the whole batch.
      if (fields === undefined) continue;
      out.push({
        // writePoints escapes tags and fields but writes the measurement verbatim.
        measurement: escape.measurement(lineSafe(p.measurement)),
        tags: safeTags(p.tags),
        fields,
        // A string: the package drops a falsy timestamp (ts 0) and the server would stamp "now".
        timestamp: String(Math.round(p.ts)),
      });
    }
    if (out.length === 0) return;
    await this.influx.writePoints(out, {
      precision: 'ms',
      database: this.cfg.database,
      retentionPolicy: this.cfg.retentionPolicy,
    });
  }

  async query(q: ReadingsQuery): Promise<SeriesPoint[]> {
    const text = buildInfluxQL(q);
    const res = (await this.influx.queryRaw(text, {
      database: this.cfg.database,
      retentionPolicy: this.cfg.retentionPolicy,
      precision: 'ms',
    })) as RawResults;
    const result = res.results?.[0];
    if (result?.error) throw new Error(`InfluxDB query failed: ${result.error}`);
    const out: SeriesPoint[] = [];
    // No GROUP BY tag: InfluxDB merges every series of the device (zone changes) into one, by time.
    for (const s of result?.series ?? []) {
      for (const [t, v] of s.values ?? []) if (typeof v === 'number') out.push([t, v]);
    }
    return out;
  }

  async ping(): Promise<boolean> {
    try {
      const hosts = await this.influx.ping(this.timeoutMs);
      return hosts.length > 0 && hosts.every((h) => h.online);
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // Stateless HTTP client: nothing to release.
  }
}

/** The InfluxQL text for one readings query; identifiers and strings go through the package's escapers. */
export function buildInfluxQL(q: ReadingsQuery): string {
  const where =
    `"enterprise" = ${escape.stringLit(q.enterprise)} AND ` +
    (q.device !== undefined ? `"device" = ${escape.stringLit(q.device)}` : `"site" = ${escape.stringLit(q.site ?? '')} AND "zone" = ${escape.stringLit(q.zone ?? '')} AND "device" = ''`) +
    ` AND time >= ${Math.ceil(q.from)}ms AND time <= ${Math.floor(q.to)}ms`;
  const limit = Math.max(1, Math.floor(q.limit ?? DEFAULT_LIMIT));
  const field = escape.quoted(q.metric);
  const from = escape.quoted(q.measurement);
  if (q.every === undefined) return `SELECT ${field} FROM ${from} WHERE ${where} LIMIT ${limit}`;
  const every = Math.floor(q.every);
  if (!(every >= 1)) throw new RangeError(`every must be >= 1 ms, got ${q.every}`);
  const fn = { mean: 'mean', min: 'min', max: 'max' }[q.agg ?? 'mean'];
  // GROUP BY time() buckets start at multiples of `every` since the epoch, like the sqlite sink.
  return `SELECT ${fn}(${field}) FROM ${from} WHERE ${where} GROUP BY time(${every}ms) fill(none) LIMIT ${limit}`;
}

function finiteFields(fields: Point['fields']): Record<string, number | string> | undefined {
  let out: Record<string, number | string> | undefined;
  for (const k in fields) {
    const v = fields[k];
    // NaN/Infinity have no line-protocol form; InfluxDB would reject the whole batch.
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    const key = lineSafe(k);
    if (key !== '') (out ??= {})[key] = v;
  }
  return out;
}

function safeTags(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in tags) {
    const key = lineSafe(k);
    const v = lineSafe(tags[k]);
    // An empty tag value ("zone=") is a line-protocol parse error: leave the tag out.
    if (key !== '' && v !== '') out[key] = v;
  }
  return out;
}

/**
 * A key or tag value as line protocol can carry it. Neither `influx` nor
 * @influxdata/influxdb-client escapes backslashes, and InfluxDB 1.x has no escape for one
 * (checked on 1.6.7: `\\` is stored as two backslashes), so a trailing `\` escapes the
 * following `,`/`=`/space and the whole batch fails to parse ("invalid tag format"); a raw line
 * break ends the line. Lossy on purpose: such values never come from configured ids
 * (config/schema.ts), and one odd value must not block the WAL behind it.
 */
export function lineSafe(s: string): string {
  if (s.endsWith('\\')) s = s.replace(/\\+$/, '');
  if (s.includes('\n') || s.includes('\r')) s = s.replace(/[\r\n]+/g, ' ');
  return s;
}
