// The telemetry-store extension point (ARCHITECTURE.md, Sink). Sinks stay small:
// batching, retry, back-pressure and stats live once in RunningSink.
import type { Point, ReadingsQuery, SeriesPoint } from '../model/types.ts';

export interface Sink {
  /** registry key, equal to `storage.telemetry.type` */
  readonly type: string;
  /** connect, create the database / schema if needed */
  open(): Promise<void>;
  /**
   * Store a batch. Never called concurrently. Must be idempotent: writing the same
   * point twice (same measurement, tags and ts) leaves one point, so a WAL replay after
   * a crash between write and checkpoint never duplicates a reading.
   */
  write(points: Point[]): Promise<void>;
  /** raw points, or one aggregated point per `every` bucket, ascending by time */
  query(q: ReadingsQuery): Promise<SeriesPoint[]>;
  /** true when the store answers */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A store's answer that retrying will never change: HTTP 400/422 (a malformed point, an
 * InfluxDB field-type conflict). Anything else (timeouts, 5xx, refused connections, auth or
 * missing database while an operator fixes it) is retried.
 */
export function isPermanentWriteError(err: unknown): boolean {
  const e = err as { statusCode?: number; res?: { statusCode?: number } } | undefined;
  const code = e?.statusCode ?? e?.res?.statusCode;
  return code === 400 || code === 422;
}
