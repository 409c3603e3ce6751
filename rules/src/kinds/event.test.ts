// DOMAIN.md §5 belt protections (MT 872-2000) and §3 SOS (AQ 1119-2023) / rules/README.md
// `event`: each listed event type raises red at the event's own time (also when it arrives
// late); unknown types raise nothing; the condition clears holdSeconds (60 s) after the last
// event of its key, on tick in event time.
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../gateway/src/model/types.ts';
import type { Condition } from '../types.ts';
import { rig, S, T0 } from '../../../test/helpers/rules.ts';

const ev = (device: string, ts: number, eventType: string, detail: Record<string, unknown> = {}): Frame => ({ type: 'event', transport: 'mqtt', enterprise: 'ent-a', site: 's1', device, ts, eventType, detail });
const brief = (out: Condition[]) => out.map((c) => ({ rule: c.rule, key: c.key, severity: c.severity, active: c.active, ts: c.ts }));

describe('event (belt.protection) [DOMAIN.md §5]', () => {
  it('slip, pile-up, deviation, smoke and tear each raise red (one key per type); unknown types do not; clears 60 s after the last event', () => {
    const r = rig({ packs: ['belt'] });
    const types = ['belt_slip', 'belt_pileup', 'belt_deviation', 'belt_smoke', 'belt_tear'];
    types.forEach((t, i) => r.ev.ingest(ev('belt-1', T0 + i * 10 * S, t), T0 + i * 10 * S));
    r.ev.ingest(ev('belt-1', T0 + 30 * S, 'belt_slip'), T0 + 30 * S); // repeat: extends the hold to T0 + 90 s
    r.ev.ingest(ev('belt-1', T0 + 35 * S, 'belt_overheat'), T0 + 35 * S); // not a protection type
    r.ev.ingest(ev('belt-1', T0 + 36 * S, 'door_open'), T0 + 36 * S);
    r.ev.tick(T0 + 3 * 60 * S);
    const k = (t: string) => `belt.protection|ent-a/s1/belt-1|${t}`;
    expect(brief(r.out)).toEqual([
      ...types.map((t, i) => ({ rule: 'belt.protection', key: k(t), severity: 'red', active: true, ts: T0 + i * 10 * S })),
      { rule: 'belt.protection', key: k('belt_slip'), severity: 'red', active: false, ts: T0 + 90 * S },
      ...types.slice(1).map((t, i) => ({ rule: 'belt.protection', key: k(t), severity: 'red', active: false, ts: T0 + (i + 1) * 10 * S + 60 * S })),
    ]);
    expect(r.out[4].message.zh).toBe('皮带保护动作：纵向撕裂（belt-1）');
  });
});

describe('event (personnel.sos) [DOMAIN.md §3]', () => {
  it('an SOS raises red per tag at its own time, also when it arrives late; other event types and non-positioning devices do not', () => {
    const r = rig({ packs: ['personnel'] });
    r.ev.ingest(ev('uwb-1', T0, 'sos', { tag: 'P7' }), T0);
    r.ev.ingest(ev('uwb-1', T0 + 5 * S, 'low_battery', { tag: 'P8' }), T0 + 5 * S);
    r.ev.ingest(ev('belt-1', T0 + 6 * S, 'sos', { tag: 'P9' }), T0 + 6 * S); // a belt is not a positioning device
    r.ev.ingest(ev('uwb-1', T0 + 20 * S, 'sos', { tag: 'P8' }), T0 + 20 * S);
    r.ev.ingest(ev('uwb-1', T0 + 10 * S, 'sos', { tag: 'P5' }), T0 + 25 * S); // late: older than the clock (T0 + 20 s)
    r.ev.tick(T0 + 2 * 60 * S);
    const k = (tag: string) => `personnel.sos|ent-a/s1/uwb-1|${tag}`;
    expect(brief(r.out)).toEqual([
      { rule: 'personnel.sos', key: k('P7'), severity: 'red', active: true, ts: T0 },
      { rule: 'personnel.sos', key: k('P8'), severity: 'red', active: true, ts: T0 + 20 * S },
      { rule: 'personnel.sos', key: k('P5'), severity: 'red', active: true, ts: T0 + 10 * S },
      { rule: 'personnel.sos', key: k('P7'), severity: 'red', active: false, ts: T0 + 60 * S },
      { rule: 'personnel.sos', key: k('P8'), severity: 'red', active: false, ts: T0 + 80 * S },
      { rule: 'personnel.sos', key: k('P5'), severity: 'red', active: false, ts: T0 + 70 * S },
    ]);
    expect(r.out[0].subject).toEqual({ enterprise: 'ent-a', site: 's1', zone: undefined, device: 'uwb-1' });
  });

  // exportState/importState carry open conditions: a restored SOS still clears 60 s after its event
  it('an SOS open across a restart is not re-raised and still clears 60 s after the event', () => {
    const a = rig({ packs: ['personnel'] });
    a.ev.ingest(ev('uwb-1', T0, 'sos', { tag: 'P7' }), T0);
    const b = rig({ packs: ['personnel'] });
    b.ev.importState(JSON.parse(JSON.stringify(a.ev.exportState())));
    b.ev.tick(T0 + 2 * 60 * S);
    expect(brief(b.out)).toEqual([{ rule: 'personnel.sos', key: 'personnel.sos|ent-a/s1/uwb-1|P7', severity: 'red', active: false, ts: T0 + 60 * S }]);
  });
});
