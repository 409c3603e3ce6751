// The `hazardline` command line (CONTRACT §1). Exit codes: 0 ok, 1 bad config or
// arguments (message on stderr, no stack trace), 2 runtime failure.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfigText, loadConfigFile } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { ConfigError, HazardlineError, PortInUseError } from './errors.ts';
import { Gateway } from './main.ts';
import { DemoSimulator } from '../../simulators/src/demo-simulator.ts';
import { listScenarios, loadScenario } from '../../simulators/src/scenario/scenario.ts';
import { runScenario } from '../../simulators/src/scenario/run-scenario.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const DEMO_CONFIG_FILE = join(here, 'config', 'demo.yaml');

const USAGE = `usage: hazardline <command> [options]

  start [-c FILE]                      run the gateway (default ./hazardline.yaml, else the demo config)
  demo [--port N] [--mqtt-port N]      gateway + embedded broker + simulators, SQLite under ./.hazardline/
  simulate --scenario NAME [--broker URL] [--speed X|max] [--password P] | --list
  check-config [-c FILE]               validate a config, print every error with its path

environment: HAZARDLINE_CONFIG (config file), LOG_LEVEL (pino level)`;

class UsageError extends Error {}

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function configFile(opt: string | undefined): string | undefined {
  const f = opt ?? process.env.HAZARDLINE_CONFIG ?? './hazardline.yaml';
  if (existsSync(f)) return f;
  if (opt || process.env.HAZARDLINE_CONFIG) throw new ConfigError([`(file): ${f} does not exist`]);
  return undefined;
}

export function demoConfig(over: { port?: number; mqttPort?: number } = {}): Config {
  const cfg = parseConfigText(readFileSync(DEMO_CONFIG_FILE, 'utf8'));
  if (over.port !== undefined) cfg.gateway.http.port = over.port;
  if (over.mqttPort !== undefined) cfg.mqtt.embedded = { host: cfg.mqtt.embedded?.host ?? '127.0.0.1', port: over.mqttPort };
  return cfg;
}

function portArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name}: expected a port number 0-65535`);
  return n;
}

async function runGateway(config: Config, withSimulators: boolean): Promise<void> {
  const gw = new Gateway(config);
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
  if (withSimulators) {
    sim = new DemoSimulator({ brokerUrl: `mqtt://127.0.0.1:${gw.mqttPort}`, config });
    await sim.start();
    process.stdout.write(`hazardline demo: console http://127.0.0.1:${gw.httpPort}/  health http://127.0.0.1:${gw.httpPort}/healthz  mqtt://127.0.0.1:${gw.mqttPort}\n` + `demo tokens: demo-admin, demo-dispatcher, demo-officer, demo-regulator\n`);
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    gw.log.info({ signal }, 'shutting down');
    await sim?.stop();
    await gw.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string', short: 'c' } } });
      const file = configFile(values.config);
      return runGateway(file ? loadConfigFile(file) : demoConfig(), false);
    }
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { port: { type: 'string' }, 'mqtt-port': { type: 'string' } } });
      return runGateway(demoConfig({ port: portArg('port', values.port), mqttPort: portArg('mqtt-port', values['mqtt-port']) }), true);
    }
    case 'simulate': {
      const { values } = parseArgs({ args: rest, options: { scenario: { type: 'string' }, broker: { type: 'string' }, 'opcua-port': { type: 'string' }, speed: { type: 'string' }, password: { type: 'string' }, list: { type: 'boolean' } } });
      if (values.list) {
        process.stdout.write('demo\tthe demo enterprises\' devices in real time, until stopped\n');
        for (const s of listScenarios()) process.stdout.write(`${s.name}\t${s.description}\n`);
        return;
      }
      if (!values.scenario) throw new UsageError('simulate: --scenario NAME or --list');
      if (values['opcua-port'] !== undefined) throw new UsageError('--opcua-port: the OPC UA transport is not wired to the command line yet; use --broker');
      const speed = values.speed === undefined ? undefined : values.speed === 'max' ? Infinity : Number(values.speed);
      if (speed !== undefined && !(speed > 0)) throw new UsageError('--speed: expected a number > 0 (simulated seconds per second) or "max"');
      const brokerUrl = values.broker ?? 'mqtt://127.0.0.1:1883';
      if (values.scenario === 'demo') {
        const sim = new DemoSimulator({ brokerUrl, config: demoConfig(), speed });
        await sim.start();
        process.on('SIGINT', () => void sim.stop().then(() => process.exit(0)));
        return;
      }
      const scenario = loadScenario(values.scenario);
      const res = await runScenario(scenario, { brokerUrl, speed: speed ?? scenario.speed ?? Infinity, password: values.password });
      process.stdout.write(`${scenario.name}: ${res.sent} samples from ${new Date(scenario.startMs).toISOString()} to ${new Date(scenario.endMs).toISOString()} in ${(res.wallMs / 1000).toFixed(1)} s\n`);
      return;
    }
    case 'check-config': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string', short: 'c' } } });
      const file = configFile(values.config) ?? DEMO_CONFIG_FILE;
      const cfg = loadConfigFile(file);
      const devices = cfg.enterprises.reduce((n, e) => n + e.sites.reduce((m, s) => m + s.devices.length, 0), 0);
      process.stdout.write(`${file}: ok (${cfg.enterprises.length} enterprises, ${devices} devices, telemetry store ${cfg.storage.telemetry.type})\n`);
      return;
    }
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
  fail(2, `hazardline: ${(err as Error).stack ?? String(err)}`);
});
