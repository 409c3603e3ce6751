// Tag presence per enterprise from position frames (CONTRACT §3.2): a frame lists the tags a
// positioning device sees now; `zone: null` = outside every zone; a tag not reported for
// `tagTtlSeconds` (default 60) leaves its zone. Zone occupancy = distinct tags in the zone.
// A tag's presence starts when it is first seen in a zone and lasts while it stays in zones
// (DOMAIN.md §3 overtime).
import type { PositionTag } from '../../gateway/src/model/types.ts';
import type { PresenceTag } from './kind.ts';

export class Presence {
  readonly tags = new Map<string, PresenceTag>();
  /** `site/zone` → count */
  private readonly counts = new Map<string, number>();
  /** the counts last reported through `changes()` */
  private readonly reported = new Map<string, number>();
  /** latest position frame time per device: older frames are late snapshots */
  readonly lastFrame = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  /** Applies a snapshot at ts; false when it is late (older than the device's latest). */
  apply(site: string, device: string, ts: number, list: PositionTag[]): boolean {
    const k = `${site}/${device}`;
    if (ts < (this.lastFrame.get(k) ?? -Infinity)) return false;
    this.lastFrame.set(k, ts);
    for (const p of list) {
      const t = this.tags.get(p.tag);
      if (!t) {
        this.tags.set(p.tag, { tag: p.tag, zone: p.zone, site, device, lastSeen: ts, since: p.zone === null ? NaN : ts });
        continue;
      }
      if (ts < t.lastSeen) continue;
      const wasIn = t.zone !== null && ts - t.lastSeen <= this.ttlMs;
      t.zone = p.zone;
      t.site = site;
      t.device = device;
      if (p.zone === null) t.since = NaN;
      else if (!wasIn || t.since !== t.since) t.since = ts;
      t.lastSeen = ts;
    }
    this.expire(ts);
    return true;
  }

  /** Drops tags not reported for the TTL at event time ts; true when anything left. */
  expire(ts: number): boolean {
    let changed = false;
    for (const [id, t] of this.tags) {
      if (ts - t.lastSeen > this.ttlMs) {
        this.tags.delete(id);
        changed = true;
      }
    }
    this.recount();
    return changed;
  }

  private recount(): void {
    this.counts.clear();
    for (const t of this.tags.values()) {
      if (t.zone === null) continue;
      const k = `${t.site}/${t.zone}`;
      this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    }
  }

  /** Zones whose head-count changed since the last call (a zone that emptied reports 0). */
  changes(): { site: string; zone: string; persons: number }[] {
    const out: { site: string; zone: string; persons: number }[] = [];
    for (const [k, n] of this.counts) if (this.reported.get(k) !== n) out.push(split(k, n));
    for (const k of this.reported.keys()) if (!this.counts.has(k)) out.push(split(k, 0));
    for (const c of out) {
      if (c.persons === 0) this.reported.delete(`${c.site}/${c.zone}`);
      else this.reported.set(`${c.site}/${c.zone}`, c.persons);
    }
    return out;
  }

  count(site: string, zone: string): number {
    return this.counts.get(`${site}/${zone}`) ?? 0;
  }

  save(): unknown {
    return { tags: [...this.tags.values()], frames: [...this.lastFrame] };
  }

  load(s: any): void {
    this.tags.clear();
    for (const t of s?.tags ?? []) this.tags.set(t.tag, { ...t, since: t.since ?? NaN });
    this.lastFrame.clear();
    for (const [k, v] of s?.frames ?? []) this.lastFrame.set(k, v);
    this.recount();
  }
}

function split(key: string, persons: number): { site: string; zone: string; persons: number } {
  const i = key.indexOf('/');
  return { site: key.slice(0, i), zone: key.slice(i + 1), persons };
}
