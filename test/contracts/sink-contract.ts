// The abstract test suite every telemetry Sink must pass (ARCHITECTURE.md: like aedes-persistence's
// abstract tests). A backend's test file calls sinkContract() with a factory for a fresh sink.
// Each test writes under its own enterprise id, so one store can serve the whole suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point, ReadingsQuery, SeriesPoint } from '../../gateway/src/model/types.ts';
import type { Sink } from '../../gateway/src/store/sink.ts';

export interface SinkFixture {
  sink: Sink;
  cleanup(): Promise<void>;
}

export interface SinkContractOptions {
  /**
   * Reads points back instead of `sink.query()`, for a store the sink can write to but not
   * query here (influxdb-v2 against VictoriaMetrics, which has no Flux). Must return the raw
   * points of q.measurement/q.metric for q.enterprise and q.device in [q.from, q.to], ascending.
   */
  readBack?: (q: ReadingsQuery, sink: Sink) => Promise<SeriesPoint[]>;
  /** run the every=/agg=/limit tests; default: only when the sink's own query() is used */
  queryOptions?: boolean;
  /** per-test timeout in ms (real servers) */
  timeout?: number;
}

/** 2024-11-22T00:00:00Z: a fixed past instant, aligned to the minute and the hour */
export const T0 = 1_732_233_600_000;

export function gasPoint(enterprise: string, device: string, ts: number, fields: Point['fields'], zone = 'z1'): Point {
  return { measurement: 'gas', tags: { enterprise, site: 's1', zone, device }, fields, ts };
}

export function sinkContract(name: string, factory: () => Promise<SinkFixture>, opts: SinkContractOptions = {}): void {
  const queryOptions = opts.queryOptions ?? opts.readBack === undefined;
  const timeout = opts.timeout ?? 30_000;

  describe(`Sink contract: ${name}`, () => {
    let fx: SinkFixture;
    beforeAll(async () => {
      fx = await factory();
      await fx.sink.open();
    }, 60_000);
    afterAll(async () => {
      await fx?.sink.close();
      await fx?.cleanup();
    }, 30_000);

    const read = (q: ReadingsQuery) => (opts.readBack ? opts.readBack(q, fx.sink) : fx.sink.query(q));
    const q = (enterprise: string, extra: Partial<ReadingsQuery> = {}): ReadingsQuery => ({
      measurement: 'gas',
      enterprise,
      device: 'gas-01',
      metric: 'lel',
      from: T0,
      to: T0 + 3_600_000,
      ...extra,
    });

    it('opens and answers ping', async () => {
      expect(await fx.sink.ping()).toBe(true);
    });

    it('writes raw points and reads them back ascending with exact values', async () => {
      const values = [12.5, 0, -3.25, 1e-9, 123456.789, 99.99999999];
      const pts = values.map((v, i) => gasPoint('ent-raw', 'gas-01', T0 + i * 1000 + 7, { lel: v }));
      // Written out of order: the store, not the writer, sorts by time.
      await fx.sink.write([...pts].reverse());
      expect(await read(q('ent-raw'))).toEqual(values.map((v, i) => [T0 + i * 1000 + 7, v]));
    }, timeout);

    it('returns only the asked enterprise, device, metric and time range (bounds inclusive)', async () => {
      const e = 'ent-filter';
      await fx.sink.write([
        gasPoint(e, 'gas-01', T0 - 1, { lel: 1 }), // before from
        gasPoint(e, 'gas-01', T0, { lel: 2, ch4: 0.5 }), // at from
        gasPoint(e, 'gas-01', T0 + 30_000, { lel: 3 }),
        gasPoint(e, 'gas-01', T0 + 60_000, { lel: 4 }), // at to
        gasPoint(e, 'gas-01', T0 + 60_001, { lel: 5 }), // after to
        gasPoint(e, 'gas-02', T0 + 10_000, { lel: 6 }), // other device
        gasPoint('ent-filter-other', 'gas-01', T0 + 20_000, { lel: 7 }), // other enterprise
        { measurement: 'slope', tags: { enterprise: e, site: 's1', device: 'gas-01' }, fields: { lel: 8 }, ts: T0 + 40_000 },
      ]);
      expect(await read(q(e, { to: T0 + 60_000 }))).toEqual([
        [T0, 2],
        [T0 + 30_000, 3],
        [T0 + 60_000, 4],
      ]);
      expect(await read(q(e, { metric: 'ch4', to: T0 + 60_000 }))).toEqual([[T0, 0.5]]);
      expect(await read(q(e, { device: 'gas-02' }))).toEqual([[T0 + 10_000, 6]]);
      expect(await read(q(e, { device: 'gas-03' }))).toEqual([]);
    }, timeout);

    it('merges the series of a device whose zone tag changed', async () => {
      const e = 'ent-zone';
      await fx.sink.write([
        gasPoint(e, 'gas-01', T0 + 1000, { lel: 1 }, 'z1'),
        gasPoint(e, 'gas-01', T0 + 2000, { lel: 2 }, 'z2'),
        gasPoint(e, 'gas-01', T0 + 3000, { lel: 3 }, 'z1'),
      ]);
      expect(await read(q(e))).toEqual([
        [T0 + 1000, 1],
        [T0 + 2000, 2],
        [T0 + 3000, 3],
      ]);
    }, timeout);

    it("reads a zone's head-count (occupancy: site and zone tags, no device) apart from the devices in it", async () => {
      const e = 'ent-occ';
      const occ = (site: string, zone: string, ts: number, persons: number) => ({ measurement: 'occupancy', tags: { enterprise: e, site, zone }, fields: { persons }, ts });
      await fx.sink.write([
        occ('s1', 'z1', T0 + 1000, 3),
        occ('s1', 'z1', T0 + 2000, 11),
        occ('s1', 'z2', T0 + 1500, 1), // other zone
        occ('s2', 'z1', T0 + 1500, 7), // same zone id on another site
        // a device in z1 that (oddly) sent a `persons` field: not the zone's head-count
        { measurement: 'occupancy', tags: { enterprise: e, site: 's1', zone: 'z1', device: 'uwb-1' }, fields: { persons: 99 }, ts: T0 + 1800 },
      ]);
      const zq = (site: string, zone: string) => q(e, { measurement: 'occupancy', device: undefined, site, zone, metric: 'persons' });
      expect(await read(zq('s1', 'z1'))).toEqual([
        [T0 + 1000, 3],
        [T0 + 2000, 11],
      ]);
      expect(await read(zq('s2', 'z1'))).toEqual([[T0 + 1500, 7]]);
      expect(await read(zq('s1', 'z9'))).toEqual([]);
    }, timeout);

    it('is idempotent: writing the same batch twice leaves each point once', async () => {
      const e = 'ent-idem';
      const batch = [1, 2, 3].map((i) => gasPoint(e, 'gas-01', T0 + i * 1000, { lel: i * 1.5, co: i }));
      await fx.sink.write(batch);
      await fx.sink.write(batch);
      // Same tags in another key order: still the same series.
      const reordered = batch.map((p) => ({ ...p, tags: { device: p.tags.device, zone: p.tags.zone, site: p.tags.site, enterprise: e } }));
      await fx.sink.write(reordered);
      expect(await read(q(e))).toEqual([
        [T0 + 1000, 1.5],
        [T0 + 2000, 3],
        [T0 + 3000, 4.5],
      ]);
      expect(await read(q(e, { metric: 'co' }))).toEqual([
        [T0 + 1000, 1],
        [T0 + 2000, 2],
        [T0 + 3000, 3],
      ]);
    }, timeout);

    it('stores several fields of one point, each readable as its own metric', async () => {
      const e = 'ent-multi';
      const fields = { lel: 12, ch4: 0.25, co: 24, h2s: 3.5, o2: 20.9 };
      await fx.sink.write([gasPoint(e, 'gas-01', T0 + 5000, fields), gasPoint(e, 'gas-01', T0 + 6000, { lel: 13, o2: 20.8 })]);
      for (const [metric, v] of Object.entries(fields)) {
        const second = metric === 'o2' ? 20.8 : metric === 'lel' ? 13 : undefined;
        const expected: SeriesPoint[] = [[T0 + 5000, v]];
        if (second !== undefined) expected.push([T0 + 6000, second]);
        expect(await read(q(e, { metric }))).toEqual(expected);
      }
    }, timeout);

    it('keeps string fields and awkward tag values from breaking numeric writes and queries', async () => {
      const e = 'ent-str';
      // Spaces, separators, quotes, a line break and a trailing backslash: none may break the batch.
      const awkward = { enterprise: e, site: 's 1,x=y"z\\', zone: 'zone "A"\nB', device: 'gas-01' };
      await fx.sink.write([
        { measurement: 'gas', tags: awkward, fields: { lel: 10, state: 'alarm "red", level=2' }, ts: T0 + 1000 },
        { measurement: 'gas', tags: awkward, fields: { state: 'normal' }, ts: T0 + 2000 }, // no numeric field
        { measurement: 'gas', tags: awkward, fields: { lel: 11 }, ts: T0 + 3000 },
        // NaN/Infinity have no stored form: the value is dropped, never the batch.
        { measurement: 'gas', tags: awkward, fields: { lel: Number.NaN, co: 5 }, ts: T0 + 4000 },
        { measurement: 'gas', tags: awkward, fields: { lel: Number.POSITIVE_INFINITY }, ts: T0 + 5000 },
      ]);
      expect(await read(q(e))).toEqual([
        [T0 + 1000, 10],
        [T0 + 3000, 11],
      ]);
      expect(await read(q(e, { metric: 'co' }))).toEqual([[T0 + 4000, 5]]);
    }, timeout);

    it('round-trips a batch of 20,000 points', async () => {
      const e = 'ent-bulk';
      const n = 20_000;
      const pts = Array.from({ length: n }, (_, i) => gasPoint(e, 'gas-01', T0 + i * 100, { lel: Math.round(i * 0.37 * 1000) / 1000 }));
      await fx.sink.write(pts);
      const got = await read(q(e, { to: T0 + n * 100 }));
      expect(got.length).toBe(n);
      expect(got).toEqual(pts.map((p) => [p.ts, p.fields.lel]));
    }, Math.max(timeout, 60_000));

    if (!queryOptions) return;

    describe('query options', () => {
      const e = 'ent-agg';
      // Three one-minute buckets; the query starts mid-bucket, so the first bucket's start is
      // floor(from / every) * every, before `from`.
      const samples: [number, number][] = [
        [T0 + 10_000, 1],
        [T0 + 20_000, 2],
        [T0 + 50_000, 6],
        [T0 + 60_000, 10],
        [T0 + 179_999, -4],
        [T0 + 180_000, 7],
      ];
      beforeAll(async () => {
        await fx.sink.write(samples.map(([ts, v]) => gasPoint(e, 'gas-01', ts, { lel: v })));
      }, timeout);
      const agg = (agg?: ReadingsQuery['agg']) => read(q(e, { from: T0 + 5000, to: T0 + 200_000, every: 60_000, agg }));

      it('every= gives one mean point per non-empty bucket (default agg)', async () => {
        expect(await agg()).toEqual([
          [T0, 3],
          [T0 + 60_000, 10],
          [T0 + 120_000, -4],
          [T0 + 180_000, 7],
        ]);
      }, timeout);

      it('agg=min and agg=max', async () => {
        expect(await agg('min')).toEqual([
          [T0, 1],
          [T0 + 60_000, 10],
          [T0 + 120_000, -4],
          [T0 + 180_000, 7],
        ]);
        expect(await agg('max')).toEqual([
          [T0, 6],
          [T0 + 60_000, 10],
          [T0 + 120_000, -4],
          [T0 + 180_000, 7],
        ]);
      }, timeout);

      it('limit= keeps the earliest points', async () => {
        expect(await read(q(e, { limit: 2 }))).toEqual(samples.slice(0, 2));
      }, timeout);
    });
  });
}
