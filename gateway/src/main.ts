// Wiring only (ARCHITECTURE.md): config → asset model → WAL → sink → sources → API.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { ConfigError } from './errors.ts';
import { DataDirLock } from './data-dir-lock.ts';
import { join, resolve } from 'node:path';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config/schema.ts';
import { DeadLetterStore } from './deadletter/dead-letter-store.ts';
import { createLogger, RateLimitedLog, type Logger } from './log.ts';
import { Metrics } from './metrics/metrics.ts';
import { AssetModel } from './model/assets.ts';
import { Wal } from './wal/wal.ts';
import { createSink } from './store/registry.ts';
import { RunningSink } from './store/running-sink.ts';
import { Ingest } from './ingest/ingest.ts';
import type { Source } from './ingest/source.ts';
import type { EdgePrincipal } from './uplink/edge-registry.ts';
import { DeviceAuth } from './ingest/device-auth.ts';
import { EmbeddedBrokerSource } from './ingest/embedded-broker-source.ts';
import { ExternalBrokerSource } from './ingest/external-broker-source.ts';
import { TokenAuth } from './api/auth.ts';
import { buildApi, listenApi, type HealthCheck } from './api/server.ts';
import { publicError } from './api/public-error.ts';
import { alarmRoutes, type AlarmRouteDeps } from './api/alarm-routes.ts';
import { openRecordStore, type RecordStore } from './records/record-store.ts';
import { AlarmManager } from './alarms/alarm-manager.ts';
import { alarmJson } from './alarms/alarm-json.ts';
import { RuleRunner } from './alarms/rule-runner.ts';
import { DeclaredStatusBook } from './alarms/declared-status.ts';
import { WsHub } from './notify/ws-hub.ts';
import { NotifyRouter } from './notify/notify-router.ts';
import { HazardService } from './hazards/hazard-service.ts';
import { InspectionService } from './inspection/inspection-service.ts';
import { LiveValues } from './inspection/live-values.ts';
import { inspectionRoutes } from './api/inspection-routes.ts';
import { PhotoStore } from './hazards/photos.ts';
import { loadReporterKey } from './hazards/reporter-key.ts';
import { configWarnings } from './config/warnings.ts';
import { hazardRoutes } from './api/hazard-routes.ts';
import { formatLocal } from './alarms/local-time.ts';
import { alarmNotifyEvent } from './notify/notifier.ts';
import { CentralMode, EdgeMode } from './uplink/uplink-modes.ts';
import { uplinkRoutes } from './api/uplink-routes.ts';
import { createEvaluator } from '../../rules/src/evaluator.ts';
import { RuleConfigError } from '../../rules/src/compile.ts';
import type { RuleEvaluator } from '../../rules/src/evaluator.ts';

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
  readonly notify: NotifyRouter;
  records?: RecordStore;
  alarms?: AlarmManager;
  hazards?: HazardService;
  inspection?: InspectionService;
  readonly live = new LiveValues();
  evaluator?: RuleEvaluator;
  ruleRunner?: RuleRunner;
  declared?: DeclaredStatusBook;
  /** gateway.mode central: the edges uplinking here (docs/uplink.md) */
  readonly central?: CentralMode;
  /** gateway.mode edge: the forward queue and the link to the central gateway */
  readonly edge?: EdgeMode;
  httpPort = 0;
  mqttPort = 0;
  private started = false;
  private lastWalOverflow?: number;
  private readonly dataDirLock: DataDirLock;

  constructor(
    readonly config: Config,
    opts: GatewayOptions = {},
  ) {
    this.log = opts.log ?? createLogger();
    this.clock = opts.clock ?? systemClock;
    this.assets = AssetModel.fromConfig(config);
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
    const c = (component: string) => this.log.child({ component });
    // central: confirmed segments stay while they hold uplink marks the saved state does not cover
    const retain = config.gateway.mode === 'central' ? (seq: number) => this.central?.retainWal(seq) ?? true : undefined;
    this.wal = new Wal({ dir: join(this.dataDir, 'wal'), ...config.wal, log: c('wal'), metrics: this.metrics, retain });
    const overflowLog = new RateLimitedLog(this.log.child({ component: 'wal' }), 10_000, () => this.clock.now());
    this.wal.on('overflow', ({ policy, frames }) => {
      this.lastWalOverflow = this.clock.now();
      overflowLog.error('overflow', { policy, frames, maxBytes: config.wal.maxBytes }, 'WAL full: the telemetry store is down or not keeping up');
    });
    this.deadLetters = new DeadLetterStore(join(this.dataDir, 'deadletter.db'), this.metrics);
    const sink = createSink(config.storage.telemetry, this.dataDir);
    this.runningSink = new RunningSink(sink, this.wal, this.metrics, c('sink').child({ id: sink.type }), { batchSize: config.wal.batchSize }, this.deadLetters);
    this.ingest = new Ingest({
      assets: this.assets,
      wal: this.wal,
      deadLetters: this.deadLetters,
      metrics: this.metrics,
      log: c('ingest'),
      clock: this.clock,
      maxPayloadBytes: config.mqtt.maxPayloadBytes,
      autoRegister: config.mqtt.autoRegister,
      maxMetricsPerDevice: config.mqtt.maxMetricsPerDevice,
    });
    const uplinkLog = c('uplink');
    if (config.gateway.mode === 'central') {
      this.central = new CentralMode({ config, wal: this.wal, metrics: this.metrics, log: uplinkLog, clock: this.clock, assets: this.assets, deadLetters: this.deadLetters, alarms: () => this.alarms, hazards: () => this.hazards, store: () => this.records });
    }
    if (config.gateway.mode === 'edge') this.edge = new EdgeMode({ config, wal: this.wal, metrics: this.metrics, log: uplinkLog, clock: this.clock, dataDir: this.dataDir });
    this.buildSources();
    this.auth = new TokenAuth(config.auth.tokens, this.assets);
    const tz = config.gateway.timezone;
    this.hub = new WsHub({
      auth: this.auth,
      log: c('ws'),
      snapshot: (id) => (this.alarms?.openAlarms() ?? []).filter((a) => this.auth.inScope(id, a.enterprise)).map((a) => alarmJson(a, tz, this.clock.now())),
      onDrop: () => this.metrics.wsDropped.inc(),
      logins: () => this.api?.loginGate,
    });
    const m = this.metrics;
    this.notify = NotifyRouter.fromConfig(config.notify.webhooks, {
      gateway: config.gateway.id,
      timezone: tz,
      log: c('notify'),
      metrics: {
        onDelivered: (n) => m.webhookDelivered.inc({ notifier: n }),
        onFailed: (n) => m.webhookFailed.inc({ notifier: n }),
        onDropped: (n) => m.webhookDropped.inc({ notifier: n }),
        onRetry: (n) => m.webhookRetried.inc({ notifier: n }),
      },
    });
    this.api = buildApi({
      assets: this.assets,
      auth: this.auth,
      sink,
      deadLetters: this.deadLetters,
      metrics: this.metrics,
      clock: this.clock,
      log: this.log,
      health: () => this.health(),
      http: config.gateway.http,
      beforeScrape: () => {
        this.metrics.walAge.set(this.wal.oldestAgeSeconds());
        if (this.evaluator) this.metrics.rulesLate.set(this.evaluator.stats().late);
        this.updateAlarmGauges();
        this.updateRecordsGauges();
        const g = this.alarms?.gauges();
        if (!g) return;
        this.metrics.alarmsLast10m.set(g.last10m);
        this.metrics.alarmsChattering.set(g.chattering);
        this.metrics.alarmsStale.set(g.stale);
        this.metrics.alarmsOverdue.set(g.overdue);
      },
    });
    alarmRoutes(this.api, () => this.alarmDeps);
    uplinkRoutes(this.api, { auth: this.auth, edge: this.edge, central: this.central });
    inspectionRoutes(this.api, () => (this.inspection && this.alarmDeps ? { inspection: this.inspection, auth: this.auth } : undefined));
    hazardRoutes(this.api, () => (this.hazards && this.alarms && this.alarmDeps ? { hazards: this.hazards, alarms: this.alarms, auth: this.auth } : undefined), { photoMaxBytes: config.hazards.photoMaxBytes });
  }

  private alarmDeps?: AlarmRouteDeps;

  /** Records database, rule engine and alarm manager (CONTRACT §6): after the WAL, before the sources. */
  private async startAlarms(): Promise<void> {
    const { config } = this;
    const c = (component: string) => this.log.child({ component });
    const tz = config.gateway.timezone;
    this.records = await openRecordStore(config.storage.records, { dataDir: this.dataDir, log: c('records') });
    this.declared = new DeclaredStatusBook(this.assets, await this.records.declarations.list());
    try {
      this.evaluator = createEvaluator({
        packs: config.rules.packs,
        files: config.rules.files,
        overrides: config.rules.overrides,
        tagTtlSeconds: config.positioning.tagTtlSeconds,
        env: {
          assets: this.assets,
          timezone: tz,
          declaredStatusAt: (e: string, ts: number) => this.declared!.at(e, ts),
          // an edge's enterprises run on the time of their data: a dead link is not dead devices
          dataClockOnly: this.central ? (e: string) => this.central!.registry.originOf(e) !== undefined : undefined,
        },
      });
    } catch (err) {
      if (err instanceof RuleConfigError) throw new ConfigError(err.problems);
      throw err;
    }
    const maintenance = config.alarms.maintenance.map((m) => ({ ...m, from: Date.parse(m.from), to: Date.parse(m.to) }));
    this.alarms = new AlarmManager({ store: this.records, rules: this.evaluator.rules, timezone: tz, clock: this.clock, log: c('alarms'), maintenance, escalateUnackedAfterMs: config.alarms.escalateUnackedAfterMinutes * 60_000, edges: this.central?.registry, maxPendingWrites: config.alarms.maxPendingWrites });
    await this.alarms.start();
    this.alarms.on('transition', (ev) => {
      const json = alarmJson(ev.alarm, tz, this.clock.now());
      this.hub.publishAlarm(ev.alarm.enterprise, { ...json, action: ev.transition.action, previousState: ev.previous?.state ?? null });
      this.metrics.alarmTransitions.inc({ action: ev.transition.action });
      // webhooks behind their own bounded queues: a slow robot never delays the WebSocket push
      if (ev.transition.action !== 'update') this.notify.handle(alarmNotifyEvent(ev, tz, this.clock.now()));
      if (ev.transition.action === 'raise') this.metrics.alarmActivations.inc({ severity: ev.alarm.severity });
      if (ev.transition.action === 'update') return;
      // the `alarm` measurement for Grafana annotations (CONTRACT §5), through the WAL like readings
      const a = ev.alarm;
      const tags: Record<string, string> = { enterprise: a.enterprise, rule: a.rule, severity: a.severity };
      if (a.site) tags.site = a.site;
      if (a.device) tags.device = a.device;
      if (a.zone) tags.zone = a.zone;
      this.wal.append([{ type: 'points', points: [{ measurement: 'alarm', tags, fields: { state: a.state, action: ev.transition.action, message: a.message }, ts: ev.transition.ts }] }]).catch((err: Error) => this.log.warn({ err: err.message }, 'alarm measurement not written'));
    });
    this.updateAlarmGauges();
    this.hazards = new HazardService({ store: this.records, assets: this.assets, clock: this.clock, log: c('hazards'), rewardTiers: config.hazards.rewardTiers, photos: new PhotoStore(join(this.dataDir, 'photos')), maxPhotos: config.hazards.maxPhotos, reporterKey: loadReporterKey(join(this.dataDir, 'reporter.key')) });
    this.hazards.on('event', (ev) => {
      const h = ev.hazard;
      this.hub.publishHazard(h.enterprise, { id: h.id, enterprise: h.enterprise, site: h.site ?? null, title: h.title, level: h.level, state: h.state, previousState: ev.previousState, action: ev.entry.action });
      // the report code is the reporter's bearer secret: never in a notification
      const notice = { id: h.id, enterprise: h.enterprise, site: h.site ?? null, title: h.title, level: h.level, state: h.state, previousState: ev.previousState, action: ev.entry.action, dueBy: h.rectification ? formatLocal(Number(h.rectification.deadline), tz) : null, reportCode: null };
      this.notify.handle({ kind: 'hazard', hazard: notice, action: ev.entry.action });
      // a confirmed major hazard goes to the regulator at once (直报, CONTRACT §8)
      for (const e of ev.effects) if (e.kind === 'direct-report') this.notify.handle({ kind: 'hazard', hazard: { ...notice, action: 'direct-report' }, action: 'direct-report' });
    });
    this.inspection = new InspectionService({ store: this.records, assets: this.assets, alarms: this.alarms, hazards: this.hazards, live: this.live, clock: this.clock, timezone: tz, rules: this.evaluator, edgeOf: this.central ? (e) => this.central!.edgeOf(e) : undefined });
    // the uplink sees every alarm and hazard change, and the WAL's frames, from here on
    await this.edge?.start(this.alarms, this.hazards, this.records, this.evaluator.rules.map((r) => r.id));
    await this.central?.start();
    this.evaluator.onCondition((cond) => {
      this.alarms!.handle(cond);
      // rules that open a hazard report themselves (pack `hazard:`, e.g. red over-capacity, ≥ 10 in a high-risk zone)
      // (an edge opens its own, mirrored here)
      if (cond.active && cond.hazard && !this.central?.registry.originOf(cond.subject.enterprise)) void this.autoHazard(cond.key, cond.hazard);
    });
    // zone head-counts: the `occupancy` measurement (CONTRACT §5) and the live site view
    this.evaluator.onOccupancy((o) => {
      this.live.occupancy(o.enterprise, o.site, o.zone, o.persons, o.ts);
      const zone = this.assets.enterprises.get(o.enterprise)?.sites.get(o.site)?.zones.get(o.zone);
      this.hub.publishOccupancy(o.enterprise, o.site, { enterprise: o.enterprise, site: o.site, zone: o.zone, persons: o.persons, maxPersons: zone?.maxPersons ?? null, ts: new Date(o.ts).toISOString() });
      const point = { measurement: 'occupancy', tags: { enterprise: o.enterprise, site: o.site, zone: o.zone }, fields: { persons: o.persons }, ts: o.ts };
      this.wal.append([{ type: 'points', points: [point] }]).catch((err: Error) => this.log.warn({ err: err.message }, 'occupancy point not written'));
    });
    this.ruleRunner = new RuleRunner({
      evaluator: this.evaluator,
      alarms: this.alarms,
      store: this.records,
      wal: this.wal,
      clock: this.clock,
      log: c('rules'),
      snapshotMs: config.rules.stateSnapshotSeconds * 1000,
      onError: () => this.metrics.rulesErrors.inc(),
      onFrame: (f) => {
        if (f.type !== 'readings') return;
        this.live.readings(f.readings);
        this.hub.publishReadings(f.readings);
      },
    });
    await this.ruleRunner.start(this.wal.read(Number.MAX_SAFE_INTEGER));
    this.overdueTimer = setInterval(() => void this.checkOverdue().catch((err: Error) => this.log.error({ err }, 'overdue check failed')), 30_000);
    this.overdueTimer.unref();
    this.alarmDeps = {
      alarms: this.alarms,
      store: this.records,
      auth: this.auth,
      assets: this.assets,
      clock: this.clock,
      timezone: tz,
      declarationBounds: config.declarations,
      declare: async (enterprise, status, from, reason, actor) => {
        await this.records!.declarations.add({ enterprise, status, from, reason, actor, at: this.clock.now() });
        this.declared!.add({ enterprise, status, from });
        this.evaluator!.declare(enterprise, status, from);
      },
    };
  }

  private overdueTimer?: NodeJS.Timeout;

  /** Overdue rectifications become alarms (CONTRACT §8); run every 30 s, and on demand. */
  async checkOverdue(now = this.clock.now()): Promise<void> {
    if (!this.hazards || !this.alarms) return;
    for (const c of await this.hazards.overdueConditions(now)) this.alarms.handle(c);
  }

  private readonly autoHazardKeys = new Set<string>();

  /** One hazard per alarm, made by the system; a failure is logged and the alarm stays as it is. */
  private async autoHazard(key: string, level: 'general' | 'major'): Promise<void> {
    const a = this.alarms?.openByKey(key);
    if (!a || a.hazardId || !this.hazards || this.autoHazardKeys.has(key)) return;
    this.autoHazardKeys.add(key);
    try {
      const system = { role: 'admin' as const, id: 'system', name: 'system', enterprises: [], jurisdictions: [] };
      const r = await this.hazards.create({ enterprise: a.enterprise, site: a.site, zone: a.zone, device: a.device, title: a.message, description: a.messageEn, level, category: 'dynamic' }, system, { source: 'alarm', alarmId: a.id });
      this.alarms!.linkHazard(a.id, r.hazard.id, 'system');
    } catch (err) {
      this.log.error({ err, alarm: a.id }, 'automatic hazard report failed');
    } finally {
      this.autoHazardKeys.delete(key);
    }
  }

  private recordsSeen = { failures: 0, refused: 0 };

  /** the alarm writer's backlog as metrics (its counters are cumulative: add what is new) */
  private updateRecordsGauges(): void {
    const w = this.alarms?.writeStatus();
    if (!w) return;
    this.metrics.recordsWriteFailures.inc(w.failures - this.recordsSeen.failures);
    this.metrics.recordsRefused.inc(w.refused - this.recordsSeen.refused);
    this.recordsSeen = { failures: w.failures, refused: w.refused };
    this.metrics.recordsPending.set(w.pending);
    this.metrics.recordsPendingAge.set(w.oldestAgeSeconds);
    this.metrics.recordsUp.set(w.consecutiveFailures === 0 ? 1 : 0);
  }

  /** degraded while writes fail, the backlog is older than alarms.recordsDegradedAfterSeconds, or overflowed alarms wait for their resync */
  private recordsHealth(): HealthCheck | undefined {
    const w = this.alarms?.writeStatus();
    if (!w || !this.records) return undefined;
    const ok = w.consecutiveFailures === 0 && w.oldestAgeSeconds < this.config.alarms.recordsDegradedAfterSeconds && w.resyncPending === 0;
    return { name: 'records', ok, detail: { target: this.records.target, pending: w.pending, oldestAgeSeconds: w.oldestAgeSeconds, failures: w.failures, overflow: w.refused, resyncPending: w.resyncPending, ...(w.lastError ? { error: publicError(w.lastError) } : {}) } };
  }

  private updateAlarmGauges(): void {
    const counts: Record<string, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
    for (const a of this.alarms?.openAlarms() ?? []) counts[a.severity]++;
    for (const [s, n] of Object.entries(counts)) this.metrics.alarmsOpen.set({ severity: s }, n);
  }

  private buildSources(): void {
    const { config } = this;
    const c = (component: string, id: string) => this.log.child({ component, id });
    if (config.mqtt.url) {
      this.sources.push(
        new ExternalBrokerSource({ url: config.mqtt.url, clientId: config.mqtt.clientId ?? `hazardline-${config.gateway.id}`, username: config.mqtt.username, password: config.mqtt.password, log: c('mqtt', 'external'), clock: this.clock }),
      );
    } else {
      const e = config.mqtt.embedded ?? { port: 1883, host: '0.0.0.0' };
      const central = this.central;
      const edges = central && {
        check: (u: string | undefined, p: Buffer | undefined) => central.registry.check(u, p),
        accept: (p: EdgePrincipal, topic: string, payload: Buffer, clientId?: string) => central.receiver.accept(p, topic, payload, clientId),
        connected: (edge: string) => central.registry.connected(edge),
        disconnected: (edge: string) => central.registry.disconnected(edge),
      };
      this.sources.push(
        new EmbeddedBrokerSource({ host: e.host, port: e.port, tls: e.tls, edges, auth: new DeviceAuth(config.auth.devices, config.auth.allowAnonymous, config.auth.anonymous), metrics: this.metrics, log: c('mqtt', 'embedded'), clock: this.clock }),
      );
    }
  }

  /** node-opcua is heavy and noisy at import: loaded only when an endpoint is configured. */
  private async buildOpcuaSources(): Promise<void> {
    const { config } = this;
    if (config.opcua.length === 0) return;
    const { OpcuaSource } = await import('./ingest/opcua-source.ts');
    for (const o of config.opcua) {
      const enterprise = o.enterprise ?? config.enterprises.find((e) => e.sites.some((s) => s.id === o.site))!.id;
      const log = this.log.child({ component: 'opcua', id: o.endpoint });
      this.sources.push(new OpcuaSource({ config: o, enterprise, assets: this.assets, metrics: this.metrics, log, clock: this.clock, pkiDir: join(this.dataDir, 'pki') }));
    }
  }

  health(): HealthCheck[] {
    const checks: HealthCheck[] = this.sources.map((s) => s.health());
    const rs = this.runningSink;
    checks.push({ name: `store:${rs.sink.type}`, ok: rs.healthy, detail: rs.lastError ? { error: publicError(rs.lastError) } : {} });
    // the WAL is "alarmed" (health degraded) from 90 % full, and for 10 minutes after any overflow
    const { maxBytes } = this.config.wal;
    const recentOverflow = this.lastWalOverflow !== undefined && this.clock.now() - this.lastWalOverflow < 600_000;
    const walOk = this.wal.bytes() < 0.9 * maxBytes && !recentOverflow;
    if (this.edge) checks.push(this.edge.uplink.health());
    if (this.central) checks.push({ name: 'edges', ok: true, detail: { edges: [...this.central.registry.edges.values()].map((e) => this.central!.view(e)) } });
    const records = this.recordsHealth();
    if (records) checks.push(records);
    checks.push({ name: 'wal', ok: walOk, detail: { depth: this.wal.depth(), ageSeconds: this.wal.oldestAgeSeconds(), bytes: this.wal.bytes(), maxBytes, ...(this.lastWalOverflow ? { lastOverflow: new Date(this.lastWalOverflow).toISOString() } : {}) } });
    return checks;
  }

  async start(): Promise<void> {
    this.started = true; // from here on stop() releases whatever start() managed to open
    try {
      await this.buildOpcuaSources();
      await this.wal.open();
      await this.startAlarms();
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
      this.httpPort = await listenApi(this.api, this.config.gateway.http.host, this.config.gateway.http.port);
      this.hub.attach(this.api.server);
      for (const s of this.sources) {
        await s.start(this.ingest.accept);
        if (s instanceof EmbeddedBrokerSource) this.mqttPort = s.port;
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    for (const w of configWarnings(this.config)) this.log.warn(`config: ${w}`);
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
    // the API first (it reads the stores), then inputs, then drain, then the stores
    this.hub.close();
    await step('http close', () => this.api.close());
    for (const s of this.sources) await step(`stop ${s.name}`, () => s.stop());
    clearInterval(this.overdueTimer);
    await step('rules stop', () => this.ruleRunner?.stop());
    await step('alarms flush', async () => {
      const left = await this.alarms?.closeWriter(this.config.alarms.stopFlushSeconds * 1000);
      // the alarms come back from the database at the next start: these changes will be missing
      if (left && left.unwritten > 0) this.log.fatal({ unwritten: left.unwritten, alarms: left.alarms.slice(0, 100), records: this.records?.target }, 'records database did not take every alarm change before stop: these changes are lost');
    });
    await step('uplink stop', () => this.edge?.stop());
    await step('edges state save', () => this.central?.stop());
    await step('notify close', () => this.notify.close(5000));
    this.alarmDeps = undefined;
    await step('drain', () => this.runningSink.stop());
    await step('wal close', () => this.wal.close());
    await step('sink close', () => this.runningSink.sink.close());
    await step('dead letters close', () => this.deadLetters.close());
    await step('records close', () => this.records?.close());
    this.dataDirLock.release();
    this.log.info('gateway stopped');
  }
}
