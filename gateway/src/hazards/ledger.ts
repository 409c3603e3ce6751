// The hazard ledger (隐患台账, issue 14): the officer's and the regulator's filters, search, sort,
// paging and counts per state over the hazards in scope. Pure; the service loads, this narrows.
import { HazardlineError } from '../errors.ts';
import { HAZARD_LEVELS, HAZARD_SOURCES, HAZARD_STATES, OPEN_STATES, type Hazard, type HazardState } from './types.ts';

export const LEDGER_SORTS = ['reportedAt', 'deadline', 'level', 'state'] as const;
export type LedgerSort = (typeof LEDGER_SORTS)[number];

export interface LedgerQuery {
  state?: string;
  level?: string;
  source?: string;
  site?: string;
  zone?: string;
  /** reported at or after / before (epoch ms) */
  from?: number;
  to?: number;
  /** only hazards past a deadline (rectification, feedback, case or acceptance) */
  overdue?: boolean;
  /** words in the title, description, place or id */
  q?: string;
  sort?: LedgerSort;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface LedgerPage {
  hazards: Hazard[];
  /** matching the filters, before paging */
  total: number;
  /** per state, over every filter except the state (the tabs of the ledger) */
  counts: Record<HazardState, number>;
}

const bad = (field: string, message: string) => Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', `${field}: ${message}`, 400), { field });

/** A ledger query from the query string; 400 naming the field. */
export function parseLedgerQuery(q: Record<string, string | undefined>, parseTime: (field: string, v: string) => number): LedgerQuery {
  const out: LedgerQuery = {};
  const oneOf = <T extends string>(field: string, allowed: readonly T[]): T | undefined => {
    const v = q[field];
    if (v === undefined || v === '') return undefined;
    if (!(allowed as readonly string[]).includes(v)) throw bad(field, `expected one of ${allowed.join(', ')}`);
    return v as T;
  };
  // `open` (every state still in the loop) and `all` beside the states themselves
  out.state = oneOf('state', [...HAZARD_STATES, 'open', 'all']);
  out.level = oneOf('level', HAZARD_LEVELS);
  out.source = oneOf('source', HAZARD_SOURCES);
  out.sort = oneOf('sort', LEDGER_SORTS);
  out.order = oneOf('order', ['asc', 'desc'] as const);
  for (const k of ['site', 'zone', 'q'] as const) if (q[k]) out[k] = q[k]!.slice(0, 200);
  if (q.from) out.from = parseTime('from', q.from);
  if (q.to) out.to = parseTime('to', q.to);
  if (q.overdue !== undefined && q.overdue !== '') {
    if (q.overdue !== 'true' && q.overdue !== 'false') throw bad('overdue', 'expected true or false');
    out.overdue = q.overdue === 'true';
  }
  for (const [k, max] of [['offset', 1_000_000], ['limit', 10_000]] as const) {
    if (q[k] === undefined || q[k] === '') continue;
    const n = Number(q[k]);
    if (!Number.isInteger(n) || n < (k === 'limit' ? 1 : 0) || n > max) throw bad(k, `expected an integer ${k === 'limit' ? 1 : 0}-${max}`);
    out[k] = n;
  }
  return out;
}

const isOverdue = (h: Hazard) => h.flags.overdueRectification || h.flags.feedbackLate || h.flags.caseLate || h.flags.acceptanceLate;
const STATE_ORDER = new Map(HAZARD_STATES.map((s, i) => [s, i]));

/** One page of the ledger; `names` adds the place's names to what `q` searches. */
export function ledger(all: readonly Hazard[], f: LedgerQuery, names: (h: Hazard) => string = () => ''): LedgerPage {
  const words = (f.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const base = all.filter(
    (h) =>
      (!f.level || h.level === f.level) &&
      (!f.source || h.source === f.source) &&
      (!f.site || h.site === f.site) &&
      (!f.zone || h.zone === f.zone) &&
      (f.from === undefined || h.reportedAt >= f.from) &&
      (f.to === undefined || h.reportedAt < f.to) &&
      (f.overdue === undefined || isOverdue(h) === f.overdue) &&
      (words.length === 0 || words.every((w) => `${h.id} ${h.title} ${h.description} ${h.site ?? ''} ${h.zone ?? ''} ${h.device ?? ''} ${names(h)}`.toLowerCase().includes(w))),
  );
  const counts = Object.fromEntries(HAZARD_STATES.map((s) => [s, 0])) as Record<HazardState, number>;
  for (const h of base) counts[h.state]++;
  const rows = !f.state || f.state === 'all' ? [...base] : f.state === 'open' ? base.filter((h) => OPEN_STATES.includes(h.state)) : base.filter((h) => h.state === f.state);
  const sort = f.sort ?? 'reportedAt';
  const dir = (f.order ?? (sort === 'reportedAt' ? 'desc' : 'asc')) === 'asc' ? 1 : -1;
  const key = (h: Hazard): number => {
    switch (sort) {
      case 'deadline':
        return h.rectification?.deadline ?? h.caseDueBy;
      case 'level':
        return h.level === 'major' ? 0 : 1;
      case 'state':
        return STATE_ORDER.get(h.state) ?? 99;
      default:
        return h.reportedAt;
    }
  };
  rows.sort((a, b) => (key(a) - key(b)) * dir || b.reportedAt - a.reportedAt || a.id.localeCompare(b.id));
  const offset = f.offset ?? 0;
  return { hazards: rows.slice(offset, offset + (f.limit ?? 50)), total: rows.length, counts };
}
