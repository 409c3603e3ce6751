// How long the command line takes to answer (issue 18: `--help` took 2.3 s when every module was
// loaded through tsx first). Wall time of a fresh `node bin/hazardline.mjs ARGS` process, five
// runs each. Run: npm run bench:cli
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/hazardline.mjs', import.meta.url));
const CASES = [['--help'], ['--version'], ['start', '--help'], ['check-config', '-c', fileURLToPath(new URL('../gateway/src/config/demo.yaml', import.meta.url))]];

console.log(`machine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}`);
for (const args of CASES) {
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, [BIN, ...args], { stdio: 'ignore' });
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  console.log(JSON.stringify({ bench: 'cli', args: args.join(' ').replace(/\S*demo\.yaml/, 'demo.yaml'), ms: ms.map((x) => Math.round(x)) }));
}
