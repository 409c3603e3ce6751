// The hazard workflow with its I/O (CONTRACT §8, DOMAIN.md §7): the pure workflow decides, this
// service loads and saves — the hazard, its history entry, the audit-chain entry and (for a
// reward) the ledger row in one transaction — and then tells listeners (WebSocket, webhooks,
// 直报 to the regulator). Reporter identities are stored apart and shown only to those who may
// see them (privacy.ts).
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Condition } from '../model/vocabulary.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { AssetModel } from '../model/assets.ts';
import type { RecordStore } from '../records/record-store.ts';
import { withDeadlines } from './deadlines.ts';
import { likelyDuplicates } from './duplicates.ts';
import { ledger, type LedgerPage, type LedgerQuery } from './ledger.ts';
import { parseAction, parseCreate } from './parse.ts';
import { checkPlace } from './place.ts';
import { PUBLIC_STATES, publicNotice, redact, redactHistory, redactPhoto, REPORTER_UPLOADER, reporterView, seesReporter } from './privacy.ts';
import { normaliseReportCode } from './report-code.ts';
import type { PhotoStore } from './photos.ts';
import { sanitisePhoto } from './photo-sanitise.ts';
import { canonicalJson } from '../audit/chain.ts';
import { hazardPayloadFields } from '../audit/row-payloads.ts';
import { MirrorRefused } from '../alarms/alarm-mirror.ts';
import { OPEN_STATES, type RewardFrom, type Actor, type CreateHazardInput, type Hazard, type HazardHistoryEntry, type HazardPhoto, type WorkflowEffect } from './types.ts';
import { allowedActions, apply, createHazard, rewardAmounts, visible, WorkflowError, type WorkflowOptions } from './workflow.ts';

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
  /** from when a worker's report may be rewarded (config hazards.rewardFrom; default confirmed) */
  rewardFrom?: RewardFrom;
  /** config hazards.outsideDutiesMultiplier (default 2) */
  outsideDutiesMultiplier?: number;
  photos?: PhotoStore;
  /** photos per hazard (default 9) */
  maxPhotos?: number;
  /** key of the reporter marks (Hazard.reporterMark); main keeps it in dataDir/reporter.key, tests get a random one */
  reporterKey?: Buffer;
}

/** uniform [0, 1) from the OS CSPRNG: report codes are bearer secrets */
const secureRandom = () => randomInt(0, 2 ** 47) / 2 ** 47;
const newId = (prefix: string, now: number) => `${prefix}_${now.toString(36)}${randomBytes(4).toString('hex')}`;

export class HazardService extends EventEmitter<{ event: [HazardEvent] }> {
  private readonly reporterKey: Buffer;

  constructor(private readonly o: HazardServiceOptions) {
    super();
    this.reporterKey = o.reporterKey ?? randomBytes(32);
  }

  /** HMAC of the hazard and the worker: recognises the reporting worker without the records naming them */
  private reporterMark(hazardId: string, actor: Actor): string {
    return createHmac('sha256', this.reporterKey).update(`${hazardId}\u0000${actor.id}`).digest('hex');
  }

  /** POST /api/v1/hazards (and alarm → hazard): a new report in state `reported`. */
  async create(body: unknown, actor: Actor, extra: Partial<CreateHazardInput> = {}): Promise<{ hazard: Hazard; reportCode?: string }> {
    const input = { ...parseCreate(body), ...extra };
    const ent = this.o.assets.enterprises.get(input.enterprise);
    // out of scope answers like absent, before the place is looked at (CONTRACT §7)
    if (!ent || !visible({ enterprise: ent.id, jurisdiction: ent.jurisdiction }, actor)) throw new WorkflowError(404, 'enterprise not found');
    // a place typed into a report must exist; an alarm's subject came from the asset model already
    if (extra.source !== 'alarm') Object.assign(input, checkPlace(this.o.assets, ent.id, input));
    const now = this.o.clock.now();
    const named = !input.anonymous && (input.reporter?.name || input.reporter?.phone);
    const reporterId = named ? newId('rp', now) : undefined;
    const r = createHazard(input, actor, now, { id: newId('hz', now), jurisdiction: ent.jurisdiction, random: secureRandom, reporterId });
    if (r.hazard.source === 'worker' && actor.role === 'worker') r.hazard.reporterMark = this.reporterMark(r.hazard.id, actor);
    await this.o.store.transaction(async (tx) => {
      if (reporterId) await tx.hazards.addReporter({ id: reporterId, name: input.reporter?.name ?? null, phone: input.reporter?.phone ?? null, createdAt: now });
      await tx.hazards.save(r.hazard, now, true);
      await this.record(tx, r.hazard, r.entry);
    });
    this.emit('event', { hazard: r.hazard, entry: r.entry, previousState: null, effects: r.effects });
    // the creator gets the report code once, beside the hazard as they may see it (CONTRACT §8)
    return { hazard: this.shown(r.hazard, actor), reportCode: r.reportCode };
  }

  private rules(): WorkflowOptions {
    return { rewardTiers: this.o.rewardTiers, rewardFrom: this.o.rewardFrom, outsideDutiesMultiplier: this.o.outsideDutiesMultiplier };
  }

  /** Every hazard a route answers with: the same redaction as GET (issue 12 item 3). */
  private shown(h: Hazard, actor: Actor): Hazard {
    return redact(withDeadlines(h, this.o.clock.now()), actor) ?? (() => {
      throw new WorkflowError(404, 'hazard not found');
    })();
  }

  /** POST /api/v1/hazards/{id}/actions */
  async act(id: string, body: unknown, actor: Actor): Promise<Hazard> {
    const action = parseAction(body);
    const h = await this.visibleHazard(id, actor);
    // the duplicate chain the workflow may follow (first valid reporter), preloaded: it is pure
    const known = new Map<string, Hazard>([[h.id, h]]);
    let next = action.action === 'confirm' ? action.duplicateOf ?? undefined : undefined;
    for (let i = 0; next && i < 20 && !known.has(next); i++) {
      const d = await this.o.store.hazards.get<Hazard>(next);
      if (!d) break;
      known.set(d.id, d);
      next = d.duplicateOf;
    }
    const now = this.o.clock.now();
    const r = apply(h, action, actor, now, { ...this.rules(), find: (x) => known.get(x) });
    await this.o.store.transaction(async (tx) => {
      await tx.hazards.save(r.hazard, now, false);
      await this.record(tx, r.hazard, r.entry);
      if (action.action === 'reward' && r.hazard.reward) {
        await tx.hazards.addReward({ hazardId: h.id, reporterId: h.reporterId ?? null, amount: r.hazard.reward.amount, tier: String(r.hazard.reward.tier ?? r.hazard.reward.amount), payer: actor.id, paidAt: now });
      }
    });
    this.emit('event', { hazard: r.hazard, entry: r.entry, previousState: h.state, effects: r.effects });
    return this.shown(r.hazard, actor);
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
    // a worker adds photos to their own report only; to another worker's report it answers as absent (CONTRACT §7)
    if (actor.role === 'worker' && !(await this.isReporter(h, actor))) throw new WorkflowError(404, 'hazard not found');
    if (actor.role === 'worker' && !['reported', 'verifying'].includes(h.state)) throw new WorkflowError(409, `photos can be added by the reporter while the report is checked (state ${h.state})`, { allowed: [] });
    if (h.state === 'published') throw new WorkflowError(409, 'a published hazard is not changed', { allowed: [] });
    const photos = h.photos ?? [];
    if (photos.length >= (this.o.maxPhotos ?? 9)) throw new WorkflowError(409, `at most ${this.o.maxPhotos ?? 9} photos per hazard`, { allowed: [] });
    // decoded and encoded anew: no polyglot, no EXIF (photo-sanitise.ts); 415 when it is not an image
    const clean = await sanitisePhoto(bytes);
    const type = clean.type;
    const now = this.o.clock.now();
    // the reporting worker is recorded as the reporter, never by name (seed 004)
    const by = actor.role === 'worker' ? REPORTER_UPLOADER : `${actor.role}:${actor.id}`;
    const photo = await this.o.photos.save(h.id, photos.length + 1, clean.bytes, type, by, now);
    const next: Hazard = { ...h, photos: [...photos, photo] };
    await this.o.store.transaction(async (tx) => {
      await tx.hazards.save(next, now, false);
      await tx.audit.append([{ kind: 'hazard', ref: h.id, action: 'photo', actor: by, at: now, payload: { name: photo.name, type, bytes: photo.bytes } }]);
    });
    return seesReporter(next, actor) ? photo : redactPhoto(photo);
  }

  /** Is this worker the one who filed the report? By its mark; a report stored before marks existed by its create step (named reports only). */
  private async isReporter(h: Hazard, worker: Actor): Promise<boolean> {
    if (h.reporterMark !== undefined) return h.reporterMark === this.reporterMark(h.id, worker);
    if (h.source !== 'worker') return false;
    const created = (await this.o.store.hazards.history<HazardHistoryEntry>(h.id))?.find((e) => e.action === 'create');
    return created?.actor.role === 'worker' && created.actor.id === worker.id;
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
    const history = (await this.o.store.hazards.history<HazardHistoryEntry>(id)) ?? [];
    const open = (await this.o.store.hazards.list<Hazard>({ enterprises: [h.enterprise], states: [...OPEN_STATES], limit: 500 })).filter((x) => x.id !== h.id);
    const reporter = seesReporter(h, actor) && h.reporterId ? await this.o.store.hazards.getReporter(h.reporterId) : undefined;
    return {
      hazard: { ...redact(withDeadlines(h, now), actor), possibleDuplicates: likelyDuplicates(h, open, now) },
      history: redactHistory(h, history, actor) ?? [],
      allowedActions: allowedActions(h, actor, this.o.rewardFrom),
      // the amounts the reward step accepts for this report (the form's choices)
      rewardAmounts: rewardAmounts(h, this.rules()),
      ...(reporter ? { reporter: { name: reporter.name, phone: reporter.phone } } : {}),
    };
  }

  /** GET /api/v1/hazards: in the actor's scope (regulators by jurisdiction), newest first. */
  async list(actor: Actor, f: { state?: string; enterprise?: string; level?: string; limit?: number }): Promise<Hazard[]> {
    return (await this.ledger(actor, { ...f, state: f.state as LedgerQuery['state'], limit: f.limit ?? 1000 }, f.enterprise)).hazards;
  }

  /** The ledger (隐患台账, issue 14): filtered, searched (names too), sorted, paged, with counts per state. */
  async ledger(actor: Actor, f: LedgerQuery, enterprise?: string): Promise<LedgerPage> {
    const now = this.o.clock.now();
    let enterprises = [...this.o.assets.enterprises.values()].filter((e) => visible({ enterprise: e.id, jurisdiction: e.jurisdiction }, actor)).map((e) => e.id);
    if (enterprise) enterprises = enterprises.filter((e) => e === enterprise);
    const all = await this.o.store.hazards.list<Hazard>({ enterprises, level: f.level, limit: 10_000 });
    const shown = all.filter((h) => visible(h, actor)).map((h) => redact(withDeadlines(h, now), actor)).filter((h): h is Hazard => h !== null);
    const names = (h: Hazard) => {
      const e = this.o.assets.enterprises.get(h.enterprise);
      const s = h.site ? e?.sites.get(h.site) : undefined;
      return [e?.name, s?.name, h.zone ? s?.zones.get(h.zone)?.name : undefined, h.device ? s?.devices.get(h.device)?.name : undefined].filter(Boolean).join(' ');
    };
    return ledger(shown, f, names);
  }

  /** GET /api/v1/hazards/by-code/{code} (no token): the reporter's own view, nothing about others. */
  async byCode(code: string) {
    const c = normaliseReportCode(code);
    const h = c ? await this.o.store.hazards.byCode<Hazard>(c) : undefined;
    const view = h ? reporterView(withDeadlines(h, this.o.clock.now())) : null;
    if (!view) throw new WorkflowError(404, 'report not found');
    return view;
  }

  /** GET /api/v1/public/hazards: the public notice (公示), reporters masked. */
  async publicNotices(limit = 200) {
    const list = await this.o.store.hazards.list<Hazard>({ states: [...PUBLIC_STATES], limit });
    return list.map((h) => publicNotice(h)).filter((n) => n !== null);
  }

  /** Major hazards reported since `since` (repeated-majors.ts reads their confirmations). */
  majorsSince(since: number): Promise<Hazard[]> {
    return this.o.store.hazards.list<Hazard>({ level: 'major', since, limit: 100_000 });
  }

  private readonly overdueKeys = new Set<string>();

  /**
   * CONTRACT §8: an overdue rectification raises an alarm. Conditions for the alarm manager:
   * raised (at the deadline) for every hazard still `rectifying` after its deadline — red for a
   * major hazard, orange otherwise — and cleared once it is rectified, closed or reopened.
   */
  async overdueConditions(now: number): Promise<Condition[]> {
    const out: Condition[] = [];
    const rectifying = await this.o.store.hazards.list<Hazard>({ states: ['rectifying'], limit: 100_000 });
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
      const h = await this.o.store.hazards.get<Hazard>(key.split('|')[1]);
      if (!h) continue;
      out.push({ rule: 'hazard.overdue-rectification', key, subject: { enterprise: h.enterprise, site: h.site, zone: h.zone, device: h.device }, active: false, severity: h.level === 'major' ? 'red' : 'orange', ts: now, message: { zh: `隐患「${h.title}」已整改`, en: `hazard "${h.title}" rectified` } });
    }
    return out;
  }

  private async visibleHazard(id: string, actor: Actor): Promise<Hazard> {
    const h = await this.o.store.hazards.get<Hazard>(id);
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
    const { reportCode: _code, reporterId: _reporter, reporterMark: _mark, ...rest } = incoming;
    if (rest.photos) rest.photos = rest.photos.map(redactPhoto);
    const h: Hazard = { ...rest, jurisdiction: ent?.jurisdiction ?? incoming.jurisdiction, origin: edge, originRev: `${rev.epoch}:${rev.seq}` };
    const stored = await this.o.store.hazards.get<Hazard>(h.id);
    if (stored && (stored.origin !== edge || stored.enterprise !== h.enterprise)) throw new MirrorRefused(`hazard ${h.id} is not of edge ${edge}`);
    // a row at or before the one that last changed it (same queue epoch) changes nothing
    const [epoch, seq] = (stored?.originRev ?? '0:0').split(':').map(Number);
    if (stored && epoch === rev.epoch && seq >= rev.seq) return;
    const now = this.o.clock.now();
    const e = entry ? { ...entry, actor: { role: entry.actor.role, id: `edge:${edge}/${entry.actor.id}` } } : null;
    await this.o.store.transaction(async (tx) => {
      await tx.hazards.save(h, now, !stored);
      if (e) await this.record(tx, h, e);
      // a sync row (no step) that changes what the chain holds of the hazard: chained too, so `audit verify` agrees
      else if (stored && canonicalJson(hazardPayloadFields(stored)) !== canonicalJson(hazardPayloadFields(h))) {
        await tx.audit.append([{ kind: 'hazard', ref: h.id, action: 'sync', actor: `edge:${edge}`, at: now, payload: { from: stored.state, to: h.state, level: h.level, enterprise: h.enterprise, note: null, rectification: h.rectification ?? null, reward: h.reward ?? null } }]);
      }
    });
    if (!e) return;
    const effects: WorkflowEffect[] = e.action === 'confirm' && h.level === 'major' ? [{ kind: 'direct-report', hazardId: h.id, enterprise: h.enterprise, jurisdiction: h.jurisdiction }] : [];
    this.emit('event', { hazard: h, entry: e, previousState: stored?.state ?? null, effects });
  }

  private async record(tx: RecordStore, h: Hazard, e: HazardHistoryEntry): Promise<void> {
    await tx.hazards.addHistory({ hazardId: h.id, at: e.at, action: e.action, fromState: e.from, toState: e.to, actor: `${e.actor.role}:${e.actor.id}`, entry: e });
    // the audit chain keeps the step, not the reporter: a worker acts only on their own report and is
    // recorded as its reporter (the history, redacted on every read, keeps the rest) (全程留痕); with the
    // assignment (owner, measures, funds, deadline, plan) and reward amount, which `audit verify` compares with the stored hazard
    const actor = e.actor.role === 'worker' ? REPORTER_UPLOADER : `${e.actor.role}:${e.actor.id}`;
    await tx.audit.append([{ kind: 'hazard', ref: h.id, action: e.action, actor, at: e.at, payload: { from: e.from, to: e.to, level: h.level, enterprise: h.enterprise, note: e.note ?? null, rectification: h.rectification ?? null, reward: h.reward ?? null } }]);
  }
}
