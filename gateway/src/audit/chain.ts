// The audit chain ("全程留痕", DOMAIN.md §7; CONTRACT §8 "every transition is kept"): each entry
// carries the SHA-256 of its own fields and of the entry before it. Editing an entry changes
// its hash; deleting one breaks the sequence or the link of the next; so `verifyChain` finds the
// first entry that no longer fits. A chain cannot show a truncated or fully re-hashed tail by
// itself: `hazardline audit verify` prints the head (seq and hash) so it can be anchored elsewhere
// (a regulator's copy, a signed daily report) and compared later.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  /** what the entry is about: `alarm`, `hazard`, … */
  kind: string;
  /** the id of that thing */
  ref: string;
  action: string;
  actor: string;
  /** epoch ms */
  at: number;
  /** JSON-serialisable details */
  payload: unknown;
}

export interface ChainedEntry {
  seq: number;
  at: number;
  kind: string;
  ref: string;
  action: string;
  actor: string;
  /** canonical JSON of the payload, as stored */
  payload: string;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted: the same payload always hashes the same. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x)) ?? 'null';
}

export function hashEntry(e: Omit<ChainedEntry, 'hash'>): string {
  const h = createHash('sha256');
  // fields joined by a separator that cannot occur in them unescaped (JSON escapes control chars)
  for (const f of [String(e.seq), String(e.at), e.kind, e.ref, e.action, e.actor, e.payload, e.prevHash]) h.update(f.replaceAll('\u001f', '\\u001f')).update('\u001f');
  return h.digest('hex');
}

/** Chains entries after (prevSeq, prevHash). */
export function chain(entries: AuditEntry[], prevSeq: number, prevHash: string): ChainedEntry[] {
  const out: ChainedEntry[] = [];
  let seq = prevSeq;
  let prev = prevHash;
  for (const e of entries) {
    const base = { seq: ++seq, at: e.at, kind: e.kind, ref: e.ref, action: e.action, actor: e.actor, payload: canonicalJson(e.payload), prevHash: prev };
    const hash = hashEntry(base);
    out.push({ ...base, hash });
    prev = hash;
  }
  return out;
}

export type ChainProblem = { seq: number; problem: 'edited' | 'missing' | 'relinked' };

/**
 * Walks entries in seq order (in pages: pass the previous page's last entry as `after`). Finds
 * an edited entry (its hash no longer matches its fields), a missing one (a gap in seq) and a
 * relinked one (its prevHash is not the hash of the entry before it).
 */
export function verifyChain(entries: ChainedEntry[], after: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }): ChainProblem | undefined {
  let prev = after;
  for (const e of entries) {
    if (e.seq !== prev.seq + 1) return { seq: prev.seq + 1, problem: 'missing' };
    if (hashEntry(e) !== e.hash) return { seq: e.seq, problem: 'edited' };
    if (e.prevHash !== prev.hash) return { seq: e.seq, problem: 'relinked' };
    prev = { seq: e.seq, hash: e.hash };
  }
  return undefined;
}
