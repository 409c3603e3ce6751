import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { Metrics } from '../metrics/metrics.ts';
import type { Frame } from '../model/types.ts';
import { Wal, type WalOptions } from './wal.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function makeWal(dir?: string, over: Partial<WalOptions> = {}) {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'hl-wal-'));
  if (!dir) dirs.push(d);
  const metrics = new Metrics();
  const wal = new Wal({ dir: d, maxBytes: 64 * 1024 * 1024, segmentBytes: 1024 * 1024, fsync: false, overflow: 'reject-new', log: createLogger({ level: 'silent' }), metrics, ...over });
  return { wal, dir: d, metrics };
}

const frame = (i: number, n = 1): Frame => ({
  type: 'readings',
  transport: 'mqtt',
  readings: Array.from({ length: n }, (_, k) => ({ ts: i * 1000 + k, enterprise: 'e', site: 's', device: 'd', kind: 'gas' as const, metric: 'lel', value: i, quality: 'good' as const })),
});

const seqs = (w: Wal) => w.read(1e9).map((e) => e.seq);

describe('WAL (CONTRACT §5)', () => {
  it('assigns increasing seqs, keeps entries until committed', async () => {
    const { wal } = makeWal();
    await wal.open();
    await Promise.all([wal.append([frame(1)]), wal.append([frame(2), frame(3)])]);
    expect(seqs(wal)).toEqual([1, 2, 3]);
    expect(wal.depth()).toBe(3);
    wal.commit(2);
    expect(seqs(wal)).toEqual([3]);
    expect(wal.depth()).toBe(1);
    await wal.close();
  });

  it('after a restart replays exactly the entries after the checkpoint', async () => {
    const { wal, dir } = makeWal();
    await wal.open();
    for (let i = 1; i <= 10; i++) await wal.append([frame(i)]);
    wal.commit(4);
    await wal.close();
    const again = makeWal(dir).wal;
    await again.open();
    expect(seqs(again)).toEqual([5, 6, 7, 8, 9, 10]);
    await again.append([frame(11)]);
    expect(seqs(again)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    await again.close();
  });

  it('round-trips every frame type through the line codec', async () => {
    const { wal, dir } = makeWal();
    await wal.open();
    const frames: Frame[] = [
      { type: 'readings', transport: 'opcua', readings: [
        { ts: 1, enterprise: 'e', site: 's', device: 'a', zone: 'z', kind: 'gas', metric: 'lel', value: 1.5, quality: 'good' },
        { ts: 1, enterprise: 'e', site: 's', device: 'a', zone: 'z', kind: 'gas', metric: 'co', value: null, quality: 'bad' },
        { ts: 2, enterprise: 'e', site: 's', device: 'b', kind: 'belt', metric: 'tph', value: 3, quality: 'uncertain' },
      ] },
      { type: 'position', transport: 'mqtt', ts: 3, enterprise: 'e', site: 's', device: 'u', tags: [{ tag: 'P1', zone: 'z' }, { tag: 'P2', zone: null }] },
      { type: 'event', transport: 'mqtt', ts: 4, enterprise: 'e', site: 's', device: 'b', eventType: 'belt_tear', detail: { at: 12 } },
      { type: 'status', transport: 'sparkplug', ts: 5, enterprise: 'e', site: 's', device: 'a', online: false, reason: 'x' },
    ];
    await wal.append(frames);
    await wal.close();
    const again = makeWal(dir).wal;
    await again.open();
    expect(again.read(1e9).map((e) => e.frame)).toEqual(frames);
    await again.close();
  });

  it('truncates a torn last line left by a crash (kill -9 mid-write)', async () => {
    const { wal, dir } = makeWal();
    await wal.open();
    await wal.append([frame(1), frame(2)]);
    await wal.close();
    const last = readdirSync(dir).filter((f) => f.endsWith('.wal')).sort().at(-1)!;
    appendFileSync(join(dir, last), '{"seq":3,"at":1,"frame":{"type":"rea');
    const again = makeWal(dir).wal;
    await again.open();
    expect(seqs(again)).toEqual([1, 2]);
    await again.append([frame(3)]);
    await again.close();
    const third = makeWal(dir).wal;
    await third.open();
    expect(seqs(third)).toEqual([1, 2, 3]);
    await third.close();
  });

  it('a corrupt line in the middle of a segment loses only that line, not the ones after it', async () => {
    const { wal, dir } = makeWal();
    await wal.open();
    await wal.append([frame(1), frame(2), frame(3)]);
    await wal.close();
    const file = join(dir, readdirSync(dir).filter((f) => f.endsWith('.wal')).sort().at(-1)!);
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [lines[0], '{"seq":99,"garbage', ...lines.slice(1)].join('\n'));
    const again = makeWal(dir).wal;
    await again.open();
    expect(seqs(again)).toEqual([1, 2, 3]);
    await again.close();
  });

  it('a segment rolled while a write is in flight never shares its file with the next one (no acked entry lost)', async () => {
    const { wal, dir } = makeWal(undefined, { segmentBytes: 64 * 1024 });
    await wal.open();
    const a = wal.append([frame(1, 10_000)]); // larger than a segment: rolls after it is written
    await new Promise((r) => setImmediate(r)); // A's write is in flight
    const b = wal.append([frame(2)]); // seq 2 is assigned before the roll, written into the new segment
    await Promise.all([a, b]);
    await wal.close();
    const w2 = makeWal(dir, { segmentBytes: 64 * 1024 }).wal;
    await w2.open();
    expect(seqs(w2)).toEqual([1, 2]);
    await w2.append([frame(3)]);
    w2.commit(2); // deletes the drained segments, never the one being written
    await w2.append([frame(4)]);
    await w2.close();
    const w3 = makeWal(dir, { segmentBytes: 64 * 1024 }).wal;
    await w3.open();
    expect(seqs(w3)).toEqual([3, 4]);
    await w3.close();
  });

  it('rolls segments and deletes the drained ones', async () => {
    const { wal, dir } = makeWal(undefined, { segmentBytes: 64 * 1024, maxBytes: 64 * 1024 * 1024 });
    await wal.open();
    for (let i = 1; i <= 1000; i++) await wal.append([frame(i, 10)]);
    const before = readdirSync(dir).filter((f) => f.endsWith('.wal')).length;
    expect(before).toBeGreaterThan(3);
    wal.commit(1000);
    expect(readdirSync(dir).filter((f) => f.endsWith('.wal')).length).toBe(1);
    expect(wal.depth()).toBe(0);
    await wal.close();
  });

  it('spills to disk past its memory budget and still drains every entry in order', async () => {
    const { wal } = makeWal(undefined, { memReadings: 50 });
    await wal.open();
    for (let i = 1; i <= 200; i++) await wal.append([frame(i)]);
    const seen: number[] = [];
    for (;;) {
      const batch = wal.read(30);
      if (batch.length === 0) break;
      seen.push(...batch.map((e) => e.seq));
      wal.commit(batch.at(-1)!.seq);
    }
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    await wal.close();
  });

  it('overflow reject-new: refuses new frames with wal_full, counted; nothing already durable is lost', async () => {
    const { wal, metrics } = makeWal(undefined, { segmentBytes: 64 * 1024, maxBytes: 256 * 1024 });
    await wal.open();
    let accepted = 0;
    let refused = 0;
    for (let i = 1; i <= 2000; i++) {
      try {
        await wal.append([frame(i, 5)]);
        accepted++;
      } catch (err) {
        expect((err as { reason: string }).reason).toBe('wal_full');
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(wal.bytes()).toBeLessThanOrEqual(256 * 1024);
    expect(seqs(wal)).toHaveLength(accepted);
    expect((await metrics.walOverflow.get()).values.find((v) => v.labels.policy === 'reject-new')?.value).toBe(refused);
    await wal.close();
  });

  it('overflow drop-oldest: keeps accepting, drops the oldest segment, counts what it dropped', async () => {
    const { wal, metrics } = makeWal(undefined, { segmentBytes: 64 * 1024, maxBytes: 256 * 1024, overflow: 'drop-oldest' });
    await wal.open();
    for (let i = 1; i <= 2000; i++) await wal.append([frame(i, 5)]);
    expect(wal.bytes()).toBeLessThanOrEqual(256 * 1024);
    const kept = seqs(wal);
    expect(kept.at(-1)).toBe(2000);
    const dropped = (await metrics.walOverflow.get()).values.find((v) => v.labels.policy === 'drop-oldest')?.value ?? 0;
    expect(dropped + kept.length).toBe(2000);
    expect(kept[0]).toBe(dropped + 1);
    await wal.close();
  });

  it('retain keeps confirmed segments on disk (also across a restart) and scan reads every entry still there', async () => {
    let keepAfter = 0;
    const opts = { segmentBytes: 64 * 1024, retain: (lastSeq: number) => lastSeq > keepAfter };
    const { wal, dir } = makeWal(undefined, opts);
    await wal.open();
    // several segments of uplink marks and readings
    for (let i = 1; i <= 400; i++) await wal.append([frame(i, 20), { type: 'uplink', edge: 'e1', lane: 'b', from: i, seq: i, epoch: 7 }]);
    const files = () => readdirSync(dir).filter((f) => f.endsWith('.wal')).length;
    const before = files();
    expect(before).toBeGreaterThan(3);
    wal.commit(800); // the store confirmed everything
    expect(files()).toBe(before); // but nothing is covered elsewhere yet: all kept
    const marks = [...wal.scan()].filter((e) => e.frame.type === 'uplink').map((e) => (e.frame as { seq: number }).seq);
    expect(marks).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(seqs(wal)).toEqual([]); // read() still starts at the checkpoint
    await wal.close();
    const again = makeWal(dir, opts).wal;
    await again.open();
    expect(files()).toBe(before + 1); // and a fresh segment to write to
    expect([...again.scan()].length).toBe(800);
    keepAfter = 600; // covered up to 600: segments ending at or before it may go
    again.commit(800);
    expect(files()).toBeLessThan(before);
    const left = [...again.scan()].map((e) => e.seq);
    expect(left[0]).toBeGreaterThan(1);
    expect(left.at(-1)).toBe(800);
    await again.close();
  });
});
