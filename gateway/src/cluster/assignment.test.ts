import { describe, expect, it } from 'vitest';
import { assignPartitions } from './assignment.ts';

describe('partition assignment (docs/cluster.md §4)', () => {
  it('spreads partitions evenly over the live instances, the same answer in any order', () => {
    const a = assignPartitions(16, ['gw-c', 'gw-a', 'gw-b']);
    expect(a).toEqual(assignPartitions(16, ['gw-b', 'gw-c', 'gw-a']));
    expect(a.slice(0, 4)).toEqual(['gw-a', 'gw-b', 'gw-c', 'gw-a']);
    expect(a.filter((x) => x === 'gw-a')).toHaveLength(6);
    expect(a.filter((x) => x === 'gw-c')).toHaveLength(5);
  });

  it('gives every partition to the survivors when an instance goes, and nothing to nobody', () => {
    expect(new Set(assignPartitions(16, ['gw-a', 'gw-c']))).toEqual(new Set(['gw-a', 'gw-c']));
    expect(assignPartitions(4, ['gw-a', 'gw-a'])).toEqual(['gw-a', 'gw-a', 'gw-a', 'gw-a']);
    expect(assignPartitions(4, [])).toEqual([]);
  });
});
