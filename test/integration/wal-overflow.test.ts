// WAL bound (CONTRACT §5, docs/config.md wal.overflow): with the store down and the WAL full,
// reject-new refuses new messages without acknowledging them, counts them and degrades /healthz.
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.ts';
import { freePort, waitFor } from '../helpers/ports.ts';

describe('WAL overflow through the gateway', () => {
  it('reject-new: no PUBACK once full, counted as wal_full, /healthz degraded; earlier readings kept', async () => {
    const deadPort = await freePort(); // nothing listens: the store is down for the whole test
    const t = await startTestGateway({
      storage: { telemetry: { type: 'influxdb-v1', url: `http://127.0.0.1:${deadPort}`, database: 'x', timeoutMs: 500 } },
      wal: { fsync: false, segmentBytes: 256 * 1024, maxBytes: 1024 * 1024, overflow: 'reject-new' },
    });
    // alarm transitions go through the WAL too (the `alarm` measurement): counted apart
    let alarmFrames = 0;
    t.gw.wal.on('durable', (es) => (alarmFrames += es.filter((e) => e.frame.type === 'points').length));
    try {
      const c = await mqtt.connectAsync(t.mqttUrl, { username: 'gas-01', password: 'pw-gas-01', reconnectPeriod: 0 });
      const closed = new Promise<void>((r) => c.once('close', () => r()));
      let acked = 0;
      const body = (i: number) => JSON.stringify({ ts: 1_700_020_000_000 + i, values: { lel: i, co: i, h2s: i, o2: 20.9 } });
      for (let i = 0; i < 50_000 && c.connected; i++) {
        const ok = await Promise.race([c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', body(i), { qos: 1 }).then(() => true, () => false), closed.then(() => false)]);
        if (!ok) break;
        acked++;
      }
      await closed; // the broker drops the connection instead of acknowledging: the device keeps the message
      expect(acked).toBeGreaterThan(100);
      expect(acked).toBeLessThan(50_000);
      expect((await t.gw.metrics.rejected.get()).values.find((v) => v.labels.reason === 'wal_full')?.value).toBeGreaterThanOrEqual(1);
      expect(t.gw.wal.bytes()).toBeLessThanOrEqual(1024 * 1024);
      expect(t.gw.wal.depth()).toBe(acked + alarmFrames);
      const health = await t.gw.api.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(503);
      expect(health.json().checks.find((x: { name: string }) => x.name === 'wal')).toMatchObject({ ok: false, detail: { maxBytes: 1024 * 1024 } });
      await waitFor(async () => /hazardline_wal_overflow_total\{policy="reject-new"\} [1-9]/.test((await t.gw.api.inject({ method: 'GET', url: '/metrics' })).body));
      c.end(true);
    } finally {
      await t.stop();
    }
  });
});
