// OPC UA ingest (CONTRACT §4): one client session per `opcua[]` entry, one subscription with a
// monitored item per configured node; each data change becomes a Reading of (device, metric).
// OPC UA is pull, so there is nothing to acknowledge: readings are simply handed to `emit`.
// A node bound to `event` instead of `metric` is an event source (issue 17, see opcua-events.ts).
import { AttributeIds, ClientMonitoredItemGroup, DataChangeFilter, DataChangeTrigger, DataType, DeadbandType, OPCUACertificateManager, OPCUAClient, StatusCodes, TimestampsToReturn, UserTokenType, VariantArrayType } from 'node-opcua';
import type { ClientSession, ClientSubscription, DataValue, UserIdentityInfo, Variant } from 'node-opcua';
import { Backoff, WakeableSleep } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import type { OpcuaConfig } from '../config/schema.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AssetModel } from '../model/assets.ts';
import type { DeviceKind, DeviceFrame, Quality, Reading } from '../model/types.ts';
import { eventOf, type EventItem } from './opcua-events.ts';
import type { Emit, Source, SourceHealth } from './source.ts';

export interface OpcuaSourceOptions {
  config: OpcuaConfig;
  /** resolved by the caller (config `enterprise`, or the only enterprise that has `site`) */
  enterprise: string;
  assets: AssetModel;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  /** PKI folder of the client certificate (e.g. `<dataDir>/pki`); node-opcua's per-user default when absent */
  pkiDir?: string;
  /** reconnect back-off; tests shorten it */
  backoff?: { initialDelayMs: number; maxDelayMs: number };
}

type Binding = { device: string; kind: DeviceKind; zone?: string } & ({ metric: string; event?: undefined } | { event: string; metric?: undefined });
type Pending = Reading | EventItem;

const LOST = 'opcua connection lost';
const UNREACHABLE = 'opcua endpoint unreachable';
/** concurrent emit calls; beyond it readings wait in `pending` (ARCHITECTURE.md: in-flight frames are capped) */
const MAX_IN_FLIGHT = 4;
const MAX_BATCH = 5000; // readings per emit
/** bound on readings waiting for the WAL; beyond it the oldest are dropped and logged, never unbounded memory */
const MAX_PENDING = 100_000;
const STEP_TIMEOUT_MS = 5000;

export class OpcuaSource implements Source {
  readonly name: string;
  private readonly cfg: OpcuaConfig;
  private readonly endpoint: string;
  private readonly log: Logger;
  private readonly warn: RateLimitedLog;
  private readonly backoff: { initialDelayMs: number; maxDelayMs: number };
  private readonly bindings: (Binding | undefined)[];
  private readonly devices: string[];
  private readonly last: (Reading | undefined)[] = [];
  /** event nodes: the last value taken (`ts|text`), and whether the item's first notification since it was created has come */
  private readonly lastEvent: (string | undefined)[] = [];
  private readonly primed: boolean[] = [];
  private emitFn?: Emit;
  private client?: OPCUAClient;
  private session?: ClientSession;
  private subscription?: ClientSubscription;
  /** subscription and monitored items exist on the current client */
  private established = false;
  /** undefined until the first connection attempt has an outcome; status frames are sent on changes only */
  private online: boolean | undefined;
  private items = 0;
  private stopping = false;
  private rebuilding = false;
  /** only the newest connect loop runs (a rebuild may start one while an older one is still sleeping) */
  private loopId = 0;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** ends the back-off sleep early (stop) */
  private readonly pause = new WakeableSleep();

  constructor(private readonly opts: OpcuaSourceOptions) {
    this.cfg = opts.config;
    this.endpoint = opts.config.endpoint;
    this.name = `opcua:${this.endpoint}`;
    this.log = opts.log.child({ component: 'opcua-source', id: this.endpoint });
    this.warn = new RateLimitedLog(this.log, 10_000, () => opts.clock.now());
    this.backoff = opts.backoff ?? { initialDelayMs: 1000, maxDelayMs: 30_000 };
    this.bindings = this.cfg.nodes.map((n) => {
      const found = opts.assets.lookup(opts.enterprise, this.cfg.site, n.device);
      if (!found.ok) {
        this.log.warn({ nodeId: n.nodeId, device: n.device, reason: found.reason }, 'opcua node names an unknown device; ignored');
        return undefined;
      }
      const at = { device: n.device, kind: found.device.kind, ...(found.device.zone ? { zone: found.device.zone } : {}) };
      return n.event !== undefined ? { ...at, event: n.event } : { ...at, metric: n.metric! };
    });
    this.devices = [...new Set(this.bindings.flatMap((b) => (b ? [b.device] : [])))];
  }

  async start(emit: Emit): Promise<void> {
    this.emitFn = emit;
    this.stopping = false;
    this.opts.metrics.opcuaSession.set({ endpoint: this.endpoint }, 0);
    // Not awaited: an endpoint that is down at start must not fail the gateway (CONTRACT §4,
    // reconnects with back-off); the loop keeps trying in the background and health() says so.
    void this.connectLoop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.wake();
    await this.teardown();
    this.flush(true); // what arrived until the subscription ended still goes to the WAL
    await withTimeout(Promise.allSettled([...this.inFlight]), STEP_TIMEOUT_MS);
    this.opts.metrics.opcuaSession.set({ endpoint: this.endpoint }, 0);
    this.online = undefined;
  }

  health(): SourceHealth {
    const connected = this.online === true;
    return { name: this.name, ok: connected, detail: { endpoint: this.endpoint, items: this.items, connected } };
  }

  private async connectLoop(): Promise<void> {
    const backoff = new Backoff({ initialMs: this.backoff.initialDelayMs, maxMs: this.backoff.maxDelayMs });
    let delay = backoff.next();
    const id = ++this.loopId;
    while (!this.stopping && id === this.loopId) {
      try {
        await this.establish();
        return;
      } catch (err) {
        if (this.stopping || id !== this.loopId) return;
        this.warn.warn('establish', { err: (err as Error).message, retryInMs: delay }, 'opcua session setup failed');
        this.markOffline(this.online === true ? LOST : UNREACHABLE);
      }
      await this.teardown();
      await this.pause.sleep(delay);
      delay = backoff.next();
    }
  }

  /** connect → session → subscription → monitored items; node-opcua repairs all four after a break. */
  private async establish(): Promise<void> {
    const client = (this.client = this.createClient());
    await client.connect(this.endpoint); // retries with back-off until the endpoint answers
    this.assertCurrent(client);
    const session = (this.session = await client.createSession(this.identity()));
    this.wireSession(session);
    this.assertCurrent(client);
    // keep-alive after 10 empty cycles; the server keeps the subscription 60 cycles without a client
    const sub = (this.subscription = await session.createSubscription2({
      requestedPublishingInterval: this.cfg.samplingIntervalMs, requestedMaxKeepAliveCount: 10, requestedLifetimeCount: 60,
      maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 10,
    }));
    this.wireSubscription(sub);
    this.assertCurrent(client);
    await this.monitorAll(sub);
    this.assertCurrent(client);
    this.established = true;
    this.log.info({ items: this.items }, 'opcua subscription established');
    this.markOnline();
  }

  private createClient(): OPCUAClient {
    const b = this.backoff;
    const client = OPCUAClient.create({
      applicationName: 'hazardline',
      clientName: `hazardline-${this.cfg.site}`,
      endpointMustExist: false,
      securityMode: this.cfg.securityMode,
      securityPolicy: this.cfg.securityPolicy,
      // maxRetry -1 = forever, as node-opcua itself uses for reconnection after a break
      connectionStrategy: { initialDelay: b.initialDelayMs, maxDelay: b.maxDelayMs, maxRetry: -1 },
      // a Read every few seconds notices a half-open TCP connection that no socket event reports
      keepSessionAlive: true,
      clientCertificateManager: this.opts.pkiDir
        ? new OPCUACertificateManager({ rootFolder: this.opts.pkiDir, automaticallyAcceptUnknownCertificate: true })
        : undefined,
    });
    const current = () => client === this.client && !this.stopping;
    client.on('backoff', () => current() && this.markOffline(this.established ? LOST : UNREACHABLE));
    client.on('connection_lost', () => current() && this.markOffline(LOST));
    client.on('start_reconnection', () => current() && this.markOffline(LOST));
    // after_reconnection = secure channel back, session and subscription not yet repaired;
    // connection_reestablished comes after repair_client_sessions, so that is "online".
    client.on('after_reconnection', () => current() && this.log.info('opcua channel re-established; repairing session'));
    client.on('connection_reestablished', () => current() && this.markOnline());
    return client;
  }

  private wireSession(session: ClientSession): void {
    const current = () => session === this.session && !this.stopping;
    session.on('session_restored', () => current() && this.markOnline());
    session.on('keepalive_failure', () => current() && this.markOffline(LOST));
    session.on('keepalive', () => current() && !this.client?.isReconnecting && this.markOnline());
    // closed by the server (BadSessionClosed): node-opcua does not repair that, start over
    session.on('session_closed', () => current() && this.rebuild('opcua session closed by server'));
  }

  private wireSubscription(sub: ClientSubscription): void {
    const current = () => sub === this.subscription && !this.stopping;
    const onError = (err: Error) => this.warn.warn('sub-error', { err: err.message }, 'opcua subscription error');
    sub.on('error', onError); // an EventEmitter 'error' without listener would crash the gateway
    sub.on('internal_error', onError);
    sub.on('status_changed', (sc: { toString(): string }) => this.log.warn({ status: sc.toString() }, 'opcua subscription status changed'));
    // e.g. lifetime expired (BadTimeout) while the session survived: rebuild from scratch
    sub.on('terminated', () => current() && this.rebuild('opcua subscription terminated'));
  }

  /** Monitored items in chunks of `chunkSize`, so one CreateMonitoredItems call stays within server limits. */
  private async monitorAll(sub: ClientSubscription): Promise<void> {
    // trigger on the source timestamp too: a device re-reporting the same value (a flat line, a
    // steady reading) is a reading, not silence — the data-integrity and offline rules need it
    const filter = new DataChangeFilter({ trigger: DataChangeTrigger.StatusValueTimestamp, deadbandType: DeadbandType.None });
    const params = { samplingInterval: this.cfg.samplingIntervalMs, queueSize: 10, discardOldest: true, filter };
    let ok = 0;
    this.primed.length = 0; // new items deliver the server's current values first
    for (let start = 0; start < this.cfg.nodes.length; start += this.cfg.chunkSize) {
      const slice = this.cfg.nodes.slice(start, start + this.cfg.chunkSize);
      const items = slice.map((n) => ({ nodeId: n.nodeId, attributeId: AttributeIds.Value }));
      const group = ClientMonitoredItemGroup.create(sub, items, params, TimestampsToReturn.Both);
      // attached before the create request completes, so the initial values are not missed
      group.on('changed', (_item, dv: DataValue, index: number) => this.onChange(start + index, dv));
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('CreateMonitoredItems timed out')), 30_000);
        group.once('initialized', () => (clearTimeout(t), resolve()));
        group.once('err', (msg: string) => (clearTimeout(t), reject(new Error(msg))));
      });
      group.monitoredItems.forEach((item, i) => {
        if (item.statusCode.isGood()) ok++;
        else this.log.warn({ nodeId: slice[i].nodeId, status: item.statusCode.toString() }, 'opcua node cannot be monitored');
      });
    }
    this.items = ok;
  }

  /** CONTRACT §4: bad status codes are recorded as quality (value null), not as values. */
  private onChange(index: number, dv: DataValue): void {
    const b = this.bindings[index];
    if (!b) return;
    if (b.event !== undefined) return this.onEventChange(index, b, dv);
    // "no value yet" (the server has not polled its field device since it started) is no reading:
    // its timestamp is the server's clock, not the device's, and would run event time ahead
    if (dv.statusCode.value === StatusCodes.BadWaitingForInitialData.value) return;
    const { value, quality } = toValue(dv);
    const src = dv.sourceTimestamp?.getTime() ?? dv.serverTimestamp?.getTime();
    const ts = src !== undefined && Number.isFinite(src) && src > 0 ? src : this.opts.clock.now();
    const { enterprise } = this.opts;
    const r: Reading = { ts, enterprise, site: this.cfg.site, device: b.device, ...(b.zone ? { zone: b.zone } : {}), kind: b.kind, metric: b.metric, value, quality };
    // a re-created monitored item re-sends the current sample after a reconnect: not a new reading
    const prev = this.last[index];
    if (prev && prev.ts === r.ts && prev.value === r.value && prev.quality === r.quality) return;
    this.last[index] = r;
    this.enqueue(r);
  }

  /**
   * An event node's value. The first notification of a new monitored item is the server's current
   * value: after a gateway start it is old news and only the baseline; after a reconnect it is an
   * event that came during the break, unless it is the value already taken.
   */
  private onEventChange(index: number, b: Binding & { event: string }, dv: DataValue): void {
    const first = !this.primed[index];
    this.primed[index] = true;
    const src = dv.sourceTimestamp?.getTime() ?? dv.serverTimestamp?.getTime();
    const ts = src !== undefined && Number.isFinite(src) && src > 0 ? src : this.opts.clock.now();
    const e = eventOf(b.event, dv);
    const key = e ? `${ts}|${e.key}` : undefined;
    const seen = this.lastEvent[index];
    this.lastEvent[index] = key ?? seen;
    if (!e || key === seen || (first && seen === undefined)) return;
    if (e.rejected !== undefined) {
      this.opts.metrics.rejected.inc({ reason: 'invalid_payload' });
      return this.warn.warn('event-rejected', { nodeId: this.cfg.nodes[index].nodeId, reason: e.rejected }, 'opcua event node value is no event');
    }
    const { enterprise } = this.opts;
    this.enqueue({ type: 'event', transport: 'opcua', ts, enterprise, site: this.cfg.site, device: b.device, eventType: e.type, detail: e.detail });
  }

  private enqueue(item: Pending): void {
    this.pending.push(item);
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_PENDING).length;
      this.warn.warn('overflow', { dropped }, 'opcua readings dropped: the WAL is not keeping up');
    }
    this.scheduleFlush();
  }

  /** Data changes of one publish response arrive in one tick: one emit (one WAL append) for all of them. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush(false);
    });
  }

  private flush(all: boolean): void {
    while (this.pending.length > 0 && (all || this.inFlight.size < MAX_IN_FLIGHT)) {
      this.send(toFrames(this.pending.splice(0, MAX_BATCH)));
    }
  }

  private send(frames: DeviceFrame[]): void {
    const emit = this.emitFn;
    if (!emit) return;
    const p: Promise<void> = emit({ kind: 'frames', transport: 'opcua', origin: this.endpoint, frames })
      .then(
        (res) => void (res.ok || this.warn.warn('emit-rejected', { reason: res.reason, message: res.message }, 'opcua frames rejected')),
        (err: Error) => this.warn.warn('emit-failed', { err: err.message }, 'opcua frames not stored'),
      )
      .finally(() => {
        this.inFlight.delete(p);
        if (this.pending.length > 0) this.scheduleFlush();
      });
    this.inFlight.add(p);
  }

  /** One status frame per configured device, so `device.offline` follows a lost endpoint (CONTRACT §4). */
  private sendStatus(online: boolean, reason?: string): void {
    const base = { type: 'status', transport: 'opcua', ts: this.opts.clock.now(), online, ...(reason ? { reason } : {}) } as const;
    const frames: DeviceFrame[] = this.devices.map((device) => ({ ...base, enterprise: this.opts.enterprise, site: this.cfg.site, device }));
    this.flush(true); // readings taken before the break go to the WAL ahead of the status change
    if (frames.length > 0) this.send(frames);
  }

  private markOffline(reason: string): void {
    if (this.stopping) return;
    this.opts.metrics.opcuaSession.set({ endpoint: this.endpoint }, 0);
    if (this.online === false) return;
    if (this.online === true) this.opts.metrics.opcuaReconnects.inc({ endpoint: this.endpoint });
    this.online = false;
    this.log.warn({ reason }, 'opcua endpoint offline');
    this.sendStatus(false, reason);
  }

  private markOnline(): void {
    if (this.stopping || !this.established) return;
    this.opts.metrics.opcuaSession.set({ endpoint: this.endpoint }, 1);
    if (this.online === true) return;
    this.online = true;
    this.log.info({ items: this.items }, 'opcua endpoint online');
    this.sendStatus(true);
  }

  /** Drop the client and start over (a state node-opcua's own reconnection does not repair). */
  private rebuild(reason: string): void {
    if (this.stopping || this.rebuilding) return;
    this.rebuilding = true;
    this.markOffline(reason);
    void this.teardown().finally(() => {
      this.rebuilding = false;
      if (!this.stopping) void this.connectLoop();
    });
  }

  /** Every step bounded: a dead endpoint must not make stop() hang. */
  private async teardown(): Promise<void> {
    const { client, session, subscription } = this;
    const live = this.online === true && !client?.isReconnecting;
    [this.client, this.session, this.subscription, this.established] = [undefined, undefined, undefined, false];
    if (live && subscription) await withTimeout(subscription.terminate().catch(() => undefined), STEP_TIMEOUT_MS);
    if (live && session) await withTimeout(session.close(true).catch(() => undefined), STEP_TIMEOUT_MS);
    if (client) await withTimeout(client.disconnect().catch(() => undefined), STEP_TIMEOUT_MS);
  }

  private identity(): UserIdentityInfo {
    const { username, password } = this.cfg;
    return username ? { type: UserTokenType.UserName, userName: username, password: password ?? '' } : { type: UserTokenType.Anonymous };
  }

  private assertCurrent(client: OPCUAClient): void {
    if (this.stopping || client !== this.client) throw new Error('opcua source stopped');
  }
}

/** Readings and events in arrival order: each run of readings one frame, each event its own. */
function toFrames(items: Pending[]): DeviceFrame[] {
  const frames: DeviceFrame[] = [];
  let run: Reading[] | undefined;
  for (const it of items) {
    if ('type' in it) {
      frames.push(it);
      run = undefined;
    } else if (run) run.push(it);
    else frames.push({ type: 'readings', transport: 'opcua', readings: (run = [it]) });
  }
  return frames;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => void (t = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** Status severity is bits 31..30 (OPC UA Part 4 §7.39): 00 good, 01 uncertain, 1x bad → value null (CONTRACT §4). */
export function toValue(dv: DataValue): { value: number | null; quality: Quality } {
  const severity = dv.statusCode.value >>> 30;
  if (severity >= 2) return { value: null, quality: 'bad' };
  const n = toNumber(dv.value);
  // a good status with a value that is no number (string, array, null) cannot be stored as a float field
  if (n === null) return { value: null, quality: 'bad' };
  return { value: n, quality: severity === 1 ? 'uncertain' : 'good' };
}

function toNumber(v: Variant | null): number | null {
  if (!v || v.arrayType !== VariantArrayType.Scalar) return null;
  const x: unknown = v.value;
  if (x === null || x === undefined || x === '') return null;
  // node-opcua carries (U)Int64 as [high, low] 32-bit words
  const int64 = (v.dataType === DataType.Int64 || v.dataType === DataType.UInt64) && Array.isArray(x);
  const n = int64 ? (x as number[])[0] * 2 ** 32 + (x as number[])[1] : Number(x);
  return Number.isFinite(n) ? n : null;
}
