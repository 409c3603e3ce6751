// Ingest from an external broker (mqtt.url) with mqtt.js: QoS 1 subscription on a persistent
// session (clean: false, fixed client id), so messages published while the gateway is down
// are queued by the broker. mqtt.js sends the PUBACK only after `handleMessage` calls back,
// and we call back only after the WAL append: acknowledged = durable (CONTRACT §5).
// ACL is the external broker's job here: messages carry no principal.
import mqtt, { type MqttClient } from 'mqtt';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Emit, Source, SourceHealth } from './source.ts';

import { SPARKPLUG_SUBSCRIPTIONS } from '../decode/sparkplug-decoder.ts';
import { statePayload, stateTopic } from './sparkplug-host.ts';

export const INGEST_SUBSCRIPTIONS = ['hl/v1/+/+/+/+', ...SPARKPLUG_SUBSCRIPTIONS];

export interface ExternalBrokerOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  log: Logger;
  clock: Clock;
  /** the Sparkplug host application id: STATE online after each connect, offline as the will and at stop (sparkplug-host.ts) */
  sparkplugHostId?: string;
}

export class ExternalBrokerSource implements Source {
  readonly name = 'mqtt-external';
  private client?: MqttClient;
  private connected = false;
  private stopping = false;

  constructor(private readonly o: ExternalBrokerOptions) {}

  async start(emit: Emit): Promise<void> {
    const { log, clock } = this.o;
    const hostId = this.o.sparkplugHostId;
    const born = clock.now();
    const client = mqtt.connect(this.o.url, {
      // Sparkplug 3.0 [tck-id-host-topic-phid-death-payload]: the death STATE carries the timestamp of the birth it ends
      ...(hostId ? { will: { topic: stateTopic(hostId), payload: statePayload(false, born), qos: 1 as const, retain: true } } : {}),
      clientId: this.o.clientId,
      clean: false,
      username: this.o.username,
      password: this.o.password,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      protocolVersion: 4,
      manualConnect: true,
    });
    this.client = client;
    // Pipelined acknowledgements (issue 16): mqtt.js reads a connection's next packet only once
    // handleMessage calls back, and sends the PUBACK from there — one message per WAL sync. Here
    // handleMessage calls back at once, so the next messages reach the WAL in the same group
    // commit, and each QoS 1 PUBACK mqtt.js then sends is held until its message is durable and
    // released in the order the PUBLISHes arrived [MQTT-4.6.0-2]. A message that never becomes
    // durable (stopping) is never acknowledged; the broker sends it again on the session.
    // a FIFO with a moving head: Array.shift() moves every element when V8 cannot trim the array
    // in place (during GC marking, which is often at these rates), and showed as 30 % of the CPU
    let held: { id: number; durable: boolean; release?: () => void }[] = [];
    let head = 0;
    const byId = new Map<number, (typeof held)[number]>();
    const flush = () => {
      while (head < held.length && held[head].durable && held[head].release) {
        const e = held[head++];
        byId.delete(e.id);
        e.release!();
      }
      if (head > 1024 && head * 2 > held.length) {
        held = held.slice(head);
        head = 0;
      }
    };
    const internals = client as unknown as { _sendPacket: (packet: { cmd: string; messageId?: number }, cb?: () => void, ...rest: unknown[]) => void };
    const send = internals._sendPacket.bind(client);
    internals._sendPacket = (packet, cb, ...rest) => {
      const e = packet.cmd === 'puback' && packet.messageId !== undefined ? byId.get(packet.messageId) : undefined;
      if (!e) return send(packet, cb, ...rest);
      e.release = () => send(packet, undefined, ...rest);
      cb?.(); // mqtt.js goes on to the next packet; the PUBACK waits for durability
      flush();
    };
    client.handleMessage = (packet, callback) => {
      if (packet.topic.startsWith('$')) return callback();
      const arrival = clock.now();
      if (packet.qos !== 1 || packet.messageId === undefined) {
        void this.deliver(emit, packet.topic, packet.payload as Buffer, arrival).then((acked) => acked && callback());
        return;
      }
      const e = { id: packet.messageId, durable: false } as (typeof held)[number];
      held.push(e);
      byId.set(e.id, e);
      void this.deliver(emit, packet.topic, packet.payload as Buffer, arrival).then((acked) => {
        if (!acked) return;
        e.durable = true;
        flush();
      });
      callback();
    };
    client.on('connect', (ack) => {
      this.connected = true;
      log.info({ url: this.o.url, sessionPresent: ack.sessionPresent }, 'connected to external mqtt broker');
      client.subscribe(INGEST_SUBSCRIPTIONS, { qos: 1 }, (err) => {
        if (err) log.error({ err }, 'subscribe failed');
        // subscribed first, then online [tck-id-host-topic-phid-birth-sub-required]
        else if (hostId) client.publish(stateTopic(hostId), statePayload(true, born), { qos: 1, retain: true });
      });
    });
    client.on('close', () => {
      // acknowledgements owed on a closed connection mean nothing: the broker resends those messages
      held = [];
      head = 0;
      byId.clear();
      if (this.connected) log.warn({ url: this.o.url }, 'external mqtt broker connection closed; reconnecting');
      this.connected = false;
    });
    client.on('error', (err) => log.warn({ err: err.message, url: this.o.url }, 'external mqtt broker error'));
    client.connect();
  }

  /**
   * mqtt.js never redelivers a message whose handler failed (and the broker holds one of its
   * few in-flight slots for it), so a message that cannot be made durable yet (WAL full, disk
   * error) is retried here with back-off while the PUBACK waits: back-pressure on the broker.
   * Rejected messages are acknowledged: a retry would not change them. Returns false when
   * stopping before the message became durable (the broker keeps it for our session).
   */
  private async deliver(emit: Emit, topic: string, payload: Buffer, arrival: number): Promise<boolean> {
    let delay = 100;
    while (!this.stopping) {
      try {
        const res = await emit({ kind: 'mqtt', topic, payload, clientId: 'external', arrival });
        if (res.ok || res.reason !== 'wal_full') return true;
      } catch (err) {
        this.o.log.error({ err, topic }, 'ingest failed; retrying before acknowledging');
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
    return false;
  }

  health(): SourceHealth {
    return { name: this.name, ok: this.connected, detail: { url: this.o.url.replace(/\/\/[^@/]*@/, '//***@'), connected: this.connected } };
  }

  /** Publishes on the external broker (Sparkplug NCMD); the broker's ACL must allow it. */
  publish(topic: string, payload: Buffer, o: { qos: 0 | 1; retain: boolean }): Promise<void> {
    if (!this.client || !this.connected) return Promise.reject(new Error('not connected to the external broker'));
    return this.client.publishAsync(topic, payload, o).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.connected && this.o.sparkplugHostId) await this.client!.publishAsync(stateTopic(this.o.sparkplugHostId), statePayload(false, this.o.clock.now()), { qos: 1, retain: true }).catch(() => undefined);
    await this.client?.endAsync(false).catch(() => undefined);
    this.connected = false;
  }
}
