// The device-model extension point of the simulators. A model is a deterministic function of
// its seed, its parameters and event time: the simulator advances it on a simulated clock
// (`--speed`), so a month replays in seconds and every run of a scenario sends the same data.

export type Quality = 'good' | 'bad';

/** What one device reports at one instant (CONTRACT §3.1–3.3 payload content, transport-neutral). */
export interface Sample {
  /** event time, epoch ms */
  ts: number;
  /** metric → value; absent metrics are not sent (a dropout) */
  values: Record<string, number>;
  /** metrics reported with bad quality (sent as OPC UA bad status / Sparkplug is_null; omitted over JSON) */
  bad?: string[];
  /** device events (CONTRACT §3.3), e.g. { type: 'belt_tear', detail: {...} } */
  events?: { type: string; detail?: Record<string, unknown> }[];
}

export interface DeviceModel {
  readonly id: string;
  /** the device's reporting interval in ms (its natural cadence) */
  readonly intervalMs: number;
  /**
   * Advance to event time `t` (monotonic, >= the previous call) and report. `undefined`:
   * the device sends nothing at `t` (powered off, link down, "fake offline").
   */
  sample(t: number): Sample | undefined;
}
