// The built-in demo configuration (demo.yaml): `hazardline demo`, `hazardline start` without a
// config file, and the tests that run the gateway as the demo does.
import { PACKAGE_ROOT } from '../package-root.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from './load.ts';
import type { Config } from './schema.ts';

export const DEMO_CONFIG_FILE = join(PACKAGE_ROOT, 'gateway', 'src', 'config', 'demo.yaml');

/** The demo config, with the HTTP and embedded-broker ports of `--port` / `--mqtt-port`. */
export function demoConfig(over: { port?: number; mqttPort?: number } = {}): Config {
  const cfg = parseConfigText(readFileSync(DEMO_CONFIG_FILE, 'utf8'));
  if (over.port !== undefined) cfg.gateway.http.port = over.port;
  if (over.mqttPort !== undefined) cfg.mqtt.embedded = { host: cfg.mqtt.embedded?.host ?? '127.0.0.1', port: over.mqttPort };
  return cfg;
}
