// GET /api/v1/stats (issue 15): resolves the scope (the caller's, narrowed by enterprise, site or
// jurisdiction — outside it answers 404) and the period, loads the records, and counts (stats.ts).
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Clock } from '../clock.ts';
import { HazardlineError } from '../errors.ts';
import type { Actor, Hazard, RewardFrom } from '../hazards/types.ts';
import { visible } from '../hazards/workflow.ts';
import type { Verification } from '../inspection/inspection-service.ts';
import type { AssetModel, EnterpriseInfo } from '../model/assets.ts';
import type { RecordStore } from '../records/record-store.ts';
import { parsePeriod, type Period } from './period.ts';
import { computeStats, type EnterpriseNow, type Stats } from './stats.ts';

export interface StatsServiceOptions {
  store: RecordStore;
  assets: AssetModel;
  alarms: AlarmManager;
  clock: Clock;
  timezone: string;
  rewardFrom: RewardFrom;
  /** an enterprise's risk colour and devices now (the inspection board's view) */
  now: (e: EnterpriseInfo) => Promise<EnterpriseNow>;
}

export interface StatsScope {
  enterprise?: string;
  site?: string;
  jurisdiction?: string;
}

export interface StatsResult extends Stats {
  scope: { enterprises: string[]; enterprise: string | null; site: string | null; jurisdiction: string | null };
  period: { kind: Period['kind']; label: string; from: string; to: string; timezone: string };
  asOf: string;
}

const notFound = (what: string) => new HazardlineError('HL_ERR_NOT_FOUND', `${what} not found`, 404);
const MAX_ROWS = 100_000;

export class StatsService {
  constructor(private readonly o: StatsServiceOptions) {}

  /** The enterprises of the caller's scope narrowed by the query; 404 for what lies outside it. */
  scope(actor: Actor, q: StatsScope): EnterpriseInfo[] {
    let list = [...this.o.assets.enterprises.values()].filter((e) => visible({ enterprise: e.id, jurisdiction: e.jurisdiction }, actor));
    if (q.jurisdiction) {
      list = list.filter((e) => e.jurisdiction === q.jurisdiction);
      if (list.length === 0) throw notFound(`jurisdiction ${q.jurisdiction}`);
    }
    if (q.enterprise) {
      list = list.filter((e) => e.id === q.enterprise);
      if (list.length === 0) throw notFound(`enterprise ${q.enterprise}`);
    }
    if (q.site) {
      list = list.filter((e) => e.sites.has(q.site!));
      if (list.length === 0) throw notFound(`site ${q.site}`);
    }
    return list;
  }

  period(q: Record<string, string | undefined>, parseTime: (field: string, v: string) => number): Period {
    return parsePeriod(q, this.o.clock.now(), this.o.timezone, parseTime);
  }

  async stats(actor: Actor, q: StatsScope, period: Period): Promise<StatsResult> {
    const scope = this.scope(actor, q);
    const ids = scope.map((e) => e.id);
    const now = this.o.clock.now();
    const onSite = <T extends { site?: string | null }>(xs: T[]) => (q.site ? xs.filter((x) => x.site === q.site) : xs);
    await this.o.alarms.flush();
    const hazards = onSite(await this.o.store.hazards.list<Hazard>({ enterprises: ids, limit: MAX_ROWS })).filter((h) => visible(h, actor));
    const alarms = onSite((await this.o.store.alarms.list({ enterprises: ids, since: period.from, limit: MAX_ROWS })).filter((a) => a.raisedAt < period.to));
    const alarmIds = new Set(alarms.map((a) => a.id));
    const transitions = (await this.o.store.alarms.recentTransitions(period.from, MAX_ROWS * 10, { until: period.to, action: 'raise' })).filter((t) => alarmIds.has(t.alarmId));
    const disposals = await this.o.store.disposals.byAlarms([...alarmIds]);
    const jurisdictions = [...new Set(scope.map((e) => e.jurisdiction))];
    const inScope = new Set(ids);
    const verifications = (await this.o.store.verifications.list<Verification>({ jurisdictions, since: period.from, limit: MAX_ROWS })).filter((v) => inScope.has(v.enterprise) && v.createdAt < period.to);
    const enterprises = await Promise.all(scope.map((e) => this.o.now(e)));
    const stats = computeStats({ period, timezone: this.o.timezone, now, rewardFrom: this.o.rewardFrom, enterprises, hazards, alarms, transitions, disposals, verifications });
    const iso = (t: number) => new Date(t).toISOString();
    return {
      scope: { enterprises: ids, enterprise: q.enterprise ?? null, site: q.site ?? null, jurisdiction: q.jurisdiction ?? null },
      period: { kind: period.kind, label: period.label, from: iso(period.from), to: iso(period.to), timezone: this.o.timezone },
      asOf: iso(now),
      ...stats,
    };
  }
}
