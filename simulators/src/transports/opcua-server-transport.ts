// OPC UA server transport (CONTRACT §2 `opcua`, §4): the simulator plays a PLC / SCADA server
// that the gateway subscribes to. Address space as a plant engineer would browse it:
//   Objects/{enterprise}/{site}/{device}/{metric}
// one AnalogItem (Double, EURange, EngineeringUnits per CONTRACT §3.1) per metric, with string
// node ids `ns=1;s={site}.{device}.{metric}` (see opcuaNodeId / opcuaNodesFor for the gateway's
// `opcua[].nodes` config).
//
// OPC UA is pull/subscribe: send() only updates the server's variables (value, source
// timestamp = sample.ts, Good, or BadSensorFailure for metrics in sample.bad) and resolves at
// once; it does NOT wait for the gateway to sample or acknowledge the change. Samples arriving
// faster than the gateway's sampling interval may therefore be coalesced (last value wins).
// Device events (§3.3) of a device declared with `events` go to its String variable `Event` as
// JSON `{type, detail}` (the gateway binds it with `event: '*'`), one write per event with its
// event time as source timestamp. Not mapped: position samples (§3.2), which have no OPC UA
// representation here, and metrics not declared up front.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DataType,
  makeEUInformation,
  OPCUACertificateManager,
  OPCUAServer,
  StatusCodes,
  type EUInformation,
  type UAObject,
  type UAVariable,
} from 'node-opcua';
import type { Sample } from '../models/model.ts';
import type { Transport } from './transport.ts';

import { opcuaEventNodeId, opcuaNodeId, type OpcuaDevice } from './opcua-nodes.ts';

export interface OpcuaServerTransportOptions {
  port: number;
  /** bind address, default 127.0.0.1 */
  host?: string;
  /** PKI (server certificate, trusted clients); default a fresh temp dir */
  pkiDir?: string;
}

export { opcuaEventNodeId, opcuaNodeId, opcuaNodesFor, type OpcuaDevice } from './opcua-nodes.ts';

// UN/CEFACT Rec. 20 common codes (the OPC UA convention for EUInformation.unitId)
const UNITS: Record<string, { eu: EUInformation; range: [number, number] }> = {
  lel: { eu: makeEUInformation('P1', '%LEL', 'percent of the lower explosive limit'), range: [0, 100] },
  ch4: { eu: makeEUInformation('VP', '%vol', 'percent volume'), range: [0, 100] },
  o2: { eu: makeEUInformation('VP', '%vol', 'percent volume'), range: [0, 100] },
  co: { eu: makeEUInformation('59', 'ppm', 'part per million'), range: [0, 1000] },
  h2s: { eu: makeEUInformation('59', 'ppm', 'part per million'), range: [0, 100] },
  nh3: { eu: makeEUInformation('59', 'ppm', 'part per million'), range: [0, 100] },
  cl2: { eu: makeEUInformation('59', 'ppm', 'part per million'), range: [0, 20] },
  disp: { eu: makeEUInformation('MMT', 'mm', 'millimetre'), range: [0, 10_000] },
  running: { eu: makeEUInformation('C62', '', 'one (0 = stopped, 1 = running)'), range: [0, 1] },
  tph: { eu: makeEUInformation('E18', 't/h', 'tonne per hour'), range: [0, 5000] },
  total_t: { eu: makeEUInformation('TNE', 't', 'tonne'), range: [0, 1e9] },
  kw: { eu: makeEUInformation('KWT', 'kW', 'kilowatt'), range: [0, 10_000] },
  kwh: { eu: makeEUInformation('KWH', 'kWh', 'kilowatt hour'), range: [0, 1e10] },
};
const GENERIC = { eu: makeEUInformation('C62', '', 'one (dimensionless)'), range: [0, 1e9] as [number, number] };

export class OpcuaServerTransport implements Transport {
  private server?: OPCUAServer;
  private readonly variables = new Map<string, UAVariable>();
  private readonly pkiDir: string;
  private readonly host: string;

  constructor(
    private readonly devices: OpcuaDevice[],
    private readonly opts: OpcuaServerTransportOptions,
  ) {
    this.pkiDir = opts.pkiDir ?? mkdtempSync(path.join(tmpdir(), 'hl-sim-opcua-'));
    this.host = opts.host ?? '127.0.0.1';
  }

  get endpoint(): string {
    return `opc.tcp://${this.host}:${this.opts.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new OPCUAServer({
      port: this.opts.port,
      host: this.host,
      hostname: this.host,
      allowAnonymous: true,
      serverCertificateManager: new OPCUACertificateManager({ rootFolder: path.join(this.pkiDir, 'server'), automaticallyAcceptUnknownCertificate: true }),
      userCertificateManager: new OPCUACertificateManager({ rootFolder: path.join(this.pkiDir, 'user'), automaticallyAcceptUnknownCertificate: true }),
      isAuditing: false,
      buildInfo: { productName: 'hazardline-simulator', manufacturerName: 'hazardline' },
    });
    await server.initialize();
    this.build(server);
    await server.start();
    this.server = server;
  }

  async send(device: { enterprise: string; site: string; id: string; kind: string }, sample: Sample): Promise<void> {
    if (!this.server || 'tags' in sample) return; // positions are not mapped to OPC UA
    const ts = new Date(sample.ts);
    for (const [metric, value] of Object.entries(sample.values)) {
      if (sample.bad?.includes(metric)) continue;
      this.variables.get(opcuaNodeId(device.site, device.id, metric))?.setValueFromSource({ dataType: DataType.Double, value }, StatusCodes.Good, ts);
    }
    for (const metric of sample.bad ?? []) {
      const v = this.variables.get(opcuaNodeId(device.site, device.id, metric));
      if (!v) continue;
      const value = sample.values[metric] ?? (v.readValue().value.value as number | null) ?? 0;
      v.setValueFromSource({ dataType: DataType.Double, value }, StatusCodes.BadSensorFailure, ts);
    }
    const ev = this.variables.get(opcuaEventNodeId(device.site, device.id));
    for (const e of ev ? (sample.events ?? []) : []) ev!.setValueFromSource({ dataType: DataType.String, value: JSON.stringify({ type: e.type, detail: e.detail ?? {} }) }, StatusCodes.Good, ts);
  }

  /** Monitored items of all client subscriptions (a gateway monitors one item per node). */
  monitoredItems(): number {
    let n = 0;
    for (const session of this.server?.engine.getSessions() ?? []) for (const sub of session.publishEngine.subscriptions) n += sub.monitoredItemCount;
    return n;
  }

  /**
   * Resolves once clients monitor at least `items` variables (default: all of them). A run
   * started before the gateway subscribed would change values nobody samples: event time
   * would pass with no data at the gateway.
   */
  async waitForSubscribers(timeoutMs: number, items = this.variables.size): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.monitoredItems() < items) {
      if (Date.now() > deadline) throw new Error(`no OPC UA client monitored the simulator's ${items} variables at ${this.endpoint} within ${Math.round(timeoutMs / 1000)} s (monitored: ${this.monitoredItems()}); is the gateway configured with its opcua nodes (--print-config)?`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.variables.clear();
    if (server) await server.shutdown(0);
  }

  private build(server: OPCUAServer): void {
    const addressSpace = server.engine.addressSpace;
    if (!addressSpace) throw new Error('OPC UA simulator: no address space');
    const ns = addressSpace.getOwnNamespace();
    const folders = new Map<string, UAObject>();
    const folder = (key: string, parent: UAObject, id: string, description: string): UAObject => {
      let f = folders.get(key);
      if (!f) {
        f = ns.addFolder(parent, { browseName: id, displayName: id, description });
        folders.set(key, f);
      }
      return f;
    };
    for (const d of this.devices) {
      const ent = folder(d.enterprise, addressSpace.rootFolder.objects, d.enterprise, 'enterprise');
      const site = folder(`${d.enterprise}/${d.site}`, ent, d.site, 'site');
      const dev = folder(`${d.enterprise}/${d.site}/${d.id}`, site, d.id, `device (${d.kind})`);
      for (const metric of d.metrics) {
        const unit = UNITS[metric] ?? GENERIC;
        const nodeId = opcuaNodeId(d.site, d.id, metric);
        const v = ns.addAnalogDataItem({
          componentOf: dev,
          browseName: metric,
          displayName: metric,
          nodeId: nodeId.replace(/^ns=1;/, ''),
          dataType: 'Double',
          engineeringUnitsRange: { low: unit.range[0], high: unit.range[1] },
          engineeringUnits: unit.eu,
          minimumSamplingInterval: 0,
        });
        // no value yet: a subscriber sees BadWaitingForInitialData until the first send()
        v.setValueFromSource({ dataType: DataType.Double, value: 0 }, StatusCodes.BadWaitingForInitialData, new Date());
        this.variables.set(nodeId, v);
      }
      if (d.events) {
        const nodeId = opcuaEventNodeId(d.site, d.id);
        const v = ns.addVariable({ componentOf: dev, browseName: 'Event', displayName: 'Event', description: 'the last device event, JSON {type, detail}', nodeId: nodeId.replace(/^ns=1;/, ''), dataType: 'String', minimumSamplingInterval: 0 });
        v.setValueFromSource({ dataType: DataType.String, value: '' }, StatusCodes.BadWaitingForInitialData, new Date());
        this.variables.set(nodeId, v);
      }
    }
  }
}
