// The edge's forward queue (issue 7, docs/uplink.md): two ordered lanes on disk, acknowledged
// rows deleted, sequence numbers that never go back, and the overflow policy — oldest bulk rows
// dropped first with a loss notice in the priority lane, priority rows never dropped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ForwardQueue } from './forward-queue.ts';

const dirs: string[] = [];
function queue(maxBytes = 1_000_000, now = () => 1000) {
  const dir = mkdtempSync(join(tmpdir(), 'hl-fq-'));
  dirs.push(dir);
  const file = join(dir, 'queue.db');
  const q = new ForwardQueue({ file, maxBytes, now });
  q.open();
  return { q, file };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const item = (i: number, pad = 0) => JSON.stringify({ i, pad: 'x'.repeat(pad) });
const items = (rows: { body: string }[]) => rows.flatMap((r) => JSON.parse(r.body) as { i?: number; k?: string }[]);

describe('ForwardQueue', () => {
  it('keeps each lane in order across a reopen; ack deletes up to a seq; seqs never go back', () => {
    const { q, file } = queue();
    q.enqueue('b', [{ items: [item(1), item(2)], readings: 2 }, { items: [item(3)], readings: 1 }], 17);
    q.enqueue('p', [{ items: [item(100)], readings: 0 }]);
    q.close();
    const r = new ForwardQueue({ file, maxBytes: 1_000_000 });
    r.open();
    expect(r.walSeq()).toBe(17);
    expect(r.stats().b).toMatchObject({ rows: 2, readings: 3, nextSeq: 3, oldestAt: 1000 });
    expect(r.peek('b', 0, 10).map((x) => x.seq)).toEqual([1, 2]);
    expect(items(r.peek('b', 0, 10)).map((x) => x.i)).toEqual([1, 2, 3]);
    expect(r.peek('b', 1, 10).map((x) => x.seq)).toEqual([2]);
    // readings cap: at least one row, then only what fits
    expect(r.peek('b', 0, 10, 2).map((x) => x.seq)).toEqual([1]);
    expect(r.peek('b', 0, 10, 1).map((x) => x.seq)).toEqual([1]);
    r.ack('b', 2);
    expect(r.stats().b).toMatchObject({ rows: 0, readings: 0, bytes: 0, oldestAt: null });
    r.close();
    const again = new ForwardQueue({ file, maxBytes: 1_000_000 });
    again.open();
    again.enqueue('b', [{ items: [item(4)], readings: 1 }]);
    expect(again.peek('b', 0, 10).map((x) => x.seq)).toEqual([3]);
    expect(again.stats().p.rows).toBe(1);
    again.close();
  });

  it('full: the oldest bulk rows go first, with a loss notice in the priority lane; priority rows are never dropped', () => {
    const { q } = queue(2000);
    for (let i = 1; i <= 8; i++) q.enqueue('b', [{ items: [item(i, 180)], readings: 10 }]);
    q.enqueue('p', [{ items: [item(1000, 180)], readings: 0 }]);
    expect(q.bytes()).toBeLessThanOrEqual(2000);
    const dropped = q.enqueue('b', [{ items: [item(9, 400)], readings: 10 }]);
    expect(dropped).toMatchObject({ from: 1, rows: expect.any(Number) });
    expect(dropped!.readings).toBe(dropped!.rows * 10);
    expect(q.bytes()).toBeLessThanOrEqual(2000 + 100); // the notice itself may pass the bound
    const bulk = q.peek('b', 0, 100);
    expect(bulk[0].seq).toBe(dropped!.to + 1);
    expect(items(bulk).at(-1)!.i).toBe(9);
    const pri = items(q.peek('p', 0, 100));
    expect(pri[0].i).toBe(1000);
    expect(pri[1]).toMatchObject({ k: 'dropped', lane: 'b', from: 1, to: dropped!.to, readings: dropped!.readings });
    expect(q.droppedReadings).toBe(dropped!.readings);
    // priority traffic pushes the remaining bulk rows out, then stays past the bound: never dropped
    for (let i = 0; i < 20; i++) q.enqueue('p', [{ items: [item(2000 + i, 180)], readings: 0 }]);
    expect(q.stats().b.rows).toBe(0);
    const all = items(q.peek('p', 0, 1000));
    expect(all.filter((x) => x.k !== 'dropped').map((x) => x.i)).toEqual([1000, ...Array.from({ length: 20 }, (_, i) => 2000 + i)]);
    expect(all.filter((x) => x.k === 'dropped').reduce((n, x) => n + (x as { readings: number }).readings, 0)).toBe(90);
    expect(q.droppedReadings).toBe(90);
    expect(q.bytes()).toBeGreaterThan(2000);
  });
});
