// The hazard workflow with its I/O (CONTRACT §8, DOMAIN.md §7): the pure workflow decides, this
// service loads and saves — the hazard, its history entry, the audit-chain entry and (for a
// reward) the ledger row in one transaction — and then tells listeners (WebSocket, webhooks,
// 直报 to the regulator). Reporter identities are stored apart and shown only to those who may
// see them (privacy.ts).
import { randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Condition } from '../../../rules/src/types.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { AssetModel } from '../model/assets.ts';
import type { RecordStore } from '../records/record-store.ts';
import { withDeadlines } from './deadlines.ts';
import { likelyDuplicates } from './duplicates.ts';
import { parseAction, parseCreate } from './parse.ts';
import { PUBLIC_STATES, publicNotice, redact, redactHistory, reporterView, seesReporter } from './privacy.ts';
import { normaliseReportCode } from './report-code.ts';
import { sniffImageType, type PhotoStore } from './photos.ts';
import { HazardlineError } from '../errors.ts';
import { canonicalJson } from '../audit/chain.ts';
import { hazardPayloadFields } from '../audit/row-payloads.ts';
import { MirrorRefused } from '../alarms/alarm-mirror.ts';
import { OPEN_STATES, type Actor, type CreateHazardInput, type Hazard, type HazardHistoryEntry, type HazardPhoto, type WorkflowEffect } from './types.ts';
import { allowedActions, apply, createHazard, visible, WorkflowError } from './workflow.ts';

export interface HazardEvent {
  hazard: Hazard;
  entry: HazardHistoryEntry;
  previousState: Hazard['state'] | null;
  effects: WorkflowEffect[];
}

export interface HazardServiceOptions {
  store: RecordStore;
  assets: AssetModel;
  clock: Clock;
  log: Logger;
  rewardTiers?: readonly number[];
  photos?: PhotoStore;
  /** photos per hazard (default 9) */
  maxPhotos?: number;
}

/** uniform [0, 1) from the OS CSPRNG: report codes are bearer secrets */
const secureRandom = () => randomInt(0, 2 ** 47) / 2 ** 47;
const newId = (prefix: string, now: number) => `${prefix}_${now.toString(36)}${randomBytes(4).toString('hex')}`;

export class HazardService extends EventEmitter<{ event: [HazardEvent] }> {
  constructor(private readonly o: HazardServiceOptions) {
    super();
  }

  /** POST /api/v1/hazards (and alarm → hazard): a new report in state `reported`. */
  async create(body: unknown, actor: Actor, extra: Partial<CreateHazardInput> = {}): Promise<{ hazard: Hazard; reportCode?: string }> {
    const input = { ...parseCreate(body), ...extra };
    const ent = this.o.assets.enterprises.get(input.enterprise);
    if (!ent) throw new WorkflowError(404, 'enterprise not found');
    const now = this.o.clock.now();
    const named = !input.anonymous && (input.reporter?.name || input.reporter?.phone);
    const reporterId = named ? newId('rp', now) : undefined;
    const r = createHazard(input, actor, now, { id: newId('hz', now), jurisdiction: ent.jurisdiction, random: secureRandom, reporterId });
    await this.o.store.transaction(async (tx) => {
      if (reporterId) await tx.addReporter({ id: reporterId, name: input.reporter?.name ?? null, phone: input.reporter?.phone ?? null, createdAt: now });
      await tx.saveHazard(r.hazard, now, true);
      await this.record(tx, r.hazard, r.entry);
    });
    this.emit('event', { hazard: r.hazard, entry: r.entry, previousState: null, effects: r.effects });
    return { hazard: r.hazard, reportCode: r.reportCode };
  }

  /** POST /api/v1/hazards/{id}/actions */
  async act(id: string, body: unknown, actor: Actor): Promise<Hazard> {
    const action = parseAction(body);
    const h = await this.visibleHazard(id, actor);
    // the duplicate chain the workflow may follow (first valid reporter), preloaded: it is pure
    const known = new Map<string, Hazard>([[h.id, h]]);
    let next = action.action === 'confirm' ? action.duplicateOf ?? undefined : undefined;
    for (let i = 0; next && i < 20 && !known.has(next); i++) {
      const d = await this.o.store.getHazard<Hazard>(next);
      if (!d) break;
      known.set(d.id, d);
      next = d.duplicateOf;
    }
    const now = this.o.clock.now();
    const r = apply(h, action, actor, now, { rewardTiers: this.o.rewardTiers, find: (x) => known.get(x) });
    await this.o.store.transaction(async (tx) => {
      await tx.saveHazard(r.hazard, now, false);
      await this.record(tx, r.hazard, r.entry);
      if (action.action === 'reward' && r.hazard.reward) {
        await tx.addReward({ hazardId: h.id, reporterId: h.reporterId ?? null, amount: r.hazard.reward.amount, tier: String(r.hazard.reward.tier ?? r.hazard.reward.amount), payer: actor.id, paidAt: now });
      }
    });
    this.emit('event', { hazard: r.hazard, entry: r.entry, previousState: h.state, effects: r.effects });
    return r.hazard;
  }

  /**
   * POST /api/v1/hazards/{id}/photos: the reporter (a worker of that enterprise) while the report
   * is being checked, officers and regulators in scope until it is published. The type is sniffed
   * from the bytes (415 otherwise); the size limit is the route's body limit (413).
   */
  async addPhoto(id: string, bytes: Buffer, actor: Actor): Promise<HazardPhoto> {
    const h = await this.visibleHazard(id, actor);
    if (!this.o.photos) throw new WorkflowError(404, 'photos are not enabled');
    if (actor.role === 'dispatcher') throw new WorkflowError(403, 'role dispatcher may not attach photos');
    if (actor.role === 'worker' && !['reported', 'verifying'].includes(h.state)) throw new WorkflowError(409, `photos can be added by the reporter while the report is checked (state ${h.state})`, { allowed: [] });
    if (h.state === 'published') throw new WorkflowError(409, 'a published hazard is not changed', { allowed: [] });
    const photos = h.photos ?? [];
    if (photos.length >= (this.o.maxPhotos ?? 9)) throw new WorkflowError(409, `at most ${this.o.maxPhotos ?? 9} photos per hazard`, { allowed: [] });
    const type = sniffImageType(bytes);
    if (!type) throw Object.assign(new HazardlineError('HL_ERR_UNSUPPORTED_MEDIA', 'photo: expected a JPEG, PNG or WebP image (checked from its bytes)', 415), { field: 'photo' });
    const now = this.o.clock.now();
    const by = `${actor.role}:${actor.id}`;
    const photo = await this.o.photos.save(h.id, photos.length + 1, bytes, type, by, now);
    const next: Hazard = { ...h, photos: [...photos, photo] };
    await this.o.store.transaction(async (tx) => {
      await tx.saveHazard(next, now, false);
      await tx.appendAudit([{ kind: 'hazard', ref: h.id, action: 'photo', actor: by, at: now, payload: { name: photo.name, type, bytes: photo.bytes } }]);
    });
    return photo;
  }

  /** GET /api/v1/hazards/{id}/photos/{name} */
  async photo(id: string, name: string, actor: Actor): Promise<{ type: string; bytes: Buffer }> {
    const h = await this.visibleHazard(id, actor);
    const p = h.photos?.find((x) => x.name === name);
    if (!p || !this.o.photos) throw new WorkflowError(404, 'photo not found');
    return { type: p.type, bytes: await this.o.photos.read(h.id, p.name) };
  }

  /** GET /api/v1/hazards/{id}: redacted for the viewer, with history, allowed steps and likely duplicates. */
  async get(id: string, actor: Actor) {
    const h = await this.visibleHazard(id, actor);
    const now = this.o.clock.now();
    const history = (await this.o.store.hazardHistory<HazardHistoryEntry>(id)) ?? [];
    const open = (await this.o.store.listHazards<Hazard>({ enterprises: [h.enterprise], states: [...OPEN_STATES], limit: 500 })).filter((x) => x.id !== h.id);
    const reporter = seesReporter(h, actor) && h.reporterId ? await this.o.store.getReporter(h.reporterId) : undefined;
    return {
      hazard: { ...redact(withDeadlines(h, now), actor), possibleDuplicates: likelyDuplicates(h, open, now) },
      history: redactHistory(h, history, actor) ?? [],
      allowedActions: allowedActions(h, actor),
      ...(reporter ? { reporter: { name: reporter.name, phone: reporter.phone } } : {}),
    };
  }

  /** GET /api/v1/hazards: in the actor's scope (regulators by jurisdiction), newest first. */
  async list(actor: Actor, f: { state?: string; enterprise?: string; level?: string; limit?: number }): Promise<Hazard[]> {
    const now = this.o.clock.now();
    let enterprises = [...this.o.assets.enterprises.values()].filter((e) => visible({ enterprise: e.id, jurisdiction: e.jurisdiction }, actor)).map((e) => e.id);
    if (f.enterprise) enterprises = enterprises.filter((e) => e === f.enterprise);
    const list = await this.o.store.listHazards<Hazard>({ enterprises, states: f.state ? [f.state] : undefined, level: f.level, limit: f.limit });
    return list.filter((h) => visible(h, actor)).map((h) => redact(withDeadlines(h, now), actor)).filter((h): h is Hazard => h !== null);
  }

  /** GET /api/v1/hazards/by-code/{code} (no token): the reporter's own view, nothing about others. */
  async byCode(code: string) {
    const c = normaliseReportCode(code);
    const h = c ? await this.o.store.hazardByCode<Hazard>(c) : undefined;
    const view = h ? reporterView(withDeadlines(h, this.o.clock.now())) : null;
    if (!view) throw new WorkflowError(404, 'report not found');
    return view;
  }

  /** GET /api/v1/public/hazards: the public notice (公示), reporters masked. */
  async publicNotices(limit = 200) {
    const list = await this.o.store.listHazards<Hazard>({ states: [...PUBLIC_STATES], limit });
    return list.map((h) => publicNotice(h)).filter((n) => n !== null);
  }

  private readonly overdueKeys = new Set<string>();

  /**
   * CONTRACT §8: an overdue rectification raises an alarm. Conditions for the alarm manager:
   * raised (at the deadline) for every hazard still `rectifying` after its deadline — red for a
   * major hazard, orange otherwise — and cleared once it is rectified, closed or reopened.
   */
  async overdueConditions(now: number): Promise<Condition[]> {
    const out: Condition[] = [];
    const rectifying = await this.o.store.listHazards<Hazard>({ states: ['rectifying'], limit: 100_000 });
    const overdue = new Set<string>();
    for (const h of rectifying) {
      const deadline = h.rectification?.deadline;
      if (deadline === undefined || now <= deadline) continue;
      const key = `hazard.overdue-rectification|${h.id}`;
      overdue.add(key);
      if (this.overdueKeys.has(key)) continue;
      this.overdueKeys.add(key);
      const days = Math.floor((now - deadline) / 86_400_000);
      out.push({
        rule: 'hazard.overdue-rectification',
        key,
        subject: { enterprise: h.enterprise, site: h.site, zone: h.zone, device: h.device },
        active: true,
        severity: h.level === 'major' ? 'red' : 'orange',
        ts: deadline,
        message: { zh: `隐患「${h.title}」逾期未整改（期限 ${new Date(deadline).toISOString().slice(0, 10)}，责任人 ${h.rectification!.owner}）`, en: `hazard "${h.title}" not rectified by its deadline (${new Date(deadline).toISOString().slice(0, 10)}, owner ${h.rectification!.owner}, ${days} d overdue)` },
        evidence: { hazardId: h.id, deadline },
      });
    }
    for (const key of [...this.overdueKeys]) {
      if (overdue.has(key)) continue;
      this.overdueKeys.delete(key);
      const h = await this.o.store.getHazard<Hazard>(key.split('|')[1]);
      if (!h) continue;
      out.push({ rule: 'hazard.overdue-rectification', key, subject: { enterprise: h.enterprise, site: h.site, zone: h.zone, device: h.device }, active: false, severity: h.level === 'major' ? 'red' : 'orange', ts: now, message: { zh: `隐患「${h.title}」已整改`, en: `hazard "${h.title}" rectified` } });
    }
    return out;
  }

  private async visibleHazard(id: string, actor: Actor): Promise<Hazard> {
    const h = await this.o.store.getHazard<Hazard>(id);
    // out of scope answers exactly like absent (CONTRACT §7)
    if (!h || !visible(h, actor)) throw new WorkflowError(404, 'hazard not found');
    return h;
  }

  /**
   * Central mode: a hazard record as the edge keeps it, with the step that changed it (docs/uplink.md).
   * Idempotent: a record already stored as it is changes nothing. The regulator's scoping uses this
   * gateway's jurisdiction of the enterprise. Reporter identities and report codes never travel.
   */
  async mirror(edge: string, incoming: Hazard, entry: HazardHistoryEntry | null, rev: { epoch: number; seq: number }): Promise<void> {
    const ent = this.o.assets.enterprises.get(incoming.enterprise);
    const { reportCode: _code, reporterId: _reporter, ...rest } = incoming;
    const h: Hazard = { ...rest, jurisdiction: ent?.jurisdiction ?? incoming.jurisdiction, origin: edge, originRev: `${rev.epoch}:${rev.seq}` };
    const stored = await this.o.store.getHazard<Hazard>(h.id);
    if (stored && (stored.origin !== edge || stored.enterprise !== h.enterprise)) throw new MirrorRefused(`hazard ${h.id} is not of edge ${edge}`);
    // a row at or before the one that last changed it (same queue epoch) changes nothing
    const [epoch, seq] = (stored?.originRev ?? '0:0').split(':').map(Number);
    if (stored && epoch === rev.epoch && seq >= rev.seq) return;
    const now = this.o.clock.now();
    const e = entry ? { ...entry, actor: { role: entry.actor.role, id: `edge:${edge}/${entry.actor.id}` } } : null;
    await this.o.store.transaction(async (tx) => {
      await tx.saveHazard(h, now, !stored);
      if (e) await this.record(tx, h, e);
      // a sync row (no step) that changes what the chain holds of the hazard: chained too, so `audit verify` agrees
      else if (stored && canonicalJson(hazardPayloadFields(stored)) !== canonicalJson(hazardPayloadFields(h))) {
        await tx.appendAudit([{ kind: 'hazard', ref: h.id, action: 'sync', actor: `edge:${edge}`, at: now, payload: { from: stored.state, to: h.state, level: h.level, enterprise: h.enterprise, note: null, rectification: h.rectification ?? null, reward: h.reward ?? null } }]);
      }
    });
    if (!e) return;
    const effects: WorkflowEffect[] = e.action === 'confirm' && h.level === 'major' ? [{ kind: 'direct-report', hazardId: h.id, enterprise: h.enterprise, jurisdiction: h.jurisdiction }] : [];
    this.emit('event', { hazard: h, entry: e, previousState: stored?.state ?? null, effects });
  }

  private async record(tx: RecordStore, h: Hazard, e: HazardHistoryEntry): Promise<void> {
    await tx.addHazardHistory({ hazardId: h.id, at: e.at, action: e.action, fromState: e.from, toState: e.to, actor: `${e.actor.role}:${e.actor.id}`, entry: e });
    // the audit chain keeps the step, not the reporter: ids only (全程留痕); with the assignment
    // (owner, measures, funds, deadline, plan) and reward amount, which `audit verify` compares with the stored hazard
    await tx.appendAudit([{ kind: 'hazard', ref: h.id, action: e.action, actor: `${e.actor.role}:${e.actor.id}`, at: e.at, payload: { from: e.from, to: e.to, level: h.level, enterprise: h.enterprise, note: e.note ?? null, rectification: h.rectification ?? null, reward: h.reward ?? null } }]);
  }
}
