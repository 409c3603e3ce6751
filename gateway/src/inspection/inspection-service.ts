// Online inspection plus offline verification (线上巡查 + 线下核查, DOMAIN.md §0, CONTRACT §7): the
// enterprise views (declared status next to what power, belt and positioning show, open alarms
// and hazards, offline devices, risk colour with its reasons), the regulator's board (anomaly
// queue with evidence, supervised major and overdue hazards, open verification tasks) and the
// verification tasks themselves, whose confirmed result becomes an `inspection` hazard report.
import { randomBytes } from 'node:crypto';
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import { alarmJson } from '../alarms/alarm-json.ts';
import type { Alarm } from '../alarms/types.ts';
import type { Clock } from '../clock.ts';
import { HazardlineError } from '../errors.ts';
import type { HazardService } from '../hazards/hazard-service.ts';
import type { Actor, Hazard } from '../hazards/types.ts';
import { OPEN_STATES as HAZARD_OPEN } from '../hazards/types.ts';
import { withDeadlines } from '../hazards/deadlines.ts';
import { visible } from '../hazards/workflow.ts';
import type { AssetModel, EnterpriseInfo } from '../model/assets.ts';
import type { RecordStore } from '../records/record-store.ts';
import { badRequest, parseTime } from '../api/time-params.ts';
import type { LiveValues } from './live-values.ts';
import type { RuleGauge } from '../../../rules/src/evaluator.ts';
import { liveContradiction } from './contradiction.ts';
import { computeRisk, RISK_RULE_GROUPS, type Verification as RiskVerification } from './risk.ts';

export interface Verification {
  id: string;
  enterprise: string;
  jurisdiction: string;
  finding: string;
  alarmIds: string[];
  dueBy: number;
  state: 'open' | 'confirmed' | 'not-confirmed';
  createdAt: number;
  createdBy: string;
  /** the inspectors sent (names of people; issue 14), empty for tasks made before */
  inspectors?: string[];
  result?: { confirmed: boolean; note: string; evidence: string | null; by: string; at: number; hazardId: string | null };
}

/** the rule engine's running values (RuleEvaluator.gauges / clock) */
export interface RuleGauges {
  gauges(ruleId: string): RuleGauge[];
  clock(enterprise: string, now: number): number;
}

/** the anomaly queue: findings a regulator verifies on site (issue 6) */
const ANOMALY_RULES = new Set(['power.secret-operation', 'power.fake-offline', 'belt.running-while-stopped', 'belt.over-capacity-day', 'belt.over-capacity-month', 'personnel.overcrowding', 'personnel.stopped-site', 'seal.opened-while-stopped', 'seal.tamper', 'data.flatline', 'data.counter-backwards', 'data.replay', 'hazard.overdue-rectification', 'hazard.repeated-major', 'accident.reported', 'accident.direct-report-overdue', 'period.production-forbidden', 'video.unmonitored-work', 'uplink.edge-silent']);
const iso = (t: number) => new Date(t).toISOString();

export class InspectionService {
  constructor(
    private readonly o: { store: RecordStore; assets: AssetModel; alarms: AlarmManager; hazards: HazardService; live: LiveValues; clock: Clock; timezone: string; rules?: RuleGauges; edgeOf?: (enterprise: string) => unknown; sameDayRate?: (enterprises: string[]) => Promise<number | null> },
  ) {}

  /**
   * Today's tonnage per belt against the approved daily capacity: the running total of the
   * `belt.over-capacity-day` rule itself, so the site view shows the number the alarm is judged
   * by; 0 once the enterprise's event clock has passed the end of that local day.
   */
  private beltToday(e: EnterpriseInfo, now: number) {
    const rules = this.o.rules;
    if (!rules) return [];
    const clock = rules.clock(e.id, now);
    return rules
      .gauges('belt.over-capacity-day')
      .filter((g) => g.subject.enterprise === e.id && g.subject.device)
      .map((g) => ({ site: g.subject.site ?? null, device: g.subject.device!, tonnes: clock >= g.periodEnd ? 0 : Math.round(g.value * 10) / 10, capacity: e.approvedCapacity.tonnesPerDay ?? null, alarmAbove: g.limit, dayStart: iso(clock >= g.periodEnd ? g.periodEnd : g.periodStart) }));
  }

  private scope(actor: Actor): EnterpriseInfo[] {
    return [...this.o.assets.enterprises.values()].filter((e) => visible({ enterprise: e.id, jurisdiction: e.jurisdiction }, actor));
  }

  /** One enterprise as the consoles show it. */
  async view(e: EnterpriseInfo, openHazards?: Hazard[]) {
    const now = this.o.clock.now();
    const alarms = this.o.alarms.openAlarms().filter((a) => a.enterprise === e.id);
    const hazards = (openHazards ?? (await this.o.store.hazards.list<Hazard>({ enterprises: [e.id], states: [...HAZARD_OPEN], limit: 10_000 }))).map((h) => withDeadlines(h, now));
    const since = now - 90 * 86_400_000;
    const verifications = (await this.o.store.verifications.list<Verification>({ jurisdictions: [e.jurisdiction], enterprise: e.id, since })).map((v): RiskVerification => ({ result: v.state === 'open' ? 'pending' : v.state, finding: v.finding, at: v.result?.at ?? v.createdAt }));
    const devices = [...e.sites.values()].flatMap((s) => [...s.devices.values()]);
    const offline = new Set(alarms.filter((a) => a.rule === 'device.offline' && a.active).map((a) => a.device));
    const risk = computeRisk({ enterprise: { id: e.id, declaredStatus: e.declaredStatus }, openAlarms: alarms, hazards, verifications, devices: { total: devices.length, offline: offline.size }, now });
    const bySeverity = { red: 0, orange: 0, yellow: 0, blue: 0 };
    for (const a of alarms) bySeverity[a.severity]++;
    // what the meters show, next to what was declared (明停暗开 at a glance)
    const latest = (kind: string, metric: string) =>
      devices.filter((d) => d.kind === kind).map((d) => ({ device: d.id, ...this.o.live.get(e.id, d.site, d.id, metric) })).filter((x) => x.value !== undefined).map((x) => ({ device: x.device, value: x.value!, at: iso(x.ts!) }));
    const zones = [...e.sites.values()].flatMap((s) => [...s.zones.values()].map((z) => ({ site: s.id, zone: z.id, name: z.name ?? null, maxPersons: z.maxPersons ?? null, highRisk: z.highRisk, persons: this.o.live.persons(e.id, s.id, z.id)?.persons ?? 0 })));
    const live = { powerKw: latest('power', 'kw'), beltRunning: latest('belt', 'running'), beltTph: latest('belt', 'tph'), beltToday: this.beltToday(e, now), zones };
    return {
      id: e.id,
      name: e.name ?? null,
      sector: e.sector,
      jurisdiction: e.jurisdiction,
      declaredStatus: e.declaredStatus,
      approvedCapacity: e.approvedCapacity,
      power: e.power ?? null,
      live,
      // declared stopped, yet the meters say otherwise: flagged at once, before the 30-minute rule fires
      contradiction: liveContradiction(e.declaredStatus, e.power, live),
      alarms: { open: alarms.length, bySeverity },
      hazards: { open: hazards.length, major: hazards.filter((h) => h.level === 'major').length, overdue: hazards.filter((h) => h.flags?.overdueRectification).length },
      devices: { total: devices.length, offline: offline.size },
      // central mode: the edge that forwards this enterprise, connected or not, how far behind (数据延迟)
      edge: this.o.edgeOf?.(e.id) ?? null,
      riskColour: risk.colour,
      risk,
    };
  }

  /** GET /api/v1/assets: enterprises → sites → zones and devices with their names, in scope. */
  assets(actor: Actor) {
    return this.scope(actor).map((e) => ({
      id: e.id,
      name: e.name ?? null,
      sector: e.sector,
      jurisdiction: e.jurisdiction,
      declaredStatus: e.declaredStatus,
      sites: [...e.sites.values()].map((s) => ({
        id: s.id,
        name: s.name ?? null,
        zones: [...s.zones.values()].map((z) => ({ id: z.id, name: z.name ?? null, maxPersons: z.maxPersons ?? null, highRisk: z.highRisk })),
        devices: [...s.devices.values()].map((x) => ({ id: x.id, name: x.name ?? null, kind: x.kind, zone: x.zone ?? null })),
      })),
    }));
  }

  /** GET /api/v1/enterprises */
  async enterprises(actor: Actor) {
    return Promise.all(this.scope(actor).map((e) => this.view(e)));
  }

  /** GET /api/v1/enterprises/{id}: the view plus its open alarms and hazards. */
  async enterprise(id: string, actor: Actor) {
    const e = this.scope(actor).find((x) => x.id === id);
    if (!e) throw new HazardlineError('HL_ERR_NOT_FOUND', `enterprise ${id} not found`, 404);
    const now = this.o.clock.now();
    return {
      ...(await this.view(e)),
      openAlarms: this.o.alarms.openAlarms().filter((a) => a.enterprise === e.id).map((a) => alarmJson(a, this.o.timezone, now)),
      openHazards: await this.o.hazards.list(actor, { enterprise: e.id, limit: 1000 }).then((l) => l.filter((h) => HAZARD_OPEN.includes(h.state))),
    };
  }

  /** GET /api/v1/inspection: the regulator's board, riskiest first. */
  async board(actor: Actor) {
    const now = this.o.clock.now();
    const scope = this.scope(actor);
    const ids = new Set(scope.map((e) => e.id));
    const enterprises = (await Promise.all(scope.map((e) => this.view(e)))).sort((a, b) => b.risk.score - a.risk.score || a.id.localeCompare(b.id));
    const anomalies = this.o.alarms
      .openAlarms()
      .filter((a) => ids.has(a.enterprise) && ANOMALY_RULES.has(a.rule))
      .sort((a, b) => b.raisedAt - a.raisedAt)
      .map((a) => ({ ...alarmJson(a, this.o.timezone, now), finding: findingOf(a) }));
    const hazards = (await this.o.hazards.list(actor, { limit: 10_000 })).filter((h) => HAZARD_OPEN.includes(h.state));
    // 督办: with the enterprise's name and the age in days, most urgent first (overdue, then major, then oldest)
    const nameOf = (id: string) => this.o.assets.enterprises.get(id)?.name ?? id;
    const supervised = hazards
      .filter((h) => h.level === 'major' || h.flags?.overdueRectification)
      .map((h) => ({ ...h, enterpriseName: nameOf(h.enterprise), ageDays: Math.floor((now - h.reportedAt) / 86_400_000) }))
      .sort((a, b) => Number(!!b.flags?.overdueRectification) - Number(!!a.flags?.overdueRectification) || Number(b.level === 'major') - Number(a.level === 'major') || a.reportedAt - b.reportedAt);
    const verifications = await this.o.store.verifications.list<Verification>({ jurisdictions: actor.role === 'admin' ? [...new Set(scope.map((e) => e.jurisdiction))] : actor.jurisdictions, state: 'open' });
    const kpi = {
      enterprises: enterprises.length,
      /** every device of the enterprise reporting (no device.offline alarm) */
      enterprisesOnline: enterprises.filter((e) => e.devices.total > 0 && e.devices.offline === 0).length,
      openAlarms: enterprises.reduce((n, e) => n + e.alarms.open, 0),
      openHazards: hazards.length,
      overdueHazards: hazards.filter((h) => h.flags?.overdueRectification).length,
      majorHazards: hazards.filter((h) => h.level === 'major').length,
      contradictions: enterprises.filter((e) => e.contradiction !== null).length,
      /** today's alarms disposed by the end of the day, of those raised (null: none raised) */
      sameDayDisposalRate: this.o.sameDayRate ? await this.o.sameDayRate([...ids]) : null,
    };
    return { kpi, enterprises, anomalies, supervised, verifications: verifications.filter((v) => ids.has(v.enterprise)).map((v) => ({ ...v, enterpriseName: nameOf(v.enterprise) })) };
  }

  /** POST /api/v1/verifications {enterprise, finding, alarmIds?, dueBy} */
  async createVerification(body: unknown, actor: Actor): Promise<Verification> {
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.enterprise !== 'string') throw badRequest('enterprise', 'required');
    const e = this.scope(actor).find((x) => x.id === b.enterprise);
    if (!e) throw new HazardlineError('HL_ERR_NOT_FOUND', `enterprise ${String(b.enterprise)} not found`, 404);
    if (typeof b.finding !== 'string' || b.finding.trim() === '' || b.finding.length > 2000) throw badRequest('finding', 'required, at most 2000 characters');
    const alarmIds = b.alarmIds === undefined ? [] : b.alarmIds;
    if (!Array.isArray(alarmIds) || !alarmIds.every((x) => typeof x === 'string')) throw badRequest('alarmIds', 'expected an array of alarm ids');
    for (const id of alarmIds as string[]) {
      const a = this.o.alarms.get(id) ?? (await this.o.store.alarms.get(id));
      if (!a || a.enterprise !== e.id) throw badRequest('alarmIds', `alarm ${id} is not an alarm of ${e.id}`);
    }
    const now = this.o.clock.now();
    if (b.dueBy === undefined || b.dueBy === null) throw badRequest('dueBy', 'required');
    const dueBy = parseTime('dueBy', String(b.dueBy), NaN);
    if (!(dueBy > now)) throw badRequest('dueBy', 'must be in the future');
    let inspectors: string[] = [];
    if (b.inspectors !== undefined) {
      if (!Array.isArray(b.inspectors) || !b.inspectors.every((x) => typeof x === 'string' && x.trim() !== '' && x.length <= 100) || b.inspectors.length > 20)
        throw badRequest('inspectors', 'expected the names of up to 20 inspectors');
      inspectors = [...new Set((b.inspectors as string[]).map((x) => x.trim()))];
    }
    const v: Verification = { id: `vf_${now.toString(36)}${randomBytes(4).toString('hex')}`, enterprise: e.id, jurisdiction: e.jurisdiction, finding: b.finding.trim(), alarmIds: alarmIds as string[], dueBy, state: 'open', createdAt: now, createdBy: `${actor.role}:${actor.id}`, inspectors };
    await this.o.store.transaction(async (tx) => {
      await tx.verifications.save(v, true);
      await tx.audit.append([{ kind: 'verification', ref: v.id, action: 'create', actor: v.createdBy, at: now, payload: { enterprise: v.enterprise, finding: v.finding, alarmIds: v.alarmIds, dueBy, inspectors } }]);
    });
    return v;
  }

  /**
   * POST /api/v1/verifications/{id}/result {confirmed, note, evidence?, level?}: confirmed → a
   * hazard report of source `inspection` (CONTRACT §8) linked to the task; not confirmed → the
   * task closes with the reason.
   */
  async recordResult(id: string, body: unknown, actor: Actor): Promise<{ verification: Verification; hazard?: Hazard }> {
    const v = await this.o.store.verifications.get<Verification>(id);
    if (!v || !this.scope(actor).some((e) => e.id === v.enterprise)) throw new HazardlineError('HL_ERR_NOT_FOUND', `verification ${id} not found`, 404);
    if (v.state !== 'open') throw Object.assign(new HazardlineError('HL_ERR_CONFLICT', `verification ${id} already has its result (${v.state})`, 409), { allowed: [] });
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.confirmed !== 'boolean') throw badRequest('confirmed', 'expected true or false');
    if (typeof b.note !== 'string' || b.note.trim() === '') throw badRequest('note', 'required: what the inspectors found on site');
    if (b.evidence !== undefined && b.evidence !== null && typeof b.evidence !== 'string') throw badRequest('evidence', 'expected a string');
    const now = this.o.clock.now();
    let hazard: Hazard | undefined;
    if (b.confirmed) {
      const major = b.level === 'major' || (b.level === undefined && v.alarmIds.length > 0 && (await this.isMajorFinding(v.alarmIds)));
      hazard = (await this.o.hazards.create({ enterprise: v.enterprise, title: v.finding, description: `${b.note}${b.evidence ? `\n${b.evidence}` : ''}`, level: major ? 'major' : 'general', category: 'dynamic' }, actor, { source: 'inspection' })).hazard;
    }
    const done: Verification = { ...v, state: b.confirmed ? 'confirmed' : 'not-confirmed', result: { confirmed: b.confirmed, note: b.note.trim(), evidence: (b.evidence as string | undefined) ?? null, by: `${actor.role}:${actor.id}`, at: now, hazardId: hazard?.id ?? null } };
    await this.o.store.transaction(async (tx) => {
      await tx.verifications.save(done, false);
      await tx.audit.append([{ kind: 'verification', ref: v.id, action: done.state, actor: done.result!.by, at: now, payload: { note: done.result!.note, hazardId: done.result!.hazardId } }]);
    });
    return { verification: done, hazard };
  }

  /** 明停暗开, 虚假离线 and over-capacity are major hazards when confirmed (DOMAIN.md §5, §6) */
  private async isMajorFinding(alarmIds: string[]): Promise<boolean> {
    for (const id of alarmIds) {
      const a = this.o.alarms.get(id) ?? (await this.o.store.alarms.get(id));
      if (a && (RISK_RULE_GROUPS.secretOperation.includes(a.rule) || RISK_RULE_GROUPS.fakeOffline.includes(a.rule) || RISK_RULE_GROUPS.overCapacity.includes(a.rule))) return true;
    }
    return false;
  }
}

function findingOf(a: Alarm): { zh: string; en: string } {
  if (a.rule === 'power.secret-operation' || a.rule === 'belt.running-while-stopped' || a.rule === 'personnel.stopped-site' || a.rule === 'seal.opened-while-stopped') return { zh: '明停暗开', en: 'declared stopped, running' };
  if (a.rule === 'power.fake-offline') return { zh: '虚假离线', en: 'fake offline' };
  if (a.rule === 'seal.tamper') return { zh: '电子封条遭破坏', en: 'seal tampered with' };
  if (a.rule === 'hazard.repeated-major') return { zh: '重大隐患频发（建议提请关闭）', en: 'repeated major hazards (propose closure)' };
  if (a.rule === 'period.production-forbidden') return { zh: '特殊时期违规生产', en: 'producing in a forbidding special period' };
  if (a.rule === 'accident.reported') return { zh: '生产安全事故', en: 'accident' };
  if (a.rule === 'accident.direct-report-overdue') return { zh: '亡人事故迟报', en: 'fatal accident reported late' };
  if (a.rule === 'video.unmonitored-work') return { zh: '无监控作业', en: 'work without monitoring' };
  if (a.rule.startsWith('belt.over-capacity')) return { zh: '超能力生产', en: 'over capacity' };
  if (a.rule === 'personnel.overcrowding') return { zh: '超员', en: 'overcrowding' };
  if (a.rule.startsWith('data.')) return { zh: '数据造假嫌疑', en: 'suspect data' };
  if (a.rule === 'uplink.edge-silent') return { zh: '数据中断/延迟', en: 'edge silent / data behind' };
  return { zh: '逾期未整改', en: 'overdue rectification' };
}
