// npm run bench:scenarios — how long the long scenarios take to replay at full speed through a
// gateway on the scenario's own config (embedded broker, SQLite, wal.fsync on), driven by the
// `hazardline simulate` command line as a user would run it. Goal (issue 3): a 30-day
// over-capacity or secret-production scenario in under a minute.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadScenario, scenarioGatewayConfig } from '../simulators/src/scenario/scenario.ts';
import { startTestGateway } from '../test/helpers/gateway.ts';

const BIN = fileURLToPath(new URL('../bin/hazardline.mjs', import.meta.url));
const names = process.argv.slice(2).length ? process.argv.slice(2) : ['belt-over-capacity', 'secret-operation', 'slope-acceleration', 'normal-day'];

for (const name of names) {
  const s = loadScenario(name);
  const { enterprises, auth } = scenarioGatewayConfig(s, 'bench');
  const t = await startTestGateway({ enterprises, auth: { devices: auth.devices, tokens: [] }, wal: { fsync: true, segmentBytes: 16 * 1024 * 1024, maxBytes: 1024 * 1024 * 1024 } });
  const t0 = Date.now();
  // asynchronous: the gateway runs in this process and must keep serving while the simulator runs
  const { stdout: out } = await promisify(execFile)(process.execPath, [BIN, 'simulate', '--scenario', name, '--broker', t.mqttUrl, '--speed', 'max', '--password', 'bench'], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
  const wall = (Date.now() - t0) / 1000;
  while (t.gw.wal.depth() > 0) await new Promise((r) => setTimeout(r, 50));
  const stored = (Date.now() - t0) / 1000;
  console.log(JSON.stringify({ scenario: name, simulatedDays: +((s.endMs - s.startMs) / 86_400_000).toFixed(2), report: out.trim(), commandSeconds: +wall.toFixed(1), storedSeconds: +stored.toFixed(1) }));
  await t.stop();
}
process.exit(0);
