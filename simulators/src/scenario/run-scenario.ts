// Runs a scenario against a broker: the scenario's devices, scripted by its timeline, report
// over MQTT JSON on the scenario's simulated clock (event time from `start` to `start + duration`).
import { parseConfig } from '../../../gateway/src/config/load.ts';
import { buildFleet } from '../fleet.ts';
import { Runner } from '../runner.ts';
import { MqttJsonTransport } from '../transports/mqtt-json-transport.ts';
import { applyTimeline, scenarioGatewayConfig, type Scenario } from './scenario.ts';

export interface ScenarioRunOptions {
  brokerUrl: string;
  /** simulated seconds per wall second; Infinity = as fast as the gateway acknowledges */
  speed: number;
  /** password of the scenario's site-level credentials (`sim-{enterprise}-{site}`) */
  password?: string;
}

export async function runScenario(s: Scenario, o: ScenarioRunOptions): Promise<{ sent: number; wallMs: number }> {
  const gw = scenarioGatewayConfig(s, o.password);
  const config = parseConfig({ ...gw });
  const fleet = buildFleet(config, { seed: s.seed, epochMs: s.startMs });
  applyTimeline(s, fleet);
  const devicesOf = (cred: { enterprise: string; site: string }) => fleet.filter((d) => d.enterprise === cred.enterprise && d.site === cred.site).map((d) => d.model.id);
  const transport = new MqttJsonTransport(o.brokerUrl, config.auth.devices, devicesOf);
  const t0 = Date.now();
  await transport.start();
  const runner = new Runner(fleet, transport);
  try {
    await runner.start({ from: s.startMs, to: s.endMs, speed: o.speed });
  } finally {
    await transport.stop();
  }
  return { sent: runner.sent, wallMs: Date.now() - t0 };
}
