// Issue 12 item 8: a records-database write that fails is retried in order, counted, and never
// leaves memory and the database apart (CONTRACT §6: an alarm never changes without its transition).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Condition } from '../model/vocabulary.ts';
import type { RuleInfo } from '../../../rules/src/types.ts';
import { ManualClock } from '../clock.ts';
import { createLogger } from '../log.ts';
import { openRecordStore, type RecordStore } from '../records/record-store.ts';
import { AlarmManager } from './alarm-manager.ts';

const T0 = Date.parse('2026-11-22T08:00:00+08:00');
const RULES: RuleInfo[] = [{ id: 'gas.lel', kind: 'threshold', title: { zh: '可燃气体', en: 'Combustible gas' }, domain: '§1' }];
const cond = (device: string, over: Partial<Condition> = {}): Condition => ({
  rule: 'gas.lel',
  key: `gas.lel|ent-a|s1||${device}|lel`,
  subject: { enterprise: 'ent-a', site: 's1', device },
  metric: 'lel',
  active: true,
  severity: 'yellow',
  value: 22,
  threshold: 20,
  ts: T0,
  message: { zh: '可燃气体', en: 'Combustible gas' },
  ...over,
});
const log = createLogger({ level: 'silent' });

const stores: RecordStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** the real SQLite store, whose transactions fail while `down` is set (a locked or unreachable database) */
async function failingStore() {
  const dir = mkdtempSync(join(tmpdir(), 'hl-writer-'));
  const store = await openRecordStore('sqlite', { dataDir: dir });
  stores.push(store);
  const ctl = { down: true, attempts: 0 };
  const real = store.transaction.bind(store);
  store.transaction = (async (fn: (tx: RecordStore) => Promise<unknown>) => {
    ctl.attempts++;
    if (ctl.down) throw new Error('SQLITE_BUSY: database is locked');
    return real(fn);
  }) as RecordStore['transaction'];
  return { store, ctl, dir };
}

const manager = (store: RecordStore, clock: ManualClock, over: { maxPendingWrites?: number } = {}) =>
  new AlarmManager({ store, rules: RULES, timezone: 'Asia/Shanghai', clock, log, writeRetryBaseMs: 1, writeRetryMaxMs: 4, ...over });

describe('AlarmWriter: a failing records database (issue 12 item 8)', () => {
  it('keeps the transitions queued and retries them in order; counts failures; memory and database agree after a restart', async () => {
    const { store, ctl } = await failingStore();
    const clock = new ManualClock(T0);
    const m = manager(store, clock);
    await m.start();
    const live: string[] = [];
    m.on('transition', (e) => live.push(e.transition.action));
    m.handle(cond('gas-01'));
    const id = m.openAlarms()[0].id;
    m.handle(cond('gas-01', { ts: T0 + 1000, value: 30 })); // a new peak (row only)
    m.ack(id, 'dispatcher-1', '已派人');
    m.handle(cond('gas-02'));
    await m.flush(); // returns on the failure: readers are not held up
    // alarms are raised and pushed live while the database is down
    expect(live).toEqual(['raise', 'update', 'ack', 'raise']);
    while (ctl.attempts < 3) await new Promise((r) => setTimeout(r, 1)); // retried (1 ms, 2 ms, 4 ms …)
    const s = m.writeStatus();
    expect(s.failures).toBeGreaterThan(0);
    expect(s.consecutiveFailures).toBeGreaterThan(1); // retried
    expect(s.pending).toBe(3); // raise, ack (its row carries the peak), raise
    expect(s.lastError).toMatch(/locked/);
    clock.advance(60_000);
    expect(m.writeStatus().oldestAgeSeconds).toBe(60);
    expect(await store.alarms.get(id)).toBeUndefined();
    ctl.down = false;
    await m.drained();
    expect(m.writeStatus()).toMatchObject({ pending: 0, consecutiveFailures: 0, oldestAgeSeconds: 0 });
    expect((await store.alarms.transitions(id)).map((t) => t.action)).toEqual(['raise', 'ack']);
    expect((await store.audit.entries(0, 100)).map((e) => e.action)).toEqual(['raise', 'ack', 'raise']);
    expect((await store.audit.verify()).ok).toBe(true);
    expect(await store.alarms.get(id)).toEqual(m.get(id));
    // a restart rebuilds exactly what memory had
    const again = manager(store, clock);
    await again.start();
    expect(again.openAlarms().sort((a, b) => a.id.localeCompare(b.id))).toEqual(m.openAlarms().sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('a real SQLite lock held by another connection (database is locked): retried until it is released', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-writer-lock-'));
    const store = await openRecordStore('sqlite', { dataDir: dir });
    stores.push(store);
    const m = manager(store, new ManualClock(T0));
    await m.start();
    const other = new Database(join(dir, 'records.db'));
    other.exec('BEGIN EXCLUSIVE');
    m.handle(cond('gas-01'));
    await m.flush(); // the store's busy timeout (5 s), then SQLITE_BUSY
    expect(m.writeStatus()).toMatchObject({ consecutiveFailures: 1, pending: 1 });
    expect(m.writeStatus().lastError).toMatch(/locked/);
    other.exec('COMMIT');
    other.close();
    await m.drained();
    expect((await store.alarms.open()).map((a) => a.id)).toEqual(m.openAlarms().map((a) => a.id));
  }, 30_000);

  it('overflow: the alarm stays live, the change is counted, and the row is resynced with the gap on record', async () => {
    const { store, ctl } = await failingStore();
    const clock = new ManualClock(T0);
    const m = manager(store, clock, { maxPendingWrites: 1 });
    await m.start();
    m.handle(cond('gas-01'));
    m.handle(cond('gas-02')); // the queue is full: refused, counted, marked for resync
    const b = m.openAlarms().find((a) => a.device === 'gas-02')!;
    m.ack(b.id, 'dispatcher-1', null);
    expect(m.openAlarms()).toHaveLength(2);
    expect(m.writeStatus()).toMatchObject({ refused: 1, resyncPending: 1 }); // its raise was queued, its ack was not
    ctl.down = false;
    await m.drained();
    expect(m.writeStatus().resyncPending).toBe(0);
    expect(await store.alarms.get(b.id)).toEqual(m.get(b.id));
    const resync = (await store.audit.entries(0, 100)).find((e) => e.action === 'resync');
    expect(resync?.ref).toBe(b.id);
    expect(JSON.parse(resync!.payload)).toMatchObject({ to: 'active_acked', missedTransitions: 1 });
    expect((await store.audit.verify()).ok).toBe(true);
  });

  it('at stop the flush is bounded and says what was not written', async () => {
    const { store } = await failingStore();
    const m = manager(store, new ManualClock(T0));
    await m.start();
    m.handle(cond('gas-01'));
    const left = await m.closeWriter(20);
    expect(left).toEqual({ unwritten: 1, alarms: [m.openAlarms()[0].id] });
  });
});

describe('AlarmWriter: fenced writes (cluster mode, docs/cluster.md §4)', () => {
  it("writes nothing of an enterprise whose partition another instance has taken, and counts it; the rest is written", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-writer-fence-'));
    const store = await openRecordStore('sqlite', { dataDir: dir });
    stores.push(store);
    const clock = new ManualClock(T0);
    const asked: string[][] = [];
    const m = new AlarmManager({
      store,
      rules: RULES,
      timezone: 'Asia/Shanghai',
      clock,
      log,
      // ent-b's partition was taken by another instance
      fence: async (tx, enterprises) => {
        expect(tx).not.toBe(store); // checked inside the write's own transaction
        asked.push([...enterprises].sort());
        return new Set([...enterprises].filter((e) => e === 'ent-b'));
      },
    });
    await m.adopt(new Set(['ent-a', 'ent-b']));
    m.handle(cond('gas-01'));
    m.handle(cond('gas-02', { key: 'gas.lel|ent-b|s1||gas-02|lel', subject: { enterprise: 'ent-b', site: 's1', device: 'gas-02' } }));
    await m.drained();
    expect(asked.flat().sort()).toEqual(['ent-a', 'ent-b']);
    const rows = await store.alarms.list({});
    expect(rows.map((a) => a.enterprise)).toEqual(['ent-a']);
    expect(m.writeStatus()).toMatchObject({ pending: 0, fenced: 1 });
    // the audit chain has the written change only
    expect((await store.audit.entries(0, 10)).map((e) => e.ref)).toEqual([rows[0].id]);
  });
});

