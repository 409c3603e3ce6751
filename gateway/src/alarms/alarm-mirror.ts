// Central mode (issue 7, docs/uplink.md §11.6): alarms as an edge raised and changed them, mirrored
// into this gateway's alarm manager.
//  - Idempotent: every change carries the edge queue row that sent it (`epoch:seq`); a row at or
//    before the one that last changed the alarm changes nothing, even replayed after a restart.
//  - One condition, one alarm: an open alarm of ours with the same key is adopted (it keeps our
//    id and remembers the edge's, `originId`).
//  - The edge decides only for its own: the key must be of the alarm's rule and enterprise, and an
//    id or key that belongs to another enterprise or another edge is refused.
//  - While an edge's alarm is open, and for the event-time span of one closed, our own rules do not
//    raise it again (`covers`).
import type { Severity } from '../model/vocabulary.ts';
import type { RecordStore } from '../records/record-store.ts';
import { OPEN_STATES, type Alarm, type AlarmAction, type AlarmTransition } from './types.ts';

export interface OriginRev {
  epoch: number;
  seq: number;
}

/** the manager's state and steps the mirror works on */
export interface MirrorHost {
  store: RecordStore;
  open: Map<string, Alarm>;
  byId: Map<string, Alarm>;
  createdAt: Map<string, number>;
  now(): number;
  backfillBefore(enterprise: string): number;
  remember(key: string, ts: number, severity: Severity): void;
  close(a: Alarm, ts: number): void;
  commit(a: Alarm, prev: Alarm | null, action: AlarmAction, ts: number, actor: string, note: string | null, keep: boolean): void;
}

export class MirrorRefused extends Error {}

const isOpen = (a: Alarm) => OPEN_STATES.includes(a.state);
const revOf = (r: OriginRev) => `${r.epoch}:${r.seq}`;
/** the row is at or before the one that last changed the alarm (same queue epoch) */
function seen(a: Alarm, r: OriginRev): boolean {
  if (!a.originRev) return false;
  const [epoch, seq] = a.originRev.split(':').map(Number);
  return epoch === r.epoch && seq >= r.seq;
}

export class AlarmMirror {
  /** open mirrored alarms by `edge|edge alarm id` */
  private readonly byOrigin = new Map<string, Alarm>();
  /** event-time spans of closed mirrored alarms per key (7 days) */
  private readonly spans = new Map<string, [number, number][]>();

  constructor(private readonly h: MirrorHost) {}

  loaded(a: Alarm): void {
    if (a.origin) this.byOrigin.set(`${a.origin}|${a.originId ?? a.id}`, a);
  }

  closed(a: Alarm): void {
    if (!a.origin) return;
    this.byOrigin.delete(`${a.origin}|${a.originId ?? a.id}`);
    const spans = (this.spans.get(a.key) ?? []).filter(([, to]) => to > a.raisedAt - 7 * 86_400_000);
    spans.push([a.raisedAt, a.clearedAt ?? a.closedAt ?? a.updatedAt]);
    this.spans.set(a.key, spans);
  }

  covers(key: string, ts: number): boolean {
    return this.spans.get(key)?.some(([from, to]) => ts >= from && ts <= to) ?? false;
  }

  async mirror(edge: string, e: Alarm, t: AlarmTransition, rev: OriginRev): Promise<Alarm | undefined> {
    const k = `${e.rule}|${e.enterprise}`;
    if (!(e.key === k || e.key.startsWith(`${k}/`) || e.key.startsWith(`${k}|`))) throw new MirrorRefused(`alarm key ${e.key} is not of rule ${e.rule} and enterprise ${e.enterprise}`);
    const stored = this.byOrigin.get(`${edge}|${e.id}`) ?? (await this.h.store.alarms.byOrigin(edge, e.id));
    // decided after the await: our own rules may have raised the key meanwhile
    const own = this.h.open.get(e.key);
    const existing = (stored && (this.h.byId.get(stored.id) ?? stored)) ?? (own && (own.origin === null || own.origin === edge) ? own : undefined);
    if (!existing && this.h.byId.has(e.id)) throw new MirrorRefused(`alarm id ${e.id} is not of edge ${edge}`);
    if (existing && (existing.enterprise !== e.enterprise || existing.key !== e.key)) throw new MirrorRefused(`alarm ${e.id} of edge ${edge} does not match the alarm here`);
    if (existing && seen(existing, rev)) return existing;
    const prev = existing ? { ...existing } : null;
    const a: Alarm = existing ?? { ...e, origin: edge, retroactive: e.raisedAt < this.h.backfillBefore(e.enterprise) };
    if (existing) {
      const { id, raisedAt, dueBy, retroactive } = existing;
      Object.assign(a, e, { id, raisedAt: Math.min(raisedAt, e.raisedAt), dueBy, retroactive, origin: edge, hazardId: e.hazardId ?? existing.hazardId });
    }
    delete a.originId;
    if (a.id !== e.id) a.originId = e.id;
    a.originRev = revOf(rev);
    if (isOpen(a)) {
      this.h.open.set(a.key, a);
      this.h.byId.set(a.id, a);
      this.byOrigin.set(`${edge}|${e.id}`, a);
      if (!this.h.createdAt.has(a.id)) this.h.createdAt.set(a.id, this.h.now());
    } else {
      if (this.h.open.get(a.key)?.id === a.id) this.h.open.delete(a.key);
      this.h.byId.delete(a.id);
      this.h.createdAt.delete(a.id);
      this.closed(a);
    }
    if (t.action === 'raise' || t.action === 'escalate') this.h.remember(a.key, t.ts, a.severity);
    this.h.commit(a, prev, t.action, t.ts, `edge:${edge}/${t.actor}`, t.note, t.action !== 'update' || prev === null);
    return a;
  }

  /**
   * The edge's open alarms when it started (`sync` item): each mirrored; an open alarm mirrored
   * from this edge that the list does not have, and that no row after the sync changed, was closed
   * at the edge while that change went missing: closed here too, at the sync's time. `scope`: the
   * enterprises the list speaks for (cluster mode: the share of one partition); all when absent.
   */
  async sync(edge: string, open: Alarm[], at: number, rev: OriginRev, scope?: ReadonlySet<string>): Promise<void> {
    const keys = new Set(open.map((x) => x.key));
    for (const e of open) await this.mirror(edge, e, { alarmId: e.id, ts: e.updatedAt, action: 'update', fromState: null, toState: e.state, severity: e.severity, actor: 'sync', note: null, value: e.value }, rev);
    for (const a of [...this.h.open.values()]) {
      if (a.origin !== edge || keys.has(a.key) || (scope && !scope.has(a.enterprise)) || seen(a, { ...rev, seq: rev.seq + 1 })) continue;
      const prev = { ...a };
      a.active = false;
      a.originRev = revOf(rev);
      this.h.close(a, at);
      this.h.commit(a, prev, 'close', at, `edge:${edge}/sync`, 'closed at the edge (sync)', true);
    }
  }
}
