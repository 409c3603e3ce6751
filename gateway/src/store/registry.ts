// Builds the telemetry store named by `storage.telemetry.type`; the keys equal each Sink's `type`
// (ARCHITECTURE.md: config `type` values match the registry keys that build them).
import { join } from 'node:path';
import type { TelemetryStoreConfig } from '../config/schema.ts';
import { InfluxV1Sink } from './influx-v1-sink.ts';
import { InfluxV2Sink } from './influx-v2-sink.ts';
import type { Sink } from './sink.ts';
import { SqliteSink } from './sqlite-sink.ts';

export function createSink(cfg: TelemetryStoreConfig, dataDir: string): Sink {
  switch (cfg.type) {
    case 'sqlite':
      return new SqliteSink(cfg.path ?? join(dataDir, 'telemetry.db'));
    case 'influxdb-v1':
      return new InfluxV1Sink(cfg, { timeoutMs: cfg.timeoutMs });
    case 'influxdb-v2':
      return new InfluxV2Sink(cfg, { timeoutMs: cfg.timeoutMs });
    default: {
      // The config schema rejects other types; this keeps the switch exhaustive for the compiler.
      const never: never = cfg;
      throw new Error(`unknown telemetry store type ${JSON.stringify((never as { type?: unknown }).type)}`);
    }
  }
}
