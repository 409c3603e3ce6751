// Central mode (docs/uplink.md §11.5): an edge's rows made durable here. The records of a
// priority batch are mirrored into the records database first; then the batch's device frames go
// into the WAL in one append, with a mark of the rows (so that after a crash the central still
// knows which rows it has). A bulk batch is appended at once, in the edge's order, and shares the
// WAL's group commit with the batch before it.
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { HazardService } from '../hazards/hazard-service.ts';
import type { Frame } from '../model/types.ts';
import type { Wal } from '../wal/wal.ts';
import { applyPriority } from './priority-items.ts';
import type { CommitFn } from './uplink-receiver.ts';

/** a priority batch that cannot be mirrored in this time is not acknowledged (the records database hangs) */
const MIRROR_TIMEOUT_MS = 30_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)))]).finally(() => clearTimeout(timer));
}

export function centralCommit(wal: Wal, alarms: () => AlarmManager | undefined, hazards: () => HazardService | undefined): CommitFn {
  return (b, refused) => {
    const frames: Frame[] = b.rows.flatMap((r) => r.frames);
    frames.push({ type: 'uplink', edge: b.edge, lane: b.lane, from: b.from, seq: b.to, epoch: b.epoch });
    if (!b.rows.some((r) => r.items.length)) {
      try {
        return wal.append(frames);
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    return (async () => {
      const am = alarms();
      const problems = am?.writeProblems() ?? 0;
      await withTimeout(
        (async () => {
          for (const r of b.rows) await applyPriority(b.edge, r.items, { epoch: b.epoch, seq: r.seq }, { alarms: am, hazards: hazards() }, refused);
          await am?.flush();
        })(),
        MIRROR_TIMEOUT_MS,
        'mirroring into the records database timed out',
      );
      // the records database did not take every mirrored change: acknowledge nothing, the edge resends
      if ((am?.writeProblems() ?? 0) !== problems) throw new Error('the records database did not take the mirrored alarms');
      await wal.append(frames);
    })();
  };
}
