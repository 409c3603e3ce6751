// The SQLite records store (storage.records: sqlite, the default) against the shared contract,
// plus what is particular to it: the file in dataDir and its pragmas.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../gateway/src/errors.ts';
import { openRecordStore } from '../../gateway/src/records/record-store.ts';
import { recordStoreContract } from '../contracts/records/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-records-sqlite-'));

recordStoreContract(
  'sqlite',
  () => openRecordStore('sqlite', { dataDir: dir }),
  async () => rmSync(dir, { recursive: true, force: true }),
  async (sql) => {
    const db = new Database(join(dir, 'records.db'));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  },
);

describe('sqlite records store', () => {
  const own = mkdtempSync(join(tmpdir(), 'hl-records-sqlite-file-'));
  afterAll(() => rmSync(own, { recursive: true, force: true }));

  it('keeps records.db in dataDir (created if missing), in WAL mode, with typed columns', async () => {
    const dataDir = join(own, 'nested', 'data');
    const store = await openRecordStore('sqlite', { dataDir });
    expect(store.flavor).toBe('sqlite');
    expect(store.target).toBe(join(dataDir, 'records.db'));
    await store.close();
    const db = new Database(join(dataDir, 'records.db'), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const cols = db.prepare(`select name, type from pragma_table_info('alarms')`).all() as { name: string; type: string }[];
      const type = (n: string) => cols.find((c) => c.name === n)?.type.toUpperCase();
      expect(type('raised_at')).toBe('INTEGER');
      expect(type('active')).toBe('INTEGER');
      expect(type('evidence')).toBe('TEXT');
      const idx = (db.prepare(`select name from sqlite_master where type = 'index' and name not like 'sqlite_%'`).all() as { name: string }[]).map((r) => r.name).sort();
      expect(idx).toEqual(
        ['accidents_reported_at', 'sanwei_records_enterprise_occurred_at', 'alarm_transitions_alarm_id', 'audit_log_by_ref', 'alarm_transitions_ts', 'alarms_enterprise_raised_at', 'alarms_key', 'alarms_state', 'status_declarations_enterprise_from', 'hazards_enterprise_reported_at', 'hazards_state', 'hazard_history_hazard_id', 'reward_ledger_hazard_id', 'verifications_jurisdiction_created_at', 'alarms_origin_id', 'alarm_disposals_enterprise_raised_at', 'notifications_ref', 'notifications_queued_at', 'shift_handovers_created_at', 'report_runs_created_at'].sort(),
      );
    } finally {
      db.close();
    }
  });

  it('refuses an unknown storage.records value with a config error naming the key', async () => {
    const err = await openRecordStore('mysql://x', { dataDir: own }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]).toMatch(/^storage\.records: /);
  });
});
