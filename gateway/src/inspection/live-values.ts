// The latest power and belt values and zone head-counts, for the enterprise views of the
// consoles and the inspection board ("what power, belt and positioning show", issue 6). Fed
// from every durable readings frame, so it keeps only the kinds those views show: gas and
// slope readings (most of the traffic) cost one comparison each.
import type { Reading } from '../model/types.ts';

export interface LatestValue {
  ts: number;
  value: number;
}

export class LiveValues {
  private readonly byDevice = new Map<string, Map<string, LatestValue>>();
  private readonly zones = new Map<string, { persons: number; ts: number }>();

  readings(rs: readonly Reading[]): void {
    for (const r of rs) {
      if ((r.kind !== 'power' && r.kind !== 'belt') || r.value === null || r.quality === 'bad') continue;
      const k = `${r.enterprise}/${r.site}/${r.device}`;
      let m = this.byDevice.get(k);
      if (!m) this.byDevice.set(k, (m = new Map()));
      const cur = m.get(r.metric);
      // event time decides: a late (backfilled) reading does not replace a newer one
      if (!cur || r.ts >= cur.ts) m.set(r.metric, { ts: r.ts, value: r.value });
    }
  }

  occupancy(enterprise: string, site: string, zone: string, persons: number, ts: number): void {
    this.zones.set(`${enterprise}/${site}/${zone}`, { persons, ts });
  }

  get(enterprise: string, site: string, device: string, metric: string): LatestValue | undefined {
    return this.byDevice.get(`${enterprise}/${site}/${device}`)?.get(metric);
  }

  persons(enterprise: string, site: string, zone: string): { persons: number; ts: number } | undefined {
    return this.zones.get(`${enterprise}/${site}/${zone}`);
  }
}
