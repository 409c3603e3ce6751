// The central's view of its edges (issue 7): who may connect, what they may forward, how far
// behind they are (数据延迟), and the `uplink.edge-silent` finding when an edge goes quiet.
import { describe, expect, it } from 'vitest';
import { EdgeRegistry } from './edge-registry.ts';

const creds = [
  { username: 'edge-a', password: 'pw-a', enterprises: ['ent-a'] },
  { username: 'edge-b', password: 'pw-b', enterprises: ['ent-b', 'ent-c'], sites: ['ent-b/p1'] },
];

describe('EdgeRegistry', () => {
  it('checks credentials and scopes an edge to its enterprises and sites', () => {
    const r = new EdgeRegistry(creds, () => 0);
    expect(r.check('edge-a', Buffer.from('pw-a'))?.edge).toBe('edge-a');
    expect(r.check('edge-a', Buffer.from('pw-b'))).toBeUndefined();
    expect(r.check('gas-01', Buffer.from('pw-a'))).toBeUndefined();
    const a = r.check('edge-a', Buffer.from('pw-a'))!;
    const b = r.check('edge-b', Buffer.from('pw-b'))!;
    expect(r.allows(a, 'ent-a', 's1')).toBe(true);
    expect(r.allows(a, 'ent-b', 'p1')).toBe(false);
    expect(r.allows(b, 'ent-b', 'p1')).toBe(true);
    expect(r.allows(b, 'ent-b', 'p2')).toBe(false);
    expect(r.allows(b, 'ent-c', 'x')).toBe(false); // sites given: only those
    expect(r.originOf('ent-c')).toBe('edge-b');
    expect(r.originOf('ent-z')).toBeUndefined();
  });

  it('an edge not heard for silentAfter raises edge-silent for each of its enterprises, once; it clears when it is back and caught up', () => {
    let now = 1_000_000;
    const r = new EdgeRegistry(creds, () => now);
    r.connected('edge-a');
    expect(r.backfillBefore('ent-a')).toBe(1_000_000);
    expect(r.silentConditions(300_000)).toEqual([]);
    now += 10_000;
    r.disconnected('edge-a');
    now += 299_000;
    expect(r.silentConditions(300_000).filter((c) => c.subject.enterprise === 'ent-a')).toEqual([]);
    now += 2000;
    const raised = r.silentConditions(300_000).filter((c) => c.subject.enterprise === 'ent-a');
    expect(raised).toEqual([expect.objectContaining({ rule: 'uplink.edge-silent', key: 'uplink.edge-silent|ent-a|edge-a', active: true, severity: 'orange', subject: { enterprise: 'ent-a' } })]);
    expect(raised[0].message.zh).toContain('已失联 5 分钟');
    expect(r.silentConditions(300_000).filter((c) => c.subject.enterprise === 'ent-a')).toEqual([]); // once
    // back, but its queue still holds data 20 minutes old: still behind
    r.connected('edge-a');
    const st = r.edges.get('edge-a')!;
    st.hello = { v: 1, epoch: 5, gateway: 'gw', rules: [], startedAt: 0, sentAt: now, queue: { p: { rows: 0, oldestAt: null, nextSeq: 1 }, b: { rows: 5, readings: 500, oldestAt: now - 1_200_000, nextSeq: 6 }, bytes: 1, droppedReadings: 0 } };
    st.helloAt = now;
    expect(r.behindSeconds(st)).toBe(1200);
    expect(r.silentConditions(300_000).filter((c) => c.subject.enterprise === 'ent-a')).toEqual([]);
    // caught up
    st.hello = { ...st.hello!, queue: { ...st.hello!.queue, b: { rows: 0, readings: 0, oldestAt: null, nextSeq: 6 } } };
    expect(r.silentConditions(300_000).filter((c) => c.subject.enterprise === 'ent-a')).toEqual([expect.objectContaining({ active: false })]);
  });
});
