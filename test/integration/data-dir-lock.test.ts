// Issue 12 item 10: one gateway per data directory. A second process on the same dataDir exits 2
// with one line naming the holder; the lock dies with its process (kill -9 leaves nothing stale).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { DataDirInUseError } from '../../gateway/src/data-dir-lock.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { spawnGateway } from '../helpers/child-gateway.ts';
import { rawTestConfig, startTestGateway, tempDir, writeConfigFile } from '../helpers/gateway.ts';

const BIN = fileURLToPath(new URL('../../bin/hazardline.mjs', import.meta.url));
const start = async (file: string) => {
  try {
    await promisify(execFile)(process.execPath, [BIN, 'start', '-c', file], { env: { ...process.env, LOG_LEVEL: 'error' }, timeout: 60_000 });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
};

describe('data directory lock (issue 12 item 10)', () => {
  it('a second process on the same dataDir exits 2 with one line; after kill -9 of the first a new one starts', async () => {
    const dir = tempDir('hl-lock-');
    const first = await rawTestConfig(dir);
    const second = await rawTestConfig(dir); // other ports, same dataDir
    const a = await spawnGateway(writeConfigFile(tempDir(), first), first.gateway.http.port);
    try {
      const r = await start(writeConfigFile(tempDir(), second));
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`hazardline: data dir ${dir} is in use by another hazardline process (pid ${a.proc.pid}); stop it or set gateway.dataDir\n`);
    } finally {
      await a.kill9();
    }
    const b = await spawnGateway(writeConfigFile(tempDir(), second), second.gateway.http.port);
    expect(await b.terminate()).toBe(0);
  }, 120_000);

  it('in one process too: a second Gateway on a held dataDir is refused before it touches anything; free again after stop', async () => {
    const t = await startTestGateway();
    const raw = await rawTestConfig(t.dataDir);
    const log = createLogger({ level: 'silent' });
    expect(() => new Gateway(parseConfig(raw), { log })).toThrow(DataDirInUseError);
    await t.stop({ keepData: true });
    const gw = new Gateway(parseConfig(raw), { log });
    await gw.start();
    await gw.stop();
  });
});
