// One catalog of stable error codes shared by the API, logs and the CLI
// (the fastify FST_ERR_* habit, ARCHITECTURE.md).
import type { z } from 'zod';
import { describeIssue, formatPath } from './model/format-path.ts';

export const ErrorCodes = {
  HL_ERR_CONFIG: 'invalid configuration',
  HL_ERR_PORT_IN_USE: 'port already in use',
  HL_ERR_BAD_REQUEST: 'bad request',
  HL_ERR_UNAUTHORIZED: 'missing or unknown token',
  HL_ERR_FORBIDDEN: 'role not allowed',
  HL_ERR_NOT_FOUND: 'not found',
  HL_ERR_STORE_UNAVAILABLE: 'store unreachable',
  HL_ERR_CONFLICT: 'illegal state transition',
  HL_ERR_AUDIT_BROKEN: 'audit chain broken',
  HL_ERR_UNSUPPORTED_MEDIA: 'unsupported media type',
  HL_ERR_TOO_LARGE: 'request body too large',
  HL_ERR_RATE_LIMITED: 'too many requests',
  HL_ERR_STORE_FILE: 'a store file is not a usable database',
  HL_ERR_INTERNAL: 'internal error (details in the gateway log under the ref)',
  HL_ERR_DATA_DIR_IN_USE: 'data directory used by another gateway process',
  HL_ERR_STREAM_UNAVAILABLE: 'cluster mode: the ingest stream (NATS JetStream) did not confirm a message',
  HL_ERR_OWNER_UNAVAILABLE: 'cluster mode: the instance owning the enterprise is being replaced or did not answer; retry',
  HL_ERR_NO_FONT: 'no font with Chinese glyphs for PDF reports (reports.pdfFont)',
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

export class HazardlineError extends Error {
  /** the offending request field, for 400s */
  field?: string;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly statusCode = 500,
  ) {
    super(message);
    this.name = 'HazardlineError';
  }
}

/** Config errors: one line per problem, each starting with its path. */
export class ConfigError extends HazardlineError {
  constructor(readonly problems: string[]) {
    super('HL_ERR_CONFIG', problems.join('\n'), 400);
    this.name = 'ConfigError';
  }
}

export class PortInUseError extends HazardlineError {
  constructor(
    readonly port: number,
    readonly configKey: string,
    readonly host: string,
  ) {
    super('HL_ERR_PORT_IN_USE', `port ${port} on ${host} is already in use; set another with ${configKey}`, 500);
    this.name = 'PortInUseError';
  }
}

/**
 * A configured store (e.g. `storage.records: postgres://...`) cannot be reached at start.
 * `target` is host:port/database only: the message never carries credentials.
 */
export class StoreUnavailableError extends HazardlineError {
  constructor(
    readonly configKey: string,
    readonly target: string,
    readonly reason: string,
  ) {
    super('HL_ERR_STORE_UNAVAILABLE', `${configKey}: cannot reach ${target}: ${reason}`, 503);
    this.name = 'StoreUnavailableError';
  }
}

/** Rejection reasons of CONTRACT §3.5: the label values of hazardline_ingest_rejected_total{reason}. */
export const RejectReasons = [
  'too_large',
  'malformed',
  'invalid_payload',
  'non_finite',
  'future_timestamp',
  'unknown_topic',
  'unknown_enterprise',
  'unknown_site',
  'unknown_device',
  'unknown_zone',
  'acl_denied',
  'sparkplug_no_birth',
  'sparkplug_unknown_alias',
  /** a device's distinct metric names beyond mqtt.maxMetricsPerDevice (issue 12 item 6) */
  'too_many_metrics',
  'wal_full',
  /** a bug met by one message: counted and dead-lettered so that it never blocks the device */
  'internal_error',
] as const;
export type RejectReason = (typeof RejectReasons)[number];

/** A message the gateway will not store, with the reason it gives back (counted, dead-lettered). */
/** Cluster mode: the ingest stream did not confirm; the message is not acknowledged and is sent again (docs/cluster.md §3). */
export class StreamUnavailableError extends HazardlineError {
  constructor(reason: string) {
    super('HL_ERR_STREAM_UNAVAILABLE', `the ingest stream did not confirm: ${reason}`, 503);
    this.name = 'StreamUnavailableError';
  }
}

export class RejectError extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
    this.name = 'RejectError';
  }
}

/** A request body checked by `schema`; its first problem is a 400 naming the field (`person.name: required`). */
export function parseBody<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = at.length ? formatPath(at) : 'body';
  throw Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', `${field}: ${describeIssue(issue)}`, 400), { field });
}
