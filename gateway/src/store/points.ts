// WAL entries → telemetry points (CONTRACT §5): measurement = device kind, tags
// enterprise/site/zone/device, one field per metric, ms timestamps.
import { bareObject } from '../model/dict.ts';
import type { Point, WalEntry } from '../model/types.ts';

export function entriesToPoints(entries: WalEntry[]): Point[] {
  const byKey = new Map<string, Point>();
  const derived: Point[] = [];
  for (const { frame } of entries) {
    if (frame.type === 'points') {
      derived.push(...frame.points);
      continue;
    }
    if (frame.type !== 'readings') continue; // positions, events and status feed the rules, not the store
    for (const r of frame.readings) {
      const key = `${r.kind}\u0000${r.enterprise}\u0000${r.site}\u0000${r.zone ?? ''}\u0000${r.device}\u0000${r.ts}`;
      let p = byKey.get(key);
      if (!p) {
        const tags: Record<string, string> = { enterprise: r.enterprise, site: r.site, device: r.device };
        if (r.zone) tags.zone = r.zone;
        // metric names come from devices (Sparkplug names are free text): no prototype to write into
        p = { measurement: r.kind, tags, fields: bareObject(), ts: r.ts };
        byKey.set(key, p);
      }
      // a bad value is recorded as its quality, never as a number (CONTRACT §4)
      if (r.value !== null && r.quality !== 'bad') p.fields[r.metric] = r.value;
      if (r.quality !== 'good') p.fields[`${r.metric}_quality`] = r.quality;
    }
  }
  return derived.length ? [...byKey.values(), ...derived] : [...byKey.values()];
}
