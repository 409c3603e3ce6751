// Hazard reports (CONTRACT §8) in the records database: the hazard documents and their history,
// the reporter identities kept apart from them, and the reward ledger (奖励兑现). Every backend
// passes test/contracts/records/hazards.ts.
import { rewardPayload, ROW_KINDS } from '../audit/row-payloads.ts';
import { HazardlineError } from '../errors.ts';
import { AuditLog } from './audit-log.ts';
import { inTransaction, type Db } from './tx.ts';

const DEFAULT_LIST_LIMIT = 1000;

/** What the records layer needs of a hazard document (gateway/src/hazards/types.ts has the whole). */
export interface HazardDoc {
  id: string;
  enterprise: string;
  jurisdiction: string;
  site?: string;
  state: string;
  level: string;
  source: string;
  reportCode?: string;
  reportedAt: number;
}

export interface HazardListFilter {
  enterprises?: string[];
  jurisdictions?: string[];
  states?: string[];
  level?: string;
  since?: number;
  limit?: number;
}

export interface ReporterRow {
  id: string;
  name: string | null;
  phone: string | null;
  createdAt: number;
}

export interface RewardEntry {
  hazardId: string;
  reporterId: string | null;
  amount: number;
  tier: string;
  payer: string;
  paidAt: number;
}

export class HazardRecords {
  constructor(private readonly db: Db) {}

  /** Inserts or replaces a hazard document (columns for lists and scoping are taken from it). */
  async save<T extends HazardDoc>(h: T, updatedAt: number, insert: boolean): Promise<void> {
    const row = { enterprise: h.enterprise, jurisdiction: h.jurisdiction, site: h.site ?? null, state: h.state, level: h.level, source: h.source, report_code: h.reportCode ?? null, reported_at: h.reportedAt, updated_at: updatedAt, doc: JSON.stringify(h) };
    if (insert) await this.db.insertInto('hazards').values({ id: h.id, ...row }).execute();
    else {
      const r = await this.db.updateTable('hazards').set(row).where('id', '=', h.id).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new HazardlineError('HL_ERR_NOT_FOUND', `hazard ${h.id} not found`, 404);
    }
  }

  async get<T extends HazardDoc>(id: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('hazards').select('doc').where('id', '=', id).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  async byCode<T extends HazardDoc>(reportCode: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('hazards').select('doc').where('report_code', '=', reportCode).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  /** Newest first; `enterprises` / `jurisdictions` scope the list (empty = nothing). */
  async list<T extends HazardDoc>(f: HazardListFilter = {}): Promise<T[]> {
    let q = this.db.selectFrom('hazards').select('doc');
    if (f.enterprises) {
      if (f.enterprises.length === 0) return [];
      q = q.where('enterprise', 'in', f.enterprises);
    }
    if (f.jurisdictions) {
      if (f.jurisdictions.length === 0) return [];
      q = q.where('jurisdiction', 'in', f.jurisdictions);
    }
    if (f.states) {
      if (f.states.length === 0) return [];
      q = q.where('state', 'in', f.states);
    }
    if (f.level) q = q.where('level', '=', f.level);
    if (f.since !== undefined) q = q.where('reported_at', '>=', f.since);
    const rows = await q.orderBy('reported_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? DEFAULT_LIST_LIMIT).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }

  async addHistory(e: { hazardId: string; at: number; action: string; fromState: string | null; toState: string; actor: string; entry: unknown }): Promise<void> {
    await this.db.insertInto('hazard_history').values({ hazard_id: e.hazardId, at: e.at, action: e.action, from_state: e.fromState, to_state: e.toState, actor: e.actor, entry: JSON.stringify(e.entry) }).execute();
  }

  /** The history entries of a hazard, in the order recorded. */
  async history<E = unknown>(hazardId: string): Promise<E[]> {
    const rows = await this.db.selectFrom('hazard_history').select('entry').where('hazard_id', '=', hazardId).orderBy('id', 'asc').execute();
    return rows.map((r) => JSON.parse(r.entry) as E);
  }

  /** Reporter identities, apart from the hazards (CONTRACT §8: visible to the accepting officer and regulators only). */
  async addReporter(r: ReporterRow): Promise<void> {
    await this.db.insertInto('reporters').values({ id: r.id, name: r.name, phone: r.phone, created_at: r.createdAt }).execute();
  }

  async getReporter(id: string): Promise<ReporterRow | undefined> {
    const r = await this.db.selectFrom('reporters').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, name: r.name, phone: r.phone, createdAt: Number(r.created_at) } : undefined;
  }

  /** The reward ledger (奖励兑现): who paid how much to whom, when; chained in the audit log with its amount. */
  async addReward(r: RewardEntry): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const { id } = await trx.insertInto('reward_ledger').values({ hazard_id: r.hazardId, reporter_id: r.reporterId, amount: r.amount, tier: r.tier, payer: r.payer, paid_at: r.paidAt }).returning('id').executeTakeFirstOrThrow();
      await new AuditLog(trx).append([{ kind: ROW_KINDS.reward, ref: String(id), action: 'reward', actor: r.payer, at: r.paidAt, payload: rewardPayload({ id: Number(id), ...r }) }]);
    });
  }

  async rewards(hazardId?: string): Promise<RewardEntry[]> {
    let q = this.db.selectFrom('reward_ledger').selectAll();
    if (hazardId) q = q.where('hazard_id', '=', hazardId);
    const rows = await q.orderBy('id', 'asc').execute();
    return rows.map((r) => ({ hazardId: r.hazard_id, reporterId: r.reporter_id, amount: Number(r.amount), tier: r.tier, payer: r.payer, paidAt: Number(r.paid_at) }));
  }
}
