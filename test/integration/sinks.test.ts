// Every telemetry store against the shared Sink contract, on real servers (influxd 1.x,
// VictoriaMetrics for the InfluxDB v2 write API), plus the outage behaviour RunningSink relies on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingsQuery } from '../../gateway/src/model/types.ts';
import { InfluxV1Sink } from '../../gateway/src/store/influx-v1-sink.ts';
import { InfluxV2Sink, buildFluxQuery } from '../../gateway/src/store/influx-v2-sink.ts';
import { createSink } from '../../gateway/src/store/registry.ts';
import { SqliteSink } from '../../gateway/src/store/sqlite-sink.ts';
import { startInfluxd, type ServerHandle } from '../helpers/influxd.ts';
import { freePort } from '../helpers/ports.ts';
import { mergeSeries, promString, startVictoria, type VictoriaHandle } from '../helpers/victoria.ts';
import { T0, gasPoint, sinkContract } from '../contracts/sink-contract.ts';

let influxd: ServerHandle | undefined;
let victoria: VictoriaHandle | undefined;

beforeAll(async () => {
  [influxd, victoria] = await Promise.all([startInfluxd(), startVictoria()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([influxd?.stop(), victoria?.stop()]);
}, 30_000);

sinkContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-sqlite-sink-'));
  return { sink: new SqliteSink(join(dir, 'telemetry.db')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

let v1db = 0;
sinkContract('influxdb-v1', async () => ({
  sink: new InfluxV1Sink({ type: 'influxdb-v1', url: influxd!.url, database: `hl_contract_${++v1db}`, timeoutMs: 10_000 }),
  cleanup: async () => {},
}));

sinkContract(
  'influxdb-v2 (writes, read back from VictoriaMetrics)',
  async () => ({
    sink: new InfluxV2Sink({ type: 'influxdb-v2', url: victoria!.url, org: 'hazardline', bucket: 'telemetry', token: '', timeoutMs: 10_000 }),
    cleanup: async () => {},
  }),
  {
    // VictoriaMetrics stores field f of measurement m as metric m_f, tags as labels. A new
    // series can take a moment to become searchable, so wait for the answer to settle.
    readBack: async (q: ReadingsQuery) => {
      const match = `{__name__=${promString(`${q.measurement}_${q.metric}`)},enterprise=${promString(q.enterprise)},${q.device !== undefined ? `device=${promString(q.device)}` : `site=${promString(q.site!)},zone=${promString(q.zone!)},device=""`}}`;
      const started = Date.now();
      let last = '';
      for (;;) {
        const got = mergeSeries(await victoria!.exportSeries(match, { from: q.from, to: q.to }));
        const text = JSON.stringify(got);
        // Settled: the same answer twice, and an empty one only after a second of asking.
        if (text === last && (got.length > 0 || Date.now() - started > 1000)) return got;
        if (Date.now() - started > 15_000) return got;
        last = text;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  },
);

describe('buildFluxQuery (influxdb-v2 reads; VictoriaMetrics has no Flux)', () => {
  const base: ReadingsQuery = { measurement: 'gas', enterprise: 'ent-a', device: 'gas-01', metric: 'lel', from: T0, to: T0 + 60_000 };

  it('raw: range with exclusive stop = to + 1 ms, filters, merged series sorted by time', () => {
    expect(buildFluxQuery('telemetry', base)).toBe(
      [
        'from(bucket: "telemetry")',
        '  |> range(start: 2024-11-22T00:00:00.000Z, stop: 2024-11-22T00:01:00.001Z)',
        '  |> filter(fn: (r) => r._measurement == "gas" and r._field == "lel")',
        '  |> filter(fn: (r) => r.enterprise == "ent-a" and r.device == "gas-01")',
        '  |> group()',
        '  |> sort(columns: ["_time"])',
        '  |> limit(n: 100000)',
        '  |> keep(columns: ["_time", "_value"])',
      ].join('\n'),
    );
  });

  it('aggregated: aggregateWindow with the asked function, window starts, no empty windows', () => {
    const text = buildFluxQuery('telemetry', { ...base, every: 60_000, agg: 'max', limit: 10 });
    expect(text).toContain('|> aggregateWindow(every: 60000ms, fn: max, timeSrc: "_start", createEmpty: false)');
    expect(text).toContain('|> limit(n: 10)');
    expect(text).not.toContain('sort(');
    expect(buildFluxQuery('b', { ...base, every: 1000 })).toContain('fn: mean,');
  });

  it('escapes strings so a value cannot end the literal', () => {
    const text = buildFluxQuery('tele"metry', { ...base, device: 'x" or true or r.device == "', metric: 'a\\b' });
    expect(text).toContain('from(bucket: "tele\\"metry")');
    expect(text).toContain('r.device == "x\\" or true or r.device == \\""');
    expect(text).toContain('r._field == "a\\\\b"');
  });

  it("a zone's head-count: the occupancy series by site and zone (no device tag)", () => {
    const text = buildFluxQuery('b', { measurement: 'occupancy', enterprise: 'ent-a', site: 's1', zone: 'z-1', metric: 'persons', from: T0, to: T0 + 1 });
    expect(text).toContain('|> filter(fn: (r) => r.enterprise == "ent-a" and r.site == "s1" and r.zone == "z-1" and not exists r.device)');
    expect(text).not.toContain('r.device ==');
  });

  it('rejects a bucket width below 1 ms', () => {
    expect(() => buildFluxQuery('b', { ...base, every: 0 })).toThrow(RangeError);
  });
});

describe('InfluxV1Sink during a store outage', () => {
  const e = 'ent-outage';
  let sink: InfluxV1Sink;
  beforeAll(async () => {
    // A short timeout: a paused influxd accepts the connection and never answers.
    sink = new InfluxV1Sink({ type: 'influxdb-v1', url: influxd!.url, database: 'hl_outage', timeoutMs: 10_000 }, { timeoutMs: 500 });
    await sink.open();
  });

  it('rejects while influxd is paused and writes again after resume', async () => {
    await sink.write([gasPoint(e, 'gas-01', T0 + 1000, { lel: 1 })]);
    influxd!.pause();
    try {
      const started = Date.now();
      await expect(sink.write([gasPoint(e, 'gas-01', T0 + 2000, { lel: 2 })])).rejects.toThrow(/timed out/i);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await sink.ping()).toBe(false);
    } finally {
      influxd!.resume();
    }
    // No back-off inside the sink: the very next call reaches the store again.
    await sink.write([gasPoint(e, 'gas-01', T0 + 3000, { lel: 3 })]);
    expect(await sink.ping()).toBe(true);
    // The timed-out write may or may not have landed (at-least-once; WAL replay is idempotent).
    const got = await sink.query({ measurement: 'gas', enterprise: e, device: 'gas-01', metric: 'lel', from: T0, to: T0 + 10_000 });
    expect(got[0]).toEqual([T0 + 1000, 1]);
    expect(got.at(-1)).toEqual([T0 + 3000, 3]);
  }, 30_000);

  it('rejects at once when nothing listens (influxd stopped)', async () => {
    const down = new InfluxV1Sink({ type: 'influxdb-v1', url: `http://127.0.0.1:${await freePort()}`, database: 'x', timeoutMs: 500 });
    await expect(down.write([gasPoint(e, 'gas-01', T0, { lel: 1 })])).rejects.toThrow(/ECONNREFUSED/);
    expect(await down.ping()).toBe(false);
  });
});

describe('InfluxV2Sink errors propagate', () => {
  it('rejects when nothing listens, without retrying in the background', async () => {
    const sink = new InfluxV2Sink({ type: 'influxdb-v2', url: `http://127.0.0.1:${await freePort()}`, org: 'o', bucket: 'b', token: '', timeoutMs: 500 });
    await expect(sink.write([gasPoint('e', 'gas-01', T0, { lel: 1 })])).rejects.toThrow();
    expect(await sink.ping()).toBe(false);
    await sink.close();
  });

  it('rejects while the store hangs (paused) and writes again after resume', async () => {
    const sink = new InfluxV2Sink({ type: 'influxdb-v2', url: victoria!.url, org: 'o', bucket: 'b', token: '', timeoutMs: 500 });
    victoria!.pause();
    try {
      const started = Date.now();
      await expect(sink.write([gasPoint('ent-v2-outage', 'gas-01', T0, { lel: 1 })])).rejects.toThrow(/timed? ?out/i);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await sink.ping()).toBe(false);
    } finally {
      victoria!.resume();
    }
    await sink.write([gasPoint('ent-v2-outage', 'gas-01', T0 + 1000, { lel: 2 })]);
    expect(await sink.ping()).toBe(true);
    await sink.close();
  }, 30_000);

  it('rejects a batch the store refuses (HTTP 4xx)', async () => {
    // influxd 1.6 has no /api/v2/write: a real server answering 404 stands in for 400/401/413.
    const sink = new InfluxV2Sink({ type: 'influxdb-v2', url: influxd!.url, org: 'o', bucket: 'b', token: '', timeoutMs: 10_000 });
    await expect(sink.write([gasPoint('e', 'gas-01', T0, { lel: 1 })])).rejects.toMatchObject({ statusCode: 404 });
    await sink.close();
  });
});

describe('createSink', () => {
  it('builds each store type by its config key', () => {
    const dir = join(tmpdir(), 'hl-registry');
    expect(createSink({ type: 'sqlite' }, dir)).toBeInstanceOf(SqliteSink);
    expect(createSink({ type: 'sqlite' }, dir).type).toBe('sqlite');
    expect(createSink({ type: 'influxdb-v1', url: 'http://127.0.0.1:8086', database: 'd', timeoutMs: 1000 }, dir).type).toBe('influxdb-v1');
    const v2 = createSink({ type: 'influxdb-v2', url: 'http://127.0.0.1:8086', org: 'o', bucket: 'b', token: '', timeoutMs: 1000 }, dir);
    expect(v2.type).toBe('influxdb-v2');
    void v2.close();
  });

  it('passes storage.telemetry.timeoutMs to the influx sinks', () => {
    const timeout = (s: unknown) => (s as { timeoutMs: number }).timeoutMs;
    expect(timeout(createSink({ type: 'influxdb-v1', url: 'http://127.0.0.1:8086', database: 'd', timeoutMs: 1234 }, '/d'))).toBe(1234);
    const v2 = createSink({ type: 'influxdb-v2', url: 'http://127.0.0.1:8086', org: 'o', bucket: 'b', token: '', timeoutMs: 4321 }, '/d');
    expect(timeout(v2)).toBe(4321);
    void v2.close();
  });

  it('puts the sqlite store in dataDir/telemetry.db unless a path is given', () => {
    const at = (s: unknown) => (s as { file: string }).file;
    expect(at(createSink({ type: 'sqlite' }, '/data/hl'))).toBe('/data/hl/telemetry.db');
    expect(at(createSink({ type: 'sqlite', path: '/x/t.db' }, '/data/hl'))).toBe('/x/t.db');
  });
});
