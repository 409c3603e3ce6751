// Durability (CONTRACT §5): every acknowledged QoS 1 reading reaches the store exactly once,
// across a SIGKILL of the gateway mid-stream and across a telemetry-store outage.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { rawTestConfig, startTestGateway, tempDir, TEST_TOKENS, writeConfigFile } from '../helpers/gateway.ts';
import { spawnGateway } from '../helpers/child-gateway.ts';
import { startInfluxd } from '../helpers/influxd.ts';
import { waitFor } from '../helpers/ports.ts';
import { InfluxV1Sink } from '../../gateway/src/store/influx-v1-sink.ts';

const TOPIC = 'hl/v1/ent-a/s1/gas-01/telemetry';
const BASE = 1_700_010_000_000;
const payload = (i: number) => JSON.stringify({ ts: BASE + i, values: { lel: i } });

/** Publishes `n` numbered readings, keeping `window` in flight; returns the indices acknowledged. */
async function stream(url: string, n: number, onAck: (acked: number) => void | Promise<void>, window = 20) {
  const client = await mqtt.connectAsync(url, { username: 'gas-01', password: 'pw-gas-01', clientId: 'durability-gas-01', clean: false, reconnectPeriod: 100 });
  const acked = new Set<number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < n) {
        const i = next++;
        await client.publishAsync(TOPIC, payload(i), { qos: 1 });
        acked.add(i);
        await onAck(acked.size);
      }
    }),
  );
  await client.endAsync();
  return acked;
}

describe('durability', () => {
  it('SIGKILL mid-stream: every acknowledged reading is in the store exactly once after restart', async () => {
    const dir = tempDir();
    const raw = await rawTestConfig(dir);
    raw.wal = { fsync: true, segmentBytes: 256 * 1024, maxBytes: 64 * 1024 * 1024 };
    const file = writeConfigFile(dir, raw);
    const httpPort = raw.gateway.http.port;
    const url = `mqtt://127.0.0.1:${raw.mqtt.embedded.port}`;
    let gw = await spawnGateway(file, httpPort);
    const N = 3000;
    let killed = false;
    let restarting: Promise<void> | undefined;
    const acked = await stream(url, N, async (count) => {
      if (!killed && count >= 1000) {
        killed = true;
        restarting = (async () => {
          await gw.kill9();
          gw = await spawnGateway(file, httpPort);
        })();
      }
    });
    await restarting;
    expect(acked.size).toBe(N);
    // wait for the WAL to drain, then stop cleanly and read the store itself
    await waitFor(async () => /hazardline_wal_depth 0\b/.test(await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text()), 30_000, 'wal drained');
    expect(await gw.terminate()).toBe(0);
    const db = new Database(join(dir, 'telemetry.db'), { readonly: true });
    const rows = db.prepare("SELECT p.ts, p.value FROM points p JOIN series s ON s.id = p.series_id WHERE s.device = 'gas-01' AND p.field = 'lel' ORDER BY p.ts").all() as { ts: number; value: number }[];
    db.close();
    expect(rows.length).toBe(N);
    expect(new Set(rows.map((r) => r.ts)).size).toBe(N);
    rows.forEach((r, i) => expect(r).toEqual({ ts: BASE + i, value: i }));
  }, 120_000);

  it('telemetry store down mid-stream (InfluxDB 1.x paused): acknowledgements continue, everything lands after it returns', async () => {
    const influx = await startInfluxd();
    const t = await startTestGateway({ storage: { telemetry: { type: 'influxdb-v1', url: influx.url, database: 'hl_outage', timeoutMs: 1000 } } });
    try {
      const N = 600;
      let paused = false;
      const acked = await stream(t.mqttUrl, N, (count) => {
        if (!paused && count >= 200) {
          paused = true;
          influx.pause();
        }
      });
      expect(acked.size).toBe(N);
      await waitFor(async () => (await t.gw.metrics.sinkFailures.get()).values.some((v) => v.value > 0), 20_000, 'a failed batch while paused');
      expect(t.gw.health().find((c) => c.name === 'store:influxdb-v1')?.ok).toBe(false);
      influx.resume();
      const pts = await waitFor(async () => {
        const res = await t.gw.api.inject({ method: 'GET', url: `/api/v1/readings?device=gas-01&metric=lel&from=${BASE}&to=${BASE + N}`, headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } });
        const p = res.json().points as number[][];
        return p.length === N ? p : null;
      }, 60_000, 'all readings in InfluxDB');
      expect(pts).toEqual(Array.from({ length: N }, (_, i) => [BASE + i, i]));
      // the alarm measurement of the leak's alarms follows the readings through the same WAL
      await waitFor(() => t.gw.wal.depth() === 0, 30_000, 'wal drained');
    } finally {
      influx.resume();
      await t.stop();
      await influx.stop();
    }
  }, 120_000);

  it('points the store refuses for good (InfluxDB field-type conflict) are dead-lettered and do not block the rest', async () => {
    const influx = await startInfluxd();
    const cfg = { type: 'influxdb-v1' as const, url: influx.url, database: 'hl_poison', timeoutMs: 2000 };
    // an earlier writer stored gas.co as a string: every numeric co point now conflicts (HTTP 400)
    const pre = new InfluxV1Sink(cfg);
    await pre.open();
    await pre.write([{ measurement: 'gas', tags: { enterprise: 'ent-a', site: 's1', device: 'gas-01' }, fields: { co: 'n/a' }, ts: BASE - 1 }]);
    await pre.close();
    const t = await startTestGateway({ storage: { telemetry: cfg } });
    try {
      const c = await mqtt.connectAsync(t.mqttUrl, { username: 's1-eon', password: 'pw-s1', reconnectPeriod: 0 });
      await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts: BASE + 1, values: { co: 5 } }), { qos: 1 });
      for (let i = 0; i < 20; i++) await c.publishAsync('hl/v1/ent-a/s1/gas-02/telemetry', JSON.stringify({ ts: BASE + 10 + i, values: { h2s: i } }), { qos: 1 });
      await c.endAsync();
      const pts = await waitFor(async () => {
        const res = await t.gw.api.inject({ method: 'GET', url: `/api/v1/readings?device=gas-02&metric=h2s&from=${BASE}&to=${BASE + 100}`, headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } });
        const p = res.json().points as number[][];
        return p.length === 20 ? p : null;
      }, 30_000, 'the good readings behind the refused one');
      expect(pts.map((p) => p[1])).toEqual(Array.from({ length: 20 }, (_, i) => i));
      await waitFor(() => t.gw.wal.depth() === 0, 60_000, 'wal drained');
      expect((await t.gw.metrics.sinkRejected.get()).values[0]?.value).toBe(1);
      const dead = t.gw.deadLetters.list({ reason: 'store_rejected' });
      expect(dead).toHaveLength(1);
      expect(dead[0].payload).toContain('"co":5');
    } finally {
      await t.stop();
      await influx.stop();
    }
  }, 120_000);
});
