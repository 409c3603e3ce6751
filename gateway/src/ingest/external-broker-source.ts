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

export const INGEST_SUBSCRIPTIONS = ['hl/v1/+/+/+/+', ...SPARKPLUG_SUBSCRIPTIONS];

export interface ExternalBrokerOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  log: Logger;
  clock: Clock;
}

export class ExternalBrokerSource implements Source {
  readonly name = 'mqtt-external';
  private client?: MqttClient;
  private connected = false;
  private stopping = false;

  constructor(private readonly o: ExternalBrokerOptions) {}

  async start(emit: Emit): Promise<void> {
    const { log, clock } = this.o;
    const client = mqtt.connect(this.o.url, {
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
    client.handleMessage = (packet, callback) => {
      if (packet.topic.startsWith('$')) return callback();
      void this.deliver(emit, packet.topic, packet.payload as Buffer, clock.now()).then((acked) => acked && callback());
    };
    client.on('connect', (ack) => {
      this.connected = true;
      log.info({ url: this.o.url, sessionPresent: ack.sessionPresent }, 'connected to external mqtt broker');
      client.subscribe(INGEST_SUBSCRIPTIONS, { qos: 1 }, (err) => {
        if (err) log.error({ err }, 'subscribe failed');
      });
    });
    client.on('close', () => {
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

  async stop(): Promise<void> {
    this.stopping = true;
    await this.client?.endAsync(false).catch(() => undefined);
    this.connected = false;
  }
}
