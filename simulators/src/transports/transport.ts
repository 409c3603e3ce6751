// How a simulated device reaches the gateway: only over the wire, as field hardware does.
import type { Sample } from '../models/model.ts';

export interface Transport {
  start(): Promise<void>;
  /** resolves when the gateway acknowledged (QoS 1) */
  send(device: { enterprise: string; site: string; id: string; kind: string }, sample: Sample): Promise<void>;
  stop(): Promise<void>;
}
