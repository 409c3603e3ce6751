// The priority lane's items (docs/uplink.md §11.6): an edge's alarm and hazard records, its open
// alarms when it started (`sync`) and its loss notices (`dropped`). Read and checked where the
// edge's batch arrives (`readPriorityRow`); mirrored into the alarm manager and the hazard service
// where the enterprise's alarms live (`applyPriority`): the central itself, or in cluster mode the
// owner of the enterprise's partition, from the stream (docs/cluster.md §10).
import { MirrorRefused, type OriginRev } from '../alarms/alarm-mirror.ts';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Alarm, AlarmTransition } from '../alarms/types.ts';
import type { HazardService } from '../hazards/hazard-service.ts';
import type { Hazard, HazardHistoryEntry } from '../hazards/types.ts';
import type { MirrorFrame } from '../model/types.ts';

export type PriorityItem =
  | { k: 'alarm'; alarm: Alarm; transition: AlarmTransition }
  | { k: 'hazard'; hazard: Hazard; entry?: HazardHistoryEntry | null }
  /** `scope`: the enterprises the list speaks for (cluster mode: one partition's share of the edge's) */
  | { k: 'sync'; alarms: Alarm[]; at: number; scope?: string[] };

export interface LossNotice {
  from: number;
  to: number;
  readings?: number;
}

type Subject = { enterprise?: unknown; site?: string | null };

/**
 * One priority row's items: those to mirror, in order, and the loss notices. An item for an
 * enterprise (or site) the edge may not forward, or of an unknown kind, is passed to `refuse`.
 */
export function readPriorityRow(items: unknown[], allowed: (enterprise: string, site: string | null) => boolean, refuse: (why: 'acl_denied' | 'invalid_payload', message: string, item: unknown) => void, now: number): { items: PriorityItem[]; dropped: LossNotice[] } {
  const out: PriorityItem[] = [];
  const dropped: LossNotice[] = [];
  for (const raw of items) {
    const item = raw as { k?: string; alarm?: Alarm; transition?: AlarmTransition; hazard?: Hazard; entry?: HazardHistoryEntry; alarms?: Alarm[]; from?: number; to?: number; readings?: number; at?: number };
    const ok = (x: Subject | undefined) => {
      const yes = typeof x?.enterprise === 'string' && allowed(x.enterprise, x.site ?? null);
      if (!yes) refuse('acl_denied', `the edge may not forward records of ${String(x?.enterprise)}`, item);
      return yes;
    };
    if (item.k === 'alarm' && item.alarm && item.transition) {
      if (ok(item.alarm)) out.push({ k: 'alarm', alarm: item.alarm, transition: item.transition });
    } else if (item.k === 'hazard' && item.hazard) {
      if (ok(item.hazard)) out.push({ k: 'hazard', hazard: item.hazard, entry: item.entry ?? null });
    } else if (item.k === 'sync' && Array.isArray(item.alarms)) {
      out.push({ k: 'sync', alarms: item.alarms.filter(ok), at: typeof item.at === 'number' ? item.at : now });
    } else if (item.k === 'dropped' && Number.isSafeInteger(item.from) && Number.isSafeInteger(item.to)) {
      dropped.push({ from: item.from!, to: item.to!, readings: item.readings });
    } else {
      refuse('invalid_payload', `unknown priority item ${String(item.k)}`, item);
    }
  }
  return { items: out, dropped };
}

/**
 * Mirrors the items of one row, in order. A record the edge may not change (another enterprise's
 * alarm id or key) is passed to `refused`, the rest applied; any other failure throws (nothing is
 * acknowledged, the row comes again, and what was applied is skipped by its `rev`).
 */
export async function applyPriority(edge: string, items: readonly PriorityItem[], rev: OriginRev, to: { alarms?: AlarmManager; hazards?: HazardService }, refused: (message: string, item: PriorityItem) => void): Promise<void> {
  for (const item of items) {
    try {
      if (item.k === 'alarm') await to.alarms?.mirror(edge, item.alarm, item.transition, rev);
      else if (item.k === 'hazard') await to.hazards?.mirror(edge, item.hazard, item.entry ?? null, rev);
      else await to.alarms?.syncFromEdge(edge, item.alarms, item.at, rev, item.scope && new Set(item.scope));
    } catch (err) {
      if (!(err instanceof MirrorRefused)) throw err;
      refused(err.message, item);
    }
  }
}

/** Cluster mode: one row's records for one partition, as its owner reads them from the stream; then written. */
export async function mirrorFrame(f: MirrorFrame, to: { alarms: AlarmManager; hazards: HazardService }, refused: (message: string) => void): Promise<void> {
  await applyPriority(f.edge, f.items as PriorityItem[], { epoch: f.epoch, seq: f.seq }, to, refused);
  await to.alarms.flush();
}
