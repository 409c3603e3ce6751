// Wiring only (ARCHITECTURE.md, issue 13): config → asset model → WAL → sink → sources → API, and
// at start the processing core (pipeline.ts) in order. Behaviour lives in the parts.
import { SparkplugHost } from './ingest/sparkplug-host.ts';
import { VERSION } from './version.ts';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from './errors.ts';
import { DataDirLock } from './data-dir-lock.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config/schema.ts';
import { configWarnings } from './config/warnings.ts';
import { DeadLetterStore } from './deadletter/dead-letter-store.ts';
import { createLogger, type Logger } from './log.ts';
import { Metrics } from './metrics/metrics.ts';
import { GatewayGauges } from './metrics/gateway-gauges.ts';
import { AssetModel } from './model/assets.ts';
import { Wal } from './wal/wal.ts';
import { PointWriter } from './wal/point-writer.ts';
import { createSink } from './store/registry.ts';
import { RunningSink } from './store/running-sink.ts';
import { Ingest } from './ingest/ingest.ts';
import type { Source } from './ingest/source.ts';
import { EmbeddedBrokerSource } from './ingest/embedded-broker-source.ts';
import { createMqttSource, createOpcuaSources } from './ingest/source-registry.ts';
import { TokenAuth } from './api/auth.ts';
import { buildApi, listenApi, type HealthCheck } from './api/server.ts';
import { GatewayHealth } from './api/health.ts';
import { alarmRoutes } from './api/alarm-routes.ts';
import { uplinkRoutes } from './api/uplink-routes.ts';
import { pipelineRoutes } from './api/pipeline-routes.ts';
import { alarmJson } from './alarms/alarm-json.ts';
import { WsHub } from './notify/ws-hub.ts';
import { NotifyRouter } from './notify/notify-router.ts';
import { WsNotifier } from './notify/ws-notifier.ts';
import { AlarmPoints } from './notify/alarm-points.ts';
import { Fanout } from './notify/fanout.ts';
import { OccupancyPush } from './notify/occupancy-push.ts';
import { LiveValues } from './inspection/live-values.ts';
import { CentralMode, EdgeMode } from './uplink/uplink-modes.ts';
import { openPipeline, type Pipeline } from './pipeline.ts';
import { ClusterMode, type HubPublisher } from './cluster/cluster-mode.ts';
import { clusterRoutes } from './api/cluster-routes.ts';

export interface GatewayOptions {
  log?: Logger;
  clock?: Clock;
}

export class Gateway {
  readonly log: Logger;
  readonly clock: Clock;
  readonly metrics = new Metrics({ defaultMetrics: true });
  readonly assets: AssetModel;
  readonly dataDir: string;
  readonly wal: Wal;
  readonly deadLetters: DeadLetterStore;
  readonly runningSink: RunningSink;
  readonly ingest: Ingest;
  readonly sources: Source[] = [];
  readonly api: ReturnType<typeof buildApi>;
  readonly auth: TokenAuth;
  readonly hub: WsHub;
  private readonly push: HubPublisher;
  readonly notify: NotifyRouter;
  readonly live = new LiveValues();
  /** gateway.mode central: the edges uplinking here (docs/uplink.md) */
  readonly central?: CentralMode;
  /** gateway.mode edge: the forward queue and the link to the central gateway */
  readonly edge?: EdgeMode;
  /** gateway.mode cluster (docs/cluster.md): the stream is the WAL of device frames (the local WAL keeps derived points); leases, partitions, pushes to every instance (`push`) */
  readonly cluster?: ClusterMode;
  /** the processing core, from start() until stop() */
  pipeline?: Pipeline;
  httpPort = 0;
  mqttPort = 0;
  private started = false;
  private readonly dataDirLock: DataDirLock;
  private readonly points: PointWriter;
  private readonly fanout: Fanout;
  private readonly occupancy: OccupancyPush;
  private readonly healthChecks: GatewayHealth;

  constructor(
    readonly config: Config,
    opts: GatewayOptions = {},
  ) {
    this.log = opts.log ?? createLogger();
    this.clock = opts.clock ?? systemClock;
    this.assets = AssetModel.fromConfig(config);
    this.metrics.buildInfo.set({ version: VERSION, node: process.version, mode: config.gateway.mode }, 1);
    this.dataDir = resolve(config.gateway.dataDir);
    try {
      mkdirSync(this.dataDir, { recursive: true });
      accessSync(this.dataDir, constants.W_OK);
    } catch (err) {
      throw new ConfigError([`gateway.dataDir: cannot use ${this.dataDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
    }
    // before anything else touches dataDir (WAL, SQLite files, photos, uplink queue): one gateway per dataDir
    // (a constructor that throws below leaves the lock to the process's exit: the CLI exits at once)
    this.dataDirLock = DataDirLock.acquire(this.dataDir);
    const { clock, metrics: m } = this;
    const c = (component: string) => this.log.child({ component });
    const tz = config.gateway.timezone;
    // central: confirmed segments stay while they hold uplink marks the saved state does not cover
    const retain = config.gateway.mode === 'central' ? (seq: number) => this.central?.retainWal(seq) ?? true : undefined;
    this.wal = new Wal({ dir: join(this.dataDir, 'wal'), ...config.wal, log: c('wal'), metrics: m, retain });
    this.deadLetters = new DeadLetterStore(join(this.dataDir, 'deadletter.db'), m);
    const sink = createSink(config.storage.telemetry, this.dataDir);
    this.runningSink = new RunningSink(sink, this.wal, m, c('sink').child({ id: sink.type }), { batchSize: config.wal.batchSize, clock }, this.deadLetters);
    const { maxPayloadBytes, autoRegister, maxMetricsPerDevice } = config.mqtt;
    if (config.gateway.mode === 'cluster') this.cluster = new ClusterMode({ config, assets: this.assets, dataDir: this.dataDir, clock, log: c('cluster'), metrics: m });
    this.ingest = new Ingest({ assets: this.assets, wal: this.cluster ? { append: this.cluster.append } : this.wal, deadLetters: this.deadLetters, metrics: m, log: c('ingest'), clock, maxPayloadBytes, autoRegister, maxMetricsPerDevice });
    const uplink = { config, wal: this.wal, metrics: m, log: c('uplink'), clock };
    // the uplink modes reach the core through these getters (the core opens at start(), after them); central, or a cluster with edges
    if (config.gateway.mode === 'central' || (this.cluster && config.auth.edges.length)) this.central = new CentralMode({ ...uplink, assets: this.assets, deadLetters: this.deadLetters, alarms: () => this.pipeline?.alarms, hazards: () => this.pipeline?.hazards, store: () => this.pipeline?.records, cluster: this.cluster });
    if (config.gateway.mode === 'edge') this.edge = new EdgeMode({ ...uplink, dataDir: this.dataDir });
    const central = this.central;
    const mqttSource = createMqttSource(config, { assets: this.assets, metrics: m, log: this.log, clock, dataDir: this.dataDir, edges: central?.edgeHooks });
    this.sources.push(mqttSource);
    this.ingest.attachSparkplugHost(new SparkplugHost({ publish: (t, p, o) => mqttSource.publish(t, p, o), clock, log: c('sparkplug') }));
    // central: the downlink to the edges goes out through the broker they are connected to (issue 16)
    if (mqttSource instanceof EmbeddedBrokerSource) central?.downlink.attach((topic, payload) => mqttSource.publish(topic, payload));
    this.auth = new TokenAuth(config.auth.tokens, this.assets);
    this.hub = new WsHub({
      auth: this.auth,
      log: c('ws'),
      snapshot: (id) => (this.pipeline?.alarms.openAlarms() ?? []).filter((a) => this.auth.inScope(id, a.enterprise)).map((a) => alarmJson(a, tz, clock.now())),
      onDrop: () => m.wsDropped.inc(),
      logins: () => this.api?.loginGate,
    });
    this.push = this.cluster ? this.cluster.push(this.hub) : this.hub;
    const webhookMetrics = { onDelivered: (n: string) => m.webhookDelivered.inc({ notifier: n }), onFailed: (n: string) => m.webhookFailed.inc({ notifier: n }), onDropped: (n: string) => m.webhookDropped.inc({ notifier: n }), onRetry: (n: string) => m.webhookRetried.inc({ notifier: n }) };
    this.notify = NotifyRouter.fromConfig(config.notify.webhooks, { gateway: config.gateway.id, timezone: tz, log: c('notify'), metrics: webhookMetrics });
    this.points = new PointWriter({ wal: this.wal, log: c('points'), clock, onDropped: (measurement, n) => m.derivedPointsDropped.inc({ measurement }, n) });
    // webhooks behind their own bounded queues: a slow robot never delays the WebSocket push
    this.fanout = new Fanout({ notifiers: [new WsNotifier(this.push), this.notify, new AlarmPoints(this.points)], timezone: tz, clock, metrics: m });
    this.occupancy = new OccupancyPush({ assets: this.assets, live: this.live, hub: this.push, points: this.points });
    this.healthChecks = new GatewayHealth({ config, clock, log: this.log, wal: this.wal, runningSink: this.runningSink, sources: this.sources, edge: this.edge, central, cluster: this.cluster, records: () => this.pipeline && { alarms: this.pipeline.alarms, target: this.pipeline.records.target } });
    const gauges = new GatewayGauges(m, { wal: this.wal, cluster: this.cluster, running: () => this.pipeline && { late: () => this.cluster?.late() ?? this.pipeline!.evaluator.stats().late, backlog: () => this.pipeline!.ruleRunner.backlog(), alarms: this.pipeline.alarms } });
    this.api = buildApi({ assets: this.assets, auth: this.auth, sink, deadLetters: this.deadLetters, metrics: m, clock, log: this.log, health: () => this.health(), http: config.gateway.http, beforeScrape: () => gauges.refresh() });
    const p = () => this.pipeline;
    alarmRoutes(this.api, () => p()?.alarmRoutes);
    uplinkRoutes(this.api, { auth: this.auth, edge: this.edge, central });
    clusterRoutes(this.api, { auth: this.auth, cluster: this.cluster, core: () => this.pipeline });
    pipelineRoutes(this.api, p, { auth: this.auth, config, assets: this.assets });
  }

  get records() {
    return this.pipeline?.records;
  }
  get alarms() {
    return this.pipeline?.alarms;
  }
  get hazards() {
    return this.pipeline?.hazards;
  }
  get evaluator() {
    return this.pipeline?.evaluator;
  }

  /** Overdue rectifications become alarms (CONTRACT §8): every 30 s, and on demand. */
  async checkOverdue(now = this.clock.now()): Promise<void> {
    await this.pipeline?.link.checkOverdue(now);
  }

  health(): HealthCheck[] {
    return this.healthChecks.checks();
  }

  async start(): Promise<void> {
    this.started = true; // from here on stop() releases whatever start() managed to open
    const { config } = this;
    try {
      this.sources.push(...(await createOpcuaSources(config, { assets: this.assets, metrics: this.metrics, log: this.log, clock: this.clock, dataDir: this.dataDir })));
      await this.wal.open();
      await this.cluster?.connect();
      // records database, rule engine and alarm manager (CONTRACT §6): after the WAL, before the sources
      this.pipeline = await openPipeline({ config, assets: this.assets, dataDir: this.dataDir, wal: this.wal, clock: this.clock, log: this.log, metrics: this.metrics, auth: this.auth, hub: this.push, live: this.live, fanout: this.fanout, occupancy: this.occupancy, edge: this.edge, central: this.central, cluster: this.cluster });
    } catch (err) {
      await this.stop();
      throw err;
    }
    try {
      await this.runningSink.sink.open();
    } catch (err) {
      // the store may come up later: readings wait in the WAL, the drainer retries
      this.log.error({ err, sink: this.runningSink.sink.type }, 'telemetry store not reachable at start; buffering in the WAL');
    }
    this.runningSink.start();
    try {
      this.httpPort = await listenApi(this.api, config.gateway.http.host, config.gateway.http.port);
      this.hub.attach(this.api.server);
      await this.cluster?.start(this.pipeline.clusterCore, this.httpPort);
      for (const s of this.sources) {
        await s.start(this.ingest.accept);
        if (s instanceof EmbeddedBrokerSource) this.mqttPort = s.port;
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    for (const w of configWarnings(config)) this.log.warn(`config: ${w}`);
    this.log.info({ http: this.httpPort, mqtt: this.mqttPort || undefined, store: this.runningSink.sink.type, devices: this.assets.deviceCount() }, 'gateway started');
  }

  async stop(): Promise<void> {
    if (!this.started) return this.dataDirLock.release();
    this.started = false;
    const step = async (what: string, fn: () => unknown) => {
      try {
        await fn();
      } catch (err) {
        this.log.error({ err }, `${what} failed during stop`);
      }
    };
    const p = this.pipeline;
    // the API first (it reads the stores), then inputs, then drain, then the stores
    this.hub.close();
    await step('http close', () => this.api.close());
    for (const s of this.sources) await step(`stop ${s.name}`, () => s.stop());
    p?.link.stop();
    await step('cluster stop', () => this.cluster?.stop());
    await step('rules stop', () => p?.ruleRunner.stop());
    await step('alarms flush', async () => {
      const left = await p?.alarms.closeWriter(this.config.alarms.stopFlushSeconds * 1000);
      // the alarms come back from the database at the next start: these changes will be missing
      if (left && left.unwritten > 0) this.log.fatal({ unwritten: left.unwritten, alarms: left.alarms.slice(0, 100), records: p?.records.target }, 'records database did not take every alarm change before stop: these changes are lost');
    });
    await step('reports stop', () => p?.scheduler.stop());
    p?.paging.pager.stopTimer();
    await step('notifications close', () => p?.paging.deliveries.close(5000));
    await step('uplink stop', () => this.edge?.stop());
    await step('edges state save', () => this.central?.stop());
    await step('notify close', () => this.fanout.close(5000));
    await step('points flush', () => this.points.close());
    this.pipeline = undefined;
    await step('drain', () => this.runningSink.stop());
    await step('wal close', () => this.wal.close());
    await step('sink close', () => this.runningSink.sink.close());
    await step('dead letters close', () => this.deadLetters.close());
    await step('records close', () => p?.records.close());
    this.dataDirLock.release();
    this.log.info('gateway stopped');
  }
}
