// Accident reports (生产安全事故报告, issue 17, docs/accidents.md). Seed 001: 亡人事故…必须在30分钟内
// 直报 — a fatal accident must reach the regulator within 30 minutes of happening. An accident is
// reported by the enterprise (its officer or dispatcher) or entered by a regulator, with the time
// and place, the casualties (counts only: no names are kept) and a description. It reaches the
// regulator as an alarm (`accident.reported`: red when fatal) that stays active until a regulator
// of the jurisdiction signs for it (签收); a fatal accident not signed for 30 minutes after it
// happened raises `accident.direct-report-overdue` (red) until it is. Both are stated against the
// records and the open alarms, so a restart or a new cluster owner neither repeats nor strands
// them.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { HazardlineError, parseBody } from '../errors.ts';
import type { AssetModel } from '../model/assets.ts';
import type { Condition, Severity } from '../model/vocabulary.ts';
import { AccidentAlreadyReceived, type AccidentDoc } from '../records/accident-records.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Actor } from '../hazards/types.ts';

/** seed 001: 30 分钟内直报 */
export const DIRECT_REPORT_MS = 30 * 60_000;
/** accidents looked at by the periodic check: reported within this (older unreceived ones keep their open alarms) */
const WATCH_MS = 30 * 86_400_000;
export const ACCIDENT_RULES = { reported: 'accident.reported', overdue: 'accident.direct-report-overdue' } as const;

export interface Accident extends AccidentDoc {
  site: string | null;
  zone: string | null;
  place: string;
  deaths: number;
  injuries: number;
  description: string;
  fatal: boolean;
  /** fatal: occurredAt + 30 min, the direct report's deadline; null otherwise */
  dueBy: number | null;
  reportedByName: string | null;
  receivedByName: string | null;
}

const body = z.strictObject({
  enterprise: z.string().min(1).max(100),
  site: z.string().min(1).max(100).optional(),
  zone: z.string().min(1).max(100).optional(),
  place: z.string().trim().min(1).max(200),
  occurredAt: z.union([z.string(), z.number()]),
  deaths: z.number().int().min(0).max(10_000).default(0),
  injuries: z.number().int().min(0).max(10_000).default(0),
  description: z.string().trim().min(1).max(4000),
});

const REPORTERS = new Set(['officer', 'dispatcher', 'regulator', 'admin']);

function bad(field: string, message: string): HazardlineError {
  return Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', `${field}: ${message}`, 400), { field });
}

export class AccidentService {
  constructor(private readonly o: { store: RecordStore; assets: AssetModel; clock: Clock }) {}

  visible(a: Pick<AccidentDoc, 'enterprise' | 'jurisdiction'>, actor: Actor): boolean {
    if (actor.role === 'admin') return true;
    if (actor.role === 'regulator') return actor.jurisdictions.includes(a.jurisdiction);
    return actor.enterprises.includes(a.enterprise);
  }

  /** a direct report signed for after its deadline, or not signed for and past it */
  late(a: Accident): boolean {
    return a.dueBy !== null && (a.receivedAt ?? this.o.clock.now()) > a.dueBy;
  }

  /** POST /api/v1/accidents */
  async report(raw: unknown, actor: Actor): Promise<Accident> {
    if (!REPORTERS.has(actor.role)) throw new HazardlineError('HL_ERR_FORBIDDEN', `role ${actor.role} may not report an accident`, 403);
    const b = parseBody(body, raw);
    const e = this.o.assets.enterprises.get(b.enterprise);
    const jurisdiction = e?.jurisdiction ?? '';
    // unknown and out of scope answer alike (CONTRACT §7), as for hazards
    if (!e || !this.visible({ enterprise: b.enterprise, jurisdiction }, actor)) throw new HazardlineError('HL_ERR_NOT_FOUND', 'enterprise not found', 404);
    if (b.site && !e.sites.has(b.site)) throw bad('site', `unknown site ${b.site} of ${b.enterprise}`);
    if (b.zone && !(b.site && e.sites.get(b.site)!.zones.has(b.zone))) throw bad('zone', `unknown zone ${b.zone}`);
    const now = this.o.clock.now();
    const occurredAt = typeof b.occurredAt === 'number' ? b.occurredAt : Date.parse(b.occurredAt);
    if (!Number.isFinite(occurredAt)) throw bad('occurredAt', 'expected an RFC 3339 time or epoch ms');
    if (occurredAt > now + 5 * 60_000) throw bad('occurredAt', 'in the future');
    const fatal = b.deaths > 0;
    const a: Accident = {
      id: `acc-${randomUUID()}`,
      enterprise: b.enterprise,
      jurisdiction,
      site: b.site ?? null,
      zone: b.zone ?? null,
      place: b.place,
      occurredAt,
      deaths: b.deaths,
      injuries: b.injuries,
      description: b.description,
      fatal,
      dueBy: fatal ? occurredAt + DIRECT_REPORT_MS : null,
      reportedAt: now,
      reportedBy: actor.id,
      reportedByName: actor.name ?? null,
      receivedAt: null,
      receivedBy: null,
      receivedByName: null,
    };
    await this.o.store.accidents.add(a);
    return a;
  }

  /** POST /api/v1/accidents/{id}/receive: a regulator of the jurisdiction signs for it (签收). */
  async receive(id: string, actor: Actor): Promise<Accident> {
    const a = await this.get(id, actor);
    if (actor.role !== 'regulator' && actor.role !== 'admin') throw new HazardlineError('HL_ERR_FORBIDDEN', `role ${actor.role} may not sign for an accident report`, 403);
    if (a.receivedAt !== null) throw new HazardlineError('HL_ERR_CONFLICT', `accident ${id} was signed for by ${a.receivedByName ?? a.receivedBy}`, 409);
    const next: Accident = { ...a, receivedAt: this.o.clock.now(), receivedBy: actor.id, receivedByName: actor.name ?? null };
    try {
      await this.o.store.accidents.receive(next);
    } catch (err) {
      if (err instanceof AccidentAlreadyReceived) throw new HazardlineError('HL_ERR_CONFLICT', err.message, 409);
      throw err;
    }
    return next;
  }

  async get(id: string, actor: Actor): Promise<Accident> {
    const a = await this.o.store.accidents.get<Accident>(id);
    // out of scope answers exactly like absent (CONTRACT §7)
    if (!a || !this.visible(a, actor)) throw new HazardlineError('HL_ERR_NOT_FOUND', 'accident not found', 404);
    return a;
  }

  async list(actor: Actor, f: { since?: number; limit?: number } = {}): Promise<Accident[]> {
    const scope = actor.role === 'admin' ? {} : actor.role === 'regulator' ? { jurisdictions: actor.jurisdictions } : { enterprises: actor.enterprises };
    return this.o.store.accidents.list<Accident>({ ...scope, ...f });
  }

  /**
   * The alarms of the accidents reported in the last 30 days: `accident.reported` while not signed
   * for; `accident.direct-report-overdue` for a fatal one not signed for by its deadline. `open`:
   * the keys of these rules' open alarms.
   */
  async conditions(now: number, open: ReadonlySet<string>): Promise<Condition[]> {
    const list = await this.o.store.accidents.list<Accident>({ since: now - WATCH_MS, limit: 100_000 });
    const out: Condition[] = [];
    const due = new Set<string>();
    const subject = (a: Accident) => ({ enterprise: a.enterprise, ...(a.site ? { site: a.site } : {}), ...(a.zone ? { zone: a.zone } : {}) });
    const when = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');
    const casualties = (a: Accident) => ({ zh: `死亡 ${a.deaths} 人、受伤 ${a.injuries} 人`, en: `${a.deaths} dead, ${a.injuries} injured` });
    for (const a of list) {
      if (a.receivedAt !== null) continue;
      const sev: Severity = a.fatal ? 'red' : a.injuries > 0 ? 'orange' : 'yellow';
      const reported = `${ACCIDENT_RULES.reported}|${a.id}`;
      due.add(reported);
      const c = casualties(a);
      if (!open.has(reported)) {
        out.push({ rule: ACCIDENT_RULES.reported, key: reported, subject: subject(a), active: true, severity: sev, ts: a.reportedAt, value: a.deaths, message: { zh: `生产安全事故${a.fatal ? '（亡人）直报' : '报告'}：${a.place}，${c.zh}（发生于 ${when(a.occurredAt)}），待监管部门签收`, en: `Accident ${a.fatal ? '(fatal) direct report' : 'report'}: ${a.place}, ${c.en} (at ${when(a.occurredAt)}), awaiting the regulator's receipt` }, evidence: { accidentId: a.id, occurredAt: a.occurredAt, dueBy: a.dueBy, deaths: a.deaths, injuries: a.injuries } });
      }
      if (a.dueBy !== null && now > a.dueBy) {
        const overdue = `${ACCIDENT_RULES.overdue}|${a.id}`;
        due.add(overdue);
        if (!open.has(overdue)) out.push({ rule: ACCIDENT_RULES.overdue, key: overdue, subject: subject(a), active: true, severity: 'red', ts: a.dueBy, message: { zh: `亡人事故未在30分钟内直报至监管部门：${a.place}（发生于 ${when(a.occurredAt)}，期限 ${when(a.dueBy)}）`, en: `Fatal accident not reported to the regulator within 30 minutes: ${a.place} (at ${when(a.occurredAt)}, due ${when(a.dueBy)})` }, evidence: { accidentId: a.id, occurredAt: a.occurredAt, dueBy: a.dueBy, reportedAt: a.reportedAt } });
      }
    }
    for (const key of open) {
      if (due.has(key)) continue;
      const [rule, id] = key.split('|');
      const a = list.find((x) => x.id === id) ?? (await this.o.store.accidents.get<Accident>(id));
      if (!a) continue;
      out.push({ rule, key, subject: subject(a), active: false, severity: 'red', ts: a.receivedAt ?? now, message: { zh: `事故报告已由 ${a.receivedByName ?? a.receivedBy ?? '监管部门'} 签收`, en: `accident report signed for by ${a.receivedByName ?? a.receivedBy ?? 'the regulator'}` } });
    }
    return out;
  }
}
