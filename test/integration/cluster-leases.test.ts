// Partition leases in PostgreSQL (docs/cluster.md §4, records/cluster-records.ts) on the
// machine's server: one owner at a time, taken only when free or run out, and fenced by epoch —
// a former owner can neither renew, save its state over its successor's, nor free what was taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecordStore, type RecordStore } from '../../gateway/src/records/record-store.ts';
import { partitionStateName } from '../../gateway/src/records/lease-records.ts';
import { freshDatabase } from '../helpers/postgres.ts';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let store: RecordStore;
const dataDir = mkdtempSync(join(tmpdir(), 'hl-leases-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await freshDatabase('hl_leases');
  store = await openRecordStore(db.url, { dataDir });
  await store.leases.ensurePartitions(4);
  await store.leases.ensurePartitions(4); // idempotent
});

afterAll(async () => {
  await store?.close();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('partition leases (docs/cluster.md §4)', () => {
  it('one owner at a time: a held lease is not taken, a run-out one is, with a higher epoch', async () => {
    const cr = store.leases;
    const ci = store.cluster;
    const e1 = await cr.acquire(0, 'gw-a', 300);
    expect(e1).toBe(1);
    expect(await cr.acquire(0, 'gw-b', 300)).toBeUndefined();
    await sleep(400);
    const e2 = await cr.acquire(0, 'gw-b', 10_000);
    expect(e2).toBe(2);
    const p0 = (await cr.partitions())[0];
    expect(p0).toMatchObject({ partition: 0, owner: 'gw-b', epoch: 2 });
    expect(p0.expiresAt).toBeGreaterThan(await ci.now());
  });

  it('fenced: the former owner can neither renew, save its state, nor free the partition', async () => {
    const cr = store.leases;
    // gw-a still believes it holds partition 0 at epoch 1
    expect(await cr.renew('gw-a', [{ partition: 0, epoch: 1, seq: 99, lag: 0 }], 10_000)).toEqual([]);
    expect(await cr.saveState(0, 'gw-a', 1, 99, { stale: true })).toBe(false);
    await cr.release(0, 'gw-a', 1);
    expect((await cr.partitions())[0].owner).toBe('gw-b');
    // the holder renews with its progress and saves its state with the sequence
    expect(await cr.renew('gw-b', [{ partition: 0, epoch: 2, seq: 42, lag: 3 }], 10_000)).toEqual([0]);
    expect(await cr.saveState(0, 'gw-b', 2, 42, { v: 1, n: 42 })).toBe(true);
    expect(await store.state.load(partitionStateName(0))).toEqual({ seq: 42, state: { v: 1, n: 42 } });
    expect((await cr.partitions())[0]).toMatchObject({ seq: 42, lag: 3 });
  });

  it('a save after the lease ran out is refused even with the right epoch', async () => {
    const cr = store.leases;
    const e = (await cr.acquire(1, 'gw-c', 200))!;
    await sleep(300);
    expect(await cr.saveState(1, 'gw-c', e, 7, { v: 1 })).toBe(false);
    expect(await store.state.load(partitionStateName(1))).toBeUndefined();
  });

  it('held(): the leases still this owner\'s at that epoch and unexpired, for fencing a write in its transaction', async () => {
    const cr = store.leases;
    const e = (await cr.acquire(3, 'gw-a', 60_000))!;
    expect(await cr.held('gw-a', [{ partition: 3, epoch: e }])).toEqual(new Set([3]));
    expect(await cr.held('gw-a', [{ partition: 3, epoch: e - 1 }])).toEqual(new Set());
    expect(await cr.held('gw-b', [{ partition: 3, epoch: e }])).toEqual(new Set());
    expect(await cr.held('gw-a', [])).toEqual(new Set());
    // a takeover waits for a write holding the lease, then wins: the write is in before the new owner starts
    await cr.release(3, 'gw-a', e);
    const e2 = (await cr.acquire(3, 'gw-a', 200))!;
    await sleep(300);
    const order: string[] = [];
    await store.transaction(async (tx) => {
      expect(await tx.leases.held('gw-a', [{ partition: 3, epoch: e2 }])).toEqual(new Set()); // run out: refused
    });
    const e3 = (await cr.acquire(3, 'gw-a', 60_000))!;
    const writing = store.transaction(async (tx) => {
      expect(await tx.leases.held('gw-a', [{ partition: 3, epoch: e3 }])).toEqual(new Set([3]));
      await sleep(300);
      order.push('write committed');
    });
    await sleep(50);
    await cr.release(3, 'gw-a', e3).then(() => order.push('lease freed'));
    await writing;
    expect(order).toEqual(['write committed', 'lease freed']);
  });

  it('a hand-over frees the partition at once; heartbeats and a clean stop show who is alive', async () => {
    const cr = store.leases;
    const ci = store.cluster;
    const e = (await cr.acquire(2, 'gw-a', 60_000))!;
    await cr.release(2, 'gw-a', e);
    expect(await cr.acquire(2, 'gw-b', 60_000)).toBe(e + 1);
    const at = await ci.heartbeat('gw-a', 'http://a:8080', 1);
    await ci.heartbeat('gw-b', 'http://b:8080', 2);
    await ci.leave('gw-b');
    const inst = await ci.instances();
    expect(inst.map((i) => [i.id, i.http, i.heartbeatAt > 0])).toEqual([
      ['gw-a', 'http://a:8080', true],
      ['gw-b', 'http://b:8080', false],
    ]);
    expect(inst[0].heartbeatAt).toBe(at);
  });

  it("lastRuleChanges and recentActivations: what a new owner must not do again, and its escalation history", async () => {
    const alarm = (id: string, key: string, enterprise: string) => ({ id, key, enterprise });
    const base = { rule: 'gas.ch4', severity: 'yellow', state: 'cleared_unacked', active: false, site: 's1', zone: null, device: 'gas-1', metric: 'ch4', value: 1.2, peak: 1.2, threshold: 1, message: 'm', messageEn: 'm', count: 1, raisedAt: 1000, updatedAt: 5000, ackedAt: null, ackedBy: null, ackNote: null, clearedAt: 5000, closedAt: null, shelvedUntil: null, shelveReason: null, suppressedReason: null, dueBy: 9_999_999, retroactive: false, escalations: 0, hazardId: null, evidence: null, origin: null };
    await store.alarms.insert({ ...base, ...alarm('al-1', 'k1', 'ent-a') } as never);
    await store.alarms.insert({ ...base, ...alarm('al-2', 'k2', 'ent-b') } as never);
    const t = (alarmId: string, ts: number, action: string, actor = 'system') => store.alarms.addTransition({ alarmId, ts, action, fromState: null, toState: 'active_unacked', severity: 'yellow', actor, note: null, value: null } as never);
    await t('al-1', 1000, 'raise');
    await t('al-1', 5000, 'clear');
    await t('al-1', 9000, 'ack', '张三'); // an operator's action (wall time) is not a rule's
    await t('al-2', 2000, 'raise');
    expect(await store.cluster.lastRuleChanges(['ent-a'])).toEqual(new Map([['k1', 5000]]));
    expect(await store.cluster.lastRuleChanges(['ent-a', 'ent-b'])).toEqual(new Map([['k1', 5000], ['k2', 2000]]));
    expect(await store.cluster.lastRuleChanges([])).toEqual(new Map());
    // the escalation history of the adopted enterprises: raises and escalations only, since a time
    expect(await store.cluster.recentActivations(['ent-a', 'ent-b'], 0, 10)).toEqual([
      { key: 'k1', ts: 1000, severity: 'yellow' },
      { key: 'k2', ts: 2000, severity: 'yellow' },
    ]);
    expect(await store.cluster.recentActivations(['ent-a'], 1500, 10)).toEqual([]);
  });
});
