import { describe, expect, it } from 'vitest';
import { parsePeriod } from './period.ts';

const TZ = 'Asia/Shanghai';
const NOW = Date.parse('2026-11-26T10:00:00+08:00');
const time = (_f: string, v: string) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v));
const iso = (t: number) => new Date(t).toISOString();

describe('parsePeriod', () => {
  it('month (the default): the calendar month around now, local midnight to local midnight', () => {
    const p = parsePeriod({}, NOW, TZ, time);
    expect([p.kind, p.label, iso(p.from), iso(p.to), p.days.length]).toEqual(['month', '2026-11', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z', 30]);
    expect(parsePeriod({ month: '2026-12' }, NOW, TZ, time).days.at(-1)).toBe('2026-12-31');
  });

  it('day from date=, week Monday to Sunday with its ISO week number', () => {
    const d = parsePeriod({ date: '2026-11-23' }, NOW, TZ, time);
    expect([d.kind, d.label, iso(d.from), iso(d.to), d.days]).toEqual(['day', '2026-11-23', '2026-11-22T16:00:00.000Z', '2026-11-23T16:00:00.000Z', ['2026-11-23']]);
    const w = parsePeriod({ period: 'week' }, NOW, TZ, time);
    expect([w.label, w.days[0], w.days[6], w.days.length]).toEqual(['2026-W48', '2026-11-23', '2026-11-29', 7]);
    expect(parsePeriod({ period: 'week', date: '2027-01-01' }, NOW, TZ, time).label).toBe('2026-W53');
  });

  it('from/to: local dates (to inclusive) or times', () => {
    const p = parsePeriod({ from: '2026-11-01', to: '2026-11-15' }, NOW, TZ, time);
    expect([p.kind, iso(p.from), iso(p.to), p.days.length, p.label]).toEqual(['custom', '2026-10-31T16:00:00.000Z', '2026-11-15T16:00:00.000Z', 15, '2026-11-01..2026-11-15']);
    const q = parsePeriod({ from: '2026-11-01T08:00:00+08:00', to: '2026-11-01T20:00:00+08:00' }, NOW, TZ, time);
    expect(q.to - q.from).toBe(12 * 3_600_000);
  });

  it.each([
    [{ period: 'year' }, 'period'],
    [{ month: '2026-13' }, 'month'],
    [{ date: '2026-02-30' }, 'date'],
    [{ period: 'day', month: '2026-11' }, 'month'],
    [{ from: '2026-11-01' }, 'to'],
    [{ from: '2026-11-10', to: '2026-11-01' }, 'to'],
    [{ from: '2025-01-01', to: '2026-11-01' }, 'to'],
  ])('%j: 400 naming %s', (q, field) => {
    expect(() => parsePeriod(q, NOW, TZ, time)).toThrow(expect.objectContaining({ statusCode: 400, field }));
  });
});
