// Test fixture for the route unit tests (api/*.test.ts): a real fastify app from buildApi with a
// real TokenAuth over a small config, and nothing else — no gateway, database, broker or
// network; each test hands its route module stubbed services.
import { parseConfig } from '../config/load.ts';
import { createLogger } from '../log.ts';
import { Metrics } from '../metrics/metrics.ts';
import { AssetModel } from '../model/assets.ts';
import type { Sink } from '../store/sink.ts';
import type { DeadLetterStore } from '../deadletter/dead-letter-store.ts';
import { TokenAuth } from './auth.ts';
import { buildApi, type HealthCheck } from './server.ts';

export const NOW = Date.parse('2026-11-02T10:00:00+08:00');

export const TOKENS = {
  admin: 'tok-admin-0000000000000001',
  dispatcherA: 'tok-disp-a-00000000000001',
  officerA: 'tok-officer-a-000000000001',
  officerB: 'tok-officer-b-000000000001',
  regulator: 'tok-regulator-00000000001',
  worker: 'tok-worker-a-0000000000001',
} as const;

export const bearer = (t: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[t]}` });

export function testConfig() {
  return parseConfig({
    gateway: { id: 'gw-unit', timezone: 'Asia/Shanghai' },
    auth: {
      tokens: [
        { token: TOKENS.admin, role: 'admin', id: 'admin-li' },
        { token: TOKENS.dispatcherA, role: 'dispatcher', enterprises: ['ent-a'], id: 'disp-wang', name: '王调度' },
        { token: TOKENS.officerA, role: 'officer', enterprises: ['ent-a'], id: 'officer-zhao' },
        { token: TOKENS.officerB, role: 'officer', enterprises: ['ent-b'], id: 'officer-qian' },
        { token: TOKENS.regulator, role: 'regulator', jurisdictions: ['taian'], id: 'reg-sun' },
        { token: TOKENS.worker, role: 'worker', enterprises: ['ent-a'], id: 'worker-zhou' },
      ],
    },
    enterprises: [
      { id: 'ent-a', name: '甲矿业', jurisdiction: 'taian', sites: [{ id: 's1', zones: [{ id: 'z1' }], devices: [{ id: 'gas-01', kind: 'gas', zone: 'z1' }] }] },
      { id: 'ent-b', name: '乙化工', jurisdiction: 'jinan', sites: [{ id: 'p1', devices: [{ id: 'gas-09', kind: 'gas' }] }] },
    ],
  });
}

export function testApp(health: () => HealthCheck[] = () => []) {
  const config = testConfig();
  const assets = AssetModel.fromConfig(config);
  const auth = new TokenAuth(config.auth.tokens, assets);
  const sink = { type: 'stub', open: async () => {}, write: async () => {}, close: async () => {}, query: async () => [] } as unknown as Sink;
  const deadLetters = { list: () => [], add: () => {}, close: () => {} } as unknown as DeadLetterStore;
  const log = createLogger({ level: 'silent' });
  const app = buildApi({ assets, auth, sink, deadLetters, metrics: new Metrics(), clock: { now: () => NOW }, log, health });
  return { app, auth, assets, config };
}
