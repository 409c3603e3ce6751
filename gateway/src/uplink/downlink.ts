// Down the link (issue 16): what the centre decides for an edge's enterprises reaches the edge —
// a declared status (停产, 整改), an acknowledgement or a shelve of a mirrored alarm — so the edge's
// 明停暗开 rules and its dispatchers see the same as the centre's. Ordered and idempotent: the
// centre numbers the items per edge (records/downlink-records.ts) and sends those after the
// number the edge's hello says it applied; the edge applies each number once, in order, and keeps
// the last one applied with its records. Both sides' restarts lose nothing: the centre keeps the
// rows until a hello acknowledges them, the edge asks again from its number.
import type { DeclaredStatus } from '../model/assets.ts';

export type DownItem =
  | { kind: 'declare'; enterprise: string; status: DeclaredStatus; from: number; reason: string | null; actor: string }
  | { kind: 'ack'; enterprise: string; alarmId: string; actor: string; note: string | null }
  | { kind: 'shelve'; enterprise: string; alarmId: string; actor: string; until: number; reason: string };

export interface DownBatch {
  v: 1;
  edge: string;
  /** `item` null: a kind this edge does not know (a newer centre): skipped, but counted as applied */
  rows: { seq: number; at: number; item: DownItem | null }[];
}

const str = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 2000;
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const optStr = (x: unknown) => x === null || x === undefined || typeof x === 'string';

function item(x: any): DownItem | undefined {
  if (!x || typeof x !== 'object' || !str(x.enterprise) || !str(x.actor)) return undefined;
  if (x.kind === 'declare' && ['producing', 'stopped', 'rectifying'].includes(x.status) && num(x.from) && optStr(x.reason)) return { kind: 'declare', enterprise: x.enterprise, status: x.status, from: x.from, reason: x.reason ?? null, actor: x.actor };
  if (x.kind === 'ack' && str(x.alarmId) && optStr(x.note)) return { kind: 'ack', enterprise: x.enterprise, alarmId: x.alarmId, actor: x.actor, note: x.note ?? null };
  if (x.kind === 'shelve' && str(x.alarmId) && num(x.until) && str(x.reason)) return { kind: 'shelve', enterprise: x.enterprise, alarmId: x.alarmId, actor: x.actor, until: x.until, reason: x.reason };
  return undefined;
}

/** A downlink batch, checked; an item that is not one of the kinds above is null. */
export function parseDownBatch(payload: Buffer): DownBatch | undefined {
  let o: any;
  try {
    o = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!o || o.v !== 1 || !str(o.edge) || !Array.isArray(o.rows)) return undefined;
  const rows: DownBatch['rows'] = [];
  for (const r of o.rows.slice(0, 10_000)) {
    if (num(r?.seq) && num(r?.at)) rows.push({ seq: r.seq, at: r.at, item: item(r?.item) ?? null });
  }
  return { v: 1, edge: o.edge, rows };
}
