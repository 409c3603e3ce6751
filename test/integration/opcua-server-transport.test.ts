// The simulators' OPC UA server transport: a plant engineer's address space (browsed by a plain
// node-opcua client), and a real gateway subscribed to it stores what send() publishes.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AttributeIds, NodeClass, OPCUAClient, OPCUACertificateManager, type ClientSession, type EUInformation } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaServerTransport, opcuaNodeId, opcuaNodesFor, type OpcuaDevice } from '../../simulators/src/transports/opcua-server-transport.ts';
import { startTestGateway, tempDir, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { freePort, waitFor } from '../helpers/ports.ts';

const devices: OpcuaDevice[] = [
  { enterprise: 'ent-a', site: 's1', id: 'gas-01', kind: 'gas', metrics: ['lel', 'co'] },
  { enterprise: 'ent-a', site: 's1', id: 'belt-main', kind: 'belt', metrics: ['tph', 'total_t'], events: true },
];
const pki = tempDir('hl-opcua-sim-');
let transport: OpcuaServerTransport;

beforeAll(async () => {
  transport = new OpcuaServerTransport(devices, { port: await freePort(), pkiDir: join(pki, 'server') });
  await transport.start();
});
afterAll(async () => {
  await transport?.stop();
  rmSync(pki, { recursive: true, force: true });
});

async function child(session: ClientSession, parent: string, name: string): Promise<string> {
  const res = await session.browse(parent);
  const ref = res.references?.find((r) => r.browseName.name === name);
  if (!ref) throw new Error(`no ${name} under ${parent}: ${res.references?.map((r) => r.browseName.name).join(', ')}`);
  return ref.nodeId.toString();
}

describe('OpcuaServerTransport', () => {
  it('exposes Objects/{enterprise}/{site}/{device}/{metric} analog items with engineering units', async () => {
    const client = OPCUAClient.create({
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 3, initialDelay: 100, maxDelay: 500 },
      clientCertificateManager: new OPCUACertificateManager({ rootFolder: join(pki, 'client'), automaticallyAcceptUnknownCertificate: true }),
    });
    await client.connect(transport.endpoint);
    try {
      const session = await client.createSession();
      const ent = await child(session, 'ObjectsFolder', 'ent-a');
      const site = await child(session, ent, 's1');
      const dev = await child(session, site, 'gas-01');
      const lel = await child(session, dev, 'lel');
      expect(lel).toBe(opcuaNodeId('s1', 'gas-01', 'lel'));
      expect((await session.browse(dev)).references?.map((r) => r.browseName.name).sort()).toEqual(['co', 'lel']);
      expect((await session.read({ nodeId: lel, attributeId: AttributeIds.NodeClass })).value.value).toBe(NodeClass.Variable);

      const ts = Date.UTC(2026, 10, 22, 0, 30, 0);
      await transport.send(devices[0], { ts, values: { lel: 12.5, co: 4 } });
      const dv = await session.read({ nodeId: lel, attributeId: AttributeIds.Value });
      expect(dv.value.value).toBe(12.5);
      expect(dv.statusCode.isGood()).toBe(true);
      expect(dv.sourceTimestamp?.getTime()).toBe(ts);

      const eu = (await session.read({ nodeId: await child(session, lel, 'EngineeringUnits'), attributeId: AttributeIds.Value })).value.value as EUInformation;
      expect(eu.displayName.text).toBe('%LEL');
      const tph = await child(session, await child(session, site, 'belt-main'), 'tph');
      const tphEu = (await session.read({ nodeId: await child(session, tph, 'EngineeringUnits'), attributeId: AttributeIds.Value })).value.value as EUInformation;
      expect(tphEu.displayName.text).toBe('t/h');
      await session.close();
    } finally {
      await client.disconnect();
    }
  });

  describe('through a real gateway', () => {
    let t: TestGateway;
    // written before the gateway subscribes: the variable's value then is a state, not news
    const stale = Date.UTC(2026, 10, 22, 0, 30, 0);
    beforeAll(async () => {
      await transport.send(devices[1], { ts: stale, values: {}, events: [{ type: 'belt_slip' }] });
      t = await startTestGateway({ opcua: [{ endpoint: transport.endpoint, site: 's1', samplingIntervalMs: 50, nodes: opcuaNodesFor(devices) }] });
    });
    afterAll(async () => {
      await t?.stop();
    });

    const readings = async (device: string, metric: string) =>
      (await t.gw.api.inject({ method: 'GET', url: `/api/v1/readings?device=${device}&metric=${metric}&from=0&to=${Date.now() + 60_000}`, headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })).json().points as number[][];
    const has = async (device: string, metric: string, ts: number, value: number) => (await readings(device, metric)).some((p) => p[0] === ts && p[1] === value);

    it('stores sent values with their source timestamps; bad metrics are not values', async () => {
      await waitFor(() => t.gw.health().find((c) => c.name.startsWith('opcua:'))?.ok, 30_000, 'opcua session');
      const ts1 = Date.UTC(2026, 10, 22, 1, 0, 0);
      await transport.send(devices[0], { ts: ts1, values: { lel: 21.5, co: 7 } });
      await transport.send(devices[1], { ts: ts1, values: { tph: 812.5, total_t: 15000 } });
      await waitFor(async () => (await has('gas-01', 'lel', ts1, 21.5)) && (await has('gas-01', 'co', ts1, 7)), 20_000, 'gas readings');
      await waitFor(async () => (await has('belt-main', 'tph', ts1, 812.5)) && (await has('belt-main', 'total_t', ts1, 15000)), 20_000, 'belt readings');

      const ts2 = ts1 + 1000;
      await transport.send(devices[0], { ts: ts2, values: { lel: 22.5, co: 777 }, bad: ['co'] });
      await waitFor(() => has('gas-01', 'lel', ts2, 22.5), 20_000, 'second lel reading');
      await waitFor(async () => {
        const db = (await import('better-sqlite3')).default;
        const conn = new db(join(t.dataDir, 'telemetry.db'), { readonly: true });
        try {
          const row = conn.prepare("SELECT svalue FROM points WHERE field = 'co_quality' AND ts = ?").get(ts2) as { svalue: string } | undefined;
          return row?.svalue === 'bad';
        } finally {
          conn.close();
        }
      }, 20_000, 'co bad quality');
      const co = await readings('gas-01', 'co');
      expect(co.some((p) => p[1] === 777 || p[0] === ts2)).toBe(false);
    });

    it('device events (issue 17): each write of the Event variable is one event at its source timestamp; the value found at subscription is none', async () => {
      await waitFor(() => t.gw.health().find((c) => c.name.startsWith('opcua:'))?.ok, 30_000, 'opcua session');
      const ts = Date.UTC(2026, 10, 22, 2, 0, 0);
      await transport.send(devices[1], { ts, values: { tph: 0 }, events: [{ type: 'belt_tear', detail: { position_m: 412 } }] });
      const alarms = async () =>
        (await t.gw.api.inject({ method: 'GET', url: '/api/v1/alarms?state=all&device=belt-main', headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } })).json().alarms as { rule: string; key?: string; raisedAt: string; message: string }[];
      await waitFor(async () => (await alarms()).some((a) => a.rule === 'belt.protection'), 20_000, 'the belt tear alarm');
      const got = (await alarms()).filter((a) => a.rule === 'belt.protection');
      expect(got.map((a) => Date.parse(a.raisedAt))).toEqual([ts]);
      expect(got[0].message).toContain('纵向撕裂');
    });
  });
});
