import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from './physics.ts';
import { PositioningModel, type PositioningModelOptions } from './positioning-model.ts';

const T0 = Date.UTC(2024, 10, 21, 16); // local midnight (UTC+8)
const at = (h: number) => T0 + h * HOUR;
const zones = [
  { id: 'z-shaft', entrance: true },
  { id: 'z-stope-301' },
  { id: 'z-stope-302' },
  { id: 'z-drift' },
  { id: 'z-blast', restricted: true },
];
const opts: PositioningModelOptions = { id: 'pos-1', seed: 7, zones, people: 30 };
const crew = (m: PositioningModel, k: number) => m.tags.filter((_, i) => i % 3 === k);

describe('PositioningModel (DOMAIN.md §3)', () => {
  it('shift pattern: the crew on shift is underground, nobody else', () => {
    const m = new PositioningModel(opts);
    // crews: 0 → 00–08, 1 → 08–16, 2 → 16–24 (local)
    for (const [h, k] of [[2, 0], [5, 0], [10, 1], [14, 1], [18, 2], [22, 2], [26, 0]] as const) {
      expect(m.present(at(h)).sort()).toEqual(crew(m, k).sort());
      expect(m.occupancy(at(h), 'z-blast')).toBe(0);
    }
    // at every minute of a day, only tags whose own shift is running are present
    for (let t = at(0); t < at(24); t += MINUTE) {
      const h = ((t - T0) / HOUR) % 24;
      for (const tag of m.present(t)) {
        const k = m.tags.indexOf(tag) % 3;
        expect(h >= k * 8 && h < k * 8 + 8).toBe(true);
      }
    }
  });

  it('descend and ascend through the shaft entrance; null reports after leaving, then silence', () => {
    const m = new PositioningModel(opts);
    const tag = crew(m, 1)[0];
    const zonesSeen: (string | null | undefined)[] = [];
    for (let t = at(7.9); t < at(16.5); t += MINUTE) {
      const z = m.positions(t).find((p) => p.tag === tag)?.zone;
      if (zonesSeen.length === 0 || zonesSeen[zonesSeen.length - 1] !== z) zonesSeen.push(z);
    }
    expect(zonesSeen[0]).toBeUndefined();
    expect(zonesSeen[1]).toBe('z-shaft');
    expect(zonesSeen.slice(-3)).toEqual(['z-shaft', null, undefined]);
  });

  it('crowd raises occupancy to the scripted number', () => {
    const m = new PositioningModel(opts);
    m.crowd({ zone: 'z-drift', from: at(10), to: at(11), persons: 12 });
    expect(m.occupancy(at(9.5), 'z-drift')).toBeLessThan(12);
    for (let t = at(10); t < at(11); t += 5 * MINUTE) expect(m.occupancy(t, 'z-drift')).toBe(12);
    expect(m.occupancy(at(11.5), 'z-drift')).toBeLessThan(12);
    // works off shift too (occupancy 0 → 4)
    m.stopped({ from: at(24), to: at(48) }).crowd({ zone: 'z-stope-301', from: at(30), to: at(31), persons: 4 });
    expect(m.occupancy(at(30.5), 'z-stope-301')).toBe(4);
  });

  it('intrusion puts a tag in the restricted zone', () => {
    const m = new PositioningModel(opts);
    const tag = m.intrude({ zone: 'z-blast', from: at(10), to: at(10.5) });
    expect(crew(m, 1)).toContain(tag);
    expect(m.positions(at(10.2)).find((p) => p.tag === tag)?.zone).toBe('z-blast');
    expect(m.occupancy(at(10.2), 'z-blast')).toBe(1);
    expect(m.occupancy(at(10.6), 'z-blast')).toBe(0);
    expect(m.intrude({ zone: 'z-blast', from: at(12), to: at(13), tag: 'P0005' })).toBe('P0005');
    expect(m.sample(at(12.5))!.tags).toContainEqual({ tag: 'P0005', zone: 'z-blast' });
  });

  it('sos event appears once', () => {
    const m = new PositioningModel(opts);
    m.sos({ at: at(10) + 3_000, tag: 'P0002' });
    const evs = [];
    for (let t = at(9.9); t < at(10.2); t += m.intervalMs) evs.push(...(m.sample(t)?.events ?? []));
    expect(evs).toEqual([{ type: 'sos', detail: { tag: 'P0002' } }]);
  });

  it('overstay keeps the tag after shift end', () => {
    const m = new PositioningModel(opts);
    m.overstay({ tag: 'P0002', until: at(18) }); // crew 1, shift 08–16
    expect(m.present(at(17))).toEqual(expect.arrayContaining(['P0002']));
    expect(m.present(at(17)).filter((t) => crew(m, 1).includes(t))).toEqual(['P0002']);
    expect(m.positions(at(18) + 2 * MINUTE).find((p) => p.tag === 'P0002')?.zone).toBe('z-shaft');
    expect(m.present(at(18.5))).not.toContain('P0002');
    expect(m.present(at(17 + 24))).not.toContain('P0002'); // next day: normal
  });

  it('people present while declared stopped', () => {
    const m = new PositioningModel(opts);
    m.stopped({ from: at(0), to: at(24) });
    const tags = m.presentWhileStopped({ from: at(1), to: at(3), persons: 3, zone: 'z-stope-301' });
    expect(tags).toEqual(['P0001', 'P0002', 'P0003']);
    expect(m.present(at(0.5))).toEqual([]);
    expect(m.present(at(2)).sort()).toEqual(tags);
    expect(m.occupancy(at(2), 'z-stope-301')).toBe(3);
    expect(m.present(at(12))).toEqual([]);
  });

  it('deterministic for a seed; silence returns undefined', () => {
    const a = new PositioningModel(opts);
    const b = new PositioningModel(opts);
    const c = new PositioningModel({ ...opts, seed: 8 });
    const run = (m: PositioningModel) => JSON.stringify(Array.from({ length: 200 }, (_, i) => m.sample(at(7) + i * 60_000)));
    expect(run(a)).toBe(run(b));
    expect(run(c)).not.toBe(run(a));
    a.silent({ from: at(30), to: at(31) });
    expect(a.sample(at(30.5))).toBeUndefined();
    expect(a.sample(at(31))!.values).toEqual({});
  });
});

describe('PositioningModel over time underground (personnel.overtime default: 8 h shift + 2 h = present > 10 h)', () => {
  /** longest continuous presence (zone not null) per tag over [from, to), sampled every 30 s */
  function longestStay(m: PositioningModel, from: number, to: number): Map<string, number> {
    const since = new Map<string, number>(), longest = new Map<string, number>();
    for (let t = from; t < to; t += 30_000) {
      const here = new Set(m.present(t));
      for (const tag of here) {
        if (!since.has(tag)) since.set(tag, t);
        longest.set(tag, Math.max(longest.get(tag) ?? 0, t - since.get(tag)!));
      }
      for (const tag of [...since.keys()]) if (!here.has(tag)) since.delete(tag);
    }
    return longest;
  }

  it('a normal shift is present well under 10 h; an overstay to 19:30 passes 10 h about 10 h after going down', () => {
    const m = new PositioningModel(opts);
    m.overstay({ tag: 'P0002', until: at(19.5) }); // crew 1, shift 08–16
    const stay = longestStay(m, at(7.5), at(44));
    for (const [tag, ms] of stay) if (tag !== 'P0002') expect(ms, tag).toBeLessThan(8 * HOUR);
    expect(stay.get('P0002')!).toBeGreaterThan(11 * HOUR);
    const down = Array.from({ length: 40 }, (_, k) => at(8) + k * 30_000).find((t) => m.present(t).includes('P0002'))!;
    expect(down).toBeLessThanOrEqual(at(8.25));
    expect(m.present(down + 10 * HOUR)).toContain('P0002');
    expect(m.present(at(19.5) + 20 * MINUTE)).not.toContain('P0002');
  });
});
