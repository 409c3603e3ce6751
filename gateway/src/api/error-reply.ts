// The error body of every HTTP answer (CONTRACT §7): `{ error: { code, message, field?, allowed? } }`
// with a code from the catalogue (errors.ts). A 500 never carries the error's own text — it may
// hold SQL, file paths or a connection string — only a ref that the log line carries too
// (issue 12 item 15).
import { randomBytes } from 'node:crypto';
import { HazardlineError, type ErrorCode } from '../errors.ts';

export interface ErrorReply {
  status: number;
  body: { error: { code: ErrorCode; message: string; field?: string; allowed?: string[]; ref?: string } };
  /** set on a 500: the error is logged with this ref */
  ref?: string;
}

/** 4xx raised by fastify itself (body parsing, limits) → the catalogue's codes. */
const BY_STATUS: Record<number, ErrorCode> = { 401: 'HL_ERR_UNAUTHORIZED', 403: 'HL_ERR_FORBIDDEN', 404: 'HL_ERR_NOT_FOUND', 409: 'HL_ERR_CONFLICT', 413: 'HL_ERR_TOO_LARGE', 415: 'HL_ERR_UNSUPPORTED_MEDIA', 429: 'HL_ERR_RATE_LIMITED' };

export function errorReply(err: Error & { statusCode?: number; code?: string }): ErrorReply {
  if (err instanceof HazardlineError && err.statusCode < 500) {
    // a 409 names the steps that are allowed now (CONTRACT §8)
    const allowed = (err as { allowed?: string[] }).allowed;
    return { status: err.statusCode, body: { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(allowed ? { allowed } : {}) } } };
  }
  if (err instanceof HazardlineError && err.statusCode === 503) {
    // our own 503s name the config key and host:port/database, never credentials (StoreUnavailableError)
    return { status: 503, body: { error: { code: err.code, message: err.message } } };
  }
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status < 500) {
    // fastify's own 4xx messages (bad JSON, body too large, wrong content type) hold no stored data
    return { status, body: { error: { code: BY_STATUS[status] ?? 'HL_ERR_BAD_REQUEST', message: err.message } } };
  }
  const ref = randomBytes(6).toString('hex');
  return { status: 500, ref, body: { error: { code: 'HL_ERR_INTERNAL', message: `internal error; the gateway log has the details under ref ${ref}`, ref } } };
}
