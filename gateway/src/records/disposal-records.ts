// Alarm disposals (报警处置, issue 14) in the records database: one per alarm, chained in the audit
// log in the same transaction. Every backend passes test/contracts/records/disposals.ts.
import { AuditLog } from './audit-log.ts';
import { inTransaction, type Db } from './tx.ts';

/** What was done about one alarm, by whom (a person), when. */
export interface AlarmDisposal {
  alarmId: string;
  enterprise: string;
  rule: string;
  /** the alarm's raise and due time (epoch ms), copied: same-day figures need no join */
  raisedAt: number;
  dueBy: number;
  disposedAt: number;
  /** the person who recorded it (the token's actor id) */
  disposedBy: string;
  /** 原因: one of the rule's causes (alarms/disposal.ts) or free text */
  cause: string;
  /** 处置措施 */
  measures: string;
  /** 处置结果 */
  result: string;
  /** 责任人: the person responsible on site */
  responsible: string;
  note: string | null;
}

/** A second disposal of the same alarm. */
export class DisposalExists extends Error {}

export class DisposalRecords {
  constructor(private readonly db: Db) {}

  /** Stores the disposal and its audit entry; DisposalExists when the alarm has one already. */
  async add(d: AlarmDisposal): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const had = await trx.selectFrom('alarm_disposals').select('alarm_id').where('alarm_id', '=', d.alarmId).executeTakeFirst();
      if (had) throw new DisposalExists(`alarm ${d.alarmId} is already disposed`);
      await trx
        .insertInto('alarm_disposals')
        .values({ alarm_id: d.alarmId, enterprise: d.enterprise, rule: d.rule, raised_at: d.raisedAt, due_by: d.dueBy, disposed_at: d.disposedAt, disposed_by: d.disposedBy, cause: d.cause, measures: d.measures, result: d.result, responsible: d.responsible, note: d.note })
        .execute();
      await new AuditLog(trx).append([
        { kind: 'alarm-disposal', ref: d.alarmId, action: 'dispose', actor: d.disposedBy, at: d.disposedAt, payload: { enterprise: d.enterprise, rule: d.rule, cause: d.cause, measures: d.measures, result: d.result, responsible: d.responsible, note: d.note, sameDay: d.disposedAt <= d.dueBy } },
      ]);
    });
  }

  async get(alarmId: string): Promise<AlarmDisposal | undefined> {
    return (await this.byAlarms([alarmId])).get(alarmId);
  }

  /** The disposals of these alarms, by alarm id. */
  async byAlarms(ids: readonly string[]): Promise<Map<string, AlarmDisposal>> {
    const out = new Map<string, AlarmDisposal>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      if (chunk.length === 0) break;
      const rows = await this.db.selectFrom('alarm_disposals').selectAll().where('alarm_id', 'in', chunk).execute();
      for (const r of rows) out.set(r.alarm_id, fromRow(r));
    }
    return out;
  }

  /** Disposals of alarms raised in [from, to) in these enterprises (empty = nothing), by raise time. */
  async list(f: { enterprises: readonly string[]; from: number; to: number }): Promise<AlarmDisposal[]> {
    if (f.enterprises.length === 0) return [];
    const rows = await this.db
      .selectFrom('alarm_disposals')
      .selectAll()
      .where('enterprise', 'in', [...f.enterprises])
      .where('raised_at', '>=', f.from)
      .where('raised_at', '<', f.to)
      .orderBy('raised_at')
      .orderBy('alarm_id')
      .execute();
    return rows.map(fromRow);
  }
}

function fromRow(r: { alarm_id: string; enterprise: string; rule: string; raised_at: number; due_by: number; disposed_at: number; disposed_by: string; cause: string; measures: string; result: string; responsible: string; note: string | null }): AlarmDisposal {
  return { alarmId: r.alarm_id, enterprise: r.enterprise, rule: r.rule, raisedAt: Number(r.raised_at), dueBy: Number(r.due_by), disposedAt: Number(r.disposed_at), disposedBy: r.disposed_by, cause: r.cause, measures: r.measures, result: r.result, responsible: r.responsible, note: r.note };
}
