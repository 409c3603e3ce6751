// Alarm JSON as CONTRACT §6 shows it: RFC 3339 times (UTC), `dueBy` in local time with its
// offset, and the overdue flag computed when read.
import type { Alarm } from './types.ts';
import { formatLocal } from './local-time.ts';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function alarmJson(a: Alarm, timezone: string, now: number) {
  const open = a.state !== 'normal';
  return {
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    state: a.state,
    active: a.active,
    enterprise: a.enterprise,
    site: a.site,
    zone: a.zone,
    device: a.device,
    metric: a.metric,
    value: a.value,
    peak: a.peak,
    threshold: a.threshold,
    message: a.message,
    messageEn: a.messageEn,
    count: a.count,
    raisedAt: iso(a.raisedAt),
    updatedAt: iso(a.updatedAt),
    ackedAt: iso(a.ackedAt),
    ackedBy: a.ackedBy,
    ackNote: a.ackNote,
    clearedAt: iso(a.clearedAt),
    closedAt: iso(a.closedAt),
    shelvedUntil: iso(a.shelvedUntil),
    shelveReason: a.shelveReason,
    suppressedReason: a.suppressedReason,
    dueBy: formatLocal(a.dueBy, timezone),
    overdue: open && a.ackedAt === null && now > a.dueBy,
    retroactive: a.retroactive,
    escalations: a.escalations,
    hazardId: a.hazardId,
    evidence: a.evidence,
    origin: a.origin,
  };
}
export type AlarmJson = ReturnType<typeof alarmJson>;
