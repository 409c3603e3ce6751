// Offline verification tasks (CONTRACT §7, 线下核查) in the records database. Every backend passes
// test/contracts/records/verifications.ts.
import type { Db } from './tx.ts';

export interface VerificationDoc {
  id: string;
  enterprise: string;
  jurisdiction: string;
  state: string;
  createdAt: number;
}

export class VerificationRecords {
  constructor(private readonly db: Db) {}

  async save<T extends VerificationDoc>(v: T, insert: boolean): Promise<void> {
    const row = { enterprise: v.enterprise, jurisdiction: v.jurisdiction, state: v.state, created_at: v.createdAt, doc: JSON.stringify(v) };
    if (insert) await this.db.insertInto('verifications').values({ id: v.id, ...row }).execute();
    else await this.db.updateTable('verifications').set(row).where('id', '=', v.id).execute();
  }

  async get<T>(id: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('verifications').select('doc').where('id', '=', id).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  /** Newest first, within the given jurisdictions (empty = nothing). */
  async list<T>(f: { jurisdictions: string[]; enterprise?: string; state?: string; since?: number; limit?: number }): Promise<T[]> {
    if (f.jurisdictions.length === 0) return [];
    let q = this.db.selectFrom('verifications').select('doc').where('jurisdiction', 'in', f.jurisdictions);
    if (f.enterprise) q = q.where('enterprise', '=', f.enterprise);
    if (f.state) q = q.where('state', '=', f.state);
    if (f.since !== undefined) q = q.where('created_at', '>=', f.since);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 1000).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }
}
