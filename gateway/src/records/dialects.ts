// Kysely instances for the two records backends (CONTRACT §2 `storage.records`):
// `sqlite` → `<dataDir>/records.db` (WAL, busy timeout, foreign keys on), and
// `postgres://...` → a pg Pool, optionally confined to one schema through search_path.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { ConfigError, StoreUnavailableError } from '../errors.ts';
import { openSqliteFile } from '../sqlite-file.ts';
import type { Logger } from '../log.ts';
import type { Flavor, RecordsDb } from './schema.ts';

export const CONFIG_KEY = 'storage.records';
export const SQLITE_FILE = 'records.db';
/** how long a writer waits for another process's SQLite lock before SQLITE_BUSY */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
const PG_CONNECT_TIMEOUT_MS = 10_000;
export const PG_DEFAULT_POOL_SIZE = 10;

export interface OpenedDb {
  db: Kysely<RecordsDb>;
  flavor: Flavor;
  /** where the store lives, for logs: a file path or host:port/database (never credentials) */
  target: string;
  /** the schema migrations run in (postgres) */
  schema?: string;
}

export function openSqlite(dataDir: string): OpenedDb {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SQLITE_FILE);
  const database = openSqliteFile(file, 'storage.records');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // records are the audit trail: a committed transition survives power loss, not only a crash
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  cacheStatements(database);
  return { db: new Kysely<RecordsDb>({ dialect: new SqliteDialect({ database }) }), flavor: 'sqlite', target: file };
}

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs more than running these
 * small statements (measured in an alarm flood). Statements are reusable in better-sqlite3, so
 * keep the last 256 by SQL text.
 */
function cacheStatements(database: Database.Database): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, Database.Statement>();
  (database as { prepare: (sql: string) => Database.Statement }).prepare = (sql: string) => {
    let st = cache.get(sql);
    if (st) {
      cache.delete(sql); // most recently used last
    } else {
      st = prepare(sql);
      if (cache.size >= 256) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, st);
    return st;
  };
}

/** host:port/database of a postgres URL: what error messages and logs may show */
export function pgTarget(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `PostgreSQL at ${host}:${u.port || '5432'}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    throw new ConfigError([`${CONFIG_KEY}: not a valid postgres:// URL`]);
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// pg returns int8 (BIGINT, COUNT(*)) as strings so as not to lose precision past 2^53; epoch ms
// and counters stay far below that, and the API promises numbers. Per pool, not pg's global
// parser table, so another pg user in the process keeps the default.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PgOptions {
  schema?: string;
  poolSize?: number;
  log?: Logger;
}

/** Opens a pool and proves it can reach the server (one round trip), else StoreUnavailableError. */
export async function openPostgres(url: string, opts: PgOptions): Promise<OpenedDb> {
  const target = pgTarget(url);
  const schema = opts.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new ConfigError([`${CONFIG_KEY}: schema "${schema}" must be a lowercase SQL identifier (a-z, 0-9, _)`]);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? PG_DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    // every unqualified table name (ours and Kysely's migration tables) resolves in this schema
    options: `-c search_path=${schema}`,
    types: pgTypes,
  });
  // An idle client that loses its server emits here; without a listener that crashes the
  // process. The next query takes a fresh connection and reports its own error.
  pool.on('error', (err) => opts.log?.warn({ component: 'records', err: err.message }, 'idle PostgreSQL connection lost'));
  const db = new Kysely<RecordsDb>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => {});
    throw new StoreUnavailableError(CONFIG_KEY, target, describePgError(err, url));
  }
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (err) {
    // two gateways (or test workers) creating the same schema at once: one wins, fine
    if ((err as { code?: string }).code !== '23505' && (err as { code?: string }).code !== '42P06') {
      await db.destroy().catch(() => {});
      throw err;
    }
  }
  return { db, flavor: 'postgres', target, schema };
}

/** The reason of a connection failure, without anything from the URL's userinfo. */
function describePgError(err: unknown, url: string): string {
  const e = err as { code?: string; message?: string; errors?: { message?: string }[] };
  // connect() to a host with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError
  let msg = e.message || e.errors?.map((x) => x.message).join('; ') || String(err);
  if (e.code && !msg.includes(e.code)) msg = `${e.code}: ${msg}`;
  try {
    const pw = decodeURIComponent(new URL(url).password);
    if (pw) msg = msg.split(pw).join('***');
  } catch {
    /* pgTarget already validated the URL */
  }
  return msg;
}
