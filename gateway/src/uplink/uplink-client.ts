// The edge's link to the central gateway (issue 7, docs/uplink.md): one MQTT connection (mqtt.js,
// TLS when the URL is mqtts://), a hello on connect and every 15 s, then the forward queue drained
// one QoS 1 batch at a time — priority lane first, bulk oldest first at no more than
// `maxReadingsPerSecond` — and a batch's rows deleted only once the central acknowledged it (its
// PUBACK comes after the central made the rows durable). Up to `inflight` batches are on the wire
// at once: one connection delivers them in order, and the central applies them in that order. A
// lost connection leaves the unacknowledged rows queued; the next one starts again at the oldest.
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Backoff, WakeableSleep } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import type { UplinkConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { ForwardQueue, Lane } from './forward-queue.ts';
import { encodeBatch, uplinkTopic, type Hello } from './protocol.ts';
import { crashPoint } from '../crash-point.ts';

const HELLO_EVERY_MS = 15_000;
const MAX_BACKOFF_MS = 30_000;

export interface UplinkClientOptions {
  config: UplinkConfig;
  queue: ForwardQueue;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  hello: () => Hello;
  /** a downlink batch from the centre (issue 16) */
  onDown?: (payload: Buffer) => void;
}

/** Readings-per-second budget: refills continuously, one second of burst; a batch may take it below zero. */
class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(private readonly rate: number, now: number) {
    this.tokens = rate;
    this.at = now;
  }
  available(now: number): number {
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    return this.tokens;
  }
  take(n: number): void {
    this.tokens -= n;
  }
  /** ms until the budget is positive again */
  waitMs(now: number): number {
    const t = this.available(now);
    return t > 0 ? 0 : Math.ceil((-t / this.rate) * 1000) + 1;
  }
}

export class UplinkClient {
  readonly edge: string;
  connected = false;
  /** wall time the current connection came up, or the last one went down */
  since: number;
  lastError: string | null = null;
  private client?: MqttClient;
  private generation = 0;
  private stopped = true;
  private readonly backoff: Backoff;
  private reconnectTimer?: NodeJS.Timeout;
  private helloTimer?: NodeJS.Timeout;
  private readonly pause = new WakeableSleep();
  private readonly bucket: TokenBucket;

  constructor(private readonly o: UplinkClientOptions) {
    this.edge = o.config.username;
    this.since = o.clock.now();
    this.bucket = new TokenBucket(o.config.maxReadingsPerSecond, o.clock.now());
    this.backoff = new Backoff({ initialMs: o.config.reconnectSeconds * 1000, maxMs: MAX_BACKOFF_MS });
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** New rows were queued: a waiting drain loop looks again at once. */
  wake(): void {
    this.pause.wake();
  }

  private options(): IClientOptions {
    const c = this.o.config;
    const opts: IClientOptions = {
      clientId: c.clientId ?? `hazardline-edge-${c.username}`,
      username: c.username,
      password: c.password,
      clean: true,
      keepalive: c.keepaliveSeconds,
      reconnectPeriod: 0, // reconnects are ours: each connection starts again at the queue's oldest row
      connectTimeout: 10_000,
      will: { topic: uplinkTopic(this.edge, 'state'), payload: Buffer.from('offline'), qos: 1, retain: true },
    };
    if (c.tls) {
      if (c.tls.ca) opts.ca = readFileSync(c.tls.ca);
      if (c.tls.cert) opts.cert = readFileSync(c.tls.cert);
      if (c.tls.key) opts.key = readFileSync(c.tls.key);
      opts.rejectUnauthorized = c.tls.rejectUnauthorized;
    }
    return opts;
  }

  private connect(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    let client: MqttClient;
    try {
      client = mqtt.connect(this.url, this.options());
    } catch (err) {
      this.lastError = (err as Error).message;
      this.o.log.error({ err }, 'uplink: cannot connect');
      return this.scheduleReconnect();
    }
    this.client = client;
    let lost!: () => void;
    const closed = new Promise<never>((_, reject) => (lost = () => reject(new Error('uplink connection closed'))));
    closed.catch(() => {});
    client.on('connect', () => {
      if (gen !== this.generation) return;
      // several batches in flight: Nagle would hold each behind the previous one's acknowledgement
      (client.stream as { setNoDelay?: (v: boolean) => void } | undefined)?.setNoDelay?.(true);
      this.connected = true;
      this.since = this.o.clock.now();
      this.backoff.reset();
      this.lastError = null;
      this.o.metrics.uplinkConnected.set(1);
      this.o.log.info({ url: this.url }, 'uplink connected');
      // the centre's decisions for this edge's enterprises (issue 16); acknowledged on arrival, applied in order
      if (this.o.onDown) client.subscribe(uplinkTopic(this.edge, 'down'), { qos: 1 }, (err) => err && this.o.log.warn({ err: err.message }, 'uplink: downlink subscription failed'));
      void this.run(client, gen, closed).catch((err: Error) => {
        if (gen === this.generation) this.o.log.warn({ err: err.message }, 'uplink: drain stopped');
        client.end(true);
      });
    });
    client.on('message', (topic, payload) => {
      if (topic === uplinkTopic(this.edge, 'down')) this.o.onDown?.(payload);
    });
    client.on('error', (err) => {
      this.lastError = err.message;
      this.o.log.warn({ err: err.message }, 'uplink error');
    });
    client.on('close', () => {
      lost();
      if (gen !== this.generation) return;
      this.generation++;
      clearInterval(this.helloTimer);
      this.wake();
      if (this.connected) {
        this.connected = false;
        this.since = this.o.clock.now();
        this.o.metrics.uplinkConnected.set(0);
        this.o.metrics.uplinkReconnects.inc();
        this.o.log.warn('uplink lost: queueing until it is back');
      }
      client.end(true);
      this.scheduleReconnect();
    });
  }

  /** the URL of the current (or next) connection: `url`, then each of `failover` in turn after a failure */
  get url(): string {
    const all = [this.o.config.url, ...this.o.config.failover];
    return all[this.urlIndex % all.length];
  }

  private urlIndex = 0;

  private scheduleReconnect(): void {
    if (this.stopped) return;
    // a cluster: the next instance (any of them takes the edge and carries on from the same rows)
    this.urlIndex++;
    this.reconnectTimer = setTimeout(() => this.connect(), this.backoff.next());
  }

  /** hello, then the drain loop, for as long as this connection lives */
  private async run(client: MqttClient, gen: number, closed: Promise<never>): Promise<void> {
    const publish = (topic: string, payload: Buffer | string, retain = false) => Promise.race([client.publishAsync(topic, payload, { qos: 1, retain }), closed]);
    await publish(uplinkTopic(this.edge, 'state'), 'online', true);
    await publish(uplinkTopic(this.edge, 'hello'), JSON.stringify(this.o.hello()));
    this.helloTimer = setInterval(() => void publish(uplinkTopic(this.edge, 'hello'), JSON.stringify(this.o.hello())).catch(() => {}), HELLO_EVERY_MS);
    this.helloTimer.unref();
    const { queue, config, metrics } = this.o;
    // up to `inflight` batches on the wire; rows after `sent` are the ones not yet handed over
    const sent: Record<Lane, number> = { p: 0, b: 0 };
    const inflight = new Set<Promise<void>>();
    let failed: Error | undefined;
    const epoch = queue.epoch();
    while (gen === this.generation && !failed) {
      if (inflight.size >= config.inflight) {
        await Promise.race(inflight);
        continue;
      }
      let lane: Lane = 'p';
      let rows = queue.peek('p', sent.p, 256, Infinity, config.batchBytes);
      if (rows.length === 0 && queue.stats().b.rows > 0) {
        const wait = this.bucket.waitMs(this.o.clock.now());
        if (wait > 0) {
          await Promise.race([this.idle(wait), ...inflight]);
          continue;
        }
        lane = 'b';
        rows = queue.peek('b', sent.b, 10_000, Math.max(1, Math.min(config.batchReadings, Math.floor(this.bucket.available(this.o.clock.now())))), config.batchBytes);
      }
      if (rows.length === 0) {
        await Promise.race([this.idle(1000), ...inflight]);
        continue;
      }
      const last = rows[rows.length - 1].seq;
      const readings = rows.reduce((n, r) => n + r.readings, 0);
      sent[lane] = last;
      if (lane === 'b') this.bucket.take(readings);
      const payload = encodeBatch(this.edge, epoch, lane, rows);
      const done = publish(uplinkTopic(this.edge, lane), payload).then(
        () => {
          // acknowledged: the central has these rows durably, whatever happens to this connection now
          crashPoint('edge-after-puback'); // acknowledged, not yet deleted: sent again after a restart
          metrics.uplinkSent.inc({ lane });
          metrics.uplinkSentBytes.inc(payload.length);
          if (lane === 'b') metrics.uplinkSentReadings.inc(readings);
          try {
            queue.ack(lane, last);
          } catch (err) {
            // not deleted: sent again after the reconnect, and skipped by the central as duplicates
            failed ??= err as Error;
          }
        },
        (err: Error) => void (failed ??= err),
      );
      inflight.add(done);
      void done.finally(() => inflight.delete(done));
    }
    if (failed) throw failed;
  }

  private idle(ms: number): Promise<void> {
    return this.pause.sleep(ms);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.helloTimer);
    this.wake();
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    // a clean disconnect: the retained state says offline (the Last Will is for crashes)
    if (this.connected) await Promise.race([c.publishAsync(uplinkTopic(this.edge, 'state'), 'offline', { qos: 1, retain: true }), new Promise((r) => setTimeout(r, 1000))]).catch(() => {});
    await c.endAsync(true).catch(() => {});
    this.connected = false;
    this.o.metrics.uplinkConnected.set(0);
  }
}
