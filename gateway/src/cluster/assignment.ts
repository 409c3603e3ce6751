// Which instance should own each partition (docs/cluster.md §4): the live instances sorted by id,
// partition p to the (p mod n)-th. Every instance computes the same answer from the same list, so
// no coordinator is needed; a lease still decides who actually owns a partition, and an instance
// takes only a partition nobody holds (or whose lease ran out) and hands over one assigned elsewhere.
export function assignPartitions(partitions: number, alive: readonly string[]): string[] {
  const ids = [...new Set(alive)].sort();
  if (ids.length === 0) return [];
  return Array.from({ length: partitions }, (_, p) => ids[p % ids.length]);
}
