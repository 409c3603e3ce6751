// Metric names per device (issue 12 item 6): every distinct name a device sends keeps state in
// the decoder, the live values and the rule slots for as long as the gateway runs, so one device
// sending made-up names (3.6 M of them → 1.7 GB) could take the gateway down. Each device may use
// at most `max` distinct names; a message that would add one beyond is rejected
// (`too_many_metrics`, counted, dead-lettered) before anything keeps state for it.
import type { DeviceInfo } from '../model/assets.ts';

export class MetricBudget {
  /** per device (the asset model's own object, so nothing is kept for devices that are gone) */
  private readonly seen = new WeakMap<DeviceInfo, Set<string>>();

  constructor(readonly max: number) {}

  /**
   * May the device use `name`? A new name is counted as the device's and noted in `added`, so a
   * message rejected later (for any reason) takes its names back with `undo(added)`.
   */
  admit(device: DeviceInfo, name: string, added: [DeviceInfo, string][]): boolean {
    let set = this.seen.get(device);
    if (!set) this.seen.set(device, (set = new Set()));
    if (set.has(name)) return true;
    if (set.size >= this.max) return false;
    set.add(name);
    added.push([device, name]);
    return true;
  }

  undo(added: readonly [DeviceInfo, string][]): void {
    for (const [d, n] of added) this.seen.get(d)?.delete(n);
  }

  /** distinct names of this device so far */
  count(device: DeviceInfo): number {
    return this.seen.get(device)?.size ?? 0;
  }
}
