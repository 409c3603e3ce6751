// The simulators of `hazardline demo`: every configured device's model (simulators/src/models)
// reporting in real time over MQTT JSON through the broker, exactly as field hardware does.
import type { Config } from '../../gateway/src/config/schema.ts';
import { buildFleet, type FleetDevice } from './fleet.ts';
import { applyDeclaredStatus, scriptDemoIncidents, type DemoIncidentOptions, type ScriptedIncident } from './demo-incidents.ts';
import { Runner } from './runner.ts';
import { MqttJsonTransport } from './transports/mqtt-json-transport.ts';

export interface DemoSimulatorOptions {
  brokerUrl: string;
  config: Config;
  seed?: number;
  /** simulated seconds per wall second; 1 = real time from now */
  speed?: number;
  /** start of the simulated clock (event time); default now */
  from?: number;
  to?: number;
  /** script the demo's incidents (demo-incidents.ts): `hazardline demo` does, tests that script their own faults do not */
  incidents?: boolean | DemoIncidentOptions;
}

export class DemoSimulator {
  private runner?: Runner;
  private transport?: MqttJsonTransport;
  private running?: Promise<void>;
  private fleet: FleetDevice[] = [];
  /** the incidents scripted at start, in time order */
  incidents: ScriptedIncident[] = [];

  constructor(private readonly o: DemoSimulatorOptions) {}

  async start(): Promise<void> {
    const { config } = this.o;
    const from = this.o.from ?? Date.now();
    const fleet = (this.fleet = buildFleet(config, { seed: this.o.seed, epochMs: from }));
    applyDeclaredStatus(config, fleet, from);
    if (this.o.incidents) this.incidents = scriptDemoIncidents(config, fleet, from, this.o.incidents === true ? {} : this.o.incidents);
    const devicesOf = (cred: { enterprise: string; site: string }) => fleet.filter((d) => d.enterprise === cred.enterprise && d.site === cred.site).map((d) => d.model.id);
    this.transport = new MqttJsonTransport(this.o.brokerUrl, config.auth.devices, devicesOf);
    await this.transport.start();
    this.runner = new Runner(fleet, this.transport);
    this.running = this.runner.start({ from, to: this.o.to, speed: this.o.speed ?? 1 });
    // a failed send (broker gone, no credential for a device) ends the run, never the process
    this.running.catch((err: Error) => process.stderr.write(`simulator stopped: ${err.message}\n`));
  }

  /** A running device's model, to script a fault into the live demo (a leak on gas-01, a stuck sensor). */
  device(id: string): FleetDevice | undefined {
    return this.fleet.find((d) => d.model.id === id);
  }

  /** Resolves when a run with `to` has sent everything. */
  finished(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
    await this.transport?.stop();
  }
}
