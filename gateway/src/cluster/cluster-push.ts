// Live pushes across the cluster (docs/cluster.md §6): what the owner of a partition would push to
// its own consoles — alarm transitions, hazard changes, occupancy, readings — goes over NATS
// (`hl.cluster.push`, core NATS: at most once, like a WebSocket push) to every instance, each of
// which pushes it to the consoles connected to it, in their scope. An alarm push from anywhere
// also tells the instance to read the open alarms again (AlarmManager.setForeign), which is what a
// console's snapshot shows. The payloads are the consoles' own (no reporter identity).
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../log.ts';
import type { Reading } from '../model/types.ts';
import type { WsHub } from '../notify/ws-hub.ts';

const SUBJECT = 'hl.cluster.push';

type Push = { k: 'alarm' | 'hazard'; e: string; d: unknown } | { k: 'occupancy'; e: string; s: string; d: unknown } | { k: 'readings'; d: Reading[] };

export type HubPublisher = Pick<WsHub, 'publishAlarm' | 'publishHazard' | 'publishOccupancy' | 'publishReadings'>;

export class ClusterPush implements HubPublisher {
  private nc?: NatsConnection;
  /** pushes that could not be sent or read (counted for /metrics through the hub's drop counter) */
  failed = 0;

  constructor(
    private readonly hub: HubPublisher,
    private readonly log: Logger,
    /** an alarm changed somewhere in the cluster */
    private readonly onAlarm?: () => void,
  ) {}

  /** From here on pushes go over NATS. */
  attach(nc: NatsConnection): void {
    this.nc = nc;
    nc.subscribe(SUBJECT, {
      callback: (err, msg) => {
        if (err) return;
        try {
          this.deliver(msg.json<Push>());
        } catch (e) {
          this.failed++;
          this.log.warn({ err: (e as Error).message }, 'unreadable push on the cluster subject');
        }
      },
    });
  }

  publishAlarm(enterprise: string, data: unknown): void {
    this.send({ k: 'alarm', e: enterprise, d: data });
  }

  publishHazard(enterprise: string, data: unknown): void {
    this.send({ k: 'hazard', e: enterprise, d: data });
  }

  publishOccupancy(enterprise: string, site: string, data: unknown): void {
    this.send({ k: 'occupancy', e: enterprise, s: site, d: data });
  }

  publishReadings(readings: Reading[]): void {
    this.send({ k: 'readings', d: readings });
  }

  private send(m: Push): void {
    const nc = this.nc;
    if (!nc || nc.isClosed()) return this.deliver(m);
    try {
      nc.publish(SUBJECT, JSON.stringify(m));
    } catch {
      // NATS closed under us: this instance's consoles still see it
      this.failed++;
      this.deliver(m);
    }
  }

  private deliver(m: Push): void {
    switch (m.k) {
      case 'alarm':
        this.onAlarm?.();
        return this.hub.publishAlarm(m.e, m.d);
      case 'hazard':
        return this.hub.publishHazard(m.e, m.d);
      case 'occupancy':
        return this.hub.publishOccupancy(m.e, m.s, m.d);
      case 'readings':
        return this.hub.publishReadings(m.d);
    }
  }
}
