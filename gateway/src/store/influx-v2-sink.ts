// Telemetry store speaking the InfluxDB v2 API (storage.telemetry.type = influxdb-v2): InfluxDB
// 2.x/3.x, or anything accepting /api/v2/write such as VictoriaMetrics (writes only; it has no Flux).
import { InfluxDB, Point as LinePoint, flux, fluxExpression, type WriteApi } from '@influxdata/influxdb-client';
import type { TelemetryStoreConfig } from '../config/schema.ts';
import type { Point, ReadingsQuery, SeriesPoint } from '../model/types.ts';
import { lineSafe } from './influx-v1-sink.ts';
import type { Sink } from './sink.ts';

export type InfluxV2Config = Extract<TelemetryStoreConfig, { type: 'influxdb-v2' }>;

export interface InfluxV2SinkOptions {
  /** overrides cfg.timeoutMs (HTTP socket timeout) */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_LIMIT = 100_000;
/** lines per HTTP request; each chunk is one awaited flush */
const CHUNK = 5000;

export class InfluxV2Sink implements Sink {
  readonly type = 'influxdb-v2';
  private readonly client: InfluxDB;
  private readonly writeApi: WriteApi;
  private readonly timeoutMs: number;

  constructor(
    private readonly cfg: InfluxV2Config,
    opts: InfluxV2SinkOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.client = new InfluxDB({ url: cfg.url, token: cfg.token || undefined, timeout: this.timeoutMs });
    // The WriteApi buffers and sends on its own when batchSize or maxBatchBytes is reached, or on
    // a flushInterval timer, and those sends swallow their errors (WriteApiImpl.ts). A batch
    // bigger than CHUNK is therefore cut here and each chunk sent by an awaited flush(), the only
    // path whose failure reaches the caller. maxRetries 0 and a rejecting writeFailed: retry
    // lives in RunningSink, and the client's retry buffer would resend behind our back.
    this.writeApi = this.client.getWriteApi(cfg.org, cfg.bucket, 'ms', {
      batchSize: CHUNK + 1,
      maxBatchBytes: Number.MAX_SAFE_INTEGER,
      flushInterval: 0,
      maxRetries: 0,
      maxBufferLines: 0,
      writeFailed: (error: Error) => Promise.reject(error),
    });
  }

  async open(): Promise<void> {
    // Buckets are provisioned with the store (org, token, retention): nothing to create here.
  }

  async write(points: Point[]): Promise<void> {
    for (let i = 0; i < points.length; i += CHUNK) {
      const chunk: LinePoint[] = [];
      const end = Math.min(points.length, i + CHUNK);
      for (let j = i; j < end; j++) chunk.push(toLinePoint(points[j]));
      // Points without a (finite) field give no line and are skipped by the client.
      this.writeApi.writePoints(chunk);
      await this.writeApi.flush();
    }
  }

  async query(q: ReadingsQuery): Promise<SeriesPoint[]> {
    const every = q.every === undefined ? undefined : Math.floor(q.every);
    const rows = await this.client.getQueryApi(this.cfg.org).collectRows<SeriesPoint>(buildFluxQuery(this.cfg.bucket, q), (values, meta) => {
      const v = meta.get(values, '_value');
      if (typeof v !== 'number' || Number.isNaN(v)) return undefined;
      let t = Date.parse(meta.get(values, '_time') as string);
      // aggregateWindow clips the first window's _start to range(start:), so re-derive the
      // bucket start as floor(t / every) * every, as the other sinks report it.
      if (every !== undefined) t -= ((t % every) + every) % every;
      return [t, v];
    });
    return rows;
  }

  async ping(): Promise<boolean> {
    // InfluxDB 2.x answers /health 200 and /ping 204; VictoriaMetrics answers both too; InfluxDB
    // 3 / Cloud Serverless may only have /ping. Any 2xx of either means the store is up.
    for (const path of ['/health', '/ping']) {
      try {
        const res = await fetch(this.cfg.url.replace(/\/+$/, '') + path, { signal: AbortSignal.timeout(this.timeoutMs) });
        await res.body?.cancel();
        if (res.ok) return true;
      } catch {
        // unreachable or timed out: try the next path, then report down
      }
    }
    return false;
  }

  async close(): Promise<void> {
    // Nothing is left buffered (every write flushes), so dispose without a final send.
    this.writeApi.dispose();
  }
}

function toLinePoint(p: Point): LinePoint {
  const lp = new LinePoint(lineSafe(p.measurement));
  // The client leaves out empty tags itself; lineSafe covers what it does not escape.
  for (const k in p.tags) {
    const key = lineSafe(k);
    if (key !== '') lp.tag(key, lineSafe(p.tags[k]));
  }
  for (const k in p.fields) {
    const v = p.fields[k];
    const key = lineSafe(k);
    if (key === '') continue;
    if (typeof v === 'string') lp.stringField(key, v);
    // floatField throws on NaN/Infinity; dropping the field keeps the rest of the batch.
    else if (Number.isFinite(v)) lp.floatField(key, v);
  }
  return lp.timestamp(Math.round(p.ts));
}

/**
 * The Flux text for one readings query. Pure, so it is unit-tested on its text (VictoriaMetrics
 * in the tests has no Flux endpoint). Strings and times go through the client's `flux` template,
 * which quotes and escapes them; numbers are validated integers and the function a fixed word.
 */
export function buildFluxQuery(bucket: string, q: ReadingsQuery): string {
  const from = Math.ceil(q.from);
  // range(stop:) is exclusive; the readings API's `to` is inclusive.
  const stop = Math.floor(q.to) + 1;
  const limit = Math.max(1, Math.floor(q.limit ?? DEFAULT_LIMIT));
  const series =
    q.device !== undefined
      ? flux`r.enterprise == ${q.enterprise} and r.device == ${q.device}`
      : flux`r.enterprise == ${q.enterprise} and r.site == ${q.site ?? ''} and r.zone == ${q.zone ?? ''} and not exists r.device`;
  let text = flux`from(bucket: ${bucket})
  |> range(start: ${new Date(from)}, stop: ${new Date(stop)})
  |> filter(fn: (r) => r._measurement == ${q.measurement} and r._field == ${q.metric})
  |> filter(fn: (r) => ${series})
  |> group()`.toString();
  // group(): a device has several series when its zone tag changed; merge them into one table.
  if (q.every !== undefined) {
    const every = Math.floor(q.every);
    if (!(every >= 1)) throw new RangeError(`every must be >= 1 ms, got ${q.every}`);
    const fn = fluxExpression({ mean: 'mean', min: 'min', max: 'max' }[q.agg ?? 'mean']);
    text += flux`
  |> aggregateWindow(every: ${fluxExpression(`${every}ms`)}, fn: ${fn}, timeSrc: "_start", createEmpty: false)`.toString();
  } else {
    text += `
  |> sort(columns: ["_time"])`;
  }
  return `${text}
  |> limit(n: ${limit})
  |> keep(columns: ["_time", "_value"])`;
}
