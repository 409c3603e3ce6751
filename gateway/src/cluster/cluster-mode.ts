// gateway.mode cluster (docs/cluster.md): the NATS connection, the ingest stream every instance
// appends to, and this instance's node (leases and partition runners). Built by main.ts; the
// pipeline hands it the alarm manager and the consumers of conditions and frames at start.
import { hostname } from 'node:os';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, JetStreamApiError, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { Condition } from '../../../rules/src/types.ts';
import type { OccupancyChange } from '../../../rules/src/evaluator.ts';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import { buildEvaluator } from '../alarms/build-evaluator.ts';
import { DeclaredStatusBook } from '../alarms/declared-status.ts';
import type { HealthCheck } from '../api/server.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/schema.ts';
import { Backoff } from '../backoff.ts';
import { ConfigError, StoreUnavailableError, StreamUnavailableError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AssetModel, DeclaredStatus } from '../model/assets.ts';
import type { DeviceFrame, Frame, MirrorFrame } from '../model/types.ts';
import type { CentralMode } from '../uplink/uplink-modes.ts';
import type { SpecialPeriodBook } from '../periods/special-periods.ts';
import type { RecordStore } from '../records/record-store.ts';
import { createSink } from '../store/registry.ts';
import { ClusterNode } from './cluster-node.ts';
import { ClusterPush, type HubPublisher } from './cluster-push.ts';

export type { HubPublisher } from './cluster-push.ts';
import { IngestStream } from './ingest-stream.ts';
import { partitionOf } from './partition.ts';
import { PartitionRunner } from './partition-runner.ts';

type ClusterConfig = NonNullable<Config['cluster']>;
const DECLARE_SUBJECT = 'hl.cluster.declare';
const DOWNLINK_SUBJECT = 'hl.cluster.downlink';
const OPEN_TIMEOUT_MS = 60_000;
/** JetStream API errors worth waiting out at start: its cluster not yet formed (10008), too few peers up yet (10005) */
const RETRYABLE_API_CODES = new Set([10008, 10005]);
/** how often the open alarms of other instances' partitions are read again (and 250 ms after any push) */
const FOREIGN_REFRESH_MS = 5000;

export interface ClusterModeOptions {
  config: Config;
  assets: AssetModel;
  dataDir: string;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
}

/** What the processing core hands the cluster at start (pipeline.ts). */
export interface ClusterCore {
  records: RecordStore;
  alarms: AlarmManager;
  onCondition: (c: Condition) => void;
  onOccupancy: (o: OccupancyChange) => void;
  onFrame: (f: Frame) => void;
  /** an edge's alarm and hazard records from a partition's stream, mirrored by its owner (cluster-edges.ts) */
  onMirror: (f: MirrorFrame) => Promise<void>;
  /** the edges (auth.edges) uplinking to the cluster, if any */
  central?: CentralMode;
  /** special periods: the partitions' engines tighten thresholds by them (issue 17) */
  periods?: SpecialPeriodBook;
}

export interface ClusterView {
  instance: string;
  partitionsTotal: number;
  replicas: number;
  instances: { id: string; http: string; alive: boolean; lastHeartbeat: string; startedAt: string }[];
  partitions: { partition: number; owner: string | null; lag: number; seq: number; epoch: number; leaseExpiresAt: string | null }[];
  enterprises: Record<string, number>;
}

export class ClusterMode {
  readonly c: ClusterConfig;
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private stream?: IngestStream;
  private node?: ClusterNode;
  private records?: RecordStore;
  private natsUp = false;
  private pushes?: ClusterPush;
  private core?: ClusterCore;
  private foreignTimer?: NodeJS.Timeout;
  private foreignPending?: NodeJS.Timeout;

  constructor(private readonly o: ClusterModeOptions) {
    this.c = o.config.cluster!;
  }

  /** Cluster mode's write-ahead log: the ingest stream (Ingest's `wal`). */
  append = async (frames: DeviceFrame[]): Promise<void> => {
    if (!this.stream) throw new StreamUnavailableError('not connected to NATS yet');
    await this.stream.append(frames);
  };

  get partitions(): number {
    return this.c.partitions;
  }

  /** An edge's row into a partition, stored once per id (cluster-edges.ts). */
  publishOnce(partition: number, frames: readonly Frame[], id: string): Promise<void> {
    if (!this.stream) return Promise.reject(new StreamUnavailableError('not connected to NATS yet'));
    return this.stream.publishOnce(partition, frames, id);
  }

  private readonly downlinkListeners: ((edge: string) => void)[] = [];

  /** Downlink rows were queued for `edge` here: the instance holding its connection sends them. */
  announceDownlink(edge: string): void {
    this.nc?.publish(DOWNLINK_SUBJECT, edge);
  }

  onDownlink(cb: (edge: string) => void): void {
    this.downlinkListeners.push(cb);
  }

  /** The consoles' pushes of this instance, sent to every instance's consoles once NATS is up. */
  push(hub: HubPublisher): ClusterPush {
    this.pushes = new ClusterPush(hub, this.o.log, () => this.foreignSoon());
    return this.pushes;
  }

  /** Connects to NATS and creates (or checks) the ingest stream: before the sources start. */
  async connect(): Promise<void> {
    const { nats } = this.c;
    try {
      this.nc = await connect({ servers: nats.servers, name: this.o.config.gateway.id, user: nats.user, pass: nats.pass, token: nats.token, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: 5000 });
    } catch (err) {
      throw new StoreUnavailableError('cluster.nats.servers', nats.servers.map((u) => u.replace(/\/\/[^@/]*@/, '//')).join(', '), (err as Error).message);
    }
    this.natsUp = true;
    void this.watch(this.nc);
    this.nc.subscribe(DOWNLINK_SUBJECT, {
      callback: (err, msg) => {
        if (!err) this.downlinkListeners.forEach((cb) => cb(msg.string()));
      },
    });
    this.js = jetstream(this.nc);
    this.stream = new IngestStream(this.js, await jetstreamManager(this.nc), { name: this.c.stream, partitions: this.c.partitions, replicas: this.c.replicas, retentionHours: this.c.retentionHours });
    // a NATS cluster that has just started elects its JetStream leader first: wait for it, bounded
    const backoff = new Backoff({ initialMs: 250, maxMs: 3000 });
    const deadline = performance.now() + OPEN_TIMEOUT_MS;
    for (;;) {
      try {
        await this.stream.open();
        return;
      } catch (err) {
        // JetStream answered and said no (subjects taken by another stream, a config it refuses): not a wait
        if (err instanceof JetStreamApiError && !RETRYABLE_API_CODES.has(err.code)) throw new ConfigError([`cluster.stream: JetStream refused stream ${this.c.stream} (subjects hl.ingest.*): ${err.message} (JetStream API error ${err.code})`]);
        if (performance.now() > deadline) throw new StreamUnavailableError(`stream ${this.c.stream} could not be opened within ${OPEN_TIMEOUT_MS / 1000} s: ${(err as Error).message}`);
        this.o.log.warn({ err: (err as Error).message }, 'JetStream not ready yet; retrying');
        await new Promise((r) => setTimeout(r, backoff.next()));
      }
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') this.natsUp = false;
      if (s.type === 'reconnect') this.natsUp = true;
      if (s.type === 'disconnect' || s.type === 'reconnect') this.o.log.warn({ nats: s.type, server: 'server' in s ? s.server : undefined }, 'NATS connection');
    }
  }

  /** The enterprises of one partition. */
  enterprisesOf = (partition: number): ReadonlySet<string> => new Set([...this.o.assets.enterprises.keys()].filter((e) => partitionOf(e, this.c.partitions) === partition));

  /** Starts taking partitions: after the core is built and HTTP listens (its URL is what other instances see). */
  async start(core: ClusterCore, httpPort: number): Promise<void> {
    const { config, metrics: m } = this.o;
    const host = config.gateway.http.host;
    const http = `${config.gateway.http.tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '::' ? hostname() : host}:${httpPort}`;
    this.records = core.records;
    this.node = new ClusterNode({
      id: config.gateway.id,
      http,
      partitions: this.c.partitions,
      leaseMs: this.c.leaseSeconds * 1000,
      heartbeatMs: this.c.heartbeatSeconds * 1000,
      records: core.records.cluster,
      leases: core.records.leases,
      alarms: core.alarms,
      enterprisesOf: this.enterprisesOf,
      runner: (p, epoch, enterprises, fenced) => this.runner(core, p, epoch, enterprises, fenced),
      now: () => this.o.clock.now(),
      log: this.o.log.child({ component: 'cluster' }),
      onTakeover: () => m.clusterTakeovers.inc(),
      onLeaseLost: () => m.clusterLeasesLost.inc(),
    });
    // a status declared on any instance reaches the owner of its enterprise (it is in the records too)
    this.nc!.subscribe(DECLARE_SUBJECT, {
      callback: (err, msg) => {
        if (err) return;
        try {
          const d = msg.json<{ enterprise: string; status: DeclaredStatus; from: number }>();
          this.node?.runnerOf(d.enterprise)?.declare(d.enterprise, d.status, d.from);
        } catch (e) {
          this.o.log.warn({ err: (e as Error).message }, 'unreadable declaration on the cluster subject');
        }
      },
    });
    this.core = core;
    // views served here (inspection, handover, counts, a console's snapshot) show the alarms of enterprises owned elsewhere too
    await this.refreshForeign();
    this.foreignTimer = setInterval(() => void this.refreshForeign(), FOREIGN_REFRESH_MS);
    this.foreignTimer.unref();
    this.pushes?.attach(this.nc!);
    await this.node.start();
  }

  private async runner(core: ClusterCore, partition: number, epoch: number, mine: ReadonlySet<string>, fenced: () => void): Promise<PartitionRunner> {
    const { config, assets } = this.o;
    // the partition's rule engine sees its enterprises only: offline and correlation rules of other partitions are their owners'
    const view = Object.create(assets, { enterprises: { value: new Map([...assets.enterprises].filter(([id]) => mine.has(id))) } }) as AssetModel;
    const declared = new DeclaredStatusBook(view, (await core.records.declarations.list()).filter((d) => mine.has(d.enterprise)));
    const overrides = config.rules.overrides.filter((o) => typeof o.enterprise !== 'string' || mine.has(o.enterprise));
    const evaluator = buildEvaluator(config, view, declared, core.central, overrides, core.periods);
    return new PartitionRunner({
      partition,
      epoch,
      instance: config.gateway.id,
      stream: this.c.stream,
      js: this.js!,
      records: core.records,
      sink: createSink(config.storage.telemetry, this.o.dataDir),
      evaluator,
      declared,
      clock: this.o.clock,
      log: this.o.log.child({ component: 'cluster', partition }),
      snapshotMs: this.c.snapshotSeconds * 1000,
      batch: config.wal.batchSize,
      onCondition: core.onCondition,
      onOccupancy: core.onOccupancy,
      onFrame: core.onFrame,
      onMirror: core.onMirror,
      lastSeq: () => this.stream!.lastSeq(partition),
      onFenced: fenced,
      onError: () => this.o.metrics.rulesErrors.inc(),
    });
  }

  /** True while this instance owns the partition of `enterprise`. */
  owns(enterprise: string): boolean {
    return this.node?.runnerOf(enterprise) !== undefined;
  }

  get instance(): string {
    return this.o.config.gateway.id;
  }

  /** The HTTP URL of the live instance owning `enterprise`'s partition, if any holds it now. */
  async ownerOf(enterprise: string): Promise<string | undefined> {
    const cr = this.records!.cluster;
    const p = partitionOf(enterprise, this.c.partitions);
    const [parts, instances, now] = await Promise.all([this.records!.leases.partitions(), cr.instances(), cr.now()]);
    const lease = parts.find((x) => x.partition === p);
    if (!lease?.owner || lease.expiresAt <= now) return undefined;
    return instances.find((i) => i.id === lease.owner)?.http;
  }

  /**
   * Alarm writes are fenced (alarm-writer.ts): in the write's transaction, the leases of the
   * partitions it touches are checked and held; enterprises of partitions not held at this
   * instance's epoch are answered, and their changes are not written.
   */
  fence = async (tx: RecordStore, enterprises: ReadonlySet<string>): Promise<ReadonlySet<string>> => {
    const n = this.c.partitions;
    const leases = new Map<number, number>();
    for (const e of enterprises) {
      const p = partitionOf(e, n);
      const epoch = this.node?.leaseEpoch(p);
      if (epoch !== undefined) leases.set(p, epoch);
    }
    const held = await tx.leases.held(this.o.config.gateway.id, [...leases].map(([partition, epoch]) => ({ partition, epoch })));
    return new Set([...enterprises].filter((e) => !held.has(partitionOf(e, n))));
  };

  /** The instance owning partition 0 does the cluster's singular chores (scheduled reports). */
  leads(): boolean {
    return this.node?.owned().some((x) => x.partition === 0) ?? false;
  }

  private async refreshForeign(): Promise<void> {
    try {
      if (this.core) this.core.alarms.setForeign(await this.core.records.alarms.open());
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'reading the open alarms of other instances failed');
    }
  }

  /** An alarm changed on another instance: read the open alarms again shortly (coalesced). */
  private foreignSoon(): void {
    if (this.foreignPending) return;
    this.foreignPending = setTimeout(() => {
      this.foreignPending = undefined;
      void this.refreshForeign();
    }, 250);
    this.foreignPending.unref();
  }

  /** A status declared here: to the owner of the enterprise, wherever it runs. */
  declared(enterprise: string, status: DeclaredStatus, from: number): void {
    this.nc?.publish(DECLARE_SUBJECT, JSON.stringify({ enterprise, status, from }));
  }

  /** GET /api/v1/cluster (docs/cluster.md §7). */
  async view(inScope: (enterprise: string) => boolean): Promise<ClusterView> {
    const cr = this.records!.cluster;
    const [instances, parts, now] = await Promise.all([cr.instances(), this.records!.leases.partitions(), cr.now()]);
    const iso = (ms: number) => new Date(ms).toISOString();
    const local = new Map((this.node?.owned() ?? []).map((x) => [x.partition, x]));
    const leaseMs = this.c.leaseSeconds * 1000;
    return {
      instance: this.o.config.gateway.id,
      partitionsTotal: this.c.partitions,
      replicas: this.c.replicas,
      instances: instances.map((i) => ({ id: i.id, http: i.http, alive: i.heartbeatAt > now - leaseMs, lastHeartbeat: iso(i.heartbeatAt), startedAt: iso(i.startedAt) })),
      partitions: parts
        .filter((p) => p.partition < this.c.partitions)
        .map((p) => {
          const held = p.owner !== null && p.expiresAt > now;
          const mine = local.get(p.partition);
          return { partition: p.partition, owner: held ? p.owner : null, lag: mine?.lag ?? p.lag, seq: mine?.seq ?? p.seq, epoch: p.epoch, leaseExpiresAt: held ? iso(p.expiresAt) : null };
        }),
      enterprises: Object.fromEntries([...this.o.assets.enterprises.keys()].filter(inScope).map((e) => [e, partitionOf(e, this.c.partitions)])),
    };
  }

  /** /healthz `cluster`: NATS reachable, leases renewed on time. */
  health(): HealthCheck {
    const owned = this.node?.owned() ?? [];
    const state = this.node?.state ?? 'starting';
    return {
      name: 'cluster',
      ok: this.natsUp && state !== 'fenced',
      detail: { nats: this.natsUp ? 'connected' : 'disconnected', lease: state, owned: owned.map((x) => x.partition), lag: owned.reduce((n, x) => n + x.lag, 0), lastError: this.node?.lastError ?? null },
    };
  }

  /** Readings older than their device's last, seen by the rule engines of the partitions owned here (hazardline_rules_late_readings). */
  late(): number {
    return (this.node?.owned() ?? []).reduce((n, x) => n + x.late, 0);
  }

  /** /metrics at scrape time. */
  gauges(): void {
    const m = this.o.metrics;
    const owned = this.node?.owned() ?? [];
    m.clusterOwned.set(owned.length);
    m.clusterLag.reset();
    m.clusterSeq.reset();
    for (const x of owned) {
      m.clusterLag.set({ partition: String(x.partition) }, x.lag);
      m.clusterSeq.set({ partition: String(x.partition) }, x.seq);
    }
    m.clusterLeaseUp.set(this.node?.state === 'renewing' ? 1 : 0);
  }

  /** Hands every partition over (state saved, leases freed), then closes NATS. */
  async stop(): Promise<void> {
    clearInterval(this.foreignTimer);
    clearTimeout(this.foreignPending);
    await this.node?.stop();
    await this.nc?.drain().catch(() => {});
  }
}
