// A real node-opcua server for integration tests (ARCHITECTURE.md: real servers, no fakes).
// Address space: Objects/<site>/<device>/<variable>, variables with string node ids in the
// server's own namespace (ns=1), e.g. `ns=1;s=Gas01.LEL`. The test sets values by node id.
import net from 'node:net';
import path from 'node:path';
import {
  DataType,
  OPCUACertificateManager,
  OPCUAServer,
  StatusCodes,
  standardUnits,
  type StatusCode,
  type UAObject,
  type UAVariable,
} from 'node-opcua';

export interface TestVariable {
  /** full node id in ns=1, e.g. `ns=1;s=Gas01.LEL` */
  nodeId: string;
  site: string;
  device: string;
  /** browse name of the variable */
  name: string;
  initial?: number;
  /** AnalogItemType with engineering units %LEL (slower to build; use for a handful of nodes) */
  analog?: boolean;
}

export class TestOpcuaServer {
  private server?: OPCUAServer;
  private readonly variables = new Map<string, UAVariable>();
  /** service requests received since the last start(), e.g. `{ type: 'CreateMonitoredItemsRequest', items: 500 }` */
  readonly requests: { type: string; items?: number }[] = [];

  /** `pkiDir` is kept across restarts so the server certificate stays the same, as on a real PLC. */
  constructor(
    readonly port: number,
    private readonly vars: TestVariable[],
    private readonly pkiDir: string,
  ) {}

  get endpoint(): string {
    return `opc.tcp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    const serverCertificateManager = new OPCUACertificateManager({
      rootFolder: path.join(this.pkiDir, 'server'),
      automaticallyAcceptUnknownCertificate: true,
    });
    const userCertificateManager = new OPCUACertificateManager({
      rootFolder: path.join(this.pkiDir, 'user'),
      automaticallyAcceptUnknownCertificate: true,
    });
    const server = new OPCUAServer({
      port: this.port,
      host: '127.0.0.1',
      hostname: '127.0.0.1',
      allowAnonymous: true,
      serverCertificateManager,
      userCertificateManager,
      isAuditing: false,
      maxConnectionsPerEndpoint: 50,
      buildInfo: { productName: 'hazardline-test-plc' },
    });
    await server.initialize();
    this.build(server);
    this.requests.length = 0;
    server.on('request', (req: { schema: { name: string }; itemsToCreate?: unknown[] }) => {
      this.requests.push({ type: req.schema.name, ...(req.itemsToCreate ? { items: req.itemsToCreate.length } : {}) });
    });
    await server.start();
    this.server = server;
  }

  /** Shuts the server down; connected clients see their connection drop. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.variables.clear();
    if (server) await server.shutdown(0);
  }

  /** Sets a value (Good unless `status` says otherwise) with an explicit source timestamp. */
  set(nodeId: string, value: number, opts: { status?: StatusCode; sourceTimestamp?: Date } = {}): void {
    const v = this.variables.get(nodeId);
    if (!v) throw new Error(`test server: no variable ${nodeId} (server running: ${this.running})`);
    v.setValueFromSource({ dataType: DataType.Double, value }, opts.status ?? StatusCodes.Good, opts.sourceTimestamp ?? new Date());
  }

  private build(server: OPCUAServer): void {
    const addressSpace = server.engine.addressSpace;
    if (!addressSpace) throw new Error('test server: no address space');
    const ns = addressSpace.getOwnNamespace();
    const folders = new Map<string, UAObject>();
    const folder = (key: string, parent: UAObject, name: string): UAObject => {
      let f = folders.get(key);
      if (!f) {
        f = ns.addFolder(parent, { browseName: name });
        folders.set(key, f);
      }
      return f;
    };
    for (const tv of this.vars) {
      const siteFolder = folder(tv.site, addressSpace.rootFolder.objects, tv.site);
      const devFolder = folder(`${tv.site}/${tv.device}`, siteFolder, tv.device);
      const nodeId = tv.nodeId.replace(/^ns=1;/, '');
      const value = { dataType: DataType.Double, value: tv.initial ?? 0 };
      const variable = tv.analog
        ? ns.addAnalogDataItem({
            componentOf: devFolder,
            browseName: tv.name,
            nodeId,
            dataType: 'Double',
            engineeringUnitsRange: { low: 0, high: 100 },
            engineeringUnits: standardUnits.percent,
            minimumSamplingInterval: 0,
          })
        : ns.addVariable({ componentOf: devFolder, browseName: tv.name, nodeId, dataType: 'Double', minimumSamplingInterval: 0 });
      variable.setValueFromSource(value, StatusCodes.Good, new Date());
      this.variables.set(tv.nodeId, variable);
    }
  }
}
