// What the audit chain keeps of the rows a regulator relies on (issue 12 item 9): the reward
// ledger, declared enterprise status and a hazard's assignment (rectification) and reward. The
// same functions build the payload when the row is written and when `audit verify` checks the
// row as it is now against the latest chained entry for it: an edit of the table shows.
import { createHash } from 'node:crypto';
import { canonicalJson } from './chain.ts';

export const ROW_KINDS = { reward: 'reward', declaration: 'declared-status' } as const;

export interface RewardRow {
  id: number;
  hazardId: string;
  reporterId: string | null;
  amount: number;
  tier: string;
  payer: string;
  paidAt: number;
}

/** the amounts in clear; the reporter reference only inside the row hash (ids of reporters stay out of the chain) */
export function rewardPayload(r: RewardRow): Record<string, unknown> {
  const row = createHash('sha256').update(canonicalJson({ ...r })).digest('hex');
  return { hazardId: r.hazardId, amount: r.amount, tier: r.tier, payer: r.payer, paidAt: r.paidAt, row };
}

export interface DeclarationRow {
  enterprise: string;
  status: string;
  from: number;
  reason: string | null;
  actor: string;
  at: number;
}

export function declarationPayload(d: DeclarationRow): Record<string, unknown> {
  return { enterprise: d.enterprise, status: d.status, from: d.from, reason: d.reason, actor: d.actor, at: d.at };
}

/** the hazard fields a hazard step's audit entry carries and `audit verify` compares with the stored document */
export interface HazardAuditFields {
  state: string;
  level: string;
  rectification: unknown;
  reward: unknown;
}

export function hazardPayloadFields(h: { state: string; level: string; rectification?: unknown; reward?: unknown }): HazardAuditFields {
  return { state: h.state, level: h.level, rectification: h.rectification ?? null, reward: h.reward ?? null };
}

/** "amount: 50 in the chain, 5000 in the table" for every top-level field that differs */
export function describeDiff(chained: Record<string, unknown>, current: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(chained), ...Object.keys(current)])].sort();
  return keys
    .filter((k) => canonicalJson(chained[k]) !== canonicalJson(current[k]))
    .map((k) => `${k}: ${canonicalJson(chained[k])} in the chain, ${canonicalJson(current[k])} in the table`)
    .join('; ');
}
