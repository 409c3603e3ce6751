// The alarm's fields are written once (alarm-fields.ts): the migrated table, the row mapping and
// the CONTRACT §6 JSON all agree with that one list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fullAlarm, nullAlarm } from '../../../test/contracts/records/fixtures.ts';
import { alarmToRow, rowToAlarm } from '../records/alarm-rows.ts';
import { openRecordStore } from '../records/record-store.ts';
import { ALARM_FIELD_LIST, ALARM_FIELDS } from './alarm-fields.ts';
import { alarmJson } from './alarm-json.ts';

describe('alarm fields, written once', () => {
  it('the migrated alarms table has exactly one column per field, plus the mirror marks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-alarm-fields-'));
    try {
      await (await openRecordStore('sqlite', { dataDir: dir })).close();
      const db = new Database(join(dir, 'records.db'), { readonly: true });
      const cols = (db.prepare(`select name from pragma_table_info('alarms')`).all() as { name: string }[]).map((c) => c.name).sort();
      db.close();
      expect(cols).toEqual([...ALARM_FIELD_LIST.map(([, f]) => f.col), 'origin_id', 'origin_rev'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rows round-trip every field on both dialects (booleans as 0/1 in SQLite, evidence as JSON text)', () => {
    for (const a of [fullAlarm('al_f1'), nullAlarm('al_f2'), { ...fullAlarm('al_f3'), originId: 'edge-1', originRev: '3:17' }]) {
      const lite = alarmToRow(a, 'sqlite') as Record<string, unknown>;
      expect(lite.active === 0 || lite.active === 1).toBe(true);
      expect(typeof (alarmToRow(a, 'postgres') as Record<string, unknown>).active).toBe('boolean');
      for (const flavor of ['sqlite', 'postgres'] as const) expect(rowToAlarm(alarmToRow(a, flavor) as never)).toEqual(a);
    }
  });

  it('the JSON lists the fields in CONTRACT §6 order, times as RFC 3339, no key, overdue computed', () => {
    const a = fullAlarm('al_f4', { ackedAt: null, state: 'active_unacked' });
    const j = alarmJson(a, 'Asia/Shanghai', a.dueBy + 1);
    expect(Object.keys(j)).toEqual(['id', 'rule', 'severity', 'state', 'active', 'enterprise', 'site', 'zone', 'device', 'metric', 'value', 'peak', 'threshold', 'message', 'messageEn', 'count', 'raisedAt', 'updatedAt', 'ackedAt', 'ackedBy', 'ackNote', 'clearedAt', 'closedAt', 'shelvedUntil', 'shelveReason', 'suppressedReason', 'dueBy', 'overdue', 'retroactive', 'escalations', 'hazardId', 'evidence', 'origin']);
    expect(j.raisedAt).toBe(new Date(a.raisedAt).toISOString());
    expect(j.dueBy).toMatch(/\+08:00$/);
    expect(j.overdue).toBe(true);
    expect(alarmJson({ ...a, state: 'normal' }, 'Asia/Shanghai', a.dueBy + 1).overdue).toBe(false);
    expect('key' in j).toBe(false);
    expect(ALARM_FIELDS.key.json).toBe(false);
  });
});
