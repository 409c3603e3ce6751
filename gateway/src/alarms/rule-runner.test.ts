// The rule runner's saves (issue 19): the state is exported in slices with the event loop free
// between them, frames made durable meanwhile are held and fed after it in order, and the file
// names the WAL position the state covers; the records database's old row is read when there is
// no file.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Evaluator } from '../../../rules/src/types.ts';
import { ManualClock } from '../clock.ts';
import { createLogger } from '../log.ts';
import type { Frame } from '../model/types.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { StoredEntry, Wal } from '../wal/wal.ts';
import type { AlarmManager } from './alarm-manager.ts';
import { RuleRunner } from './rule-runner.ts';
import { RULE_STATE_FILE, RuleStateFile } from './rule-state-file.ts';

const entry = (seq: number): StoredEntry => ({ seq, at: 0, frame: { type: 'status', enterprise: 'e', site: 's', device: `d${seq}`, online: true, ts: 0 } as Frame }) as StoredEntry;

/** an evaluator that counts what it was fed; its export takes `steps` steps of ~`stepMs` each */
function fakeEvaluator(steps: number, stepMs: number, ingestMs = 0) {
  const fed: number[] = [];
  let imported: unknown;
  const ev = {
    rules: [],
    ingest: (f: Frame) => {
      const until = performance.now() + ingestMs;
      while (performance.now() < until); // work
      fed.push(Number((f as { device: string }).device.slice(1)));
    },
    tick: () => {},
    declare: () => {},
    onCondition: () => {},
    exportState: () => ({ fed: [...fed] }),
    *exportSteps() {
      const snapshot = JSON.stringify({ fed: [...fed] });
      for (let i = 0; i < steps; i++) {
        const until = performance.now() + stepMs;
        while (performance.now() < until); // work
        yield;
      }
      return [snapshot.slice(0, 3), snapshot.slice(3)];
    },
    importState: (s: unknown) => void (imported = s),
  } satisfies Evaluator;
  return { ev, fed, imported: () => imported };
}

type Saved = { slices: number; longestSliceMs: number };

function runner(dir: string, ev: Evaluator, legacy?: { seq: number; state: unknown }, onSaved?: (s: Saved) => void) {
  const wal = new EventEmitter() as unknown as Wal;
  const store = { state: { load: async () => legacy } } as unknown as RecordStore;
  const r = new RuleRunner({ evaluator: ev, alarms: { tick: () => {} } as unknown as AlarmManager, store, stateFile: new RuleStateFile(dir), wal, clock: new ManualClock(0), log: createLogger({ level: 'silent' }), snapshotMs: 3_600_000, sliceMs: 4, onSaved });
  return { r, wal: wal as unknown as EventEmitter };
}

describe('RuleRunner saves', () => {
  it('exports in slices, holds frames made durable meanwhile and feeds them after, in order; the file names the seq before them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-rr-'));
    const f = fakeEvaluator(20, 2);
    const saved: Saved[] = [];
    const { r, wal } = runner(dir, f.ev, undefined, (s) => saved.push(s));
    await r.start([entry(1), entry(2)]);
    const saving = r.save();
    // the event loop runs while the export is under way: frames arrive and are held
    await new Promise((resolve) => setImmediate(resolve));
    wal.emit('durable', [entry(3)]);
    wal.emit('durable', [entry(4), entry(5)]);
    expect(f.fed).toEqual([1, 2]);
    await saving;
    expect(f.fed).toEqual([1, 2, 3, 4, 5]);
    expect(saved[0].slices).toBeGreaterThan(3);
    const file = JSON.parse(readFileSync(join(dir, RULE_STATE_FILE), 'utf8'));
    expect(file).toEqual({ seq: 2, state: { fed: [1, 2] } });
    // after the export, frames go straight in again
    wal.emit('durable', [entry(6)]);
    expect(f.fed).toEqual([1, 2, 3, 4, 5, 6]);
    await r.stop();
    expect(JSON.parse(readFileSync(join(dir, RULE_STATE_FILE), 'utf8')).seq).toBe(6);
    // a new runner loads it and feeds only what the WAL holds after it
    const g = fakeEvaluator(1, 0);
    const next = runner(dir, g.ev).r;
    await next.start([entry(5), entry(6), entry(7)]);
    expect(g.imported()).toEqual({ fed: [1, 2, 3, 4, 5, 6] });
    expect(g.fed).toEqual([7]);
    await next.stop();
  });

  it('spreads a flood over turns of the event loop: a slice of work, then the rest at the next turns, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-rr-'));
    const f = fakeEvaluator(1, 0, 0.5);
    const { r, wal } = runner(dir, f.ev);
    await r.start([]);
    const flood = Array.from({ length: 200 }, (_, i) => entry(i + 1));
    wal.emit('durable', flood);
    // the first slice (4 ms, checked every 16 frames) took some, the rest waits
    expect(f.fed.length).toBeGreaterThan(0);
    expect(f.fed.length).toBeLessThan(200);
    expect(r.backlog()).toBe(200 - f.fed.length);
    wal.emit('durable', [entry(201)]);
    let turns = 0;
    while (r.backlog() > 0 && turns < 1000) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
    expect(turns).toBeGreaterThan(2);
    expect(f.fed).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
    await r.stop();
  });

  it('evaluates what is still waiting before the save at stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-rr-'));
    const f = fakeEvaluator(1, 0, 0.5);
    const { r, wal } = runner(dir, f.ev);
    await r.start([]);
    wal.emit('durable', Array.from({ length: 100 }, (_, i) => entry(i + 1)));
    expect(r.backlog()).toBeGreaterThan(0);
    await r.stop();
    expect(f.fed.length).toBe(100);
    expect(JSON.parse(readFileSync(join(dir, RULE_STATE_FILE), 'utf8')).seq).toBe(100);
  });

  it('reads the records database row of earlier versions when no file exists, and writes the file from then on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-rr-'));
    const f = fakeEvaluator(1, 0);
    const { r } = runner(dir, f.ev, { seq: 10, state: { fed: ['old'] } });
    await r.start([entry(10), entry(11)]);
    expect(f.imported()).toEqual({ fed: ['old'] });
    expect(f.fed).toEqual([11]);
    expect(existsSync(join(dir, RULE_STATE_FILE))).toBe(false);
    await r.stop();
    expect(JSON.parse(readFileSync(join(dir, RULE_STATE_FILE), 'utf8')).seq).toBe(11);
  });
});
