// The alarm manager: Conditions from the rule engine → ISA-18.2 alarms (CONTRACT §6, DOMAIN.md
// §8). One open alarm per rule and subject (the Condition key): a re-trigger updates it (count,
// peak, last value, severity escalation) instead of opening another. Every change is kept as a
// transition with actor and time, in one transaction with the alarm, and pushed to listeners
// (WebSocket hub, alarm measurement, notifiers) with the previous state, as Kapacitor does.
import { SEVERITY_WORDS } from '../model/words.ts';
import { EventEmitter } from 'node:events';
import type { Condition, Severity } from '../model/vocabulary.ts';
import type { RuleInfo } from '../../../rules/src/types.ts';
import { severityRank } from '../model/vocabulary.ts';
import { escalate } from '../../../rules/src/escalation.ts';
import type { Clock } from '../clock.ts';
import { HazardlineError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { RecordStore } from '../records/record-store.ts';
import { AlarmMirror, type OriginRev } from './alarm-mirror.ts';
import { AlarmWriter, type AlarmWriteFence, type AlarmWriterStatus } from './alarm-writer.ts';
import { endOfLocalDay } from './local-time.ts';
import { OPEN_STATES, type Alarm, type AlarmAction, type AlarmFilter, type AlarmState, type AlarmTransition } from './types.ts';

export interface AlarmEvent {
  alarm: Alarm;
  previous: Alarm | null;
  transition: AlarmTransition;
}

/** Suppression by design: a subject in maintenance raises no live alarm during the window (event time). */
export interface MaintenanceWindow {
  enterprise: string;
  site?: string;
  device?: string;
  from: number;
  to: number;
  reason: string;
}

export interface AlarmManagerOptions {
  store: RecordStore;
  rules: RuleInfo[];
  timezone: string;
  clock: Clock;
  log: Logger;
  maintenance?: MaintenanceWindow[];
  /** transitions waiting for the records database before new ones are refused (counted) */
  maxPendingWrites?: number;
  /** back-off of retried records writes (alarm-writer.ts); defaults 100 ms doubling to 30 s */
  writeRetryBaseMs?: number;
  writeRetryMaxMs?: number;
  /** an alarm still unacknowledged this long after it was raised is escalated once (wall clock; default 30 min) */
  escalateUnackedAfterMs?: number;
  /** central mode: the edges that forward enterprises here (docs/uplink.md) */
  edges?: EdgeAlarmPolicy;
  /** cluster mode: refuses writes for partitions this instance no longer holds (alarm-writer.ts) */
  fence?: AlarmWriteFence;
}

/**
 * Central mode: an enterprise an edge forwards has its alarms raised by the edge's rules and
 * mirrored here. This gateway's own rules only fill in what the edge did not raise (a condition
 * inside a mirrored alarm's time is the same alarm), and what they raise from data older than the
 * edge's reconnection is backfill: recorded as retroactive, not pushed as a fresh live alarm.
 */
export interface EdgeAlarmPolicy {
  /** the edge forwarding this enterprise, if any */
  originOf(enterprise: string): string | undefined;
  /** event time before which this enterprise's data is backfill (-Infinity: none) */
  backfillBefore(enterprise: string): number;
}

const isOpen = (s: AlarmState) => OPEN_STATES.includes(s);

/** the rule's message, with the escalation said in words when repeated activations raised the severity */
function messages(c: Condition, severity: Severity, activations: number): { zh: string; en: string } {
  if (severity === c.severity) return c.message;
  return { zh: `${c.message.zh}（24 小时内第 ${activations} 次，升级为${SEVERITY_WORDS[severity].zh}）`, en: `${c.message.en} (activation ${activations} within 24 h: escalated to ${severity})` };
}
let idCounter = 0;
const newId = (ts: number) => `al_${ts.toString(36)}${(++idCounter).toString(36).padStart(4, '0')}${Math.random().toString(36).slice(2, 6)}`;

export class AlarmConflictError extends HazardlineError {
  constructor(message: string, readonly allowed: string[]) {
    super('HL_ERR_CONFLICT', message, 409);
  }
}

export class AlarmManager extends EventEmitter<{ transition: [AlarmEvent] }> {
  private readonly open = new Map<string, Alarm>(); // by key
  private readonly byId = new Map<string, Alarm>();
  /** raise times and severities per key within the escalation window (DOMAIN.md §4) */
  private readonly activations = new Map<string, { ts: number; severity: Severity }[]>();
  private readonly rules: Map<string, RuleInfo>;
  /**
   * Wall-clock time each open alarm was created here. Escalation of unhandled alarms counts
   * from it, not from the event time: an alarm raised from backfilled or replayed data (event
   * time long past) is not "unhandled for 30 min" the moment it appears.
   */
  private readonly createdAt = new Map<string, number>();
  /** cluster mode: per key, the event time up to which the previous owner handled its conditions (adopt()) */
  private readonly handledUntil = new Map<string, number>();
  /** cluster mode: the enterprises of the partitions this instance owns */
  private readonly adopted = new Set<string>();
  /** cluster mode: open alarms as last read from the records, shown for the enterprises other instances own */
  private foreign: Alarm[] = [];
  /** alarms already escalated for being unhandled, and for being overdue (once each) */
  private readonly unhandledDone = new Set<string>();
  private readonly overdueDone = new Set<string>();
  private readonly writer: AlarmWriter;
  private readonly mirrors: AlarmMirror;

  constructor(private readonly o: AlarmManagerOptions) {
    super();
    this.rules = new Map(o.rules.map((r) => [r.id, r]));
    this.writer = new AlarmWriter({ store: o.store, log: o.log, now: () => o.clock.now(), maxPending: o.maxPendingWrites, retryBaseMs: o.writeRetryBaseMs, retryMaxMs: o.writeRetryMaxMs, fence: o.fence });
    this.mirrors = new AlarmMirror({
      store: o.store,
      open: this.open,
      byId: this.byId,
      createdAt: this.createdAt,
      now: () => o.clock.now(),
      backfillBefore: (e) => o.edges?.backfillBefore(e) ?? -Infinity,
      remember: (key, ts, severity) => void this.remember(key, ts, severity),
      close: (a, ts) => this.close(a, ts),
      commit: (a, prev, action, ts, actor, note, keep) => this.commit(a, prev, action, ts, actor, note, keep),
    });
  }

  get writeFailures(): number {
    return this.writer.writeFailures;
  }

  /** Loads the open alarms and recent activations: a restart re-fires nothing. */
  async start(): Promise<void> {
    await this.load(() => true);
  }

  /**
   * Cluster mode (docs/cluster.md §5): takes over the enterprises of newly owned partitions — their
   * open alarms and recent activations from the records database — and remembers, per key, the
   * event time of the last rule-driven change the previous owner recorded. The new owner replays
   * the stream from its last snapshot; a condition at or before that time was already handled and
   * is not handled again, so a replay raises no alarm twice and loses no transition.
   */
  async adopt(enterprises: ReadonlySet<string>): Promise<void> {
    for (const e of enterprises) this.adopted.add(e);
    await this.load((e) => enterprises.has(e), enterprises);
  }

  /** Cluster mode: forgets the enterprises of partitions this instance no longer owns (flush first). */
  release(enterprises: ReadonlySet<string>): void {
    for (const e of enterprises) this.adopted.delete(e);
    for (const a of [...this.open.values()]) {
      if (!enterprises.has(a.enterprise)) continue;
      this.open.delete(a.key);
      this.byId.delete(a.id);
      this.createdAt.delete(a.id);
      this.unhandledDone.delete(a.id);
      this.overdueDone.delete(a.id);
    }
  }

  private async load(mine: (enterprise: string) => boolean, adopted?: ReadonlySet<string>): Promise<void> {
    const now = this.o.clock.now();
    for (const a of await this.o.store.alarms.open()) {
      if (!mine(a.enterprise)) continue;
      this.open.set(a.key, a);
      this.byId.set(a.id, a);
      this.mirrors.loaded(a);
      this.createdAt.set(a.id, a.raisedAt);
      // escalated before the restart (or while it was down): not again
      if (now - a.raisedAt > this.unackedLimit()) this.unhandledDone.add(a.id);
      if (now > a.dueBy) this.overdueDone.add(a.id);
    }
    const since = this.o.clock.now() - 24 * 3_600_000;
    if (adopted) {
      // one query for the adopted enterprises (a cluster instance adopts partition by partition);
      // the records' history replaces what this instance remembered from an earlier ownership
      const recent = await this.o.store.cluster.recentActivations([...adopted], since, 100_000);
      for (const t of recent) this.activations.delete(t.key);
      for (const t of recent) this.remember(t.key, t.ts, t.severity as Severity);
    } else {
      for (const t of await this.o.store.alarms.recentTransitions(since, 100_000)) {
        if (t.action !== 'raise' && t.action !== 'escalate') continue;
        const a = this.byId.get(t.alarmId) ?? (await this.o.store.alarms.get(t.alarmId));
        if (a && mine(a.enterprise)) this.remember(a.key, t.ts, t.severity);
      }
      return;
    }
    // event times, whatever their age: the stream replays readings of any time it still holds
    for (const [key, ts] of await this.o.store.cluster.lastRuleChanges([...adopted])) this.handledUntil.set(key, ts);
  }

  /**
   * Waits for every accepted change to be in the records database, or for a write to fail (the
   * writer retries it in the background, in order: see writeStatus(); readers are not held up).
   */
  async flush(): Promise<void> {
    await this.writer.flush({ untilFailure: true });
  }

  /** Waits for every accepted change to be in the records database, however long it takes. */
  async drained(): Promise<void> {
    await this.writer.flush();
  }

  /** The records backlog for /healthz and /metrics (alarm-writer.ts). */
  writeStatus(): AlarmWriterStatus & { failures: number; refused: number; fenced: number } {
    return { ...this.writer.status(), failures: this.writer.writeFailures, refused: this.writer.writesRefused, fenced: this.writer.writesFenced };
  }

  /** At stop: flush for at most `timeoutMs`, then give up retrying; what was not written, by alarm id. */
  async closeWriter(timeoutMs: number): Promise<{ unwritten: number; alarms: string[] }> {
    return this.writer.close(timeoutMs);
  }

  /** The open alarms; in cluster mode those of other instances' partitions too, read-only (setForeign). */
  openAlarms(): Alarm[] {
    const own = [...this.open.values()];
    return this.foreign.length === 0 ? own : own.concat(this.foreign.filter((a) => !this.adopted.has(a.enterprise)));
  }

  /** Cluster mode: the records' open alarms, for views served here of enterprises owned elsewhere. */
  setForeign(open: Alarm[]): void {
    this.foreign = open;
  }

  get(id: string): Alarm | undefined {
    return this.byId.get(id);
  }

  /** The open alarm of a rule and subject (a Condition key), if any. */
  openByKey(key: string): Alarm | undefined {
    return this.open.get(key);
  }

  async list(f: AlarmFilter): Promise<Alarm[]> {
    await this.flush();
    return this.o.store.alarms.list(f);
  }

  /** A Condition from the rule engine (event time). */
  handle(c: Condition): void {
    const done = this.handledUntil.get(c.key);
    if (done !== undefined) {
      // cluster takeover: the previous owner recorded this key's change at `done` (adopt())
      if (c.ts <= done) return;
      this.handledUntil.delete(c.key);
    }
    const a = this.open.get(c.key);
    if (this.o.edges?.originOf(c.subject.enterprise) !== undefined) {
      // the edge's own alarm is authoritative for this key while it is open, and for its time once closed
      if (a?.origin) return;
      if (!a && c.active && this.mirrors.covers(c.key, c.ts)) return;
    }
    if (c.active) {
      if (!a) return this.raise(c);
      return this.retrigger(a, c);
    }
    if (a?.active) this.clearAlarm(a, c);
  }

  private raise(c: Condition): void {
    const info = this.rules.get(c.rule);
    let severity = c.severity;
    const history = this.remember(c.key, c.ts, c.severity);
    if (info?.escalation) severity = escalate(history, info.escalation, c.ts);
    const text = messages(c, severity, history.length);
    const suppressed = this.maintenance(c);
    const alarm: Alarm = {
      id: newId(c.ts),
      rule: c.rule,
      key: c.key,
      severity,
      state: suppressed ? 'suppressed' : 'active_unacked',
      active: true,
      enterprise: c.subject.enterprise,
      site: c.subject.site ?? null,
      zone: c.subject.zone ?? null,
      device: c.subject.device ?? null,
      metric: c.metric ?? null,
      value: c.value ?? null,
      peak: c.value ?? null,
      threshold: c.threshold ?? null,
      message: text.zh,
      messageEn: text.en,
      count: 1,
      raisedAt: c.ts,
      updatedAt: c.ts,
      ackedAt: null,
      ackedBy: null,
      ackNote: null,
      clearedAt: null,
      closedAt: null,
      shelvedUntil: null,
      shelveReason: null,
      suppressedReason: suppressed?.reason ?? null,
      dueBy: endOfLocalDay(c.ts, this.o.timezone),
      retroactive: c.ts < (this.o.edges?.backfillBefore(c.subject.enterprise) ?? -Infinity),
      escalations: severity !== c.severity ? 1 : 0,
      hazardId: null,
      evidence: c.evidence ?? null,
      origin: null,
    };
    this.open.set(alarm.key, alarm);
    this.byId.set(alarm.id, alarm);
    this.createdAt.set(alarm.id, this.o.clock.now());
    this.commit(alarm, null, 'raise', c.ts, 'system', severity !== c.severity ? `escalated from ${c.severity}: repeated activations (DOMAIN.md §4)` : null, true);
  }

  private retrigger(a: Alarm, c: Condition): void {
    const prev = { ...a };
    const reactivated = !a.active;
    const info = this.rules.get(c.rule);
    let severity = c.severity;
    let activations = 1;
    if (reactivated) {
      a.count++;
      const history = this.remember(c.key, c.ts, c.severity);
      activations = history.length;
      if (info?.escalation) severity = escalate(history, info.escalation, c.ts);
    }
    a.active = true;
    a.value = c.value ?? a.value;
    if (c.value !== undefined) a.peak = peakOf(a, c.value);
    a.threshold = c.threshold ?? a.threshold;
    a.updatedAt = Math.max(a.updatedAt, c.ts);
    a.clearedAt = null;
    a.evidence = c.evidence ?? a.evidence;
    const higher = severityRank(severity) > severityRank(a.severity);
    if (higher) {
      const text = messages(c, severity, activations);
      a.severity = severity;
      a.message = text.zh;
      a.messageEn = text.en;
      if (severity !== c.severity) a.escalations++;
    }
    // ISA-18.2: a re-activated or higher-priority alarm needs acknowledging again
    if ((reactivated || higher) && (a.state === 'active_acked' || a.state === 'cleared_unacked')) a.state = 'active_unacked';
    const action: AlarmAction = reactivated ? 'raise' : higher ? 'escalate' : 'update';
    // a new peak alone is stored with the alarm but is not a transition worth keeping
    this.commit(a, prev, action, c.ts, 'system', null, action !== 'update');
  }

  private clearAlarm(a: Alarm, c: Condition): void {
    const prev = { ...a };
    a.active = false;
    a.clearedAt = c.ts;
    a.updatedAt = Math.max(a.updatedAt, c.ts);
    if (c.value !== undefined) a.value = c.value;
    if (a.state === 'active_unacked') a.state = 'cleared_unacked';
    else if (a.state === 'active_acked' || a.state === 'suppressed') this.close(a, c.ts);
    // shelved: stays shelved until it expires or is unshelved
    this.commit(a, prev, isOpen(a.state) ? 'clear' : 'close', c.ts, 'system', null, true);
  }

  /** Operator acknowledgement with a note (CONTRACT §7). */
  ack(id: string, actor: string, note: string | null): Alarm {
    const a = this.mustOpen(id);
    if (a.state !== 'active_unacked' && a.state !== 'cleared_unacked') throw new AlarmConflictError(`alarm ${id} is ${a.state}: nothing to acknowledge`, this.allowed(a));
    const prev = { ...a };
    const now = this.o.clock.now();
    a.ackedAt = now;
    a.ackedBy = actor;
    a.ackNote = note;
    if (a.state === 'active_unacked') a.state = 'active_acked';
    else this.close(a, now);
    this.commit(a, prev, 'ack', now, actor, note, true);
    return a;
  }

  /**
   * A disposal was recorded (报警处置, disposal-service.ts): an open alarm nobody acknowledged is
   * acknowledged by the same person first; the `dispose` transition goes through the alarm writer
   * like every other, so it is stored in order and pushed. Undefined when the alarm is not open here.
   */
  disposed(id: string, actor: string, note: string): Alarm | undefined {
    const a = this.byId.get(id);
    if (!a || !isOpen(a.state)) return undefined;
    if (a.state === 'active_unacked' || a.state === 'cleared_unacked') this.ack(id, actor, note);
    const now = this.o.clock.now();
    this.commit(a, { ...a }, 'dispose', now, actor, note, true);
    return a;
  }

  /** The alarm became a hazard report (CONTRACT §7 POST /alarms/{id}/hazard): linked, kept with actor. */
  linkHazard(id: string, hazardId: string, actor: string): Alarm {
    const a = this.byId.get(id);
    if (!a) throw new HazardlineError('HL_ERR_NOT_FOUND', `alarm ${id} not found`, 404);
    if (a.hazardId) throw new AlarmConflictError(`alarm ${id} is already hazard ${a.hazardId}`, this.allowed(a).filter((x) => x !== 'hazard'));
    const prev = { ...a };
    a.hazardId = hazardId;
    this.commit(a, prev, 'hazard', this.o.clock.now(), actor, hazardId, true);
    return a;
  }

  /** Central mode: an edge's alarm change, idempotently (alarm-mirror.ts). */
  mirror(edge: string, e: Alarm, t: AlarmTransition, rev: OriginRev): Promise<Alarm | undefined> {
    return this.mirrors.mirror(edge, e, t, rev);
  }

  /** Central mode: the edge's open alarms as it listed them when it started (alarm-mirror.ts). */
  syncFromEdge(edge: string, open: Alarm[], at: number, rev: OriginRev, scope?: ReadonlySet<string>): Promise<void> {
    return this.mirrors.sync(edge, open, at, rev, scope);
  }

  /** changes the records database failed to take (or refused, full): the uplink acknowledges nothing while it grows */
  writeProblems(): number {
    return this.writer.writeFailures + this.writer.writesRefused;
  }

  /** Timed shelving with a reason (ISA-18.2): out of the live list until `until`. */
  shelve(id: string, actor: string, until: number, reason: string): Alarm {
    const a = this.mustOpen(id);
    if (a.state === 'shelved' || a.state === 'suppressed') throw new AlarmConflictError(`alarm ${id} is ${a.state}`, this.allowed(a));
    const now = this.o.clock.now();
    if (!(until > now)) throw Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', 'until: must be in the future', 400), { field: 'until' });
    const prev = { ...a };
    a.state = 'shelved';
    a.shelvedUntil = until;
    a.shelveReason = reason;
    this.commit(a, prev, 'shelve', now, actor, reason, true);
    return a;
  }

  private unackedLimit(): number {
    return this.o.escalateUnackedAfterMs ?? 30 * 60_000;
  }

  /**
   * Wall-clock housekeeping: expired shelves return to the live list; an alarm nobody
   * acknowledged is escalated once after `escalateUnackedAfterMs`, and once more when it
   * becomes overdue at the end of its local day (DOMAIN.md §0) — notifiers route escalations
   * to the next role up.
   */
  tick(): void {
    const now = this.o.clock.now();
    for (const a of this.open.values()) {
      if (a.ackedAt !== null || a.state === 'shelved' || a.state === 'suppressed' || a.origin) continue;
      const created = this.createdAt.get(a.id) ?? a.raisedAt;
      if (!this.unhandledDone.has(a.id) && now - created > this.unackedLimit()) {
        this.unhandledDone.add(a.id);
        this.escalateUnhandled(a, now, `unacknowledged for ${Math.round(this.unackedLimit() / 60_000)} min`);
      }
      // overdue escalates alarms that were live on their day, not ones created after it (backfill)
      if (!this.overdueDone.has(a.id) && now > a.dueBy && created <= a.dueBy) {
        this.overdueDone.add(a.id);
        this.escalateUnhandled(a, now, 'overdue: not handled by the end of its day');
      }
    }
    for (const a of this.open.values()) {
      if (a.state !== 'shelved' || a.shelvedUntil === null || a.shelvedUntil > now) continue;
      const prev = { ...a };
      a.shelvedUntil = null;
      if (a.active) a.state = 'active_unacked';
      else this.close(a, now);
      this.commit(a, prev, 'unshelve', now, 'system', 'shelve expired', true);
    }
  }

  private escalateUnhandled(a: Alarm, now: number, note: string): void {
    const prev = { ...a };
    a.escalations++;
    this.commit(a, prev, 'escalate', now, 'system', note, true);
  }

  /** ISA-18.2 figures for /metrics, from memory (the API's /alarms/health reads the records database). */
  gauges(now = this.o.clock.now()): { last10m: number; chattering: number; stale: number; overdue: number } {
    let last10m = 0;
    let chattering = 0;
    for (const h of this.activations.values()) {
      const ts = h.map((x) => x.ts);
      last10m += ts.filter((t) => t > now - 600_000 && t <= now).length;
      const recent = ts.filter((t) => t > now - 3_600_000);
      if (recent.some((t, i) => i >= 2 && t - recent[i - 2] <= 60_000)) chattering++;
    }
    let stale = 0;
    let overdue = 0;
    for (const a of this.open.values()) {
      if (a.active && now - a.raisedAt > 24 * 3_600_000) stale++;
      if (this.isOverdue(a, now)) overdue++;
    }
    return { last10m, chattering, stale, overdue };
  }

  /** Overdue: not handled (acknowledged) by the end of its local day. */
  isOverdue(a: Alarm, now = this.o.clock.now()): boolean {
    return isOpen(a.state) && a.ackedAt === null && now > a.dueBy;
  }

  private allowed(a: Alarm): string[] {
    if (a.state === 'active_unacked' || a.state === 'cleared_unacked') return ['ack', 'shelve', 'hazard'];
    if (a.state === 'active_acked') return ['shelve', 'hazard'];
    return ['hazard'];
  }

  private mustOpen(id: string): Alarm {
    const a = this.byId.get(id);
    if (!a || !isOpen(a.state)) {
      if (a) throw new AlarmConflictError(`alarm ${id} is closed`, []);
      throw new HazardlineError('HL_ERR_NOT_FOUND', `alarm ${id} not found`, 404);
    }
    return a;
  }

  private close(a: Alarm, ts: number): void {
    a.state = 'normal';
    a.closedAt = ts;
    this.mirrors.closed(a);
    this.open.delete(a.key);
    this.unhandledDone.delete(a.id);
    this.overdueDone.delete(a.id);
    this.createdAt.delete(a.id);
    // closed alarms are read from the records database from here on
    this.byId.delete(a.id);
  }

  private maintenance(c: Condition): MaintenanceWindow | undefined {
    return this.o.maintenance?.find(
      (w) => w.enterprise === c.subject.enterprise && (!w.site || w.site === c.subject.site) && (!w.device || w.device === c.subject.device) && c.ts >= w.from && c.ts < w.to,
    );
  }

  private remember(key: string, ts: number, severity: Severity): { ts: number; severity: Severity }[] {
    const h = (this.activations.get(key) ?? []).filter((x) => x.ts > ts - 24 * 3_600_000);
    h.push({ ts, severity });
    this.activations.set(key, h);
    return h;
  }

  private commit(a: Alarm, prev: Alarm | null, action: AlarmAction, ts: number, actor: string, note: string | null, keep: boolean): void {
    const transition: AlarmTransition = { alarmId: a.id, ts, action, fromState: prev?.state ?? null, toState: a.state, severity: a.severity, actor, note, value: a.value };
    const snapshot = { ...a };
    if (!keep && prev !== null) this.writer.update(snapshot);
    else this.writer.write(snapshot, keep ? transition : null, prev === null);
    if (keep || action === 'update') this.emit('transition', { alarm: snapshot, previous: prev, transition });
  }
}

function peakOf(a: Alarm, v: number): number {
  // o2 deficiency and other "below" rules peak downwards: the peak is the value furthest past the
  // threshold. The direction is the side of the threshold the peak is on — not the side of the new
  // value: a "high" alarm escalated to red (threshold 40) keeps its peak when a later reading is
  // at the yellow level (25), instead of taking it for a "low" alarm (issue 14, seen in the demo)
  if (a.peak === null) return v;
  const below = a.threshold !== null && (a.peak < a.threshold || (a.peak === a.threshold && v < a.threshold));
  return below ? Math.min(a.peak, v) : Math.max(a.peak, v);
}
