// The command line's words (CONTRACT §1), in plain JavaScript so that `hazardline --help`,
// `--version` and `<command> --help` answer before any TypeScript is loaded (issue 18: the
// whole gateway loaded through tsx took 2.3 s to print the usage).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const USAGE = `usage: hazardline <command> [options]

  start [-c FILE]                      run the gateway from a config file (-c, $HAZARDLINE_CONFIG or ./hazardline.yaml)
  demo [--port N] [--mqtt-port N]      gateway + embedded broker + simulators, SQLite under ./.hazardline/
  simulate --scenario NAME [--broker URL] [--speed X|max] [--password P]
           [--transport mqtt-json|sparkplug|opcua] [--opcua-port N] [--print-config] | --list
  simulate --devices N [--rate MSG/S] [--duration S] [--connections K] [--broker URL] [--print-config]
  replay --scenario NAME [-c FILE]     the alarms a scenario's readings would raise (rules from FILE if given)
  replay [-c FILE] --from T --to T     the alarms the stored readings of [T, T] would raise
  audit verify [-c FILE]               check the tamper-evident audit chain of the records database
  check-config [-c FILE]               validate a config, print every error with its path (and warnings)
  hash-secret [--sha256] [SECRET]      the config form of a token (--sha256) or password (scrypt); reads stdin without SECRET

  hazardline <command> --help          that command in full;  hazardline --version

environment: HAZARDLINE_CONFIG (config file), LOG_LEVEL (pino level)
exit codes: 0 ok, 1 bad config or arguments (one message, no stack trace), 2 runtime failure`;

const CONFIG_LOOKUP = `The config file is -c FILE, else $HAZARDLINE_CONFIG, else ./hazardline.yaml; with none of
them the command refuses with one line naming where it looked (the demo is \`hazardline demo\`).
Reference of every key: docs/config.md.`;

export const COMMAND_HELP = {
  start: `usage: hazardline start [-c FILE]

Runs the gateway: the ingest sources, the write-ahead log, the telemetry and records stores,
the rules, the HTTP API and consoles. Stops cleanly on SIGINT or SIGTERM.
${CONFIG_LOOKUP}
  -c, --config FILE    the config file`,
  demo: `usage: hazardline demo [--port N] [--mqtt-port N]

The gateway with the built-in demo config (gateway/src/config/demo.yaml: two enterprises,
SQLite under ./.hazardline/), its simulators and the incidents they raise by themselves. It
prints every console's address with its token. The demo's tokens are for the demo only.
  --port N         HTTP port (default 8080)
  --mqtt-port N    embedded MQTT broker port (default 1883)`,
  simulate: `usage: hazardline simulate --scenario NAME [--broker URL] [--speed X|max] [--password P]
                          [--transport mqtt-json|sparkplug|opcua] [--opcua-port N] [--print-config]
       hazardline simulate --list
       hazardline simulate --devices N [--rate MSG/S] [--duration S] [--connections K] [--broker URL] [--print-config]

Field devices for a scenario (simulators/scenarios/NAME.yaml), or N gas detectors at a rate.
  --print-config   the gateway config the run needs (enterprises, credentials, OPC UA nodes)
  --broker URL     default mqtt://127.0.0.1:1883
  --speed X|max    event time per wall second (a scenario's own by default)`,
  replay: `usage: hazardline replay --scenario NAME [-c FILE]
       hazardline replay [-c FILE] --from T --to T

Prints the alarms a scenario's readings, or the readings stored in [T, T] (RFC 3339), would
raise through the real rules and alarm manager; nothing is written.
${CONFIG_LOOKUP}`,
  audit: `usage: hazardline audit verify [-c FILE]

Checks the tamper-evident chain of the records database's audit log, and the rows a
regulator relies on (rewards, declared status, hazard assignments) against it. Exit 2 names
the first broken entry.
${CONFIG_LOOKUP}`,
  'check-config': `usage: hazardline check-config [-c FILE]

Validates a config: the schema, every cross-reference (sites, zones, devices, tokens'
enterprises, overrides, edges, notifications) and the rules, and prints every error with
its path at once (exit 1), then the warnings. An empty file is an error.
${CONFIG_LOOKUP}`,
  'hash-secret': `usage: hazardline hash-secret [--sha256] [SECRET]

Prints the config form of a secret: scrypt for a device password (default), sha256 for an
API token. Reads the secret from stdin when not given (a command line stays in the history).`,
};

export function version() {
  // bin/ in a checkout, dist/bin/ compiled: the package.json above either
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return `hazardline ${pkg.version} (node ${process.version})`;
}

/** What to print for these arguments without loading the gateway, or undefined to run the command. */
export function quickAnswer(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const topic = command === 'help' ? rest[0] : undefined;
    return topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : USAGE;
  }
  if (command === '--version' || command === '-V' || command === 'version') return version();
  if (Object.hasOwn(COMMAND_HELP, command) && rest.some((a) => a === '--help' || a === '-h')) return COMMAND_HELP[command];
  return undefined;
}
