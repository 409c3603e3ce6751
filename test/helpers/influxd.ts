// A real InfluxDB 1.x for integration tests (ARCHITECTURE.md: real servers, fakes only where a
// server cannot run here). Each call gets its own temp dir and ports, so test files run in parallel.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './ports.ts';

export const INFLUXD_BIN = process.env.INFLUXD_BIN ?? '/usr/bin/influxd';

export interface ServerHandle {
  /** base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** SIGSTOP: the port stays open and accepts connections but nothing answers (a hung store) */
  pause(): void;
  /** SIGCONT */
  resume(): void;
  /** kill the server and remove its temp dir */
  stop(): Promise<void>;
}

/** Poll `url` until it answers with `status`; fail early if the process exits. */
export async function waitForHttp(url: string, status: number, proc: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`${proc.spawnfile} exited (${proc.exitCode ?? proc.signalCode}) before ${url} answered:\n${log()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === status) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Spawn `bin args`, keep the last output for error messages, and return the handle once
 * `readyPath` answers `readyStatus`. The process is also killed if the test runner exits early.
 */
export async function startServer(opts: {
  bin: string;
  args: string[];
  dir: string;
  url: string;
  readyPath: string;
  readyStatus: number;
  timeoutMs?: number;
}): Promise<ServerHandle> {
  const proc = spawn(opts.bin, opts.args, { cwd: opts.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-8000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  proc.on('error', (err) => keep(Buffer.from(`spawn error: ${err.message}\n`)));
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  let paused = false;
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  const handle: ServerHandle = {
    url: opts.url,
    pause() {
      if (alive()) proc.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      if (alive()) proc.kill('SIGCONT');
      paused = false;
    },
    async stop() {
      process.off('exit', killOnExit);
      if (alive()) {
        const exited = new Promise((r) => proc.once('exit', r));
        // A stopped process queues SIGTERM until it is continued.
        if (paused) proc.kill('SIGCONT');
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(opts.dir, { recursive: true, force: true });
    },
  };
  try {
    await waitForHttp(opts.url + opts.readyPath, opts.readyStatus, proc, () => out, opts.timeoutMs);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

/** Start `influxd` (1.x) on free loopback ports with all state in a fresh temp dir. */
export async function startInfluxd(timeoutMs = 30_000): Promise<ServerHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-influxd-'));
  const [httpPort, rpcPort] = await freePorts(2);
  // Only what differs from the defaults: own dirs and ports, and no background chatter
  // (usage reporting, _internal monitor database, per-request logs).
  const conf = `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false

[continuous_queries]
  enabled = false

[logging]
  level = "warn"
  suppress-logo = true
`;
  const file = join(dir, 'influxd.conf');
  writeFileSync(file, conf);
  return startServer({
    bin: INFLUXD_BIN,
    args: ['-config', file],
    dir,
    url: `http://127.0.0.1:${httpPort}`,
    readyPath: '/ping',
    readyStatus: 204,
    timeoutMs,
  });
}
