// DOMAIN.md §3 (AQ 1119-2023 超时) / rules/README.md `presence-duration` (personnel.overtime): a
// tag present in zones continuously for more than 10 h → orange, subject = the positioning
// device that reports it, one key per tag; leaving (zone null, or not reported for the 60 s
// tag TTL) clears. uwb-1 reports every 30 s.
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../gateway/src/model/types.ts';
import type { Condition } from '../types.ts';
import { H, MIN, rig, S, T0 } from '../../../test/helpers/rules.ts';

const RULE = 'personnel.overtime';
const pos = (ts: number, tags: [string, string | null][]): Frame => ({ type: 'position', transport: 'mqtt', enterprise: 'ent-a', site: 's1', device: 'uwb-1', ts, tags: tags.map(([tag, zone]) => ({ tag, zone })) });
const brief = (out: Condition[]) => out.filter((c) => c.rule === RULE).map((c) => ({ rule: c.rule, key: c.key, severity: c.severity, active: c.active, ts: c.ts }));
const key = (tag: string) => `personnel.overtime|ent-a/s1/uwb-1|${tag}`;

describe('presence-duration (personnel.overtime) [DOMAIN.md §3]', () => {
  it('present > 10 h raises orange at the first report past entry + 10 h (subject = the positioning device); leaving clears; a re-entry restarts the count; outside zones never counts', () => {
    const r = rig({ packs: ['personnel'] });
    for (let t = 0; t <= 10 * H + 10 * MIN; t += 30 * S) {
      const tags: [string, string | null][] = [];
      tags.push(['P1', t < 10 * H + 10 * MIN ? 'z1' : null]); // in z1 from T0, leaves at T0 + 10 h 10 min
      if (t >= 1 * H) tags.push(['P2', t === 5 * H ? null : 'z1']); // enters at T0 + 1 h, steps out once at T0 + 5 h
      tags.push(['P4', null]); // seen all along, never in a zone
      r.ev.ingest(pos(T0 + t, tags), T0 + t);
    }
    expect(brief(r.out)).toEqual([
      // the frame at T0 + 10 h shows exactly 10 h (not more); the next one, 30 s later, raises
      { rule: RULE, key: key('P1'), severity: 'orange', active: true, ts: T0 + 10 * H + 30 * S },
      { rule: RULE, key: key('P1'), severity: 'orange', active: false, ts: T0 + 10 * H + 10 * MIN },
    ]);
    const raise = r.out.find((c) => c.rule === RULE)!;
    expect(raise.subject).toEqual({ enterprise: 'ent-a', site: 's1', zone: undefined, device: 'uwb-1' });
    expect(raise.threshold).toBe(10);
    expect(raise.evidence).toMatchObject({ tag: 'P1', since: T0, zone: 'z1' });
  });

  it('a tag no longer reported leaves after the 60 s TTL: cleared on tick at the event clock', () => {
    const r = rig({ packs: ['personnel'] });
    const last = 10 * H + 2 * MIN;
    for (let t = 0; t <= last; t += 30 * S) r.ev.ingest(pos(T0 + t, [['P3', 'z1']]), T0 + t);
    r.ev.tick(T0 + last + 60 * S); // not yet expired (> 60 s)
    r.ev.tick(T0 + last + 61 * S);
    expect(brief(r.out)).toEqual([
      { rule: RULE, key: key('P3'), severity: 'orange', active: true, ts: T0 + 10 * H + 30 * S },
      { rule: RULE, key: key('P3'), severity: 'orange', active: false, ts: T0 + last + 61 * S },
    ]);
  });
});
