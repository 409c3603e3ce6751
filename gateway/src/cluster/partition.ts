// Which partition an enterprise belongs to (docs/cluster.md §2). Fixed for the life of a cluster:
// `cluster.partitions` never changes once readings are in the stream, and the hash is FNV-1a
// (32 bit) of the enterprise id, the same in every instance and every release.
import type { Frame } from '../model/types.ts';

export function partitionOf(enterprise: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < enterprise.length; i++) {
    h ^= enterprise.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/** The stream subject of a partition: `hl.ingest.<partition>`. */
export function partitionSubject(partition: number): string {
  return `hl.ingest.${partition}`;
}

/**
 * The frames of one append, grouped by partition and in their order within each. A readings frame
 * is split if (unusually) it holds more than one enterprise's readings. Frames without an
 * enterprise (derived points, uplink marks) never reach the stream.
 */
export function byPartition(frames: readonly Frame[], partitions: number): Map<number, Frame[]> {
  const out = new Map<number, Frame[]>();
  const put = (p: number, f: Frame) => {
    const list = out.get(p);
    if (list) list.push(f);
    else out.set(p, [f]);
  };
  for (const f of frames) {
    if (f.type === 'points' || f.type === 'uplink' || f.type === 'mirror') continue;
    if (f.type !== 'readings') {
      put(partitionOf(f.enterprise, partitions), f);
      continue;
    }
    const first = f.readings[0]?.enterprise;
    if (first === undefined) continue;
    if (f.readings.every((r) => r.enterprise === first)) {
      put(partitionOf(first, partitions), f);
      continue;
    }
    const split = new Map<number, typeof f.readings>();
    for (const r of f.readings) {
      const p = partitionOf(r.enterprise, partitions);
      const list = split.get(p);
      if (list) list.push(r);
      else split.set(p, [r]);
    }
    for (const [p, readings] of split) put(p, { ...f, readings });
  }
  return out;
}
