// The machine's PostgreSQL for integration tests (127.0.0.1:5432, trust, database `test`;
// HAZARDLINE_TEST_PG_URL to override): one admin connection per call, and fresh databases.
import pg from 'pg';

export const PG_URL = process.env.HAZARDLINE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new, empty database on the test server; its URL and a function that drops it. */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now() % 1_000_000}`;
  await pgAdmin((c) => c.query(`create database ${name}`));
  return { url: PG_URL.replace(/\/[^/]*$/, `/${name}`), drop: () => pgAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}) };
}
