// Edges uplinking to a cluster (docs/cluster.md §10): how an edge's rows are cut into the
// partitions' stream messages, each with the row's identity, and which instance raises
// `uplink.edge-silent`. The failover itself is test/integration/cluster-edges.test.ts.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import type { Frame, MirrorFrame } from '../model/types.ts';
import { EdgeRegistry } from '../uplink/edge-registry.ts';
import type { Alarm } from '../alarms/types.ts';
import { ClusterEdges, type EdgeClusterPort } from './cluster-edges.ts';
import { partitionOf } from './partition.ts';

// with 8 partitions: ent-a → 4, ent-b → 5, ent-c → 2
const P = 8;
const creds = [{ username: 'edge-x', password: 'pw', enterprises: ['ent-a', 'ent-b'] }];

function setup(owned: string[] = []) {
  const published: { partition: number; frames: Frame[]; id: string }[] = [];
  const port: EdgeClusterPort = {
    instance: 'gw-1',
    partitions: P,
    publishOnce: async (partition, frames, id) => void published.push({ partition, frames: [...frames], id }),
    owns: (e) => owned.includes(e),
    announceDownlink: () => {},
    onDownlink: () => {},
  };
  let now = 1_000_000;
  const registry = new EdgeRegistry(creds, () => now);
  const edges = new ClusterEdges({ port, registry, records: () => undefined, log: createLogger({ level: 'silent' }), now: () => now });
  return { edges, registry, published, advance: (ms: number) => (now += ms) };
}

const reading = (enterprise: string, ts: number) => ({ ts, enterprise, site: 's1', device: 'gas-1', kind: 'gas' as const, metric: 'ch4', value: 0.2, quality: 'good' as const });
const alarm = (enterprise: string, id: string) => ({ id, enterprise, key: `gas.ch4|${enterprise}/s1/gas-1`, rule: 'gas.ch4' }) as Alarm;

describe('ClusterEdges', () => {
  it('sends each row to the partitions of its enterprises, under the row identity (edge, epoch, lane, row, queue time, partition)', async () => {
    expect([partitionOf('ent-a', P), partitionOf('ent-b', P)]).toEqual([4, 5]);
    const { edges, published } = setup();
    await edges.commit(
      {
        edge: 'edge-x',
        epoch: 77,
        lane: 'b',
        from: 3,
        to: 4,
        rows: [
          { seq: 3, at: 500, frames: [{ type: 'readings', transport: 'uplink', readings: [reading('ent-a', 1), reading('ent-b', 2)] }], items: [] },
          { seq: 4, at: 600, frames: [{ type: 'readings', transport: 'uplink', readings: [reading('ent-a', 3)] }], items: [] },
        ],
      },
      () => {},
    );
    expect(published.map((p) => [p.partition, p.id])).toEqual([
      [4, 'up.edge-x.77.b.3.500.4'],
      [5, 'up.edge-x.77.b.3.500.5'],
      [4, 'up.edge-x.77.b.4.600.4'],
    ]);
    expect(published[1].frames).toEqual([{ type: 'readings', transport: 'uplink', readings: [reading('ent-b', 2)] }]);
  });

  it("a priority row: each record to its enterprise's partition as a mirror frame; a sync to every partition of the edge, each with its share and scope", async () => {
    const { edges, published } = setup();
    const raised = alarm('ent-b', 'e-1');
    await edges.commit(
      {
        edge: 'edge-x',
        epoch: 77,
        lane: 'p',
        from: 9,
        to: 9,
        rows: [{ seq: 9, at: 700, frames: [], items: [{ k: 'alarm', alarm: raised, transition: { action: 'raise' } as never }, { k: 'sync', at: 650, alarms: [alarm('ent-a', 'e-2')] }] }],
      },
      () => {},
    );
    const byPartition = Object.fromEntries(published.map((p) => [p.partition, p.frames as MirrorFrame[]]));
    expect(published.map((p) => p.id).sort()).toEqual(['up.edge-x.77.p.9.700.4', 'up.edge-x.77.p.9.700.5']);
    expect(byPartition[5]).toEqual([{ type: 'mirror', edge: 'edge-x', epoch: 77, seq: 9, items: [{ k: 'alarm', alarm: raised, transition: { action: 'raise' } }, { k: 'sync', at: 650, scope: ['ent-b'], alarms: [] }] }]);
    expect(byPartition[4]).toEqual([{ type: 'mirror', edge: 'edge-x', epoch: 77, seq: 9, items: [{ k: 'sync', at: 650, scope: ['ent-a'], alarms: [alarm('ent-a', 'e-2')] }] }]);
  });

  it('uplink.edge-silent: raised only for the enterprises whose partition this instance owns, stated against the open alarms', () => {
    const { edges, registry, advance } = setup(['ent-a']);
    registry.connected('edge-x');
    registry.disconnected('edge-x');
    advance(301_000);
    const raised = edges.silent(300_000, []);
    expect(raised.map((c) => [c.key, c.active])).toEqual([['uplink.edge-silent|ent-a|edge-x', true]]);
    // already open (raised by this owner or the one before): nothing new; back and caught up: cleared
    expect(edges.silent(300_000, [{ rule: 'uplink.edge-silent', key: 'uplink.edge-silent|ent-a|edge-x' }])).toEqual([]);
    registry.connected('edge-x');
    expect(edges.silent(300_000, [{ rule: 'uplink.edge-silent', key: 'uplink.edge-silent|ent-a|edge-x' }]).map((c) => [c.key, c.active])).toEqual([['uplink.edge-silent|ent-a|edge-x', false]]);
  });
});
