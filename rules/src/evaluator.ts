// The streaming rule engine: durable frames in (WAL order), Conditions out, all in event time.
// Readings go through a precompiled dispatch list per (device, metric): a chain of nested maps
// to the slot and a plain array of sinks — no allocation per reading. Time-driven rules (offline,
// delays with no new data) advance on tick(now) to each enterprise's event clock: its latest
// event time plus the wall time since that frame arrived (types.ts Evaluator.tick).
import type { DeclaredStatus } from '../../gateway/src/model/assets.ts';
import type { Frame, Reading } from '../../gateway/src/model/types.ts';
import type { DeviceSlot, Host, ReadingSink, RuleGauge, RuleRuntime, SampleSink } from './kind.ts';
import { LocalCalendar } from './local-calendar.ts';
import { Presence } from './presence.ts';
import { compileRules, RuleConfigError, type RuleOptions } from './compile.ts';
import type { Condition, Evaluator, RuleEnv, RuleInfo } from './types.ts';

export interface EvaluatorOptions extends RuleOptions {
  env: RuleEnv;
  /** CONTRACT §3.2 `positioning.tagTtlSeconds` (default 60) */
  tagTtlSeconds?: number;
}

export interface EvaluatorStats {
  frames: number;
  readings: number;
  /** readings / snapshots older than what their device (and metric) already processed */
  late: number;
  /** frames of devices not in the asset model */
  unknown: number;
  conditions: number;
}

/** A zone's head-count changed (event time): for the `occupancy` measurement and live views. */
export interface OccupancyChange {
  enterprise: string;
  site: string;
  zone: string;
  persons: number;
  ts: number;
}

export interface RuleEvaluator extends Evaluator {
  stats(): EvaluatorStats;
  onOccupancy(fn: (c: OccupancyChange) => void): void;
  /** the enterprise's event clock at wall time `now` (-Infinity before its first frame) */
  clock(enterprise: string, now: number): number;
  /** the running values of one rule (e.g. `belt.over-capacity-day`: today's tonnage per belt) */
  gauges(ruleId: string): RuleGauge[];
}

interface MetricSlot {
  name: string;
  sinks: ReadingSink[];
  maxTs: number;
  seed: number;
}

interface Ent {
  id: string;
  eventTs: number;
  arrival: number;
  floor: number;
  start: number;
  presence: Presence;
  slots: Slot[];
  declared: { from: number; status: DeclaredStatus }[];
}

interface Slot extends DeviceSlot {
  ent: Ent;
  metrics: Map<string, MetricSlot>;
  /** metric slots in the order the device sent them last time: a sample's k-th reading is usually order[k] */
  order: MetricSlot[];
  samples: SampleSink[] | null;
  lastSample: number;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
function mix(seed: number, v: number): number {
  F64[0] = v;
  let h = Math.imul(seed ^ U32[0], 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h ^ U32[1], 0x85ebca77);
  return (h ^ (h >>> 13)) | 0;
}
function strHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** subjects exported per step of exportSteps(): well under a millisecond each */
const EXPORT_STEP = 100;

export function createEvaluator(opts: EvaluatorOptions): RuleEvaluator {
  return new Engine(opts);
}

class Engine implements RuleEvaluator, Host {
  readonly rules: RuleInfo[];
  readonly env: RuleEnv;
  readonly cal: LocalCalendar;
  private readonly runtimes: RuleRuntime[] = [];
  private readonly seenHooks: RuleRuntime[];
  private readonly listeners: ((c: Condition) => void)[] = [];
  private readonly occupancyListeners: ((c: OccupancyChange) => void)[] = [];
  private readonly ents = new Map<string, Ent>();
  private readonly slots = new Map<string, Map<string, Map<string, Slot>>>();
  private readonly ttlMs: number;
  private readonly st: EvaluatorStats = { frames: 0, readings: 0, late: 0, unknown: 0, conditions: 0 };
  private readonly clockOfNow: (e: string) => number;
  private now = -Infinity;

  constructor(opts: EvaluatorOptions) {
    this.env = opts.env;
    this.cal = new LocalCalendar(opts.env.timezone || 'Asia/Shanghai');
    this.ttlMs = (opts.tagTtlSeconds ?? 60) * 1000;
    const problems: string[] = [];
    const compiled = compileRules(opts, opts.env.assets, problems);
    if (problems.length) throw new RuleConfigError(problems);
    for (const c of compiled) this.runtimes.push(c.create(this));
    this.rules = this.runtimes.map((r) => r.info);
    this.seenHooks = this.runtimes.filter((r) => r.onSeen);
    for (const e of opts.env.assets.enterprises.values()) {
      const ent = this.ent(e.id);
      for (const s of e.sites.values()) for (const d of s.devices.values()) this.addSlot(ent, d);
    }
    this.clockOfNow = (e) => this.clock(e, this.now);
  }

  // ---- Host -------------------------------------------------------------------------------
  emit(c: Condition): void {
    this.st.conditions++;
    for (const l of this.listeners) l(c);
  }
  statusAt(enterprise: string, ts: number): DeclaredStatus {
    const d = this.ents.get(enterprise)?.declared;
    if (d) for (let i = d.length - 1; i >= 0; i--) if (d[i].from <= ts) return d[i].status;
    return this.env.declaredStatusAt(enterprise, ts);
  }
  devices(enterprise: string): DeviceSlot[] {
    return this.ents.get(enterprise)?.slots ?? [];
  }
  tightenAt(enterprise: string, ts: number): number {
    return this.env.tightenAt?.(enterprise, ts) ?? 1;
  }
  delayAt(enterprise: string, ts: number): number {
    return this.env.delayAt?.(enterprise, ts) ?? 1;
  }
  tags(enterprise: string) {
    return this.ent(enterprise).presence.tags;
  }
  occupancy(enterprise: string, site: string, zone: string): number {
    return this.ents.get(enterprise)?.presence.count(site, zone) ?? 0;
  }
  enterpriseIds(): Iterable<string> {
    return this.ents.keys();
  }
  startOf(enterprise: string): number {
    return this.ents.get(enterprise)?.start ?? NaN;
  }

  // ---- slots and clocks -------------------------------------------------------------------
  private ent(id: string): Ent {
    let e = this.ents.get(id);
    if (!e) {
      e = { id, eventTs: -Infinity, arrival: 0, floor: -Infinity, start: NaN, presence: new Presence(this.ttlMs), slots: [], declared: [] };
      this.ents.set(id, e);
    }
    return e;
  }

  private addSlot(ent: Ent, d: DeviceSlot['dev']): Slot {
    const slot: Slot = { dev: d, subject: { enterprise: d.enterprise, site: d.site, zone: d.zone, device: d.id }, lastSeen: -Infinity, statusOffline: false, statusTs: NaN, offline: false, ent, metrics: new Map(), order: [], samples: null, lastSample: -Infinity };
    let bySite = this.slots.get(d.enterprise);
    if (!bySite) this.slots.set(d.enterprise, (bySite = new Map()));
    let byDev = bySite.get(d.site);
    if (!byDev) bySite.set(d.site, (byDev = new Map()));
    byDev.set(d.id, slot);
    ent.slots.push(slot);
    return slot;
  }

  private slot(enterprise: string, site: string, device: string): Slot | undefined {
    const s = this.slots.get(enterprise)?.get(site)?.get(device);
    if (s) return s;
    const l = this.env.assets.lookup(enterprise, site, device);
    if (!l.ok) return undefined;
    return this.addSlot(this.ent(enterprise), l.device);
  }

  private bindMetric(slot: Slot, metric: string): MetricSlot {
    const sinks: ReadingSink[] = [];
    for (const r of this.runtimes) {
      const s = r.bindReading?.(slot, metric);
      if (s) sinks.push(s);
    }
    const m: MetricSlot = { name: metric, sinks, maxTs: -Infinity, seed: strHash(metric) };
    slot.metrics.set(metric, m);
    return m;
  }

  private sampleSinks(slot: Slot): SampleSink[] {
    if (!slot.samples) {
      slot.samples = [];
      for (const r of this.runtimes) {
        const s = r.bindSample?.(slot);
        if (s) slot.samples.push(s);
      }
    }
    return slot.samples;
  }

  private advanceClock(e: Ent, ts: number, arrival: number): void {
    if (ts > e.eventTs) {
      e.eventTs = ts;
      e.arrival = arrival;
    }
    if (e.start !== e.start) e.start = ts;
  }

  clock(enterprise: string, now: number): number {
    const e = this.ents.get(enterprise);
    if (!e || e.eventTs === -Infinity) return -Infinity;
    const est = this.env.dataClockOnly?.(enterprise) ? e.eventTs : e.eventTs + Math.max(0, now - e.arrival);
    if (est > e.floor) e.floor = est;
    return e.floor;
  }

  private seen(slot: Slot, ts: number): void {
    if (ts > slot.lastSeen) slot.lastSeen = ts;
    if (slot.offline) for (const h of this.seenHooks) h.onSeen!(slot, ts);
  }

  // ---- Evaluator ----------------------------------------------------------------------------
  ingest(frame: Frame, arrivalMs: number): void {
    this.st.frames++;
    if (arrivalMs > this.now) this.now = arrivalMs;
    switch (frame.type) {
      case 'readings':
        this.readings(frame.readings, arrivalMs);
        return;
      case 'position': {
        const slot = this.slot(frame.enterprise, frame.site, frame.device);
        if (!slot) return void this.st.unknown++;
        this.advanceClock(slot.ent, frame.ts, arrivalMs);
        this.seen(slot, frame.ts);
        if (!slot.ent.presence.apply(frame.site, frame.device, frame.ts, frame.tags)) return void this.st.late++;
        for (const r of this.runtimes) r.onPresence?.(slot.ent.id, frame.ts);
        this.reportOccupancy(slot.ent, frame.ts);
        return;
      }
      case 'event': {
        const slot = this.slot(frame.enterprise, frame.site, frame.device);
        if (!slot) return void this.st.unknown++;
        this.advanceClock(slot.ent, frame.ts, arrivalMs);
        this.seen(slot, frame.ts);
        for (const r of this.runtimes) r.onEvent?.(slot, frame);
        return;
      }
      case 'status': {
        // status frames carry the gateway's arrival time, not device time: applied at the
        // enterprise's event clock, never advancing it
        const slot = this.slot(frame.enterprise, frame.site, frame.device);
        if (!slot) return void this.st.unknown++;
        slot.statusOffline = !frame.online;
        slot.statusTs = this.clock(slot.ent.id, arrivalMs);
        return;
      }
    }
  }

  private readings(rs: Reading[], arrival: number): void {
    let slot: Slot | undefined;
    let ent = '';
    let site = '';
    let dev = '';
    let sampleTs = NaN;
    let hash = 0;
    let hashing: SampleSink[] | null = null;
    let pos = 0;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i];
      if (r.device !== dev || r.site !== site || r.enterprise !== ent || slot === undefined) {
        if (hashing && hashing.length) this.flushSample(slot!, sampleTs, hash, hashing);
        hashing = null;
        ent = r.enterprise;
        site = r.site;
        dev = r.device;
        slot = this.slot(ent, site, dev);
        if (!slot) {
          this.st.unknown++;
          continue;
        }
        sampleTs = NaN;
      }
      if (!slot) continue;
      const ts = r.ts;
      if (ts !== sampleTs) {
        if (hashing && hashing.length) this.flushSample(slot, sampleTs, hash, hashing);
        sampleTs = ts;
        hash = 0;
        pos = 0;
        hashing = slot.samples ?? this.sampleSinks(slot);
        const e = slot.ent;
        if (ts > e.eventTs) {
          e.eventTs = ts;
          e.arrival = arrival;
        }
        if (e.start !== e.start) e.start = ts;
        if (ts > slot.lastSeen) slot.lastSeen = ts;
        if (slot.offline) this.seen(slot, ts);
      }
      this.st.readings++;
      const v = r.value;
      if (v === null || r.quality === 'bad') continue;
      let m = slot.order[pos];
      if (m === undefined || m.name !== r.metric) {
        m = slot.metrics.get(r.metric) ?? this.bindMetric(slot, r.metric);
        slot.order[pos] = m;
      }
      pos++;
      const late = ts < m.maxTs;
      if (late) this.st.late++;
      else m.maxTs = ts;
      const sinks = m.sinks;
      for (let j = 0; j < sinks.length; j++) sinks[j].push(v, ts, late);
      if (hashing !== null) hash = (hash + mix(m.seed, v)) | 0;
    }
    if (hashing && hashing.length) this.flushSample(slot!, sampleTs, hash, hashing);
  }

  private flushSample(slot: Slot, ts: number, hash: number, sinks: SampleSink[]): void {
    const late = ts < slot.lastSample;
    if (!late) slot.lastSample = ts;
    for (let j = 0; j < sinks.length; j++) sinks[j].sample(ts, hash, late);
  }

  tick(now: number): void {
    if (now > this.now) this.now = now;
    for (const e of this.ents.values()) {
      const c = this.clock(e.id, now);
      if (c !== -Infinity && e.presence.expire(c)) {
        for (const r of this.runtimes) r.onPresence?.(e.id, c);
        this.reportOccupancy(e, c);
      }
    }
    for (const r of this.runtimes) r.tick?.(this.clockOfNow);
  }

  declare(enterprise: string, status: DeclaredStatus, from: number): void {
    const d = this.ent(enterprise).declared;
    d.push({ from, status });
    d.sort((a, b) => a.from - b.from);
  }

  onOccupancy(fn: (c: OccupancyChange) => void): void {
    this.occupancyListeners.push(fn);
  }

  private reportOccupancy(e: Ent, ts: number): void {
    if (this.occupancyListeners.length === 0) return;
    for (const c of e.presence.changes()) for (const fn of this.occupancyListeners) fn({ enterprise: e.id, ...c, ts });
  }

  onCondition(fn: (c: Condition) => void): void {
    this.listeners.push(fn);
  }

  stats(): EvaluatorStats {
    return { ...this.st };
  }

  gauges(ruleId: string): RuleGauge[] {
    return this.runtimes.find((r) => r.info.id === ruleId)?.gauges?.() ?? [];
  }

  exportState(): unknown {
    const steps = this.exportSteps();
    let r = steps.next();
    while (!r.done) r = steps.next();
    return JSON.parse(r.value.join(''));
  }

  /**
   * The state as JSON text in parts (joined, they are the text), built in steps: each `next()`
   * does about EXPORT_STEP subjects, and the last returns the parts. Nothing may be fed to the
   * engine between the first step and the last (the caller holds frames back), so the text is the
   * state at one point of the WAL; the caller yields to the event loop between steps, so saving
   * 10,000 devices does not stall it.
   */
  *exportSteps(): Generator<void, string[], void> {
    // each step serialises up to EXPORT_STEP subjects with one JSON.stringify (native, and one
    // flat string a step); the parts are not joined here: 4 MB took 20-50 ms to join at once
    const out: string[] = ['{"v":1,"enterprises":{'];
    let first = true;
    for (const e of this.ents.values()) {
      const head = JSON.stringify({ clock: [e.eventTs, e.arrival, e.floor, e.start], declared: e.declared, presence: e.presence.save() });
      out.push(`${first ? '' : ','}${JSON.stringify(e.id)}:${head.slice(0, -1)},"devices":[`);
      first = false;
      let part: unknown[] = [];
      let sep = '';
      const flush = () => {
        if (part.length > 0) out.push(sep + JSON.stringify(part).slice(1, -1));
        if (part.length > 0) sep = ',';
        part = [];
      };
      for (const s of e.slots) {
        if (s.lastSeen !== -Infinity || s.statusOffline || s.offline) part.push([s.dev.site, s.dev.id, s.lastSeen, s.statusOffline, s.statusTs, s.offline, s.lastSample]);
        if (part.length === EXPORT_STEP) {
          flush();
          yield;
        }
      }
      flush();
      out.push(']}');
    }
    out.push('},"rules":{');
    first = true;
    for (const r of this.runtimes) {
      out.push(`${first ? '' : ','}${JSON.stringify(r.info.id)}:{`);
      first = false;
      let part: Record<string, unknown> = {};
      let n = 0;
      let sep = '';
      const flush = () => {
        if (n > 0) out.push(sep + JSON.stringify(part).slice(1, -1));
        if (n > 0) sep = ',';
        part = {};
        n = 0;
      };
      for (const [k, v] of r.exportState()) {
        part[k] = v;
        if (++n === EXPORT_STEP) {
          flush();
          yield;
        }
      }
      flush();
      out.push('}');
    }
    out.push(`},"stats":${JSON.stringify(this.st)}}`);
    return out;
  }

  importState(state: unknown): void {
    const s = state as any;
    if (!s || s.v !== 1) throw new Error('importState: not a rule-engine state (v: 1)');
    const num = (x: unknown, d: number) => (typeof x === 'number' ? x : d);
    for (const [id, x] of Object.entries<any>(s.enterprises ?? {})) {
      const e = this.ent(id);
      e.eventTs = num(x.clock?.[0], -Infinity);
      e.arrival = num(x.clock?.[1], 0);
      e.floor = num(x.clock?.[2], -Infinity);
      e.start = num(x.clock?.[3], NaN);
      e.declared = x.declared ?? [];
      e.presence.load(x.presence);
      for (const [site, dev, lastSeen, so, sts, off, ls] of x.devices ?? []) {
        const slot = this.slot(id, site, dev);
        if (!slot) continue;
        slot.lastSeen = num(lastSeen, -Infinity);
        slot.statusOffline = !!so;
        slot.statusTs = num(sts, NaN);
        slot.offline = !!off;
        slot.lastSample = num(ls, -Infinity);
      }
    }
    for (const r of this.runtimes) r.importState(s.rules?.[r.info.id] ?? {});
    Object.assign(this.st, s.stats ?? {});
  }
}
export type { RuleGauge } from './kind.ts';
