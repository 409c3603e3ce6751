// Scheduled report runs (issue 15) in the records database. Every backend passes
// test/contracts/records/report-runs.ts.
import type { Db } from './tx.ts';

export interface ReportRunDoc {
  id: string;
  schedule: string;
  status: string;
  createdAt: number;
  updatedAt: number;
}

export class ReportRunRecords {
  constructor(private readonly db: Db) {}

  async save<T extends ReportRunDoc>(r: T, insert: boolean): Promise<void> {
    const row = { schedule: r.schedule, status: r.status, created_at: r.createdAt, updated_at: r.updatedAt, doc: JSON.stringify(r) };
    if (insert) await this.db.insertInto('report_runs').values({ id: r.id, ...row }).execute();
    else await this.db.updateTable('report_runs').set(row).where('id', '=', r.id).execute();
  }

  async get<T extends ReportRunDoc>(id: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('report_runs').select('doc').where('id', '=', id).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  /** Newest first; `status` narrows. */
  async list<T extends ReportRunDoc>(f: { schedule?: string; status?: string; limit?: number } = {}): Promise<T[]> {
    let q = this.db.selectFrom('report_runs').select('doc');
    if (f.schedule) q = q.where('schedule', '=', f.schedule);
    if (f.status) q = q.where('status', '=', f.status);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 200).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }

  /** Runs created before `t` (the files past reports.keepDays), oldest first. */
  async olderThan<T extends ReportRunDoc>(t: number, limit = 1000): Promise<T[]> {
    const rows = await this.db.selectFrom('report_runs').select('doc').where('created_at', '<', t).orderBy('created_at').limit(limit).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('report_runs').where('id', '=', id).execute();
  }
}
