// Declared enterprise status (生产/停产/整改, the input of the 明停暗开 rules) in the records
// database, each declaration chained in the audit log. Every backend passes
// test/contracts/records/declarations.ts.
import { declarationPayload, ROW_KINDS } from '../audit/row-payloads.ts';
import type { DeclaredStatus } from '../model/assets.ts';
import { AuditLog } from './audit-log.ts';
import { inTransaction, type Db } from './tx.ts';

/** One entry of an enterprise's declared status history. */
export interface StatusDeclaration {
  enterprise: string;
  status: DeclaredStatus;
  /** the status holds from this time (epoch ms) until the next declaration's `from` */
  from: number;
  reason: string | null;
  actor: string;
  /** when it was declared (epoch ms) */
  at: number;
}

export class DeclarationRecords {
  constructor(private readonly db: Db) {}

  /** Appends a declaration, chained in the audit log (enterprise, status, from, reason, actor) in the same transaction. */
  async add(d: StatusDeclaration): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const { id } = await trx
        .insertInto('status_declarations')
        .values({ enterprise: d.enterprise, status: d.status, valid_from: d.from, reason: d.reason, actor: d.actor, at: d.at })
        .returning('id')
        .executeTakeFirstOrThrow();
      await new AuditLog(trx).append([{ kind: ROW_KINDS.declaration, ref: String(id), action: 'declare', actor: d.actor, at: d.at, payload: declarationPayload(d) }]);
    });
  }

  /** Declarations of one enterprise (or all), by `from`, then in the order they were made. */
  async list(enterprise?: string): Promise<StatusDeclaration[]> {
    let q = this.db.selectFrom('status_declarations').select(['enterprise', 'status', 'valid_from', 'reason', 'actor', 'at']);
    if (enterprise !== undefined) q = q.where('enterprise', '=', enterprise);
    const rows = await q.orderBy('valid_from').orderBy('id').execute();
    return rows.map((r) => ({ enterprise: r.enterprise, status: r.status as DeclaredStatus, from: r.valid_from, reason: r.reason, actor: r.actor, at: r.at }));
  }
}
