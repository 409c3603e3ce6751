// A real NATS cluster with JetStream for cluster-mode tests (issue 16): `nats-server` processes on
// free loopback ports, each with its JetStream store in its own temp dir, routed to each other.
// Each node can be killed with SIGKILL and started again on the same ports and store.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, waitFor } from './ports.ts';

export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

export interface NatsCluster {
  /** nats://127.0.0.1:port of every node */
  urls: string[];
  kill9(i: number): Promise<void>;
  restart(i: number): Promise<void>;
  stop(): Promise<void>;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

export async function startNatsCluster(n = 3): Promise<NatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-nats-'));
  const ports = await freePorts(2 * n);
  const client = ports.slice(0, n);
  const route = ports.slice(n);
  const procs: (ChildProcess | undefined)[] = [];
  const logs: string[] = Array(n).fill('');
  const conf = (i: number) => {
    const file = join(dir, `n${i}.conf`);
    writeFileSync(
      file,
      `server_name: n${i}
listen: 127.0.0.1:${client[i]}
jetstream { store_dir: "${join(dir, `js${i}`)}" }
cluster {
  name: hl-test
  listen: 127.0.0.1:${route[i]}
  routes: [${route.map((p) => `nats-route://127.0.0.1:${p}`).join(', ')}]
}
`,
    );
    return file;
  };
  const start = async (i: number) => {
    const p = spawn(NATS_SERVER_BIN, ['-c', conf(i)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => (logs[i] = (logs[i] + b.toString()).slice(-4000));
    p.stdout!.on('data', keep);
    p.stderr!.on('data', keep);
    procs[i] = p;
    await waitFor(async () => {
      if (p.exitCode !== null) throw new Error(`nats-server n${i} exited: ${logs[i]}`);
      return listening(client[i]);
    }, 20_000, `nats-server n${i} listening`);
  };
  const killOnExit = () => procs.forEach((p) => p?.kill('SIGKILL'));
  process.once('exit', killOnExit);
  const kill = async (i: number, signal: NodeJS.Signals) => {
    const p = procs[i];
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await exited;
    procs[i] = undefined;
  };
  try {
    for (let i = 0; i < n; i++) await start(i);
  } catch (err) {
    for (let i = 0; i < n; i++) await kill(i, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    urls: client.map((p) => `nats://127.0.0.1:${p}`),
    kill9: (i) => kill(i, 'SIGKILL'),
    restart: (i) => start(i),
    async stop() {
      process.off('exit', killOnExit);
      for (let i = 0; i < n; i++) await kill(i, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
