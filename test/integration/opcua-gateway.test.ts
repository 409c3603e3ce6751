// OPC UA through the whole gateway (CONTRACT §4–5): a node-opcua server's values land in the
// telemetry store, bad status is stored as quality, the session state shows in /healthz and
// /metrics, and a lost endpoint marks its devices offline.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusCodes } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { TestOpcuaServer } from '../helpers/opcua-server.ts';
import { freePort } from '../helpers/ports.ts';
import { waitFor } from '../helpers/ports.ts';

let server: TestOpcuaServer;
let t: TestGateway;
const statuses: { device: string; online: boolean }[] = [];

beforeAll(async () => {
  server = new TestOpcuaServer(await freePort(), [{ nodeId: 'ns=1;s=Belt.TPH', site: 's1', device: 'belt-main', name: 'TPH', initial: 0 }], mkdtempSync(join(tmpdir(), 'hl-opcua-gw-')));
  await server.start();
  t = await startTestGateway({
    opcua: [{ endpoint: server.endpoint, site: 's1', samplingIntervalMs: 50, nodes: [{ nodeId: 'ns=1;s=Belt.TPH', device: 'belt-main', metric: 'tph' }] }],
  });
  t.gw.wal.on('durable', (entries) => {
    for (const e of entries) if (e.frame.type === 'status') statuses.push({ device: e.frame.device, online: e.frame.online });
  });
});
afterAll(async () => {
  await t?.stop();
  await server?.stop();
});

const readings = async (metric: string) =>
  (await t.gw.api.inject({ method: 'GET', url: `/api/v1/readings?device=belt-main&metric=${metric}&from=0&to=${Date.now() + 60_000}`, headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })).json().points as number[][];

describe('OPC UA ingest through the gateway', () => {
  it('stores data changes as readings of the mapped device and metric', async () => {
    await waitFor(() => t.gw.health().find((c) => c.name.startsWith('opcua:'))?.ok, 30_000, 'opcua session');
    const ts = new Date(Date.UTC(2026, 10, 22, 1, 0, 0));
    server.set('ns=1;s=Belt.TPH', 123.5, { sourceTimestamp: ts });
    const pts = await waitFor(async () => ((await readings('tph')).some((p) => p[1] === 123.5) ? readings('tph') : null));
    expect(pts).toContainEqual([ts.getTime(), 123.5]);
    const metrics = await (await t.gw.api.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(new RegExp(`hazardline_opcua_session_state\\{endpoint="${server.endpoint.replace(/[.]/g, '\\.')}"\\} 1`));
    expect(metrics).toMatch(/hazardline_ingest_readings_total\{transport="opcua"\} [1-9]/);
  });

  it('records a bad status as quality, not as a value', async () => {
    const ts = new Date(Date.UTC(2026, 10, 22, 2, 0, 0));
    server.set('ns=1;s=Belt.TPH', 999, { status: StatusCodes.BadSensorFailure, sourceTimestamp: ts });
    await waitFor(async () => {
      const db = (await import('better-sqlite3')).default;
      const conn = new db(join(t.dataDir, 'telemetry.db'), { readonly: true });
      const row = conn.prepare("SELECT svalue FROM points WHERE field = 'tph_quality' AND ts = ?").get(ts.getTime()) as { svalue: string } | undefined;
      conn.close();
      return row?.svalue === 'bad';
    });
    expect((await readings('tph')).some((p) => p[1] === 999)).toBe(false);
  });

  it('a lost endpoint marks its devices offline and /healthz degraded; they come back online', async () => {
    await server.stop();
    await waitFor(() => statuses.some((s) => s.device === 'belt-main' && !s.online), 30_000, 'offline status');
    const health = await t.gw.api.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(503);
    await server.start();
    await waitFor(() => statuses.at(-1)?.online === true, 60_000, 'online again');
    expect((await t.gw.api.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
