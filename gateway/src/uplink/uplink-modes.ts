// Wiring of the two uplink modes (issue 7, docs/uplink.md), kept out of main.ts:
//   EdgeMode    — the forward queue fed by the WAL, the alarm manager and the hazard service; the
//                 link; an `uplink.queue-overflow` alarm while the queue drops readings.
//   CentralMode — the edges' registry and receiver; their state saved with the records; the
//                 `uplink.edge-silent` findings; gauges per edge.
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/schema.ts';
import type { DeadLetterStore } from '../deadletter/dead-letter-store.ts';
import type { HazardService } from '../hazards/hazard-service.ts';
import { OPEN_STATES, type Hazard } from '../hazards/types.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AssetModel } from '../model/assets.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Wal } from '../wal/wal.ts';
import { EdgeRegistry, fmtDuration, type EdgeState } from './edge-registry.ts';
import { EdgeUplink } from './edge-uplink.ts';
import { UplinkReceiver } from './uplink-receiver.ts';
import { centralCommit } from './central-commit.ts';
import { ClusterEdges, type EdgeClusterPort } from '../cluster/cluster-edges.ts';
import { DownlinkApplier } from './downlink-applier.ts';
import { DownlinkSender } from './downlink-sender.ts';
import type { DeclaredStatus } from '../model/assets.ts';

interface Common {
  config: Config;
  wal: Wal;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
}

export class EdgeMode {
  readonly uplink: EdgeUplink;
  private timer?: NodeJS.Timeout;
  private overflowing = false;

  constructor(private readonly o: Common & { dataDir: string }) {
    const up = o.config.uplink!;
    this.uplink = new EdgeUplink({
      config: up,
      gatewayId: o.config.gateway.id,
      dataDir: o.dataDir,
      wal: o.wal,
      metrics: o.metrics,
      log: o.log,
      clock: o.clock,
      rules: () => this.rules,
      onDropped: (d) => {
        o.log.error({ readings: d.readings, rows: d.rows }, 'uplink queue full: oldest readings dropped (alarms and hazards are kept)');
        this.overflow(true);
      },
      // the queue's disk failing loses forwarding just as surely: the same alarm
      onQueueError: () => this.overflow(true),
      // the centre's decisions (issue 16): applied once the core is up (start)
      onDown: (p) => void this.applier?.receive(p),
      downApplied: () => this.applier?.applied ?? 0,
    });
  }

  private rules: string[] = [];
  private alarms?: AlarmManager;
  private applier?: DownlinkApplier;

  /** after the alarm manager and hazard service, before the sources; `declare` records a declared status as the API does */
  async start(alarms: AlarmManager, hazards: HazardService, store: RecordStore, rules: string[], declare: (enterprise: string, status: DeclaredStatus, from: number, reason: string | null, actor: string) => Promise<void>): Promise<void> {
    this.rules = rules;
    this.alarms = alarms;
    const applier = new DownlinkApplier({ store, alarms, enterprises: new Set(this.o.config.enterprises.map((e) => e.id)), declare, log: this.o.log.child({ component: 'downlink' }) });
    await applier.start();
    this.applier = applier;
    this.uplink.start();
    // what the central may have missed while this edge was down: its open alarms and hazards
    this.uplink.sync(alarms.openAlarms(), await store.hazards.list<Hazard>({ states: [...OPEN_STATES], limit: 100_000 }));
    alarms.on('transition', (ev) => this.uplink.alarm(ev));
    hazards.on('event', (ev) => this.uplink.hazard(ev));
    this.timer = setInterval(() => {
      this.uplink.gauges();
      // the overflow alarm clears once the queue is back under half its bound
      if (this.overflowing && this.uplink.queue.bytes() < 0.5 * this.o.config.uplink!.queueMaxBytes) this.overflow(false);
    }, 5000);
    this.timer.unref();
  }

  /** `uplink.queue-overflow` (orange) for every enterprise of this edge: its data is being lost */
  private overflow(active: boolean): void {
    if (active === this.overflowing || !this.alarms) return;
    this.overflowing = active;
    const s = this.uplink.status();
    for (const e of this.o.config.enterprises) {
      this.alarms.handle({
        rule: 'uplink.queue-overflow',
        key: `uplink.queue-overflow|${e.id}`,
        subject: { enterprise: e.id },
        active,
        severity: 'orange',
        ts: this.o.clock.now(),
        message: active
          ? { zh: `上传队列已满：最早的监测数据被丢弃（已丢弃 ${s.queue.droppedReadings} 条，链路${s.connected ? '在线' : '中断'}）`, en: `Uplink queue full: oldest readings dropped (${s.queue.droppedReadings} so far, link ${s.connected ? 'up' : 'down'})` }
          : { zh: '上传队列恢复正常', en: 'uplink queue back to normal' },
        evidence: { droppedReadings: s.queue.droppedReadings, queueBytes: s.queue.bytes },
      });
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.uplink.stop();
  }
}

const STATE = 'uplink';

export class CentralMode {
  readonly registry: EdgeRegistry;
  readonly receiver: UplinkReceiver;
  /** the centre's decisions for the edges' enterprises, sent down (issue 16) */
  readonly downlink: DownlinkSender;
  /** what the embedded broker asks of the central (edge logins and their uplink) */
  readonly edgeHooks = {
    check: (...a: Parameters<EdgeRegistry['check']>) => this.registry.check(...a),
    accept: (...a: Parameters<UplinkReceiver['accept']>) => this.receiver.accept(...a),
    connected: (edge: string) => {
      this.registry.connected(edge);
      this.cluster?.connected(edge);
    },
    disconnected: (edge: string) => {
      this.registry.disconnected(edge);
      this.cluster?.disconnected(edge);
    },
  };
  /** cluster mode: the edges' rows go into the stream and their state into the records (cluster-edges.ts) */
  private readonly cluster?: ClusterEdges;

  get mode(): 'central' | 'cluster' {
    return this.cluster ? 'cluster' : 'central';
  }
  private timer?: NodeJS.Timeout;
  private savedState = '';
  /** WAL entries up to here are reflected in the saved state; later segments are kept (-1: not loaded yet, keep all) */
  private savedCovered = -1;

  constructor(private readonly o: Common & { assets: AssetModel; deadLetters: DeadLetterStore; alarms: () => AlarmManager | undefined; hazards: () => HazardService | undefined; store: () => RecordStore | undefined; cluster?: EdgeClusterPort }) {
    this.registry = new EdgeRegistry(o.config.auth.edges, () => o.clock.now());
    const port = o.cluster;
    const cl = port && new ClusterEdges({ port, registry: this.registry, records: o.store, log: o.log.child({ component: 'cluster-edges' }), now: () => o.clock.now() });
    this.cluster = cl;
    this.downlink = new DownlinkSender({ store: o.store, registry: this.registry, clock: o.clock, log: o.log.child({ component: 'downlink' }), queued: port && ((edge) => port.announceDownlink(edge)) });
    port?.onDownlink((edge) => this.downlink.poke(edge));
    const commit = cl ? { commit: cl.commit, marks: cl.marks, ready: cl.ready, onLowered: cl.lowered } : { commit: centralCommit(o.wal, o.alarms, o.hazards) };
    this.receiver = new UplinkReceiver({ registry: this.registry, assets: o.assets, metrics: o.metrics, log: o.log, clock: o.clock, deadLetters: o.deadLetters, maxMessageBytes: o.config.central.maxMessageBytes, ...commit, onHello: (edge, hello) => this.downlink.hello(edge, hello.down) });
  }

  /**
   * The rows applied per edge: the saved state, then every uplink mark still on disk in the WAL —
   * the WAL keeps the segments whose marks the saved state does not cover yet (`retainWal`), even
   * once the telemetry store confirmed them, so a crash between a batch's WAL append and the next
   * save never makes the centre apply a batch again when the edge resends it.
   */
  async start(): Promise<void> {
    if (this.cluster) {
      await this.cluster.tick();
      return this.every(5000);
    }
    const saved = await this.o.store()?.state.load(STATE);
    if (saved) this.registry.importState(saved.state);
    for (const { frame } of this.o.wal.scan()) if (frame.type === 'uplink') this.registry.applyMark(frame.edge, frame.epoch, frame.lane, frame.from, frame.seq);
    await this.save(true);
    this.every(5000);
  }

  private every(ms: number): void {
    this.timer = setInterval(() => this.tick(), ms);
    this.timer.unref();
  }

  /** Wal `retain`: a confirmed segment may go once the saved state covers its marks */
  retainWal(segmentLastSeq: number): boolean {
    return this.savedCovered < 0 || segmentLastSeq > this.savedCovered;
  }

  tick(): void {
    const alarms = this.o.alarms();
    const silentMs = this.o.config.central.silentAfterSeconds * 1000;
    if (alarms) for (const c of this.cluster ? this.cluster.silent(silentMs, alarms.openAlarms()) : this.registry.silentConditions(silentMs)) alarms.handle(c);
    const now = this.o.clock.now();
    for (const st of this.registry.edges.values()) {
      this.o.metrics.edgeConnected.set({ edge: st.principal.edge }, st.connected ? 1 : 0);
      const newest = Math.max(...st.lastEventTs.values(), -Infinity);
      if (newest > -Infinity) this.o.metrics.edgeLag.set({ edge: st.principal.edge }, Math.max(0, (now - newest) / 1000));
    }
    if (this.cluster) void this.cluster.tick().catch((err: Error) => this.o.log.warn({ err: err.message }, 'writing or reading the edge links failed'));
    else void this.save();
  }

  private async save(force = false): Promise<void> {
    if (this.cluster) return;
    const covered = this.o.wal.lastDurableSeq();
    const state = this.registry.exportState();
    const text = JSON.stringify(state);
    if (text === this.savedState && !force) {
      this.savedCovered = covered;
      return;
    }
    const store = this.o.store();
    if (!store) return;
    try {
      await store.state.save(STATE, covered, state);
      this.savedState = text;
      this.savedCovered = covered;
    } catch (err) {
      this.o.log.error({ err }, 'saving the uplink state failed: WAL segments are kept until it works');
    }
  }

  /** one edge as the consoles and GET /api/v1/uplink show it */
  view(st: EdgeState) {
    const now = this.o.clock.now();
    const behind = this.registry.behindSeconds(st, now);
    const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : null);
    return {
      id: st.principal.edge,
      gateway: st.hello?.gateway ?? null,
      enterprises: [...st.principal.enterprises],
      connected: st.connected,
      connectedAt: iso(st.connectedAt),
      lastHeardAt: iso(st.lastHeardAt),
      behindSeconds: Math.round(behind),
      behind: { zh: fmtDuration(behind, 'zh'), en: fmtDuration(behind, 'en') },
      lastEventAt: Object.fromEntries([...st.lastEventTs].map(([e, t]) => [e, iso(t)])),
      backlog: st.hello ? { readings: st.hello.queue.b.readings, rows: st.hello.queue.b.rows + st.hello.queue.p.rows, droppedReadings: st.hello.queue.droppedReadings, asOf: iso(st.helloAt) } : null,
      rows: { ...st.hwm },
      gaps: st.gaps.map((g) => ({ ...g, at: iso(g.at) })),
    };
  }

  /** the edge forwarding an enterprise, as its view */
  edgeOf(enterprise: string) {
    const id = this.registry.originOf(enterprise);
    return id ? this.view(this.registry.edges.get(id)!) : null;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.save();
  }
}
