// Shift handover (交接班, issue 15): the outgoing dispatcher hands over the shift — the open alarms
// and their state at that moment, what was disposed since the last accepted handover, notes — and
// the incoming dispatcher accepts it. Both steps are recorded with the person and chained in the
// audit log (records/handover-records.ts). A handover covers the outgoing person's enterprises;
// an incoming person sees and accepts those that overlap theirs.
import { randomBytes } from 'node:crypto';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Clock } from '../clock.ts';
import { HazardlineError } from '../errors.ts';
import type { AssetModel } from '../model/assets.ts';
import { HandoverNotOffered, type HandoverDoc } from '../records/handover-records.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Actor } from '../hazards/types.ts';
import { visible } from '../hazards/workflow.ts';

export interface HandoverAlarm {
  id: string;
  rule: string;
  severity: string;
  state: string;
  enterprise: string;
  site: string | null;
  zone: string | null;
  device: string | null;
  message: string;
  raisedAt: number;
  ackedBy: string | null;
}

export interface HandoverDisposal {
  alarmId: string;
  enterprise: string;
  rule: string;
  cause: string;
  result: string;
  disposedBy: string;
  disposedAt: number;
}

export interface Handover extends HandoverDoc {
  fromName: string;
  toName: string | null;
  /** the shift handed over: from the last accepted handover of these enterprises (or 12 h before) to now */
  shiftFrom: number;
  openAlarms: HandoverAlarm[];
  disposed: HandoverDisposal[];
  counts: { open: number; unacked: number; raised: number; disposed: number };
  notes: string;
  acceptNote: string | null;
}

const bad = (field: string, message: string) => Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', `${field}: ${message}`, 400), { field });
const conflict = (message: string) => Object.assign(new HazardlineError('HL_ERR_CONFLICT', message, 409), { allowed: [] });
const DEFAULT_SHIFT_MS = 12 * 3_600_000;

function text(body: unknown, field: string, max: number): string {
  const v = (body as Record<string, unknown> | null)?.[field];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw bad(field, 'expected a string');
  if (v.length > max) throw bad(field, `at most ${max} characters`);
  return v.trim();
}

export class HandoverService {
  constructor(private readonly o: { store: RecordStore; alarms: AlarmManager; assets: AssetModel; clock: Clock }) {}

  private scope(actor: Actor): string[] {
    return [...this.o.assets.enterprises.values()].filter((e) => visible({ enterprise: e.id, jurisdiction: e.jurisdiction }, actor)).map((e) => e.id);
  }

  private visible(h: Handover, actor: Actor): boolean {
    const mine = new Set(this.scope(actor));
    return h.enterprises.some((e) => mine.has(e));
  }

  /** The shift as it would be handed over now (the form's preview). */
  async draft(actor: Actor): Promise<Omit<Handover, 'id' | 'state' | 'to' | 'toName' | 'acceptedAt' | 'notes' | 'acceptNote'>> {
    const enterprises = this.scope(actor);
    const now = this.o.clock.now();
    const last = (await this.o.store.handovers.list<Handover>({ state: 'accepted', limit: 200 })).find((h) => h.enterprises.some((e) => enterprises.includes(e)));
    const shiftFrom = last?.acceptedAt ?? now - DEFAULT_SHIFT_MS;
    await this.o.alarms.flush();
    const open = this.o.alarms.openAlarms().filter((a) => enterprises.includes(a.enterprise)).sort((a, b) => a.raisedAt - b.raisedAt);
    const disposals = (await this.o.store.disposals.list({ enterprises, from: shiftFrom - 31 * 86_400_000, to: now + 1 })).filter((d) => d.disposedAt >= shiftFrom && d.disposedAt <= now);
    const raised = (await this.o.store.alarms.list({ enterprises, since: shiftFrom, limit: 100_000 })).length;
    return {
      enterprises,
      from: actor.id,
      fromName: actor.name ?? actor.id,
      createdAt: now,
      shiftFrom,
      openAlarms: open.map((a) => ({ id: a.id, rule: a.rule, severity: a.severity, state: a.state, enterprise: a.enterprise, site: a.site, zone: a.zone, device: a.device, message: a.message, raisedAt: a.raisedAt, ackedBy: a.ackedBy })),
      disposed: disposals.sort((a, b) => a.disposedAt - b.disposedAt).map((d) => ({ alarmId: d.alarmId, enterprise: d.enterprise, rule: d.rule, cause: d.cause, result: d.result, disposedBy: d.disposedBy, disposedAt: d.disposedAt })),
      counts: { open: open.length, unacked: open.filter((a) => a.state === 'active_unacked' || a.state === 'cleared_unacked').length, raised, disposed: disposals.length },
    };
  }

  /** POST /api/v1/handovers {notes}: 409 while this person has a handover not yet accepted. */
  async offer(body: unknown, actor: Actor): Promise<Handover> {
    const notes = text(body, 'notes', 4000);
    const pending = (await this.o.store.handovers.list<Handover>({ state: 'offered', limit: 200 })).find((h) => h.from === actor.id);
    if (pending) throw conflict(`your handover ${pending.id} is still waiting to be accepted`);
    const d = await this.draft(actor);
    if (d.enterprises.length === 0) throw bad('enterprises', 'nothing in your scope to hand over');
    const h: Handover = { ...d, id: `ho_${randomBytes(8).toString('hex')}`, state: 'offered', to: null, toName: null, acceptedAt: null, notes, acceptNote: null };
    await this.o.store.handovers.add(h);
    return h;
  }

  /** POST /api/v1/handovers/{id}/accept {note}: by another person whose scope overlaps it. */
  async accept(id: string, body: unknown, actor: Actor): Promise<Handover> {
    const note = text(body, 'note', 2000);
    const h = await this.o.store.handovers.get<Handover>(id);
    if (!h || !this.visible(h, actor)) throw new HazardlineError('HL_ERR_NOT_FOUND', `handover ${id} not found`, 404);
    if (h.state !== 'offered') throw conflict(`handover ${id} was accepted by ${h.toName ?? h.to}`);
    if (h.from === actor.id) throw conflict('the outgoing person cannot accept their own handover');
    const done: Handover = { ...h, state: 'accepted', to: actor.id, toName: actor.name ?? actor.id, acceptedAt: this.o.clock.now(), acceptNote: note || null };
    try {
      await this.o.store.handovers.accept(done);
    } catch (e) {
      if (e instanceof HandoverNotOffered) throw conflict(`handover ${id} is no longer offered`);
      throw e;
    }
    return done;
  }

  async list(actor: Actor, f: { state?: string; limit?: number }): Promise<Handover[]> {
    if (f.state && f.state !== 'offered' && f.state !== 'accepted') throw bad('state', 'expected offered or accepted');
    return (await this.o.store.handovers.list<Handover>({ state: f.state, limit: 500 })).filter((h) => this.visible(h, actor)).slice(0, f.limit ?? 50);
  }

  async get(id: string, actor: Actor): Promise<Handover> {
    const h = await this.o.store.handovers.get<Handover>(id);
    if (!h || !this.visible(h, actor)) throw new HazardlineError('HL_ERR_NOT_FOUND', `handover ${id} not found`, 404);
    return h;
  }
}
