// The PostgreSQL records store (storage.records: postgres://...) against the shared contract, on
// the real server of this machine (127.0.0.1:5432, database `test`; HAZARDLINE_TEST_PG_URL to
// override). Each run works in its own schema, dropped afterwards. An unreachable server FAILS
// this file: it never skips.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, StoreUnavailableError } from '../../gateway/src/errors.ts';
import { openRecordStore } from '../../gateway/src/records/record-store.ts';
import { recordStoreContract } from '../contracts/records/index.ts';
import { PG_URL, pgAdmin as admin } from '../helpers/postgres.ts';

const schema = `hl_test_${process.pid}_${Date.now()}`;
const dataDir = mkdtempSync(join(tmpdir(), 'hl-records-pg-'));

const dropSchema = (s: string) => admin((c) => c.query(`drop schema if exists "${s}" cascade`));

recordStoreContract(
  'postgres',
  () => openRecordStore(PG_URL, { dataDir, schema }),
  async () => {
    await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  },
  (sql) => admin(async (c) => void (await c.query(`SET search_path TO ${schema}; ${sql}`))),
);

describe('postgres records store', () => {
  const other = `${schema}_x`;
  afterAll(() => dropSchema(other));

  it(`reaches the test server (${PG_URL.replace(/\/\/[^@/]*@/, '//')})`, async () => {
    expect(await admin(async (c) => (await c.query('select 1 as one')).rows[0].one)).toBe(1);
  });

  it('keeps its tables in the given schema, times as BIGINT, booleans as BOOLEAN', async () => {
    const store = await openRecordStore(PG_URL, { dataDir, schema: other });
    expect(store.flavor).toBe('postgres');
    expect(store.target).toBe('PostgreSQL at 127.0.0.1:5432/test');
    await store.close();
    const cols = await admin(async (c) => {
      const r = await c.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = 'alarms'`,
        [other],
      );
      return new Map(r.rows.map((x) => [x.column_name, x.data_type]));
    });
    expect(cols.get('raised_at')).toBe('bigint');
    expect(cols.get('active')).toBe('boolean');
    expect(cols.get('evidence')).toBe('text');
    expect(cols.get('value')).toBe('double precision');
    const tables = await admin(async (c) =>
      (await c.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = $1 order by 1`, [other])).rows.map((r) => r.table_name),
    );
    expect(tables).toEqual(['accidents', 'alarm_disposals', 'alarm_transitions', 'alarms', 'audit_log', 'cluster_instances', 'cluster_partitions', 'downlink', 'edge_links', 'hazard_history', 'hazards', 'kysely_migration', 'kysely_migration_lock', 'notifications', 'report_runs', 'reporters', 'resumptions', 'reward_ledger', 'rule_state', 'sanwei_records', 'shift_handovers', 'special_periods', 'status_declarations', 'verifications']);
  });

  it('fails on an unreachable server with a message naming storage.records and the host, never the password', async () => {
    const err = await openRecordStore('postgres://hl:s3cr3t-pw@127.0.0.1:1/records', { dataDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^storage\.records: cannot reach PostgreSQL at 127\.0\.0\.1:1\/records: /);
    expect(msg).toContain('ECONNREFUSED');
    expect(msg).not.toContain('s3cr3t');
    expect((err as StoreUnavailableError).code).toBe('HL_ERR_STORE_UNAVAILABLE');
  });

  it('refuses a schema name that is not a plain lowercase identifier', async () => {
    const err = await openRecordStore(PG_URL, { dataDir, schema: 'x"; drop table y; --' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
  });
});
