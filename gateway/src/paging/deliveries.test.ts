// The delivery queues of notifications to persons (issue 15) on a real SQLite records file: a
// full queue drops the oldest (recorded, counted), a refusal is final at once, a retry cut short
// by a stop stays `retrying` and is delivered after the next start.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { createLogger } from '../log.ts';
import { openRecordStore, type RecordStore } from '../records/record-store.ts';
import type { PersonNotification } from '../records/notification-records.ts';
import type { Channel, SendOutcome } from './channels/channel.ts';
import { Deliveries } from './deliveries.ts';

const person = { id: 'wang', name: '王值班', phone: '13800000001' };
const note = (id: string): PersonNotification => ({ id, refKind: 'alarm', refId: 'al_1', enterprise: 'ent-a', policy: 'p', step: 0, person: 'wang', personName: '王值班', channel: 'sms', address: '13800000001', subject: id, status: 'queued', attempts: 0, queuedAt: 1, updatedAt: 1, deliveredAt: null, lastError: null });
const msg = (id: string) => ({ person, address: '13800000001', subject: id, text: id });

/** a channel answering from a script; `gate` holds the first send until released */
function channel(answers: SendOutcome[], gate?: Promise<void>): Channel & { sent: string[] } {
  const sent: string[] = [];
  return {
    name: 'sms',
    sent,
    address: (p) => p.phone,
    async send(m) {
      if (gate && sent.length === 0) await gate;
      sent.push(m.subject);
      return answers.shift() ?? { ok: true };
    },
  };
}

let store: RecordStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});
const open = async () => (store = await openRecordStore('sqlite', { dataDir: mkdtempSync(join(tmpdir(), 'hl-deliv-')), log: createLogger({ level: 'silent' }) }));
/** polls until `done` holds (no fixed sleeps: a loaded machine only takes longer) */
const until = async (done: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 500 && !(await done()); i++) await new Promise((r) => setTimeout(r, 10));
};
const statuses = async (s: RecordStore) => Object.fromEntries((await s.notifications.byRef('alarm', 'al_1')).map((n) => [n.id, [n.status, n.attempts, n.lastError]]));

describe('Deliveries', () => {
  it('a full queue drops the oldest waiting message, recorded and counted', async () => {
    const s = await open();
    let release!: () => void;
    const c = channel([], new Promise((r) => (release = r)));
    const outcomes: string[] = [];
    const d = new Deliveries({ channels: [c], store: s, clock: new ManualClock(5), log: createLogger({ level: 'silent' }), queueSize: 2, maxAttempts: 3, onOutcome: (_c, st) => outcomes.push(st) });
    for (const id of ['n1', 'n2', 'n3', 'n4']) await d.enqueue(note(id), msg(id));
    release();
    await until(async () => Object.values(await statuses(s)).every(([st]) => st !== 'queued'));
    await d.close(5000);
    // n1 was in flight; n2 waited and was dropped when n4 came
    expect(c.sent).toEqual(['n1', 'n3', 'n4']);
    expect(await statuses(s)).toEqual({ n1: ['delivered', 1, null], n2: ['dropped', 0, 'queue full'], n3: ['delivered', 1, null], n4: ['delivered', 1, null] });
    expect(outcomes.filter((o) => o === 'dropped')).toHaveLength(1);
  });

  it('a refusal is final at once; a retryable failure is retried up to maxAttempts', async () => {
    const s = await open();
    const c = channel([{ ok: false, retry: false, reason: 'http 400: bad number' }, { ok: false, retry: true, reason: 'http 503' }, { ok: false, retry: true, reason: 'http 503' }]);
    const d = new Deliveries({ channels: [c], store: s, clock: new ManualClock(5), log: createLogger({ level: 'silent' }), queueSize: 10, maxAttempts: 2, backoffMs: 1 });
    await d.enqueue(note('bad'), msg('bad'));
    await d.enqueue(note('busy'), msg('busy'));
    await until(async () => Object.values(await statuses(s)).every(([st]) => st === 'failed'));
    await d.close(1000);
    expect(await statuses(s)).toEqual({ bad: ['failed', 1, 'http 400: bad number'], busy: ['failed', 2, 'http 503'] });
  });

  it('stopped during a retry: it stays retrying in the records and is delivered after the next start', async () => {
    const s = await open();
    const c = channel([{ ok: false, retry: true, reason: 'timeout' }]);
    const d = new Deliveries({ channels: [c], store: s, clock: new ManualClock(5), log: createLogger({ level: 'silent' }), queueSize: 10, maxAttempts: 5, backoffMs: 60_000 });
    await d.enqueue(note('n1'), msg('n1'));
    await until(async () => (await statuses(s)).n1[0] === 'retrying');
    await d.close(1000);
    expect(await statuses(s)).toEqual({ n1: ['retrying', 1, 'timeout'] });
    const again = new Deliveries({ channels: [channel([])], store: s, clock: new ManualClock(9), log: createLogger({ level: 'silent' }), queueSize: 10, maxAttempts: 5 });
    for (const n of await s.notifications.unsettled()) again.resume(n, msg(n.id));
    await until(async () => (await statuses(s)).n1[0] === 'delivered');
    await again.close(5000);
    expect(await statuses(s)).toEqual({ n1: ['delivered', 2, null] });
  });
});
