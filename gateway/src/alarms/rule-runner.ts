// Feeds durable frames (WAL order) to the rule engine and its Conditions to the alarm manager;
// drives time (offline, delays, shelve expiry) once a second; persists the engine's state so a
// restart neither re-fires open alarms nor forgets windows. On start, WAL entries newer than the
// saved state that are still in the WAL are fed again (the engine is idempotent per reading
// time for windows; open conditions come back from the saved state, not from a re-raise).
import type { Evaluator } from '../../../rules/src/types.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Frame } from '../model/types.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { StoredEntry, Wal } from '../wal/wal.ts';
import type { RuleStateFile } from './rule-state-file.ts';
import type { AlarmManager } from './alarm-manager.ts';

export interface RuleRunnerOptions {
  evaluator: Evaluator;
  alarms: AlarmManager;
  store: RecordStore;
  /** where the state is saved (dataDir); the records database's `rule_state` row is read when it has none */
  stateFile: RuleStateFile;
  wal: Wal;
  clock: Clock;
  log: Logger;
  /**
   * How often the engine state is saved (ms, `rules.stateSnapshotSeconds`, default 10 s). The
   * export runs in slices of at most `sliceMs` with the event loop free between them, so ingest
   * never waits on it; frames made durable meanwhile are held and fed right after (their alarms
   * come that much later). A crash loses at most this much windowed state that the WAL no longer
   * holds; counters recover from their absolute values.
   */
  snapshotMs?: number;
  /**
   * The longest the runner works in one turn of the event loop before yielding (default 8 ms):
   * evaluating durable frames (an alarm flood raises thousands in one WAL batch) and exporting
   * the state alike. Frames not yet evaluated wait in order, `backlog()` of them.
   */
  sliceMs?: number;
  /** past this many frames waiting, they are evaluated without yielding (ingest waits instead; counted) */
  maxBacklog?: number;
  /** each time the backlog passed maxBacklog */
  onBacklogFull?: () => void;
  /** after each save: the longest slice, the slices, the export's wall time and the JSON size */
  onSaved?: (s: { longestSliceMs: number; slices: number; exportMs: number; bytes: number }) => void;
  onError?: () => void;
  /** frames of other stages to see (WebSocket readings) */
  onFrame?: (frame: Frame) => void;
}

const STATE = 'rules';

export class RuleRunner {
  private seq = 0;
  private savedSeq = 0;
  /** event time of the last tick: a replay at full speed crosses hours of event time per wall second */
  private tickedAt = -Infinity;
  private eventTs = -Infinity;
  private timer?: NodeJS.Timeout;
  private saving?: Promise<void>;
  /** durable entries not yet evaluated, in WAL order (the first batch from `inboxAt`) */
  private readonly inbox: StoredEntry[][] = [];
  private inboxAt = 0;
  private waiting = 0;
  private draining = false;
  private drainScheduled = false;
  /** the state is being exported: nothing is evaluated until it is done */
  private exporting = false;
  private readonly onDurable = (entries: StoredEntry[]) => {
    if (entries.length === 0) return;
    this.inbox.push(entries);
    this.waiting += entries.length;
    this.drain();
  };
  private readonly drainLater = () => {
    this.drainScheduled = false;
    this.drain();
  };
  errors = 0;

  constructor(private readonly o: RuleRunnerOptions) {}

  async start(recovered: StoredEntry[]): Promise<void> {
    try {
      const saved = this.o.stateFile.load() ?? (await this.o.store.state.load(STATE));
      if (saved) {
        this.o.evaluator.importState(saved.state);
        this.seq = this.savedSeq = saved.seq;
      }
    } catch (err) {
      this.o.log.error({ err }, 'saved rule state unreadable: starting with empty windows');
    }
    const replay = recovered.filter((e) => e.seq > this.seq);
    if (replay.length) this.o.log.info({ from: replay[0].seq, entries: replay.length }, 'feeding WAL entries newer than the saved rule state');
    this.feed(replay);
    // once now, not a second from now: rules build their per-device lists before data arrives
    this.tick();
    this.o.wal.on('durable', this.onDurable);
    const every = this.o.snapshotMs ?? 10_000;
    let lastSave = this.o.clock.now();
    this.timer = setInterval(() => {
      this.tick();
      if (this.o.clock.now() - lastSave >= every) {
        lastSave = this.o.clock.now();
        void this.save();
      }
    }, 1000);
    this.timer.unref();
  }

  /** durable frames waiting to be evaluated */
  backlog(): number {
    return this.waiting;
  }

  /** Time-driven rules and shelve expiry, at the injected clock's now. */
  tick(): void {
    if (this.exporting) return; // the next tick after it catches up
    try {
      this.o.evaluator.tick(this.o.clock.now());
      this.o.alarms.tick();
    } catch (err) {
      this.errors++;
      this.o.onError?.();
      this.o.log.error({ err }, 'rule tick failed');
    }
  }

  /**
   * Evaluates waiting frames for up to `sliceMs`, then yields to the event loop and goes on at the
   * next turn: a flood of alarms in one WAL batch is spread over turns instead of stopping ingest
   * (issue 19). Past `maxBacklog` waiting frames it does not yield, so ingest waits for it.
   */
  private drain(): void {
    if (this.draining || this.exporting) return;
    this.draining = true;
    try {
      const full = this.waiting > (this.o.maxBacklog ?? 200_000);
      if (full) this.o.onBacklogFull?.();
      const until = full ? Infinity : performance.now() + (this.o.sliceMs ?? 8);
      const now = this.o.clock.now();
      let n = 0;
      while (this.inbox.length > 0) {
        const batch = this.inbox[0];
        this.feedOne(batch[this.inboxAt++], now);
        this.waiting--;
        if (this.inboxAt === batch.length) {
          this.inbox.shift();
          this.inboxAt = 0;
        }
        if ((++n & 15) === 0 && performance.now() >= until) break;
      }
    } finally {
      this.draining = false;
    }
    if (this.inbox.length > 0 && !this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drainLater);
    }
  }

  private feed(entries: StoredEntry[]): void {
    const now = this.o.clock.now();
    for (const e of entries) this.feedOne(e, now);
  }

  private feedOne(e: StoredEntry, now: number): void {
    // one bad frame or rule bug must not stop evaluation of the others (counted, logged)
    try {
      this.o.evaluator.ingest(e.frame, now);
      this.o.onFrame?.(e.frame);
      // time-driven rules (offline, delays) follow event time too, not only the 1 s wall timer:
      // a backfill or a fast replay moves event time far faster than the wall clock
      const ts = e.frame.type === 'readings' ? (e.frame.readings[0]?.ts ?? -Infinity) : e.frame.type === 'points' || e.frame.type === 'uplink' || e.frame.type === 'mirror' ? -Infinity : e.frame.ts;
      if (e.frame.type !== 'status' && ts > this.eventTs) this.eventTs = ts;
      if (this.eventTs - this.tickedAt >= 1000) {
        this.tickedAt = this.eventTs;
        this.o.evaluator.tick(now);
      }
    } catch (err) {
      this.errors++;
      this.o.onError?.();
      this.o.log.error({ err, seq: e.seq }, 'rule evaluation failed for a frame');
    }
    this.seq = e.seq;
  }

  async save(): Promise<void> {
    if (this.saving) return this.saving;
    if (this.seq === this.savedSeq) return;
    this.saving = this.exportAndSave()
      .catch((err: Error) => this.o.log.error({ err }, 'saving the rule state failed'))
      .finally(() => (this.saving = undefined));
    return this.saving;
  }

  private async exportAndSave(): Promise<void> {
    const seq = this.seq;
    const sliceMs = this.o.sliceMs ?? 8;
    const t0 = performance.now();
    let longest = 0;
    let slices = 1;
    let parts: string[];
    this.exporting = true;
    try {
      const steps = this.o.evaluator.exportSteps();
      let start = performance.now();
      for (let r = steps.next(); ; r = steps.next()) {
        if (r.done) {
          parts = r.value;
          break;
        }
        const ran = performance.now() - start;
        if (ran < sliceMs) continue;
        longest = Math.max(longest, ran);
        await new Promise<void>((resolve) => setImmediate(resolve));
        slices++;
        start = performance.now();
      }
      longest = Math.max(longest, performance.now() - start);
    } finally {
      this.exporting = false;
      this.drain();
    }
    const exportMs = performance.now() - t0;
    await this.o.stateFile.save(seq, parts);
    this.savedSeq = seq;
    this.o.onSaved?.({ longestSliceMs: longest, slices, exportMs, bytes: parts.reduce((n, p) => n + p.length, 0) });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.o.wal.off('durable', this.onDurable);
    await this.saving;
    // every frame made durable is evaluated before the last save
    while (this.inbox.length > 0) {
      this.feed(this.inbox.shift()!.slice(this.inboxAt));
      this.inboxAt = 0;
    }
    this.waiting = 0;
    await this.save();
  }
}
