// `audit verify`'s row cross-check (issue 12 item 9): the rows a regulator relies on, as they are
// now, against the latest chained entry for each — reward ledger rows, declared-status rows, and
// each hazard's state, level, assignment and reward. Reads the tables directly (not through the
// repositories) so it sees exactly what is stored.
import { canonicalJson, type ChainedEntry } from '../audit/chain.ts';
import { declarationPayload, describeDiff, hazardPayloadFields, rewardPayload, ROW_KINDS } from '../audit/row-payloads.ts';
import type { Db } from './tx.ts';

/** A row that no longer matches the latest audit entry for it (`audit verify`). */
export interface RowMismatch {
  /** e.g. `reward ledger row 3 (hazard hz_…)` */
  what: string;
  /** the chained entry it was compared with (null: none, the row was added outside the gateway) */
  seq: number | null;
  detail: string;
}

/**
 * The first mismatch, a chained row that is gone, or a row added after chaining began that has
 * no entry. Rows written before this check existed have no entry and are counted as
 * `unchained`, not reported.
 */
export async function verifyRows(db: Db, pageSize = 10_000): Promise<{ ok: true; checked: number; unchained: number } | { ok: false; mismatch: RowMismatch }> {
  const latest = new Map<string, ChainedEntry>();
  let after = 0;
  for (;;) {
    const page = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).where('kind', 'in', [ROW_KINDS.reward, ROW_KINDS.declaration, 'hazard']).orderBy('seq', 'asc').limit(pageSize).execute();
    if (page.length === 0) break;
    for (const r of page) {
      // hazard steps chained before the assignment was in the payload (and photo entries) carry nothing to compare
      if (r.kind === 'hazard') {
        const p = JSON.parse(r.payload) as unknown;
        if (!p || typeof p !== 'object' || !('rectification' in p)) continue;
      }
      latest.set(`${r.kind}|${r.ref}`, { seq: Number(r.seq), at: Number(r.at), kind: r.kind, ref: r.ref, action: r.action, actor: r.actor, payload: r.payload, prevHash: r.prev_hash, hash: r.hash });
    }
    after = Number(page[page.length - 1].seq);
  }
  let checked = 0;
  let unchained = 0;
  const tables = [
    {
      kind: ROW_KINDS.reward,
      name: 'reward ledger row',
      rows: (await db.selectFrom('reward_ledger').selectAll().orderBy('id').execute()).map((r) => ({
        id: Number(r.id),
        label: `(hazard ${r.hazard_id})`,
        payload: rewardPayload({ id: Number(r.id), hazardId: r.hazard_id, reporterId: r.reporter_id, amount: Number(r.amount), tier: r.tier, payer: r.payer, paidAt: Number(r.paid_at) }),
      })),
    },
    {
      kind: ROW_KINDS.declaration,
      name: 'declared-status row',
      rows: (await db.selectFrom('status_declarations').selectAll().orderBy('id').execute()).map((r) => ({
        id: Number(r.id),
        label: `(enterprise ${r.enterprise})`,
        payload: declarationPayload({ enterprise: r.enterprise, status: r.status, from: Number(r.valid_from), reason: r.reason, actor: r.actor, at: Number(r.at) }),
      })),
    },
  ];
  for (const t of tables) {
    const chainedIds = [...latest.keys()].filter((k) => k.startsWith(`${t.kind}|`)).map((k) => Number(k.slice(t.kind.length + 1)));
    const firstChained = chainedIds.length ? Math.min(...chainedIds) : Infinity;
    const present = new Set<number>();
    for (const row of t.rows) {
      present.add(row.id);
      const e = latest.get(`${t.kind}|${row.id}`);
      if (!e) {
        if (row.id > firstChained) return { ok: false, mismatch: { what: `${t.name} ${row.id} ${row.label}`, seq: null, detail: 'not in the audit chain (added outside the gateway)' } };
        unchained++;
        continue;
      }
      checked++;
      if (e.payload !== canonicalJson(row.payload)) return { ok: false, mismatch: { what: `${t.name} ${row.id} ${row.label}`, seq: e.seq, detail: describeDiff(JSON.parse(e.payload) as Record<string, unknown>, row.payload) } };
    }
    for (const id of chainedIds) if (!present.has(id)) return { ok: false, mismatch: { what: `${t.name} ${id}`, seq: latest.get(`${t.kind}|${id}`)!.seq, detail: 'deleted from the table' } };
  }
  for (const [key, e] of latest) {
    if (!key.startsWith('hazard|')) continue;
    const p = JSON.parse(e.payload) as Record<string, unknown>;
    const chained = { state: p.to, level: p.level, rectification: p.rectification, reward: p.reward };
    const r = await db.selectFrom('hazards').select('doc').where('id', '=', e.ref).executeTakeFirst();
    if (!r) return { ok: false, mismatch: { what: `hazard ${e.ref}`, seq: e.seq, detail: 'deleted from the table' } };
    checked++;
    const now = hazardPayloadFields(JSON.parse(r.doc) as { state: string; level: string }) as unknown as Record<string, unknown>;
    if (canonicalJson(chained) !== canonicalJson(now)) return { ok: false, mismatch: { what: `hazard ${e.ref}`, seq: e.seq, detail: describeDiff(chained, now) } };
  }
  return { ok: true, checked, unchained };
}
