// Parsing of request times and durations (CONTRACT §7: epoch ms or RFC 3339).
import { HazardlineError } from '../errors.ts';
import { dict } from '../model/dict.ts';

export function badRequest(field: string, message: string): HazardlineError {
  const e = new HazardlineError('HL_ERR_BAD_REQUEST', `${field}: ${message}`, 400);
  e.field = field;
  return e;
}

export function parseTime(field: string, v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw badRequest(field, 'expected epoch milliseconds or an RFC 3339 time');
  return t;
}

const UNITS = dict({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 });

/** `every=`: `30s`, `5m`, `1h`, `1d` or plain milliseconds. */
export function parseDuration(field: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v);
  if (!m || Number(m[1]) <= 0) throw badRequest(field, 'expected a duration like 30s, 5m, 1h, 1d or milliseconds');
  return Number(m[1]) * UNITS[m[2] ?? 'ms'];
}
