// `npm run build` (issue 18): the gateway, rules and simulators compile to JavaScript that runs
// without tsx, finding its rule packs, scenarios and demo config from the package root. Built here
// into test-output/ (not dist/, which bin/hazardline.mjs would pick up while other tests run it).
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const OUT = join(process.cwd(), 'test-output', 'build-check');

describe('npm run build', () => {
  it('compiles; the compiled CLI checks a config and replays a scenario through the rule packs, with no TypeScript loader', async () => {
    rmSync(OUT, { recursive: true, force: true });
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', OUT]);
    const cli = join(OUT, 'gateway', 'src', 'cli.js');
    expect(existsSync(cli)).toBe(true);
    const env = { PATH: process.env.PATH!, LOG_LEVEL: 'error' };
    const check = await run(process.execPath, [cli, 'check-config', '-c', 'gateway/src/config/demo.yaml'], { env });
    expect(check.stdout.trim()).toBe('gateway/src/config/demo.yaml: ok (2 enterprises, 10 devices, telemetry store sqlite)');
    const replay = await run(process.execPath, [cli, 'replay', '--scenario', 'gas-leak'], { env });
    expect(replay.stdout).toMatch(/ raise +\S+ +gas\.lel /);
    // plain `node` on the output: Node 20 cannot load a .ts module, so any import left unrewritten fails here
  }, 120_000);
});
