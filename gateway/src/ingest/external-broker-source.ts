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
      emit({ kind: 'mqtt', topic: packet.topic, payload: packet.payload as Buffer, clientId: 'external', arrival: clock.now() }).then(
        (res) => {
          // WAL full: withhold the PUBACK so the broker redelivers after we reconnect
          if (!res.ok && res.reason === 'wal_full') return callback(new Error('gateway storage full'));
          callback();
        },
        (err: Error) => callback(err),
      );
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

  health(): SourceHealth {
    return { name: this.name, ok: this.connected, detail: { url: this.o.url.replace(/\/\/[^@/]*@/, '//***@'), connected: this.connected } };
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(false).catch(() => undefined);
    this.connected = false;
  }
}
