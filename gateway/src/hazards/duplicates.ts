// Likely duplicates (CONTRACT §8 `possibleDuplicates`): same enterprise and (same zone or same
// device), open at the same time, similar text. Text similarity: Jaccard index of character
// bigrams after normalisation, which works for Chinese without word segmentation.
import { caseDoneAt } from './deadlines.ts';
import type { Hazard } from './types.ts';

export const DUPLICATE_SIMILARITY = 0.5;

/** NFKC (full-width → half-width), lower case, letters and digits only (CJK kept, punctuation and spaces dropped). */
export function normaliseText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export function bigrams(s: string): Set<string> {
  const t = normaliseText(s);
  const out = new Set<string>();
  if (t.length === 1) out.add(t);
  for (let i = 0; i + 1 < t.length; i++) out.add(t.slice(i, i + 2));
  return out;
}

/** Jaccard index of the character bigrams of a and b, in [0, 1]; 0 when either is empty. */
export function similarity(a: string, b: string): number {
  const A = bigrams(a);
  const B = bigrams(b);
  if (A.size === 0 || B.size === 0) return 0;
  let inter = 0;
  for (const g of A) if (B.has(g)) inter++;
  return inter / (A.size + B.size - inter);
}

/** The best of title-vs-title and (title + description)-vs-(title + description). */
export function textSimilarity(a: Pick<Hazard, 'title' | 'description'>, b: Pick<Hazard, 'title' | 'description'>): number {
  return Math.max(similarity(a.title, b.title), similarity(`${a.title} ${a.description}`, `${b.title} ${b.description}`));
}

/** [reportedAt, closed / rejected, else now] */
function openInterval(h: Hazard, now: number): [number, number] {
  return [h.reportedAt, caseDoneAt(h) ?? now];
}

/**
 * Ids of `candidates` that likely report the same hazard as `h`, most similar first.
 * Rejected reports are never proposed (they are not valid reports).
 */
export function likelyDuplicates(h: Hazard, candidates: readonly Hazard[], now: number, threshold = DUPLICATE_SIMILARITY): string[] {
  const [hs, he] = openInterval(h, now);
  const scored: Array<{ id: string; score: number; at: number }> = [];
  for (const c of candidates) {
    if (c.id === h.id || c.enterprise !== h.enterprise || c.state === 'rejected') continue;
    const samePlace = (h.zone !== undefined && h.zone === c.zone) || (h.device !== undefined && h.device === c.device);
    if (!samePlace) continue;
    const [cs, ce] = openInterval(c, now);
    if (!(cs <= he && hs <= ce)) continue;
    const score = textSimilarity(h, c);
    if (score >= threshold) scored.push({ id: c.id, score, at: c.reportedAt });
  }
  scored.sort((x, y) => y.score - x.score || x.at - y.at || (x.id < y.id ? -1 : 1));
  return scored.map((s) => s.id);
}
