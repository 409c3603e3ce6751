// An in-process transport for rule replays (`hazardline replay --scenario`): each sample becomes
// the frames the gateway's JSON decoder would make of the MQTT JSON transport's messages
// (CONTRACT §3.1–3.3), with kind and zone from the asset model, delivered to a callback instead
// of a broker. Nothing here touches the network.
import type { AssetModel } from '../../../gateway/src/model/assets.ts';
import type { DeviceFrame, Reading } from '../../../gateway/src/model/types.ts';
import type { Sample } from '../models/model.ts';
import type { PositionSample } from '../models/positioning-model.ts';
import type { Transport } from './transport.ts';

export class FrameTransport implements Transport {
  constructor(
    private readonly assets: AssetModel,
    private readonly deliver: (frame: DeviceFrame) => void,
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async send(device: { enterprise: string; site: string; id: string; kind: string }, sample: Sample): Promise<void> {
    const info = this.assets.enterprises.get(device.enterprise)?.sites.get(device.site)?.devices.get(device.id);
    if (!info) throw new Error(`FrameTransport: ${device.enterprise}/${device.site}/${device.id} is not in the asset model`);
    const ref = { enterprise: device.enterprise, site: device.site, device: device.id };
    if ('tags' in sample) {
      this.deliver({ type: 'position', transport: 'mqtt', ts: sample.ts, tags: (sample as PositionSample).tags, ...ref });
    } else if (Object.keys(sample.values).length > 0) {
      const readings: Reading[] = Object.entries(sample.values).map(([metric, value]) => ({ ts: sample.ts, ...ref, kind: info.kind, ...(info.zone ? { zone: info.zone } : {}), metric, value, quality: 'good' }));
      this.deliver({ type: 'readings', transport: 'mqtt', readings });
    }
    for (const ev of sample.events ?? []) this.deliver({ type: 'event', transport: 'mqtt', ts: sample.ts, eventType: ev.type, detail: ev.detail ?? {}, ...ref });
  }
}
