// Seed 003 (DOMAIN.md §10): two or more major hazards confirmed at one enterprise within 3 months
// are a red finding for the regulator with the list and the recommendation; general hazards,
// rejected reports and duplicates do not count; it clears when fewer than two remain in 90 days.
import { describe, expect, it } from 'vitest';
import { repeatedMajorConditions } from './repeated-majors.ts';
import type { Hazard } from './types.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-09-01T09:00:00+08:00');
const h = (id: string, enterprise: string, confirmedDay: number | undefined, over: Partial<Hazard> = {}) => ({ id, enterprise, title: `隐患${id}`, level: 'major', state: 'rectifying', ...(confirmedDay === undefined ? {} : { confirmedAt: T0 + confirmedDay * DAY }), ...over }) as Hazard;
const KEY = 'hazard.repeated-major|ent-a';

describe('repeated major hazards (hazard.repeated-major)', () => {
  const list = [h('1', 'ent-a', 0), h('2', 'ent-a', 50), h('3', 'ent-b', 10), h('4', 'ent-b', 20, { level: 'general' }), h('5', 'ent-b', 30, { state: 'rejected' }), h('6', 'ent-b', 40, { duplicateOf: '3' }), h('7', 'ent-b', undefined)];

  it('raises red at the second confirmation within 90 days, with the list and the recommendation; nothing for the others', () => {
    const out = repeatedMajorConditions(list, T0 + 60 * DAY, new Set(), () => 'producing');
    expect(out.map((c) => [c.key, c.active, c.severity, (c.ts - T0) / DAY, c.value])).toEqual([[KEY, true, 'red', 50, 2]]);
    expect(out[0].message.zh).toBe('3个月内发现重大事故隐患 2 项（「隐患1」2026-09-01、「隐患2」2026-10-21），企业仍申报生产：建议依法依规提请地方政府关闭');
    expect(out[0].evidence).toMatchObject({ hazards: [{ id: '1' }, { id: '2' }], declaredStatus: 'producing', recommendation: { zh: expect.stringContaining('提请地方政府关闭') } });
  });

  it('states nothing new while open; clears once the first is older than 90 days', () => {
    expect(repeatedMajorConditions(list, T0 + 80 * DAY, new Set([KEY]), () => 'producing')).toEqual([]);
    const out = repeatedMajorConditions(list, T0 + 91 * DAY, new Set([KEY]), () => 'producing');
    expect(out.map((c) => [c.key, c.active, (c.ts - T0) / DAY])).toEqual([[KEY, false, 91]]);
  });
});
