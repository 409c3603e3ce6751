// The audit chain (全程留痕) in the records database: append-only, each entry hashed over the one
// before (audit/chain.ts). Rows a regulator relies on are cross-checked against it by
// row-check.ts. Every backend passes test/contracts/records/audit.ts.
import { chain, GENESIS_HASH, verifyChain, type AuditEntry, type ChainedEntry, type ChainProblem } from '../audit/chain.ts';
import { verifyRows, type RowMismatch } from './row-check.ts';
import { PostgresAdapter, sql } from 'kysely';
import { inTransaction, type Db } from './tx.ts';

/** the advisory lock key of the audit chain's appends (an arbitrary constant: "HLAU" in ASCII) */
const AUDIT_CHAIN_LOCK = 0x484c4155;

export class AuditLog {
  constructor(private readonly db: Db) {}

  /** Appends entries to the chain; call inside the transaction that makes the change they record. */
  async append(entries: AuditEntry[]): Promise<ChainedEntry[]> {
    if (entries.length === 0) return [];
    return inTransaction(this.db, async (trx) => {
      // PostgreSQL: several gateways (cluster mode) or connections append to one chain; one at a
      // time, or two read the same head (held until the transaction ends). SQLite has one writer.
      if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
      const head = await new AuditLog(trx).head();
      const chained = chain(entries, head.seq, head.hash);
      await trx
        .insertInto('audit_log')
        .values(chained.map((e) => ({ seq: e.seq, at: e.at, kind: e.kind, ref: e.ref, action: e.action, actor: e.actor, payload: e.payload, prev_hash: e.prevHash, hash: e.hash })))
        .execute();
      return chained;
    });
  }

  /** The latest entry's seq and hash (seq 0 and the genesis hash when empty). */
  async head(): Promise<{ seq: number; hash: string }> {
    const r = await this.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return r ? { seq: Number(r.seq), hash: r.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** Entries with seq > `after`, in order, at most `limit`. */
  async entries(after: number, limit: number, ref?: { kind: string; ref: string }): Promise<ChainedEntry[]> {
    let q = this.db.selectFrom('audit_log').selectAll().where('seq', '>', after);
    if (ref) q = q.where('kind', '=', ref.kind).where('ref', '=', ref.ref);
    const rows = await q.orderBy('seq', 'asc').limit(limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), at: Number(r.at), kind: r.kind, ref: r.ref, action: r.action, actor: r.actor, payload: r.payload, prevHash: r.prev_hash, hash: r.hash }));
  }

  /** Walks the whole chain in pages; the first problem found, or the head when intact. */
  async verify(pageSize = 10_000): Promise<{ ok: true; entries: number; head: { seq: number; hash: string } } | { ok: false; entries: number; problem: ChainProblem }> {
    let after = { seq: 0, hash: GENESIS_HASH };
    for (;;) {
      const page = await this.entries(after.seq, pageSize);
      // a gap right after the page boundary shows as the next page starting past seq + 1
      const problem = verifyChain(page, after);
      if (problem) return { ok: false, entries: problem.seq - 1, problem };
      if (page.length === 0) return { ok: true, entries: after.seq, head: after };
      const last = page[page.length - 1];
      after = { seq: last.seq, hash: last.hash };
    }
  }

  /** The rows a regulator relies on against their latest chained entries (row-check.ts). */
  verifyRows(pageSize = 10_000): Promise<{ ok: true; checked: number; unchained: number } | { ok: false; mismatch: RowMismatch }> {
    return verifyRows(this.db, pageSize);
  }
}
