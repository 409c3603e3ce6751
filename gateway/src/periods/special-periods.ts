// Special periods (特殊时期, issue 17, docs/special-periods.md). Seed 003: during major events and
// holidays, stricter control (重大活动、节假日期间…两禁止、一严控; 严格节假日、重大活动等期间动火作业审批).
// A regulator sets, for their jurisdiction, from/to with a reason:
//  - `thresholdFactor` (0.5–1): the `above` thresholds of the rules scaled by it (0.8: a yellow
//    20 %LEL raises at 16) for the period's enterprises, in event time (rules/src/kinds/threshold.ts);
//  - `delayFactor` (0–1): the raise delays of the rules (`onDelay…`: a stopped mine's belt running
//    60 s, a zone over its limit 60 s, …) scaled by it (0: at once), in event time;
//  - `redRules`: alarms of these rules raised red while it lasts;
//  - `forbidProduction`: the enterprises of `sectors` may not declare production (refused), and one
//    already declared producing is a red finding (`period.production-forbidden`).
// `sectors` (empty: every sector) limits the period to the jurisdiction's enterprises of those sectors.
// The book is the engine's and the alarm path's view: loaded from the records at start, on each
// change here, and every 30 s (cluster mode: periods set on another instance).
import type { AssetModel } from '../model/assets.ts';
import type { Condition } from '../model/vocabulary.ts';
import type { PeriodDoc } from '../records/period-records.ts';

export const PERIOD_KINDS = ['holiday', 'major-event', 'special-inspection'] as const;

export interface SpecialPeriod extends PeriodDoc {
  name: string;
  kind: (typeof PERIOD_KINDS)[number];
  reason: string;
  sectors: string[];
  thresholdFactor: number;
  /** absent in periods set before it existed: 1 */
  delayFactor?: number;
  redRules: string[];
  forbidProduction: boolean;
  createdByName: string | null;
  endedBy?: string;
  endedByName?: string | null;
}

export const FORBIDDEN_RULE = 'period.production-forbidden';

export class SpecialPeriodBook {
  /** per enterprise, the periods that apply to it (recomputed on load) */
  private byEnterprise = new Map<string, SpecialPeriod[]>();

  constructor(private readonly assets: AssetModel) {}

  load(list: readonly SpecialPeriod[]): void {
    const by = new Map<string, SpecialPeriod[]>();
    for (const e of this.assets.enterprises.values()) {
      const mine = list.filter((p) => p.jurisdiction === e.jurisdiction && (p.sectors.length === 0 || p.sectors.includes(e.sector)));
      if (mine.length) by.set(e.id, mine);
    }
    this.byEnterprise = by;
  }

  /** The periods of an enterprise in force at event time ts. */
  at(enterprise: string, ts: number): SpecialPeriod[] {
    const list = this.byEnterprise.get(enterprise);
    return list ? list.filter((p) => p.from <= ts && ts < p.to) : [];
  }

  /**
   * The factor on the enterprise's `above` thresholds at ts: the strictest period's (1: none). On
   * the rule engine's hot path (each threshold reading): no allocation, nothing to do without periods.
   */
  factorAt = (enterprise: string, ts: number): number => this.strictest(enterprise, ts, 'thresholdFactor');

  /** The factor on the enterprise's raise delays at ts: the strictest period's (1: none). */
  delayAt = (enterprise: string, ts: number): number => this.strictest(enterprise, ts, 'delayFactor');

  private strictest(enterprise: string, ts: number, field: 'thresholdFactor' | 'delayFactor'): number {
    if (this.byEnterprise.size === 0) return 1;
    const list = this.byEnterprise.get(enterprise);
    if (list === undefined) return 1;
    let f = 1;
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (p.from <= ts && ts < p.to) f = Math.min(f, p[field] ?? 1);
    }
    return f;
  }

  /** A condition raised during a period that names its rule in `redRules` is raised red. */
  adjust(c: Condition): Condition {
    if (!c.active || c.severity === 'red' || this.byEnterprise.size === 0) return c;
    const p = this.at(c.subject.enterprise, c.ts).find((x) => x.redRules.includes(c.rule));
    if (!p) return c;
    return { ...c, severity: 'red', message: { zh: `${c.message.zh}（${p.name}期间从严为红色）`, en: `${c.message.en} (red during ${p.name})` }, evidence: { ...c.evidence, specialPeriod: p.id } };
  }

  /** The period that forbids the enterprise to produce at ts, if any. */
  forbidding(enterprise: string, ts: number): SpecialPeriod | undefined {
    return this.at(enterprise, ts).find((p) => p.forbidProduction);
  }

  /**
   * `period.production-forbidden` (red) for an enterprise declared producing while a period forbids
   * it; cleared when it no longer is. Stated against the open keys (restart and cluster safe).
   */
  conditions(now: number, statusOf: (enterprise: string) => string, open: ReadonlySet<string>): Condition[] {
    const out: Condition[] = [];
    const due = new Set<string>();
    for (const e of this.byEnterprise.keys()) {
      const p = this.forbidding(e, now);
      if (!p || statusOf(e) !== 'producing') continue;
      const key = `${FORBIDDEN_RULE}|${e}|${p.id}`;
      due.add(key);
      if (!open.has(key)) out.push({ rule: FORBIDDEN_RULE, key, subject: { enterprise: e }, active: true, severity: 'red', ts: Math.max(p.from, now), message: { zh: `${p.name}期间禁止生产，企业仍申报生产（${p.reason}）`, en: `production forbidden during ${p.name}, enterprise declared producing (${p.reason})` }, evidence: { specialPeriod: p.id, from: p.from, to: p.to } });
    }
    for (const key of open) {
      if (due.has(key)) continue;
      const [, enterprise] = key.split('|');
      out.push({ rule: FORBIDDEN_RULE, key, subject: { enterprise }, active: false, severity: 'red', ts: now, message: { zh: '特殊时期禁产情形已解除', en: 'no longer producing during a forbidding period' } });
    }
    return out;
  }
}
