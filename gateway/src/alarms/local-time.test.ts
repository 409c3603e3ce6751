import { describe, expect, it } from 'vitest';
import { endOfLocalDay, formatLocal } from './local-time.ts';

describe('local days (DOMAIN.md §0: handled the same day)', () => {
  it('ends the Asia/Shanghai day at 23:59:59.999 +08:00, also just after local midnight', () => {
    const raised = Date.parse('2026-11-22T08:00:01.123Z'); // 16:00 local
    expect(formatLocal(endOfLocalDay(raised, 'Asia/Shanghai'), 'Asia/Shanghai')).toBe('2026-11-22T23:59:59+08:00');
    expect(endOfLocalDay(raised, 'Asia/Shanghai')).toBe(Date.parse('2026-11-22T23:59:59.999+08:00'));
    const justAfterMidnight = Date.parse('2026-11-22T00:00:30+08:00');
    expect(endOfLocalDay(justAfterMidnight, 'Asia/Shanghai')).toBe(Date.parse('2026-11-22T23:59:59.999+08:00'));
  });
  it('follows DST where a zone has it', () => {
    // Europe/Berlin switches to summer time on 2026-03-29: that day has 23 hours
    expect(formatLocal(endOfLocalDay(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Berlin'), 'Europe/Berlin')).toBe('2026-03-29T23:59:59+02:00');
  });
});
