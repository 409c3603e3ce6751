// The embedded MQTT broker (aedes). A QoS 1 PUBACK is written by aedes only after
// authorizePublish calls back, so the WAL append happens there: acknowledged = durable
// (CONTRACT §5, [MQTT-4.3.2-2] the receiver owns the message once PUBACK is sent).
import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { Clock } from '../clock.ts';
import { PortInUseError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { DeviceAuth } from './device-auth.ts';
import type { Emit, Principal, Source, SourceHealth } from './source.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  auth: DeviceAuth;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
}

type HlClient = Client & { hlPrincipal?: Principal };

/** Rejected messages are not forwarded to subscribers: they are moved to a `$` topic no wildcard matches [MQTT-4.7.2-1]. */
const REJECTED_TOPIC = '$hazardline/rejected';

export class EmbeddedBrokerSource implements Source {
  readonly name = 'mqtt-embedded';
  private broker?: Aedes;
  private server?: Server;
  private listening = false;
  port = 0;

  constructor(private readonly o: EmbeddedBrokerOptions) {}

  async start(emit: Emit): Promise<void> {
    const { auth, metrics, log, clock } = this.o;
    const broker = await Aedes.createBroker({
      id: 'hazardline',
      concurrency: 1000,
      authenticate: (client: HlClient, username, password, done) => {
        const res = auth.check(username, password);
        if (res.ok) {
          client.hlPrincipal = res.principal;
          return done(null, true);
        }
        metrics.mqttAuthFailures.inc();
        log.warn({ clientId: client.id, username }, 'mqtt connection refused');
        const err = new Error(res.code === 4 ? 'bad user name or password' : 'not authorized') as AuthenticateError;
        err.returnCode = res.code;
        done(err, false);
      },
      authorizePublish: (client: HlClient | null, packet: PublishPacket, done) => {
        if (packet.topic.startsWith('$')) return done(new Error('$ topics are reserved'));
        emit({ kind: 'mqtt', topic: packet.topic, payload: packet.payload as Buffer, principal: client?.hlPrincipal, clientId: client?.id, arrival: clock.now() }).then(
          (res) => {
            if (res.ok) return done(null);
            // WAL full: no PUBACK, the client keeps the message and sends it again after reconnecting
            if (res.reason === 'wal_full') return done(new Error('gateway storage full, retry later'));
            packet.topic = `${REJECTED_TOPIC}/${res.reason}`;
            packet.retain = false;
            done(null);
          },
          (err: Error) => {
            log.error({ err, topic: packet.topic }, 'ingest failed');
            done(err);
          },
        );
      },
      authorizeSubscribe: (client: HlClient | null, sub, done) => {
        if (auth.maySubscribe(client?.hlPrincipal, sub.topic)) return done(null, sub);
        // a null subscription answers SUBACK 0x80 for this topic and keeps the connection [MQTT-3.9.3-2]
        log.debug({ clientId: client?.id, topic: sub.topic }, 'subscription refused');
        done(null, null);
      },
    });
    broker.on('client', () => metrics.mqttClients.inc());
    broker.on('clientDisconnect', () => metrics.mqttClients.dec());
    broker.on('clientError', (client, err) => log.debug({ clientId: client?.id, err: err.message }, 'mqtt client error'));
    this.broker = broker;
    // noDelay: a PUBACK is a 4-byte write; with Nagle it can wait for the peer's delayed ACK
    this.server = createServer({ noDelay: true }, broker.handle);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', (err: NodeJS.ErrnoException) => {
        reject(err.code === 'EADDRINUSE' ? new PortInUseError(this.o.port, 'mqtt.embedded.port', this.o.host) : err);
      });
      this.server!.listen(this.o.port, this.o.host, () => resolve());
    });
    this.listening = true;
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : this.o.port;
    log.info({ host: this.o.host, port: this.port }, 'embedded mqtt broker listening');
  }

  health(): SourceHealth {
    return { name: this.name, ok: this.listening, detail: { port: this.port, clients: this.broker?.connectedClients ?? 0 } };
  }

  async stop(): Promise<void> {
    this.listening = false;
    if (this.server) {
      this.server.close();
      // destroy open device connections so close() does not wait for them
      for (const c of Object.values((this.broker as unknown as { clients: Record<string, Client> } | undefined)?.clients ?? {})) c.close();
    }
    if (this.broker) await new Promise<void>((r) => this.broker!.close(() => r()));
    this.broker = undefined;
    this.server = undefined;
  }
}
