// Zone head-counts from the rule engine's presence tracking: the live site view, the consoles'
// `occupancy` push (CONTRACT §9) and the `occupancy` measurement (CONTRACT §5, through the
// bounded PointWriter).
import type { OccupancyChange } from '../../../rules/src/evaluator.ts';
import type { LiveValues } from '../inspection/live-values.ts';
import type { AssetModel } from '../model/assets.ts';
import type { PointWriter } from '../wal/point-writer.ts';
import type { WsHub } from './ws-hub.ts';

export class OccupancyPush {
  constructor(
    private readonly o: {
      assets: AssetModel;
      live: Pick<LiveValues, 'occupancy'>;
      hub: Pick<WsHub, 'publishOccupancy'>;
      points: Pick<PointWriter, 'write'>;
    },
  ) {}

  handle(c: OccupancyChange): void {
    this.o.live.occupancy(c.enterprise, c.site, c.zone, c.persons, c.ts);
    const zone = this.o.assets.enterprises.get(c.enterprise)?.sites.get(c.site)?.zones.get(c.zone);
    this.o.hub.publishOccupancy(c.enterprise, c.site, { enterprise: c.enterprise, site: c.site, zone: c.zone, persons: c.persons, maxPersons: zone?.maxPersons ?? null, ts: new Date(c.ts).toISOString() });
    this.o.points.write({ measurement: 'occupancy', tags: { enterprise: c.enterprise, site: c.site, zone: c.zone }, fields: { persons: c.persons }, ts: c.ts });
  }
}
