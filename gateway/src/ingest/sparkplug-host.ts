// The gateway as a Sparkplug B host application (issue 18; Sparkplug 3.0 §5.3 Host Application
// session establishment, §6.4 Rebirth):
//  - STATE: `spBv1.0/STATE/{hostId}`, retained, QoS 1, JSON {"online": true|false, "timestamp"}:
//    online once the gateway takes messages, offline when it stops (and, on an external broker,
//    as the connection's will when it dies). Edge nodes that wait for their primary host see it.
//  - Rebirth: DATA from an edge node whose BIRTH the gateway does not hold (it restarted while
//    the node stayed connected to an external broker, or a BIRTH was lost) is refused; the host
//    then asks the node for its births with an NCMD `Node Control/Rebirth` = true, at most once
//    per `minIntervalMs` per node, instead of refusing its data until it happens to rebirth.
import spPayload from 'sparkplug-payload';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';

const codec = spPayload.get('spBv1.0')!;

export type BrokerPublish = (topic: string, payload: Buffer, o: { qos: 0 | 1; retain: boolean }) => Promise<void>;

export const stateTopic = (hostId: string): string => `spBv1.0/STATE/${hostId}`;
export const statePayload = (online: boolean, timestamp: number): Buffer => Buffer.from(JSON.stringify({ online, timestamp }));

/** the NCMD that asks an edge node for its NBIRTH and DBIRTHs again */
export function rebirthCommand(group: string, node: string, timestamp: number): { topic: string; payload: Buffer } {
  const payload = codec.encodePayload({ timestamp, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true, timestamp }] });
  return { topic: `spBv1.0/${group}/NCMD/${node}`, payload: Buffer.from(payload) };
}

const MAX_NODES = 10_000;

export class SparkplugHost {
  /** per edge node, when a rebirth was last asked for (bounded: the oldest forgotten first) */
  private readonly asked = new Map<string, number>();

  constructor(private readonly o: { publish: BrokerPublish; clock: Clock; log: Logger; minIntervalMs?: number }) {}

  /** Asks `group/node` to rebirth, unless it was asked within the interval. */
  requestRebirth(group: string, node: string): void {
    const key = `${group}/${node}`;
    const now = this.o.clock.now();
    const last = this.asked.get(key);
    if (last !== undefined && now - last < (this.o.minIntervalMs ?? 10_000)) return;
    this.asked.delete(key);
    this.asked.set(key, now);
    if (this.asked.size > MAX_NODES) this.asked.delete(this.asked.keys().next().value!);
    const cmd = rebirthCommand(group, node, now);
    this.o.publish(cmd.topic, cmd.payload, { qos: 0, retain: false }).then(
      () => this.o.log.info({ group, node }, 'sparkplug rebirth requested (data without a birth)'),
      (err: Error) => this.o.log.warn({ group, node, err: err.message }, 'sparkplug rebirth request not sent'),
    );
  }
}
