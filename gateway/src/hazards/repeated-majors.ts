// Repeated major hazards (issue 17, DOMAIN.md §10): seed 003 — 对 3 个月内 2 次及以上发现有重大隐患
// 仍然进行生产的，依法依规提请地方政府关闭. Two or more major hazards confirmed at one enterprise within
// 90 days raise `hazard.repeated-major` (red) for the regulator, with the list and the seed's
// recommendation; it clears once fewer than two remain in the window. Pure: the hazards and the
// keys open now in, the conditions out (stated against what is open, so a restart or a new
// cluster owner carries on).
import type { Condition } from '../model/vocabulary.ts';
import type { Hazard } from './types.ts';

export const REPEATED_MAJOR_RULE = 'hazard.repeated-major';
export const REPEATED_MAJOR_WINDOW_MS = 90 * 86_400_000;
export const REPEATED_MAJOR_MIN = 2;

const RECOMMENDATION = {
  zh: '3个月内2次及以上发现重大事故隐患：仍然进行生产的，依法依规提请地方政府关闭（泰应急发〔2024〕10号）',
  en: 'Two or more major hazards within 3 months: if it still produces, propose closure to the local government (seed 003)',
};

const counts = (h: Hazard) => h.level === 'major' && h.confirmedAt !== undefined && h.state !== 'rejected' && !h.duplicateOf;
const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/** `hazards`: the enterprises' hazards (any state); `open`: the keys of this rule's open alarms. */
export function repeatedMajorConditions(hazards: readonly Hazard[], now: number, open: ReadonlySet<string>, statusOf: (enterprise: string) => string): Condition[] {
  const byEnterprise = new Map<string, Hazard[]>();
  for (const h of hazards) {
    if (!counts(h) || h.confirmedAt! > now || h.confirmedAt! <= now - REPEATED_MAJOR_WINDOW_MS) continue;
    byEnterprise.set(h.enterprise, [...(byEnterprise.get(h.enterprise) ?? []), h]);
  }
  const out: Condition[] = [];
  const due = new Set<string>();
  for (const [enterprise, list] of byEnterprise) {
    if (list.length < REPEATED_MAJOR_MIN) continue;
    const key = `${REPEATED_MAJOR_RULE}|${enterprise}`;
    due.add(key);
    if (open.has(key)) continue;
    list.sort((a, b) => a.confirmedAt! - b.confirmedAt!);
    const status = statusOf(enterprise);
    const producing = status === 'producing' ? { zh: '，企业仍申报生产', en: ', still declared producing' } : { zh: '', en: '' };
    out.push({
      rule: REPEATED_MAJOR_RULE,
      key,
      subject: { enterprise },
      active: true,
      severity: 'red',
      // the confirmation that made it the second within 90 days
      ts: list[REPEATED_MAJOR_MIN - 1].confirmedAt!,
      message: {
        zh: `3个月内发现重大事故隐患 ${list.length} 项（${list.map((h) => `「${h.title}」${day(h.confirmedAt!)}`).join('、')}）${producing.zh}：建议依法依规提请地方政府关闭`,
        en: `${list.length} major hazards confirmed within 3 months (${list.map((h) => `"${h.title}" ${day(h.confirmedAt!)}`).join(', ')})${producing.en}: propose closure`,
      },
      value: list.length,
      threshold: REPEATED_MAJOR_MIN,
      evidence: { hazards: list.map((h) => ({ id: h.id, title: h.title, confirmedAt: h.confirmedAt, state: h.state })), declaredStatus: status, recommendation: RECOMMENDATION },
    });
  }
  for (const key of open) {
    if (due.has(key)) continue;
    const enterprise = key.slice(REPEATED_MAJOR_RULE.length + 1);
    out.push({ rule: REPEATED_MAJOR_RULE, key, subject: { enterprise }, active: false, severity: 'red', ts: now, message: { zh: '3个月内重大事故隐患已少于2项', en: 'fewer than two major hazards within 3 months' } });
  }
  return out;
}
