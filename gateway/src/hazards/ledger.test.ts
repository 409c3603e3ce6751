import { describe, expect, it } from 'vitest';
import { ledger, parseLedgerQuery } from './ledger.ts';
import type { Hazard } from './types.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const flags = { overdueRectification: false, feedbackLate: false, caseLate: false, acceptanceLate: false };
const h = (id: string, over: Partial<Hazard>): Hazard => ({ id, enterprise: 'ent-a', jurisdiction: 'j', source: 'worker', level: 'general', category: 'static', title: id, description: '', state: 'reported', anonymous: false, reportedAt: T0, feedbackDueBy: null, caseDueBy: T0 + 60 * DAY, flags, ...over });

const ALL = [
  h('hz-1', { title: '吊链断口', state: 'rectifying', site: 's1', zone: 'z1', reportedAt: T0 + 1 * DAY, rectification: { owner: '王', measures: 'm', funds: 0, deadline: T0 + 9 * DAY }, flags: { ...flags, overdueRectification: true } }),
  h('hz-2', { title: '配电室门未关', source: 'self', state: 'reported', site: 's1', zone: 'z2', reportedAt: T0 + 2 * DAY }),
  h('hz-3', { title: '尾矿库排洪堵塞', source: 'inspection', level: 'major', state: 'rectifying', site: 's2', reportedAt: T0 + 3 * DAY, rectification: { owner: '李', measures: 'm', funds: 1, deadline: T0 + 5 * DAY } }),
  h('hz-4', { title: '气体探头报警', source: 'alarm', state: 'closed', site: 's1', zone: 'z1', reportedAt: T0 + 4 * DAY }),
];

describe('the hazard ledger (issue 14)', () => {
  it('newest first by default, with the total and the counts per state over the other filters', () => {
    const p = ledger(ALL, {});
    expect(p.hazards.map((x) => x.id)).toEqual(['hz-4', 'hz-3', 'hz-2', 'hz-1']);
    expect(p.total).toBe(4);
    expect(p.counts).toMatchObject({ reported: 1, rectifying: 2, closed: 1, verifying: 0 });
    const r = ledger(ALL, { state: 'rectifying', site: 's1' });
    expect(r.hazards.map((x) => x.id)).toEqual(['hz-1']);
    expect(r.counts).toMatchObject({ rectifying: 1, reported: 1, closed: 1 });
    expect(ledger(ALL, { state: 'open' }).hazards.map((x) => x.id)).toEqual(['hz-3', 'hz-2', 'hz-1']);
    expect(ledger(ALL, { state: 'all' }).total).toBe(4);
  });

  it('filters by level, source, zone, dates, overdue and words (including place names)', () => {
    expect(ledger(ALL, { level: 'major' }).hazards.map((x) => x.id)).toEqual(['hz-3']);
    expect(ledger(ALL, { source: 'self' }).hazards.map((x) => x.id)).toEqual(['hz-2']);
    expect(ledger(ALL, { zone: 'z1' }).hazards.map((x) => x.id)).toEqual(['hz-4', 'hz-1']);
    expect(ledger(ALL, { from: T0 + 2 * DAY, to: T0 + 4 * DAY }).hazards.map((x) => x.id)).toEqual(['hz-3', 'hz-2']);
    expect(ledger(ALL, { overdue: true }).hazards.map((x) => x.id)).toEqual(['hz-1']);
    expect(ledger(ALL, { q: '排洪' }).hazards.map((x) => x.id)).toEqual(['hz-3']);
    expect(ledger(ALL, { q: '一号井' }, (x) => (x.site === 's1' ? '一号井' : '')).total).toBe(3);
  });

  it('sorts by deadline, level or state; pages with offset and limit', () => {
    expect(ledger(ALL, { sort: 'deadline' }).hazards.map((x) => x.id)).toEqual(['hz-3', 'hz-1', 'hz-4', 'hz-2']);
    expect(ledger(ALL, { sort: 'level' }).hazards[0].id).toBe('hz-3');
    expect(ledger(ALL, { sort: 'state', order: 'desc' }).hazards[0].id).toBe('hz-4');
    const page = ledger(ALL, { offset: 1, limit: 2 });
    expect(page.hazards.map((x) => x.id)).toEqual(['hz-3', 'hz-2']);
    expect(page.total).toBe(4);
  });

  it('query strings: a bad value is a 400 naming the field', () => {
    const t = (_f: string, v: string) => Number(v);
    expect(parseLedgerQuery({ state: 'closed', overdue: 'true', limit: '20', offset: '40', sort: 'deadline' }, t)).toEqual({ state: 'closed', overdue: true, limit: 20, offset: 40, sort: 'deadline' });
    for (const [k, v] of [['state', 'opened'], ['source', 'rumour'], ['overdue', 'yes'], ['limit', '0'], ['sort', 'title'], ['offset', '-1']])
      expect(() => parseLedgerQuery({ [k]: v }, t)).toThrow(expect.objectContaining({ field: k }));
  });
});
