// Fixtures shared by the webhook tests: one alarm transition and one hazard event.
import { alarmJson } from '../../gateway/src/alarms/alarm-json.ts';
import { endOfLocalDay } from '../../gateway/src/alarms/local-time.ts';
import type { Alarm } from '../../gateway/src/alarms/types.ts';
import type { AlarmNotifyEvent, HazardNotifyEvent } from '../../gateway/src/notify/notifier.ts';

export const TZ = 'Asia/Shanghai';
/** 2026-03-10 14:03:05 in Shanghai */
export const RAISED = Date.parse('2026-03-10T06:03:05Z');

export function alarm(over: Partial<Alarm> = {}): Alarm {
  return {
    id: 'al-0001',
    rule: 'gas.lel.level2',
    key: 'gas.lel.level2|dev-7',
    severity: 'red',
    state: 'active_unacked',
    active: true,
    enterprise: 'ent-a',
    site: 'site-1',
    zone: 'tank-farm',
    device: 'gas-07',
    metric: 'lel',
    value: 52,
    peak: 52,
    threshold: 50,
    message: '可燃气体浓度超二级报警值',
    messageEn: 'combustible gas above level-2 alarm',
    count: 1,
    raisedAt: RAISED,
    updatedAt: RAISED,
    ackedAt: null,
    ackedBy: null,
    ackNote: null,
    clearedAt: null,
    closedAt: null,
    shelvedUntil: null,
    shelveReason: null,
    suppressedReason: null,
    dueBy: endOfLocalDay(RAISED, TZ),
    retroactive: false,
    escalations: 0,
    hazardId: null,
    evidence: null,
    origin: null,
    ...over,
  };
}

export function alarmEvent(over: Partial<Alarm> = {}, ev: Partial<AlarmNotifyEvent> = {}): AlarmNotifyEvent {
  const a = alarm(over);
  return { kind: 'alarm', alarm: alarmJson(a, TZ, RAISED), action: 'raise', previousState: null, at: new Date(a.updatedAt).toISOString(), actor: 'system', ...ev };
}

export function hazardEvent(over: Partial<HazardNotifyEvent['hazard']> = {}): HazardNotifyEvent {
  return {
    kind: 'hazard',
    action: 'report',
    at: '2026-03-10T07:00:00.000Z',
    hazard: {
      id: 'hz-0042',
      enterprise: 'ent-a',
      site: 'site-1',
      title: '起重机吊链隐蔽裂纹',
      level: 'major',
      state: 'reported',
      previousState: null,
      action: 'report',
      dueBy: '2026-03-20T23:59:59+08:00',
      reportCode: 'YH-2026-0042',
      ...over,
    },
  };
}
