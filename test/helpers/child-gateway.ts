// The gateway as a separate process (`hazardline start -c FILE`), for kill -9 tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './ports.ts';

const BIN = fileURLToPath(new URL('../../bin/hazardline.mjs', import.meta.url));

export interface ChildGateway {
  proc: ChildProcess;
  output(): string;
  kill9(): Promise<void>;
  terminate(): Promise<number | null>;
}

export async function spawnGateway(configFile: string, httpPort: number, env: Record<string, string> = {}): Promise<ChildGateway> {
  // GATEWAY_NODE_ARGS: extra node flags for the gateway process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeArgs = (process.env.GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, BIN, 'start', '-c', configFile], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  await waitFor(async () => {
    if (proc.exitCode !== null) throw new Error(`gateway exited ${proc.exitCode}: ${out}`);
    const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    return res.status === 200;
  }, 30_000, 'gateway healthy').catch((err: Error) => {
    proc.kill('SIGKILL');
    throw new Error(`${err.message}\n--- gateway output (last 3000 characters)\n${out.slice(-3000)}`);
  });
  return {
    proc,
    output: () => out,
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}
