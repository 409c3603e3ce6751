// The OPC UA simulator's node ids, kept apart from the server (which loads node-opcua) so the
// command line can print a gateway config without loading an OPC UA stack.
export interface OpcuaDevice {
  enterprise: string;
  site: string;
  id: string;
  kind: string;
  /** metric names (CONTRACT §3.1), one variable each */
  metrics: string[];
  /** the device reports events (CONTRACT §3.3): one String variable `Event` holding the last as JSON `{type, detail}` */
  events?: boolean;
}

/** The node id of a metric's variable, e.g. `ns=1;s=s1.gas-01.lel`. */
export function opcuaNodeId(site: string, device: string, metric: string): string {
  return `ns=1;s=${site}.${device}.${metric}`;
}

/** The node id of a device's event variable, e.g. `ns=1;s=p1.cam-1.Event`. */
export function opcuaEventNodeId(site: string, device: string): string {
  return `ns=1;s=${site}.${device}.Event`;
}

type NodeBinding = { nodeId: string; device: string } & ({ metric: string } | { event: '*' });

/** The `nodes` array of the gateway's `opcua[]` entry for these devices. */
export function opcuaNodesFor(devices: Pick<OpcuaDevice, 'site' | 'id' | 'metrics' | 'events'>[]): NodeBinding[] {
  return devices.flatMap((d): NodeBinding[] => [
    ...d.metrics.map((metric) => ({ nodeId: opcuaNodeId(d.site, d.id, metric), device: d.id, metric })),
    ...(d.events ? [{ nodeId: opcuaEventNodeId(d.site, d.id), device: d.id, event: '*' as const }] : []),
  ]);
}

