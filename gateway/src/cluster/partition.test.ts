import { describe, expect, it } from 'vitest';
import { byPartition, partitionOf, partitionSubject } from './partition.ts';
import type { Frame, Reading } from '../model/types.ts';

const r = (enterprise: string, v: number): Reading => ({ ts: 1, enterprise, site: 's', device: 'd', kind: 'gas', metric: 'ch4', value: v, quality: 'good' });

describe('partitions (docs/cluster.md §2)', () => {
  it('is a fixed function of the id: the same in every instance and release', () => {
    // FNV-1a 32: pinned values, so a change of hash (which would move enterprises between owners) fails here
    expect(partitionOf('ent-01', 16)).toBe(partitionOf('ent-01', 16));
    expect([partitionOf('ent-01', 16), partitionOf('ent-02', 16), partitionOf('', 16)]).toEqual([10, 7, 5]);
    expect(partitionSubject(3)).toBe('hl.ingest.3');
  });

  it('spreads many enterprises over every partition', () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 1600; i++) counts[partitionOf(`ent-${i}`, 16)]++;
    expect(Math.min(...counts)).toBeGreaterThan(60);
  });

  it('groups frames by partition in order, splits a mixed readings frame, leaves derived frames out', () => {
    const frames: Frame[] = [
      { type: 'readings', transport: 'mqtt', readings: [r('ent-01', 1)] },
      { type: 'status', transport: 'mqtt', ts: 2, online: false, enterprise: 'ent-02', site: 's', device: 'd' },
      { type: 'readings', transport: 'mqtt', readings: [r('ent-01', 2), r('ent-02', 3)] },
      { type: 'points', points: [] },
    ];
    const g = byPartition(frames, 16);
    expect([...g.keys()]).toEqual([10, 7]);
    expect(g.get(10)!.map((f) => (f.type === 'readings' ? f.readings.map((x) => x.value) : f.type))).toEqual([[1], [2]]);
    expect(g.get(7)!.map((f) => (f.type === 'readings' ? f.readings.map((x) => x.value) : f.type))).toEqual(['status', [3]]);
  });
});
