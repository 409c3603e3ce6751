// A real VictoriaMetrics for integration tests: the InfluxDB v2 write API (/api/v2/write) without
// InfluxDB 2 itself, which has no Debian package. Line protocol becomes metric `{measurement}_{field}`
// with the tags as labels; it is read back through /api/v1/export.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeriesPoint } from '../../gateway/src/model/types.ts';
import { startServer, type ServerHandle } from './influxd.ts';
import { freePort } from './ports.ts';

export const VICTORIA_BIN = process.env.VICTORIA_BIN ?? '/usr/bin/victoria-metrics';

export interface VictoriaHandle extends ServerHandle {
  /** raw samples of every series matching a MetricsQL selector, e.g. `{__name__="gas_lel"}` */
  exportSeries(match: string, range?: { from: number; to: number }): Promise<ExportedSeries[]>;
}

export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export async function startVictoria(timeoutMs = 30_000): Promise<VictoriaHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-victoria-'));
  const port = await freePort();
  const handle = await startServer({
    bin: VICTORIA_BIN,
    args: [
      '-storageDataPath',
      join(dir, 'data'),
      '-httpListenAddr',
      `127.0.0.1:${port}`,
      // The default retention (1 month) silently drops older samples ("small_timestamp"),
      // and the tests write at fixed past instants.
      '-retentionPeriod=100y',
      // Without deduplication a rewritten sample is stored twice; 1 ms makes a rewrite of the
      // same series and timestamp replace the sample, as InfluxDB does (Sink idempotency).
      '-dedup.minScrapeInterval=1ms',
      '-search.disableCache',
      '-loggerLevel=ERROR',
    ],
    dir,
    url: `http://127.0.0.1:${port}`,
    readyPath: '/health',
    readyStatus: 200,
    timeoutMs,
  });
  return {
    ...handle,
    async exportSeries(match, range) {
      // Recently written rows sit in an in-memory buffer until flushed (about every second).
      const flush = await fetch(`${handle.url}/internal/force_flush`);
      await flush.body?.cancel();
      const params = new URLSearchParams({ 'match[]': match });
      if (range) {
        params.set('start', new Date(range.from).toISOString());
        params.set('end', new Date(range.to).toISOString());
      }
      const res = await fetch(`${handle.url}/api/v1/export?${params}`);
      const text = await res.text();
      if (!res.ok) throw new Error(`export ${match}: ${res.status} ${text}`);
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as ExportedSeries);
    },
  };
}

/** All samples of the matching series merged into one ascending list, as a readings query returns. */
export function mergeSeries(series: ExportedSeries[]): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (const s of series) s.timestamps.forEach((t, i) => out.push([t, s.values[i]]));
  return out.sort((a, b) => a[0] - b[0]);
}

/** MetricsQL label-value string literal. */
export function promString(s: string): string {
  return JSON.stringify(s);
}
