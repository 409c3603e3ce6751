// 三违 records (issue 17, docs/sanwei.md): violations of rules and orders — 违章指挥 (a command
// against the rules), 违章作业 (work against them), 违反劳动纪律 (discipline) — recorded per person in
// the enterprise's ledger (seed 000: 杜绝"三违"; seed 003: 反三违, 严格落实奖惩), from a video
// analytics alarm, from an inspection, or by an officer. The person is named to the enterprise's
// officers only (they pursue it: training, penalties); dispatchers and regulators see the name
// masked (刘*) and no badge, as the public notice masks reporters. Nothing of a hazard report's
// reporter is ever taken into a record.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { HazardlineError, parseBody } from '../errors.ts';
import type { Actor } from '../hazards/types.ts';
import type { AssetModel } from '../model/assets.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { SanweiDoc } from '../records/sanwei-records.ts';
import type { Alarm } from '../alarms/types.ts';

export const SANWEI_KINDS = ['command', 'operation', 'discipline'] as const;

export interface SanweiRecord extends SanweiDoc {
  site: string | null;
  zone: string | null;
  kind: (typeof SANWEI_KINDS)[number];
  person: { name: string; badge: string | null };
  description: string;
  source: 'video' | 'inspection' | 'officer';
  alarmId: string | null;
  /** a video alarm's snapshot reference, when recorded from one */
  snapshot: string | null;
  penalty: string | null;
  recordedByName: string | null;
}

const body = z.strictObject({
  enterprise: z.string().min(1).max(100).optional(),
  /** recorded from a video analytics alarm: its enterprise, place, time and snapshot are taken */
  alarmId: z.string().min(1).max(100).optional(),
  site: z.string().min(1).max(100).optional(),
  zone: z.string().min(1).max(100).optional(),
  kind: z.enum(SANWEI_KINDS).default('operation'),
  person: z.strictObject({ name: z.string().trim().min(1).max(50), badge: z.string().trim().min(1).max(50).optional() }),
  description: z.string().trim().min(1).max(2000),
  source: z.enum(['inspection', 'officer']).optional(),
  occurredAt: z.union([z.string(), z.number()]).optional(),
  penalty: z.string().trim().max(500).optional(),
});

const bad = (field: string, message: string) => Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', `${field}: ${message}`, 400), { field });

/** 刘* — the first character only (as reporter aliases are masked) */
export const maskPerson = (name: string) => `${[...name][0] ?? ''}*`;

export class SanweiLedger {
  constructor(private readonly o: { store: RecordStore; assets: AssetModel; clock: Clock; alarm: (id: string) => Promise<Alarm | undefined> }) {}

  private inScope(enterprise: string, jurisdiction: string, actor: Actor): boolean {
    if (actor.role === 'admin') return true;
    if (actor.role === 'regulator') return actor.jurisdictions.includes(jurisdiction);
    return actor.enterprises.includes(enterprise);
  }

  async record(raw: unknown, actor: Actor): Promise<SanweiRecord> {
    if (!['officer', 'dispatcher', 'regulator', 'admin'].includes(actor.role)) throw new HazardlineError('HL_ERR_FORBIDDEN', `role ${actor.role} may not record a violation`, 403);
    const b = parseBody(body, raw);
    const alarm = b.alarmId ? await this.o.alarm(b.alarmId) : undefined;
    if (b.alarmId && !alarm) throw new HazardlineError('HL_ERR_NOT_FOUND', 'alarm not found', 404);
    const enterprise = alarm?.enterprise ?? b.enterprise;
    if (!enterprise) throw bad('enterprise', 'required (or an alarmId)');
    const e = this.o.assets.enterprises.get(enterprise);
    if (!e || !this.inScope(enterprise, e.jurisdiction, actor)) throw new HazardlineError('HL_ERR_NOT_FOUND', alarm ? 'alarm not found' : 'enterprise not found', 404);
    const now = this.o.clock.now();
    const occurredAt = alarm ? alarm.raisedAt : b.occurredAt === undefined ? now : typeof b.occurredAt === 'number' ? b.occurredAt : Date.parse(b.occurredAt);
    if (!Number.isFinite(occurredAt) || occurredAt > now + 5 * 60_000) throw bad('occurredAt', 'expected a time, not in the future');
    const snapshot = alarm && typeof alarm.evidence?.snapshot === 'string' ? (alarm.evidence.snapshot as string) : null;
    const rec: SanweiRecord = {
      id: `sw-${randomUUID()}`,
      enterprise,
      site: alarm?.site ?? b.site ?? null,
      zone: alarm?.zone ?? b.zone ?? null,
      kind: b.kind,
      person: { name: b.person.name, badge: b.person.badge ?? null },
      description: b.description,
      source: alarm ? 'video' : (b.source ?? (actor.role === 'regulator' ? 'inspection' : 'officer')),
      alarmId: alarm?.id ?? null,
      snapshot,
      penalty: b.penalty ?? null,
      occurredAt,
      recordedBy: actor.id,
      recordedByName: actor.name ?? null,
      recordedAt: now,
    };
    await this.o.store.sanwei.add(rec);
    return this.view(rec, actor);
  }

  /** What `actor` may see of a record: the person named to officers and admins only. */
  view(r: SanweiRecord, actor: Actor): SanweiRecord {
    if (actor.role === 'officer' || actor.role === 'admin') return r;
    return { ...r, person: { name: maskPerson(r.person.name), badge: null } };
  }

  /** The records in scope, newest first, and the count per person (officers: by name and badge). */
  async list(actor: Actor, f: { enterprise?: string; since?: number } = {}) {
    const ents = actor.role === 'admin' ? undefined : actor.role === 'regulator' ? [...this.o.assets.enterprises.values()].filter((e) => actor.jurisdictions.includes(e.jurisdiction)).map((e) => e.id) : actor.enterprises;
    const scoped = f.enterprise ? (ents && !ents.includes(f.enterprise) ? [] : [f.enterprise]) : ents;
    const raw = await this.o.store.sanwei.list<SanweiRecord>({ enterprises: scoped, since: f.since, limit: 2000 });
    // counted by the person as recorded (badge, else name), shown as the caller may see them: two
    // workers named 刘 are two people to a regulator too, each 刘*
    const per = new Map<string, { enterprise: string; person: SanweiRecord['person']; count: number }>();
    for (const r of raw) {
      const k = `${r.enterprise}|${r.person.badge ?? r.person.name}`;
      const x = per.get(k) ?? { enterprise: r.enterprise, person: this.view(r, actor).person, count: 0 };
      x.count++;
      per.set(k, x);
    }
    return { records: raw.map((r) => this.view(r, actor)), byPerson: [...per.values()].sort((a, b) => b.count - a.count) };
  }
}
