// Alarm-system health (DOMAIN.md §8, ISA-18.2 / EEMUA 191): the figures of the dispatcher's
// health panel — the rate per 10 minutes as a series, floods (≥ 10 in 10 min), chattering (≥ 3
// activations of one alarm in 1 min), stale (active > 24 h) and the priority mix.
import { describe, expect, it } from 'vitest';
import { alarmHealth } from './alarm-health.ts';
import type { Alarm, AlarmTransition } from './types.ts';

const TEN = 600_000;
const NOW = 1_000 * TEN + 123_456; // inside the window that starts at 1000 × 10 min

function alarm(id: string, over: Partial<Alarm> = {}): Alarm {
  return {
    id, rule: 'gas.lel', key: id, severity: 'yellow', state: 'active_unacked', active: true, enterprise: 'ent-a', site: 's1', zone: null, device: id, metric: 'lel', value: 1, peak: 1, threshold: 1, message: '', messageEn: '', count: 1,
    raisedAt: NOW - 1000, updatedAt: NOW - 1000, ackedAt: null, ackedBy: null, ackNote: null, clearedAt: null, closedAt: null, shelvedUntil: null, shelveReason: null, suppressedReason: null, dueBy: NOW + 1, retroactive: false, escalations: 0, hazardId: null,
    ...over,
  } as Alarm;
}
const raise = (alarmId: string, ts: number, severity: AlarmTransition['severity'] = 'yellow'): AlarmTransition => ({ alarmId, ts, action: 'raise', fromState: null, toState: 'active_unacked', severity, actor: 'system', note: null, value: 1 });

describe('alarmHealth [DOMAIN.md §8]', () => {
  it('counts activations per aligned 10-minute window over the period, floods at ≥ 10, chattering at ≥ 3 in a minute, stale after 24 h', () => {
    const alarms = new Map<string, Alarm>();
    const ts: AlarmTransition[] = [];
    // a flood: 10 alarms in the window 998 (one of them red)
    for (let i = 0; i < 10; i++) {
      alarms.set(`f${i}`, alarm(`f${i}`));
      ts.push(raise(`f${i}`, 998 * TEN + i * 1000, i === 0 ? 'red' : 'yellow'));
    }
    // chattering: one alarm raised 3 times within 50 s, in the current window
    alarms.set('c', alarm('c'));
    ts.push(raise('c', NOW - 50_000), raise('c', NOW - 30_000), raise('c', NOW - 1000));
    // an operator ack is not an activation
    ts.push({ ...raise('c', NOW - 500), action: 'ack', toState: 'active_acked' });
    const stale = alarm('s', { raisedAt: NOW - 25 * 3_600_000 });
    const h = alarmHealth(ts, alarms, [stale, alarms.get('c')!], NOW, 1);
    expect(h.activations).toBe(13);
    expect(h.last10Min).toBe(3);
    expect(h.series.length).toBe(7); // windows 994 … 1000: the hour back from NOW, current window included
    expect(h.series[0]).toEqual([994 * TEN, 0]);
    expect(h.series.find(([t]) => t === 998 * TEN)).toEqual([998 * TEN, 10]);
    expect(h.series.at(-1)).toEqual([1000 * TEN, 3]);
    expect(h.series.reduce((n, [, c]) => n + c, 0)).toBe(h.activations);
    expect(h.floods).toEqual([{ start: new Date(998 * TEN).toISOString(), activations: 10 }]);
    expect(h.chattering).toEqual([{ alarmId: 'c', rule: 'gas.lel', subject: 'ent-a/s1/c', activations: 3 }]);
    expect(h.stale).toEqual([{ alarmId: 's', rule: 'gas.lel', subject: 'ent-a/s1/s', activeHours: 25 }]);
    expect(h.priorityMix).toEqual({ red: +(1 / 13).toFixed(3), orange: 0, yellow: +(12 / 13).toFixed(3), blue: 0 });
    expect(h.per10Min).toBe(+(13 / 6).toFixed(2));
  });

  it('an empty period: zero everywhere, one window per 10 minutes', () => {
    const h = alarmHealth([], new Map(), [], NOW, 24);
    expect(h).toMatchObject({ activations: 0, per10Min: 0, last10Min: 0, floods: [], chattering: [], stale: [] });
    expect(h.series.length).toBe(145);
    expect(h.series.every(([, n]) => n === 0)).toBe(true);
  });
});
