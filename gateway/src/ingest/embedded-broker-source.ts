// The embedded MQTT broker (aedes). A QoS 1 PUBACK is written by aedes only after
// authorizePublish calls back, so the WAL append happens there: acknowledged = durable
// (CONTRACT §5, [MQTT-4.3.2-2] the receiver owns the message once PUBACK is sent).
import { statePayload, stateTopic } from './sparkplug-host.ts';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { Clock } from '../clock.ts';
import { PortInUseError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { ClientIdOwners } from './client-ids.ts';
import type { DeviceAuth } from './device-auth.ts';
import type { EdgePrincipal, Emit, IngestResult, Principal, Source, SourceHealth } from './source.ts';
import { UPLINK_PREFIX } from '../model/topics.ts';

/** central mode: edge gateways on the same broker (docs/uplink.md) */
export interface EdgeEndpoint {
  check(username: string | undefined, password: Buffer | undefined): EdgePrincipal | undefined;
  accept(p: EdgePrincipal, topic: string, payload: Buffer, clientId?: string): Promise<IngestResult>;
  connected(edge: string): void;
  disconnected(edge: string): void;
}

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  auth: DeviceAuth;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  edges?: EdgeEndpoint;
  /** MQTT over TLS beside the plain listener (PEM files) */
  tls?: { port: number; cert: string; key: string; ca?: string };
  /** the Sparkplug host application id whose STATE is published (sparkplug-host.ts) */
  sparkplugHostId?: string;
}

type HlClient = Client & { hlPrincipal?: Principal; hlEdge?: EdgePrincipal; hlAccount?: string };

const accountOf = (edge: EdgePrincipal | undefined, p: Principal | undefined): string => (edge ? `edge:${edge.edge}` : p && p.username !== '(anonymous)' ? `device:${p.username}` : 'anonymous');

/** Rejected messages are not forwarded to subscribers: they are moved to a `$` topic no wildcard matches [MQTT-4.7.2-1]. */
const REJECTED_TOPIC = '$hazardline/rejected';

export class EmbeddedBrokerSource implements Source {
  readonly name = 'mqtt-embedded';
  private broker?: Aedes;
  private server?: Server;
  private tlsServer?: Server;
  private listening = false;
  port = 0;
  tlsPort = 0;

  private readonly clientIds = new ClientIdOwners();

  constructor(private readonly o: EmbeddedBrokerOptions) {}

  /** Publishes from the broker itself (the centre's downlink to its edges, issue 16; Sparkplug STATE and NCMD, issue 18). */
  publish(topic: string, payload: Buffer, o: { qos: 0 | 1; retain: boolean } = { qos: 1, retain: false }): Promise<void> {
    const broker = this.broker;
    if (!broker) return Promise.reject(new Error('broker not started'));
    return new Promise((resolve, reject) => broker.publish({ cmd: 'publish', topic, payload, qos: o.qos, retain: o.retain, dup: false } as PublishPacket, (err) => (err ? reject(err) : resolve())));
  }

  /** the client id is the account's (ClientIdOwners), else refuse the connection (CONNACK 0x02) */
  private bind(client: HlClient, done: (err: AuthenticateError | null, ok: boolean) => void): void {
    const account = accountOf(client.hlEdge, client.hlPrincipal);
    const claim = this.clientIds.claim(client.id, account);
    if (claim === 'ok') {
      client.hlAccount = account;
      return done(null, true);
    }
    this.o.metrics.mqttConnectRefused.inc({ reason: claim });
    this.o.log.warn({ clientId: client.id, account, reason: claim }, 'mqtt connection refused: client id held by another account');
    const err = new Error(claim === 'client_id_taken' ? 'client id held by another account' : 'too many sessions') as AuthenticateError;
    err.returnCode = claim === 'client_id_taken' ? 2 : 3;
    done(err, false);
  }

  async start(emit: Emit): Promise<void> {
    const { auth, metrics, log, clock } = this.o;
    const broker = await Aedes.createBroker({
      id: 'hazardline',
      concurrency: 1000,
      authenticate: (client: HlClient, username, password, done) => {
        const edge = this.o.edges?.check(username, password);
        if (edge) {
          client.hlEdge = edge;
          return this.bind(client, done);
        }
        const res = auth.check(username, password);
        if (res.ok) {
          client.hlPrincipal = res.principal;
          return this.bind(client, done);
        }
        metrics.mqttAuthFailures.inc();
        log.warn({ clientId: client.id, username }, 'mqtt connection refused');
        const err = new Error(res.code === 4 ? 'bad user name or password' : 'not authorized') as AuthenticateError;
        err.returnCode = res.code;
        done(err, false);
      },
      authorizePublish: (client: HlClient | null, packet: PublishPacket, done) => {
        if (packet.topic.startsWith('$')) return done(new Error('$ topics are reserved'));
        // an edge publishes only its uplink, and only an edge publishes there
        const edge = client?.hlEdge;
        const result: Promise<IngestResult> = edge
          ? this.o.edges!.accept(edge, packet.topic, packet.payload as Buffer, client?.id)
          : packet.topic.startsWith(UPLINK_PREFIX)
            ? Promise.resolve({ ok: false, reason: 'acl_denied', message: 'only an edge gateway (auth.edges) publishes uplink topics' })
            : emit({ kind: 'mqtt', topic: packet.topic, payload: packet.payload as Buffer, principal: client?.hlPrincipal, clientId: client?.id, arrival: clock.now() });
        if (!edge && packet.topic.startsWith(UPLINK_PREFIX)) metrics.rejected.inc({ reason: 'acl_denied' });
        result.then(
          (res) => {
            if (res.ok) return done(null);
            // WAL full: no PUBACK, the client keeps the message and sends it again after reconnecting
            if (res.reason === 'wal_full' || res.retry) return done(new Error(res.reason === 'wal_full' ? 'gateway storage full, retry later' : res.message));
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
        // an edge subscribes to its own downlink and nothing else (issue 16)
        if (client?.hlEdge) return done(null, sub.topic === `${UPLINK_PREFIX}${client.hlEdge.edge}/down` ? sub : null);
        if (auth.maySubscribe(client?.hlPrincipal, sub.topic)) return done(null, sub);
        // a null subscription answers SUBACK 0x80 for this topic and keeps the connection [MQTT-3.9.3-2]
        log.debug({ clientId: client?.id, topic: sub.topic }, 'subscription refused');
        done(null, null);
      },
    });
    broker.on('client', (c: HlClient) => {
      metrics.mqttClients.inc();
      if (c.hlEdge) this.o.edges?.connected(c.hlEdge.edge);
    });
    broker.on('clientDisconnect', (c: HlClient) => {
      metrics.mqttClients.dec();
      // a session taken over by the same account lives on in the new connection
      const current = (broker as unknown as { clients: Record<string, Client | undefined> }).clients[c.id];
      if (c.hlAccount && (current === undefined || current === c)) this.clientIds.disconnected(c.id, c.hlAccount, c.clean);
      if (c.hlEdge) this.o.edges?.disconnected(c.hlEdge.edge);
    });
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
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : this.o.port;
    if (this.o.tls) {
      const t = this.o.tls;
      const server = createTlsServer({ cert: readFileSync(t.cert), key: readFileSync(t.key), ...(t.ca ? { ca: readFileSync(t.ca), requestCert: true, rejectUnauthorized: true } : {}) }, broker.handle);
      this.tlsServer = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(t.port, 'mqtt.embedded.tls.port', this.o.host) : err));
        server.listen(t.port, this.o.host, () => resolve());
      });
      const a = server.address();
      this.tlsPort = typeof a === 'object' && a ? a.port : t.port;
    }
    this.listening = true;
    if (this.o.sparkplugHostId) await this.publish(stateTopic(this.o.sparkplugHostId), statePayload(true, clock.now()), { qos: 1, retain: true });
    log.info({ host: this.o.host, port: this.port, tlsPort: this.tlsPort || undefined }, 'embedded mqtt broker listening');
  }

  health(): SourceHealth {
    return { name: this.name, ok: this.listening, detail: { port: this.port, clients: this.broker?.connectedClients ?? 0 } };
  }

  async stop(): Promise<void> {
    // the connected edge nodes hear that their host is gone before their connections close
    if (this.listening && this.o.sparkplugHostId) await this.publish(stateTopic(this.o.sparkplugHostId), statePayload(false, this.o.clock.now()), { qos: 1, retain: true }).catch(() => undefined);
    this.listening = false;
    this.tlsServer?.close();
    if (this.server) {
      this.server.close();
      // destroy open device connections so close() does not wait for them
      for (const c of Object.values((this.broker as unknown as { clients: Record<string, Client> } | undefined)?.clients ?? {})) c.close();
    }
    if (this.broker) await new Promise<void>((r) => this.broker!.close(() => r()));
    this.broker = undefined;
    this.server = undefined;
    this.tlsServer = undefined;
  }
}
