// Resumption (复工复产, issue 17, docs/special-periods.md): an enterprise declared stopped (or
// rectifying) does not declare itself producing again — its officer requests it, and the declaration
// is made only when a regulator of the jurisdiction accepts (验收). Until then the rules judge it
// stopped: an electronic seal opened is still an alarm (seal.opened-while-stopped). A regulator's
// own declaration needs no acceptance.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { HazardlineError } from '../errors.ts';
import type { Actor } from '../hazards/types.ts';
import type { AssetModel, DeclaredStatus } from '../model/assets.ts';
import { ResumptionNotPending, type ResumptionDoc } from '../records/resumption-records.ts';
import type { RecordStore } from '../records/record-store.ts';

export interface Resumption extends ResumptionDoc {
  /** the production the enterprise asks for, from this time (the acceptance's time if later) */
  from: number;
  reason: string | null;
  requestedByName: string | null;
  decidedByName: string | null;
  note: string | null;
  /** from the enterprise's status at the request */
  wasStatus: DeclaredStatus;
}

type Declare = (enterprise: string, status: DeclaredStatus, from: number, reason: string | null, actor: string) => Promise<void>;

export class ResumptionService {
  /** `check`: what refuses a declaration of production outright (a special period forbidding it) */
  constructor(private readonly o: { store: RecordStore; assets: AssetModel; clock: Clock; statusAt: (enterprise: string, ts: number) => DeclaredStatus; declare: Declare; check?: (enterprise: string, status: DeclaredStatus, from: number) => void }) {}

  /**
   * A declaration of production by an officer while the enterprise is declared stopped or
   * rectifying: a pending request (returned) instead of the declaration. Undefined: no acceptance
   * needed (the caller declares as usual).
   */
  async request(enterprise: string, status: DeclaredStatus, from: number, reason: string | null, actor: Actor): Promise<Resumption | undefined> {
    if (status !== 'producing' || actor.role !== 'officer') return undefined;
    const now = this.o.clock.now();
    const was = this.o.statusAt(enterprise, Math.max(from, now));
    if (was === 'producing') return undefined;
    this.o.check?.(enterprise, status, from);
    const pending = await this.o.store.resumptions.list<Resumption>({ enterprises: [enterprise], state: 'pending', limit: 1 });
    if (pending.length) throw new HazardlineError('HL_ERR_CONFLICT', `a resumption request of ${enterprise} is already waiting for the regulator (${pending[0].id})`, 409);
    const r: Resumption = { id: `rs-${randomUUID()}`, enterprise, state: 'pending', from, reason, wasStatus: was, requestedBy: actor.id, requestedByName: actor.name ?? null, requestedAt: now, decidedBy: null, decidedByName: null, decidedAt: null, note: null };
    await this.o.store.resumptions.add(r);
    return r;
  }

  /** The regulator's acceptance (the declaration of production is made, by the regulator) or rejection. */
  async decide(id: string, accept: boolean, note: string | null, actor: Actor): Promise<Resumption> {
    const r = await this.get(id, actor);
    if (actor.role !== 'regulator' && actor.role !== 'admin') throw new HazardlineError('HL_ERR_FORBIDDEN', `role ${actor.role} may not decide a resumption`, 403);
    if (r.state !== 'pending') throw new HazardlineError('HL_ERR_CONFLICT', `resumption ${id} was already ${r.state}`, 409);
    if (!accept && !note) throw Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', 'note: required to reject', 400), { field: 'note' });
    const now = this.o.clock.now();
    const next: Resumption = { ...r, state: accept ? 'accepted' : 'rejected', decidedBy: actor.id, decidedByName: actor.name ?? null, decidedAt: now, note };
    try {
      await this.o.store.resumptions.decide(next);
    } catch (err) {
      if (err instanceof ResumptionNotPending) throw new HazardlineError('HL_ERR_CONFLICT', err.message, 409);
      throw err;
    }
    if (accept) await this.o.declare(r.enterprise, 'producing', Math.max(r.from, now), `复工复产验收通过${note ? `：${note}` : ''}（申请：${r.requestedByName ?? r.requestedBy}${r.reason ? `，${r.reason}` : ''}）`, actor.id);
    return next;
  }

  private visible(r: Pick<ResumptionDoc, 'enterprise'>, actor: Actor): boolean {
    if (actor.role === 'admin') return true;
    if (actor.role === 'regulator') return actor.jurisdictions.includes(this.o.assets.enterprises.get(r.enterprise)?.jurisdiction ?? '');
    return actor.enterprises.includes(r.enterprise);
  }

  async get(id: string, actor: Actor): Promise<Resumption> {
    const r = await this.o.store.resumptions.get<Resumption>(id);
    if (!r || !this.visible(r, actor)) throw new HazardlineError('HL_ERR_NOT_FOUND', 'resumption not found', 404);
    return r;
  }

  async list(actor: Actor, state?: string): Promise<Resumption[]> {
    return (await this.o.store.resumptions.list<Resumption>({ state, limit: 500 })).filter((r) => this.visible(r, actor));
  }
}
