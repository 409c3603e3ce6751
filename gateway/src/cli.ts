// The `hazardline` command line (CONTRACT §1). Exit codes: 0 ok, 1 bad config or
// arguments (message on stderr, no stack trace), 2 runtime failure.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkConfig, parseConfig, loadConfigFile, readConfigFile } from './config/load.ts';
import { demoConfig } from './config/demo.ts';
import type { DeclaredStatus } from './model/assets.ts';
import type { Config } from './config/schema.ts';
import { ConfigError, HazardlineError, PortInUseError } from './errors.ts';
import { hashSecret } from './auth/secret.ts';
import { createLogger } from './log.ts';
import { configWarnings } from './config/warnings.ts';
import { AssetModel } from './model/assets.ts';
import { validateRules } from '../../rules/src/compile.ts';
import type { DemoSimulator } from '../../simulators/src/demo-simulator.ts';
import type { DemoStory } from '../../simulators/src/demo-story.ts';
import type { TransportName } from '../../simulators/src/scenario/run-scenario.ts';
import { stringify as toYaml } from 'yaml';
// The gateway, the simulators, the replay and the records store are loaded by the commands that
// use them (issue 18: a check-config or a usage error need not load the whole gateway).
import { USAGE } from '../../bin/cli-help.mjs';




class UsageError extends Error {}

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/**
 * The config file: -c, else $HAZARDLINE_CONFIG, else ./hazardline.yaml. None found is one line
 * naming where it looked (issue 18: starting in the wrong directory used to run the demo config
 * with its published tokens); `optional` for `replay --scenario`, whose config only adds rules.
 */
function configFile(opt: string | undefined, optional = false): string | undefined {
  const f = opt ?? process.env.HAZARDLINE_CONFIG ?? './hazardline.yaml';
  if (existsSync(f)) return f;
  if (opt || process.env.HAZARDLINE_CONFIG) throw new ConfigError([`(file): ${f} does not exist`]);
  if (optional) return undefined;
  throw new ConfigError([`(file): no config file: looked for ./hazardline.yaml in ${process.cwd()} (give -c FILE or set HAZARDLINE_CONFIG; \`hazardline demo\` runs the demo)`]);
}

/** The rules' problems (packs, files, overrides against the assets); none to say when the config is too broken to ask. */
function rulesOf(c: Config): string[] {
  try {
    return validateRules({ ...c.rules, assets: AssetModel.fromConfig(c) });
  } catch {
    return [];
  }
}

function portArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name}: expected a port number 0-65535`);
  return n;
}

async function runGateway(config: Config, withSimulators: boolean): Promise<void> {
  const { Gateway } = await import('./main.ts');
  // the demo on a terminal logs readable lines; a service logs JSON for its collector
  const gw = new Gateway(config, withSimulators && process.stdout.isTTY ? { log: createLogger({ pretty: true }) } : {});
  try {
    await gw.start();
  } catch (err) {
    // the demo takes its ports from flags, not from a config file: name the flag
    if (withSimulators && err instanceof PortInUseError) {
      const flag = err.configKey === 'gateway.http.port' ? '--port' : '--mqtt-port';
      throw new PortInUseError(err.port, flag, err.host);
    }
    throw err;
  }
  let sim: DemoSimulator | undefined;
  let story: DemoStory | undefined;
  if (withSimulators) {
    const [{ DemoSimulator }, { demoBanner, startDemoStory }] = await Promise.all([import('../../simulators/src/demo-simulator.ts'), import('./demo-run.ts')]);
    sim = new DemoSimulator({ brokerUrl: `mqtt://127.0.0.1:${gw.mqttPort}`, config, incidents: true });
    await sim.start();
    process.stdout.write(demoBanner(config, gw.httpPort, gw.mqttPort, sim.incidents));
    story = startDemoStory(gw, config);
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    gw.log.info({ signal }, 'shutting down');
    story?.stop();
    await sim?.stop();
    await gw.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function numberArg(name: string, v: string | undefined, min: number, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new UsageError(`--${name}: expected ${integer ? 'an integer' : 'a number'} >= ${min}`);
  return n;
}

const SIMULATE_OPTIONS = {
  scenario: { type: 'string' },
  broker: { type: 'string' },
  transport: { type: 'string' },
  'opcua-port': { type: 'string' },
  speed: { type: 'string' },
  password: { type: 'string' },
  list: { type: 'boolean' },
  'print-config': { type: 'boolean' },
  devices: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  connections: { type: 'string' },
} as const;

/** Runs until SIGINT/SIGTERM, then stops cleanly (devices marked offline). */
function stopOnSignal(stop: () => Promise<void>): void {
  const handler = () => void stop().then(() => process.exit(0));
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

async function simulate(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: SIMULATE_OPTIONS });
  const [{ listScenarios, loadScenario }, { TRANSPORTS, opcuaSpeed, runScenario, scenarioRunConfig }, { ScaleSimulator, scaleGatewayConfig }, { DemoSimulator }] = await Promise.all([
    import('../../simulators/src/scenario/scenario.ts'),
    import('../../simulators/src/scenario/run-scenario.ts'),
    import('../../simulators/src/scale.ts'),
    import('../../simulators/src/demo-simulator.ts'),
  ]);
  if (values.list) {
    process.stdout.write('demo\tthe demo enterprises\' devices in real time, until stopped\n');
    for (const s of listScenarios()) process.stdout.write(`${s.name}\t${s.description}\n`);
    return;
  }
  const brokerUrl = values.broker ?? 'mqtt://127.0.0.1:1883';
  if (values.devices !== undefined) {
    if (values.scenario) throw new UsageError('simulate: --devices (scale mode) and --scenario are exclusive');
    const devices = numberArg('devices', values.devices, 1, true)!;
    const o = { devices, rate: numberArg('rate', values.rate, 0.001) ?? devices, connections: numberArg('connections', values.connections, 1, true), password: values.password };
    if (values['print-config']) return void process.stdout.write(toYaml(scaleGatewayConfig(o)));
    const durationS = numberArg('duration', values.duration, 0);
    const sim = new ScaleSimulator({ ...o, brokerUrl, durationMs: durationS === undefined ? undefined : durationS * 1000 });
    await sim.start();
    process.stderr.write(`scale: ${devices} devices, ${o.rate} msg/s to ${brokerUrl}${durationS === undefined ? ' until stopped' : ` for ${durationS} s`}\n`);
    stopOnSignal(() => sim.stop());
    await sim.finished();
    await sim.stop();
    process.stdout.write(`scale: sent ${sim.sent} samples\n`);
    return;
  }
  if (!values.scenario) throw new UsageError('simulate: --scenario NAME, --devices N or --list');
  const transport = (values.transport ?? (values['opcua-port'] !== undefined ? 'opcua' : 'mqtt-json')) as TransportName;
  if (!TRANSPORTS.includes(transport)) throw new UsageError(`--transport: expected one of ${TRANSPORTS.join(' | ')}`);
  const opcuaPort = portArg('opcua-port', values['opcua-port']);
  if (transport === 'opcua' && opcuaPort === undefined) throw new UsageError('--transport opcua: needs --opcua-port N (the port the simulator serves OPC UA on)');
  const speed = values.speed === undefined ? undefined : values.speed === 'max' ? Infinity : Number(values.speed);
  if (speed !== undefined && !(speed > 0)) throw new UsageError('--speed: expected a number > 0 (simulated seconds per second) or "max"');
  if (values.scenario === 'demo') {
    if (transport !== 'mqtt-json') throw new UsageError('simulate --scenario demo: only the mqtt-json transport');
    const sim = new DemoSimulator({ brokerUrl, config: demoConfig(), speed });
    await sim.start();
    stopOnSignal(() => sim.stop());
    return;
  }
  const scenario = loadScenario(values.scenario);
  if (values['print-config']) return void process.stdout.write(toYaml(scenarioRunConfig(scenario, { password: values.password, transport, opcuaPort })));
  // OPC UA is sampled by the gateway, not acknowledged: by default no faster than its sampling follows
  const res = await runScenario(scenario, { brokerUrl, speed: speed ?? (transport === 'opcua' ? opcuaSpeed(scenario) : scenario.speed ?? Infinity), password: values.password, transport, opcuaPort, onListening: (url) => process.stderr.write(`${scenario.name}: serving OPC UA at ${url}; waiting for the gateway to subscribe\n`) });
  process.stdout.write(`${scenario.name}: ${res.sent} samples from ${new Date(scenario.startMs).toISOString()} to ${new Date(scenario.endMs).toISOString()} in ${(res.wallMs / 1000).toFixed(1)} s\n`);
}

const PROBLEMS = {
  edited: 'edited (its hash no longer matches its fields)',
  missing: 'missing (deleted: the sequence has a gap)',
  relinked: 'relinked (it does not follow the entry before it)',
};

/** `audit verify`: walks the whole chain; exit 0 when intact, 2 at the first broken entry. */
async function audit(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'verify') throw new UsageError('audit: expected "audit verify [-c FILE]"');
  const { values } = parseArgs({ args: rest, options: { config: { type: 'string', short: 'c' } } });
  const config = loadConfigFile(configFile(values.config)!);
  const { openRecordStore } = await import('./records/record-store.ts');
  const store = await openRecordStore(config.storage.records, { dataDir: resolve(config.gateway.dataDir) });
  try {
    const r = await store.audit.verify();
    if (!r.ok) throw new HazardlineError('HL_ERR_AUDIT_BROKEN', `audit log (${store.target}): entry ${r.problem.seq} ${PROBLEMS[r.problem.problem]}; the ${r.entries} entries before it verify`, 500);
    // the rows a regulator relies on (rewards, declared status, hazard assignments) against their latest entry
    const rows = await store.audit.verifyRows();
    if (!rows.ok) {
      const m = rows.mismatch;
      throw new HazardlineError('HL_ERR_AUDIT_BROKEN', `audit log (${store.target}): ${m.what} ${m.seq === null ? m.detail : `does not match its audit entry ${m.seq} (${m.detail})`}`, 500);
    }
    process.stdout.write(`audit log (${store.target}): ${r.entries} entries, chain intact; head seq ${r.head.seq} hash ${r.head.hash}\n`);
    process.stdout.write(`records: ${rows.checked} rows match their audit entries${rows.unchained ? ` (${rows.unchained} older rows were written before rows were chained)` : ''}\n`);
  } finally {
    await store.close();
  }
}

/** `hazardline hash-secret`: what to put in the config instead of a plain token or password (issue 12 item 14). */
async function hashSecretCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { sha256: { type: 'boolean' }, scrypt: { type: 'boolean' } } });
  if (values.sha256 && values.scrypt) throw new UsageError('hash-secret: --sha256 or --scrypt, not both');
  if (positionals.length > 1) throw new UsageError('hash-secret: at most one SECRET (or give it on stdin)');
  let secret = positionals[0];
  if (secret !== undefined) process.stderr.write('hash-secret: a secret on the command line stays in the shell history; pipe it on stdin instead\n');
  else {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  if (!secret) throw new UsageError('hash-secret: empty secret');
  process.stdout.write(`${hashSecret(secret, values.sha256 ? 'sha256' : 'scrypt')}\n`);
}

async function replay(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { scenario: { type: 'string' }, config: { type: 'string', short: 'c' }, from: { type: 'string' }, to: { type: 'string' } } });
  const file = configFile(values.config, values.scenario !== undefined);
  const base = file ? loadConfigFile(file) : undefined;
  const { formatTransitions, replayFrames, storedFeed } = await import('./alarms/replay.ts');
  if (values.scenario) {
    const [{ applyTimeline, loadScenario, scenarioGatewayConfig }, { buildFleet }, { Runner }, { FrameTransport }] = await Promise.all([
      import('../../simulators/src/scenario/scenario.ts'),
      import('../../simulators/src/fleet.ts'),
      import('../../simulators/src/runner.ts'),
      import('../../simulators/src/transports/frame-transport.ts'),
    ]);
    const s = loadScenario(values.scenario);
    // the scenario's enterprises and devices, with the rules (packs, overrides) of the given config
    const config = parseConfig({ ...scenarioGatewayConfig(s), ...(base ? { rules: base.rules, gateway: { timezone: base.gateway.timezone } } : {}) });
    const fleet = buildFleet(config, { seed: s.seed, epochMs: s.startMs });
    applyTimeline(s, fleet);
    const declarations = s.operatorActions.filter((a) => a.do === 'declare').map((a) => ({ enterprise: a.enterprise, status: a.with.status as DeclaredStatus, from: a.at }));
    const list = await replayFrames(config, async (deliver) => {
      await new Runner(fleet, new FrameTransport(AssetModel.fromConfig(config), deliver)).start({ from: s.startMs, to: s.endMs, speed: Infinity });
    }, declarations);
    process.stdout.write(formatTransitions(list, config.gateway.timezone));
    return;
  }
  if (!values.from || !values.to) throw new UsageError('replay: --scenario NAME, or --from T --to T over the stored readings');
  const from = Date.parse(values.from);
  const to = Date.parse(values.to);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) throw new UsageError('--from/--to: expected RFC 3339 times, from <= to');
  const config = base!;
  process.stderr.write('replay: stored readings only (positions and device events are not in the telemetry store)\n');
  process.stdout.write(formatTransitions(await replayFrames(config, await storedFeed(config, from, to)), config.gateway.timezone));
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string', short: 'c' } } });
      return runGateway(loadConfigFile(configFile(values.config)!), false);
    }
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { port: { type: 'string' }, 'mqtt-port': { type: 'string' } } });
      return runGateway(demoConfig({ port: portArg('port', values.port), mqttPort: portArg('mqtt-port', values['mqtt-port']) }), true);
    }
    case 'simulate':
      return simulate(rest);
    case 'replay':
      return replay(rest);
    case 'audit':
      return audit(rest);
    case 'check-config': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string', short: 'c' } } });
      const file = configFile(values.config)!;
      // every problem at once (issue 18): schema, cross-references and the rules, even when the schema refused part of it
      const { config, problems, partial } = checkConfig(readConfigFile(file));
      const ruleProblems = rulesOf(config ?? (partial as Config));
      if (problems.length || ruleProblems.length) throw new ConfigError([...problems, ...ruleProblems]);
      const cfg = config!;
      const devices = cfg.enterprises.reduce((n, e) => n + e.sites.reduce((m, s) => m + s.devices.length, 0), 0);
      for (const w of configWarnings(cfg)) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(`${file}: ok (${cfg.enterprises.length} enterprises, ${devices} devices, telemetry store ${cfg.storage.telemetry.type})\n`);
      return;
    }
    case 'hash-secret':
      return hashSecretCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) fail(1, err.problems.join('\n'));
  if (err instanceof UsageError) fail(1, err.message);
  if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) fail(1, `${(err as Error).message}\n${USAGE}`);
  if (err instanceof HazardlineError) fail(2, `hazardline: ${err.message}`);
  // one line; the stack only when asked for (LOG_LEVEL=debug)
  const e = err as Error;
  fail(2, `hazardline: ${process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace' ? (e.stack ?? String(err)) : `${e.name ?? 'Error'}: ${e.message ?? String(err)} (LOG_LEVEL=debug shows where)`}`);
});
