import { describe, expect, it } from 'vitest';
import { Backoff, WakeableSleep } from './backoff.ts';

describe('Backoff', () => {
  it('doubles from the first delay up to the largest, and starts over after reset()', () => {
    const b = new Backoff({ initialMs: 200, maxMs: 10_000 });
    expect(Array.from({ length: 8 }, () => b.next())).toEqual([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
    expect(b.attempts).toBe(8);
    b.reset();
    expect(b.peek()).toBe(200);
    expect(b.next()).toBe(200);
  });

  it('never overflows however long it fails', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 30_000 });
    for (let i = 0; i < 10_000; i++) expect(b.next()).toBeLessThanOrEqual(30_000);
    expect(b.next()).toBe(30_000);
  });

  it('equal jitter keeps each delay within [d/2, d]', () => {
    expect(new Backoff({ initialMs: 500, maxMs: 30_000, jitter: true, random: () => 0 }).next()).toBe(250);
    expect(new Backoff({ initialMs: 500, maxMs: 30_000, jitter: true, random: () => 0.999999 }).next()).toBeCloseTo(500, 2);
    const b = new Backoff({ initialMs: 500, maxMs: 4000, jitter: true });
    for (let i = 0; i < 100; i++) {
      const d = b.peek();
      const got = b.next();
      expect(got).toBeGreaterThanOrEqual(d / 2);
      expect(got).toBeLessThanOrEqual(d);
    }
  });
});

describe('WakeableSleep', () => {
  it('ends after its time, or at once when woken', async () => {
    const s = new WakeableSleep();
    let done = false;
    const p = s.sleep(60_000).then(() => (done = true));
    expect(s.sleeping).toBe(true);
    await Promise.resolve();
    expect(done).toBe(false);
    s.wake();
    await p;
    expect(done).toBe(true);
    expect(s.sleeping).toBe(false);
    await s.sleep(1);
    s.wake(); // nothing to wake: no error
  });
});

describe('WakeableSleep, one sleeper at a time', () => {
  it('a new sleep ends the one before; the old timer never clears the new waker', async () => {
    const s = new WakeableSleep();
    let first = false;
    const a = s.sleep(5).then(() => (first = true));
    const b = s.sleep(60_000);
    await a;
    expect(first).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.sleeping).toBe(true);
    s.wake();
    await b;
    expect(s.sleeping).toBe(false);
  });
});
