// A gateway on free ports in a temp dataDir, for integration tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { demoConfig } from '../../gateway/src/config/demo.ts';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { freePorts } from './ports.ts';

export const TEST_TOKENS = { admin: 'test-admin', dispatcher: 'test-dispatcher', regulator: 'test-regulator' };

/** A raw (YAML-shaped) config: two enterprises, a few devices, device credentials. */
export async function rawTestConfig(dataDir: string, over: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const [httpPort, mqttPort] = await freePorts(2);
  return {
    gateway: { id: 'gw-test', http: { host: '127.0.0.1', port: httpPort }, dataDir },
    mqtt: { embedded: { host: '127.0.0.1', port: mqttPort } },
    wal: { fsync: false, segmentBytes: 1024 * 1024, maxBytes: 64 * 1024 * 1024 },
    auth: {
      tokens: [
        { token: TEST_TOKENS.admin, role: 'admin' },
        { token: TEST_TOKENS.dispatcher, role: 'dispatcher', enterprises: ['ent-a'] },
        { token: TEST_TOKENS.regulator, role: 'regulator', jurisdictions: ['taian'] },
      ],
      devices: [
        { username: 'gas-01', password: 'pw-gas-01', enterprise: 'ent-a', site: 's1', device: 'gas-01' },
        { username: 'gas-02', password: 'pw-gas-02', enterprise: 'ent-a', site: 's1', device: 'gas-02' },
        { username: 's1-eon', password: 'pw-s1', enterprise: 'ent-a', site: 's1' },
        { username: 'b-eon', password: 'pw-b', enterprise: 'ent-b', site: 'p1' },
      ],
    },
    enterprises: [
      {
        id: 'ent-a',
        name: '示例矿业',
        sector: 'metal-nonmetal-mine',
        jurisdiction: 'taian',
        sites: [
          {
            id: 's1',
            zones: [{ id: 'z-stope-301', name: '301采场', maxPersons: 9, highRisk: true }],
            devices: [
              { id: 'gas-01', kind: 'gas', zone: 'z-stope-301' },
              { id: 'gas-02', kind: 'gas' },
              { id: 'belt-main', kind: 'belt' },
              { id: 'meter-main', kind: 'power' },
              { id: 'uwb-1', kind: 'positioning' },
            ],
          },
        ],
      },
      { id: 'ent-b', jurisdiction: 'jinan', sites: [{ id: 'p1', devices: [{ id: 'gas-h2s-1', kind: 'gas' }] }] },
    ],
    ...over,
  };
}

export interface TestGateway {
  gw: Gateway;
  dataDir: string;
  mqttUrl: string;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export function tempDir(prefix = 'hl-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestGateway(over: Record<string, unknown> = {}, dataDir = tempDir()): Promise<TestGateway> {
  const raw = await rawTestConfig(dataDir, over);
  const gw = new Gateway(parseConfig(raw), { log: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  await gw.start();
  return {
    gw,
    dataDir,
    mqttUrl: `mqtt://127.0.0.1:${gw.mqttPort}`,
    async stop(opts = {}) {
      await gw.stop();
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function writeConfigFile(dir: string, raw: Record<string, unknown>): string {
  const file = join(dir, 'hazardline.yaml');
  writeFileSync(file, stringify(raw));
  return file;
}

/** A gateway on the demo config (`hazardline demo`'s), on free ports in `dataDir`, WAL without fsync. */
export async function startDemoGateway(dataDir: string): Promise<Gateway> {
  const [port, mqttPort] = await freePorts(2);
  const config = demoConfig({ port, mqttPort });
  config.gateway.dataDir = dataDir;
  config.wal.fsync = false;
  const gw = new Gateway(config, { log: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  await gw.start();
  return gw;
}
