import { describe, expect, it } from 'vitest';
import { onDuty, recipients } from './roster.ts';

const TZ = 'Asia/Shanghai';
const at = (local: string) => Date.parse(`${local}+08:00`);
const ROSTERS = [
  { enterprise: 'ent-a', shifts: [
    { name: '白班', from: '08:00', to: '20:00', persons: ['wang'] },
    { name: '夜班', from: '20:00', to: '08:00', days: [1, 2, 3, 4, 5], persons: ['li'] },
    { name: '周末夜班', from: '20:00', to: '08:00', days: [6, 7], persons: ['zhao'] },
  ] },
  { enterprise: 'ent-b', shifts: [{ name: '全天', from: '00:00', to: '00:00', persons: ['qian'] }] },
];

describe('onDuty', () => {
  it.each([
    // 2026-12-04 is a Friday
    ['2026-12-04T08:00:00', ['wang']],
    ['2026-12-04T19:59:00', ['wang']],
    ['2026-12-04T20:00:00', ['li']],
    // Saturday 03:00: Friday's night shift, not the weekend one (which starts Saturday 20:00)
    ['2026-12-05T03:00:00', ['li']],
    ['2026-12-05T21:00:00', ['zhao']],
    // Monday 07:59: Sunday's night shift
    ['2026-12-07T07:59:00', ['zhao']],
  ])('%s → %j', (t, persons) => {
    expect(onDuty(ROSTERS, 'ent-a', at(t), TZ).flatMap((d) => d.persons)).toEqual(persons);
  });

  it('a shift from 00:00 to 00:00 is the whole day; another enterprise has its own roster', () => {
    expect(onDuty(ROSTERS, 'ent-b', at('2026-12-04T13:00:00'), TZ)).toEqual([{ shift: '全天', persons: ['qian'] }]);
    expect(onDuty(ROSTERS, 'ent-c', at('2026-12-04T13:00:00'), TZ)).toEqual([]);
  });

  it('recipients: on-duty resolved, named persons added, each once', () => {
    expect(recipients(['on-duty', 'boss', 'wang'], ROSTERS, 'ent-a', at('2026-12-04T09:00:00'), TZ)).toEqual(['wang', 'boss']);
  });
});
