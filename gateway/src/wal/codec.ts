// WAL line encoding. Readings frames dominate the log, and most of a reading's fields repeat
// (enterprise, site, device, kind, zone): they are written once per subject, each value as
// [ts, metric, value(, quality)]. Other frames are written as they are. A line is
// `{"seq":N,"at":MS,"f":FRAME}`; the old `"frame"` key is still read.
import type { DeviceKind, Frame, Quality, Reading, Transport, WalEntry } from '../model/types.ts';

/** A WAL entry as read back from disk. */
export interface StoredEntry extends WalEntry {
  /** wall-clock time it was written, for hazardline_wal_age_seconds */
  at: number;
}

type Value = [number, string, number | null] | [number, string, number | null, Quality];
type Group = [string, string, string, DeviceKind, string | null, Value[]];
interface CompactReadings {
  R: Transport;
  g: Group[];
}

export function encodeFrame(f: Frame): string {
  if (f.type !== 'readings') return JSON.stringify(f);
  const g: Group[] = [];
  let cur: Group | undefined;
  for (const r of f.readings) {
    const zone = r.zone ?? null;
    if (!cur || cur[2] !== r.device || cur[1] !== r.site || cur[0] !== r.enterprise || cur[3] !== r.kind || cur[4] !== zone) {
      cur = [r.enterprise, r.site, r.device, r.kind, zone, []];
      g.push(cur);
    }
    cur[5].push(r.quality === 'good' ? [r.ts, r.metric, r.value] : [r.ts, r.metric, r.value, r.quality]);
  }
  return JSON.stringify({ R: f.transport, g } satisfies CompactReadings);
}

export function decodeFrame(raw: Frame | CompactReadings): Frame {
  if (!('R' in raw)) return raw;
  const readings: Reading[] = [];
  for (const [enterprise, site, device, kind, zone, values] of raw.g) {
    for (const v of values) {
      const r: Reading = { ts: v[0], enterprise, site, device, kind, metric: v[1], value: v[2], quality: v[3] ?? 'good' };
      if (zone !== null) r.zone = zone;
      readings.push(r);
    }
  }
  return { type: 'readings', transport: raw.R, readings };
}

export function encodeLine(seq: number, at: number, frame: Frame): string {
  return `{"seq":${seq},"at":${at},"f":${encodeFrame(frame)}}\n`;
}

/** Parses one line; throws on a torn or corrupt line. */
export function decodeLine(line: string): StoredEntry {
  const o = JSON.parse(line) as { seq: number; at: number; f?: Frame | CompactReadings; frame?: Frame };
  if (typeof o.seq !== 'number') throw new Error('wal line without seq');
  return { seq: o.seq, at: o.at, frame: o.f ? decodeFrame(o.f) : o.frame! };
}
