// Cluster-mode instances for tests and `npm run bench:cluster` (docs/cluster.md): a fresh
// PostgreSQL database, and N configs sharing NATS, that database and an InfluxDB, each with its
// own id, ports and dataDir; one device `gas-1` per enterprise (username dev-<enterprise>).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnGateway, type ChildGateway } from './child-gateway.ts';
import { tempDir, writeConfigFile } from './gateway.ts';
import { freePorts } from './ports.ts';

export const CLUSTER_ADMIN = 'cluster-admin';
export const devicePassword = (enterprise: string) => `pw-${enterprise}-0123`;
export { freshDatabase } from './postgres.ts';

export interface ClusterInstance {
  id: string;
  http: number;
  mqtt: number;
  file: string;
  child?: ChildGateway;
}

export interface ClusterSetup {
  nats: string[];
  influx: string;
  records: string;
  enterprises: string[];
  partitions: number;
  cluster?: Record<string, unknown>;
  /** wal, log level and the like, merged into every config */
  over?: Record<string, unknown>;
}

export async function clusterConfigs(n: number, s: ClusterSetup): Promise<ClusterInstance[]> {
  const ports = await freePorts(2 * n);
  const out: ClusterInstance[] = [];
  for (let i = 0; i < n; i++) {
    const dir = tempDir('hl-cluster-');
    mkdirSync(join(dir, 'data'));
    const raw = {
      gateway: { id: `gw-${i + 1}`, mode: 'cluster', http: { host: '127.0.0.1', port: ports[i] }, dataDir: join(dir, 'data') },
      mqtt: { embedded: { host: '127.0.0.1', port: ports[n + i] } },
      wal: { fsync: false, segmentBytes: 1024 * 1024, maxBytes: 64 * 1024 * 1024 },
      storage: { telemetry: { type: 'influxdb-v1', url: s.influx, database: 'hl_cluster' }, records: s.records },
      cluster: { nats: { servers: s.nats }, partitions: s.partitions, replicas: 3, leaseSeconds: 6, heartbeatSeconds: 2, ...s.cluster },
      auth: {
        tokens: [
          { token: CLUSTER_ADMIN, role: 'admin', name: '管理员' },
          { token: 'cluster-regulator', role: 'regulator', jurisdictions: ['taian'], name: '监管员' },
        ],
        devices: s.enterprises.map((e) => ({ username: `dev-${e}`, password: devicePassword(e), enterprise: e, site: 's1', device: 'gas-1' })),
      },
      enterprises: s.enterprises.map((e, k) => ({ id: e, name: `企业${k}`, jurisdiction: k < s.enterprises.length / 2 ? 'taian' : 'jinan', sites: [{ id: 's1', devices: [{ id: 'gas-1', kind: 'gas' }] }] })),
      ...s.over,
    };
    out.push({ id: `gw-${i + 1}`, http: ports[i], mqtt: ports[n + i], file: writeConfigFile(dir, raw) });
  }
  return out;
}

export async function startInstances(list: ClusterInstance[], env: Record<string, string> = {}): Promise<void> {
  await Promise.all(list.map(async (x) => (x.child = await spawnGateway(x.file, x.http, env))));
}

export async function clusterView(x: ClusterInstance): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${x.http}/api/v1/cluster`, { headers: { authorization: `Bearer ${CLUSTER_ADMIN}` } });
  return res.json();
}
