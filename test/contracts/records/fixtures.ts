// Fixtures shared by the record repositories' contract suites (test/contracts/records/).
import type { Alarm, AlarmTransition } from '../../../gateway/src/alarms/types.ts';
import type { RecordStore } from '../../../gateway/src/records/record-store.ts';

/** What each repository suite gets: the store opened for the run, another on the same database, and raw SQL behind its back (tampering). */
export interface RecordsContext {
  store(): RecordStore;
  open(): Promise<RecordStore>;
  exec(sql: string): Promise<void>;
}

/** 2026-11-02T01:00:00Z: an epoch ms past 2^32 seconds-as-ms and past 2^40, to catch int32/float truncation */
export const BIG_MS = 1_793_581_200_000;
export const MIGRATIONS = ['0001-alarms', '0002-rule-state', '0003-status-declarations', '0004-audit-log', '0005-hazards', '0006-verifications', '0007-alarm-origin', '0008-alarm-disposals', '0009-notifications', '0010-shift-handovers', '0011-report-runs', '0012-downlink', '0013-cluster', '0014-edge-links', '0015-accidents', '0016-special-periods', '0017-resumptions', '0018-sanwei'];

export function fullAlarm(id: string, over: Partial<Alarm> = {}): Alarm {
  return {
    id,
    rule: 'gas.lel',
    key: `gas.lel|${id}`,
    severity: 'red',
    state: 'active_unacked',
    active: true,
    enterprise: 'ent-rt',
    site: 's1',
    zone: 'z-stope-301',
    device: 'gas-01',
    metric: 'lel',
    value: 52.123456789,
    peak: 55.1,
    threshold: 50,
    message: '可燃气体浓度 52.1 %LEL ≥ 二级报警 50 %LEL',
    messageEn: 'LEL 52.1 % >= level-2 alarm 50 %',
    count: 3,
    raisedAt: BIG_MS,
    updatedAt: BIG_MS + 1_234,
    ackedAt: BIG_MS + 60_000,
    ackedBy: 'dispatcher-1',
    ackNote: '已通知现场',
    clearedAt: BIG_MS + 120_000,
    closedAt: BIG_MS + 180_000,
    shelvedUntil: BIG_MS + 3_600_000,
    shelveReason: 'calibration',
    suppressedReason: 'maintenance',
    dueBy: BIG_MS + 86_399_999,
    retroactive: true,
    escalations: 2,
    hazardId: 'hz_1',
    evidence: { readings: [[BIG_MS, 52.1], [BIG_MS + 1000, -0.5]], nested: { ok: true, none: null, s: '引号 " \\ 换行\n' } },
    origin: 'edge-泰安-01',
    originId: 'al_at_the_edge',
    originRev: '91735262114022:1200',
    ...over,
  };
}

/** The same alarm with every nullable field null and every boolean false. */
export function nullAlarm(id: string, over: Partial<Alarm> = {}): Alarm {
  return fullAlarm(id, {
    active: false,
    retroactive: false,
    site: null,
    zone: null,
    device: null,
    metric: null,
    value: null,
    peak: null,
    threshold: null,
    ackedAt: null,
    ackedBy: null,
    ackNote: null,
    clearedAt: null,
    closedAt: null,
    shelvedUntil: null,
    shelveReason: null,
    suppressedReason: null,
    hazardId: null,
    evidence: null,
    origin: null,
    ...over,
  });
}

export function transition(alarmId: string, ts: number, over: Partial<AlarmTransition> = {}): AlarmTransition {
  return { alarmId, ts, action: 'raise', fromState: null, toState: 'active_unacked', severity: 'red', actor: 'system', note: null, value: 52.1, ...over };
}

export const ids = (as: Alarm[]) => as.map((a) => a.id);