// Special periods set by regulators (issue 17, docs/special-periods.md): set (with from/to and a
// reason), end early, list — each step in the audit chain with its person — and the book the rule
// engine and the alarm path read, kept in step with the records.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { HazardlineError, parseBody } from '../errors.ts';
import type { Actor } from '../hazards/types.ts';
import type { AssetModel } from '../model/assets.ts';
import type { RecordStore } from '../records/record-store.ts';
import { PERIOD_KINDS, type SpecialPeriod, type SpecialPeriodBook } from './special-periods.ts';

const time = z.union([z.string(), z.number()]);
const body = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(PERIOD_KINDS),
  /** a regulator of several jurisdictions names one */
  jurisdiction: z.string().min(1).max(100).optional(),
  from: time,
  to: time,
  reason: z.string().trim().min(1).max(2000),
  sectors: z.array(z.string().min(1).max(100)).max(50).default([]),
  thresholdFactor: z.number().min(0.5).max(1).default(1),
  delayFactor: z.number().min(0).max(1).default(1),
  redRules: z.array(z.string().min(1).max(200)).max(200).default([]),
  forbidProduction: z.boolean().default(false),
});

const bad = (field: string, message: string) => Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', `${field}: ${message}`, 400), { field });
const when = (x: string | number, field: string) => {
  const t = typeof x === 'number' ? x : Date.parse(x);
  if (!Number.isFinite(t)) throw bad(field, 'expected an RFC 3339 time or epoch ms');
  return t;
};

export class PeriodService {
  constructor(private readonly o: { store: RecordStore; book: SpecialPeriodBook; assets: AssetModel; clock: Clock; rules: () => readonly string[] }) {}

  get book(): SpecialPeriodBook {
    return this.o.book;
  }

  /** The book from the records (at start, and every 30 s for periods set on other instances). */
  async reload(): Promise<void> {
    this.o.book.load(await this.o.store.periods.list<SpecialPeriod>({ endingAfter: this.o.clock.now() - 7 * 86_400_000, limit: 10_000 }));
  }

  private visible(p: Pick<SpecialPeriod, 'jurisdiction'>, actor: Actor): boolean {
    if (actor.role === 'admin') return true;
    if (actor.role === 'regulator') return actor.jurisdictions.includes(p.jurisdiction);
    // enterprise staff see the periods of their enterprises' jurisdictions
    return actor.enterprises.some((e) => this.o.assets.enterprises.get(e)?.jurisdiction === p.jurisdiction);
  }

  async set(raw: unknown, actor: Actor): Promise<SpecialPeriod> {
    if (actor.role !== 'regulator' && actor.role !== 'admin') throw new HazardlineError('HL_ERR_FORBIDDEN', `role ${actor.role} may not set a special period`, 403);
    const b = parseBody(body, raw);
    const jurisdiction = b.jurisdiction ?? (actor.jurisdictions.length === 1 ? actor.jurisdictions[0] : undefined);
    if (!jurisdiction) throw bad('jurisdiction', 'required (you regulate several)');
    if (actor.role !== 'admin' && !actor.jurisdictions.includes(jurisdiction)) throw bad('jurisdiction', `not yours: ${jurisdiction}`);
    const from = when(b.from, 'from');
    const to = when(b.to, 'to');
    if (to <= from) throw bad('to', 'must be after from');
    if (to - from > 366 * 86_400_000) throw bad('to', 'a period lasts a year at most');
    const known = new Set(this.o.rules());
    const unknown = b.redRules.find((x) => !known.has(x));
    if (unknown) throw bad('redRules', `unknown rule ${unknown}`);
    if (b.thresholdFactor === 1 && b.delayFactor === 1 && b.redRules.length === 0 && !b.forbidProduction) throw bad('body', 'a period must tighten thresholds or delays, make rules red or forbid production');
    const now = this.o.clock.now();
    const p: SpecialPeriod = { id: `sp-${randomUUID()}`, jurisdiction, name: b.name, kind: b.kind, from, to, reason: b.reason, sectors: b.sectors, thresholdFactor: b.thresholdFactor, delayFactor: b.delayFactor, redRules: b.redRules, forbidProduction: b.forbidProduction, createdBy: actor.id, createdByName: actor.name ?? null, createdAt: now };
    await this.o.store.periods.add(p);
    await this.reload();
    return p;
  }

  /** Ends a period now (its `to` moved to now); a period already over is 409. */
  async end(id: string, actor: Actor): Promise<SpecialPeriod> {
    const p = await this.get(id, actor);
    if (actor.role !== 'regulator' && actor.role !== 'admin') throw new HazardlineError('HL_ERR_FORBIDDEN', `role ${actor.role} may not end a special period`, 403);
    const now = this.o.clock.now();
    if (p.to <= now) throw new HazardlineError('HL_ERR_CONFLICT', `special period ${id} is already over`, 409);
    const next: SpecialPeriod = { ...p, to: Math.max(now, p.from), endedBy: actor.id, endedByName: actor.name ?? null };
    await this.o.store.periods.end(next, actor.id, now);
    await this.reload();
    return next;
  }

  async get(id: string, actor: Actor): Promise<SpecialPeriod> {
    const p = await this.o.store.periods.get<SpecialPeriod>(id);
    if (!p || !this.visible(p, actor)) throw new HazardlineError('HL_ERR_NOT_FOUND', 'special period not found', 404);
    return p;
  }

  async list(actor: Actor): Promise<SpecialPeriod[]> {
    return (await this.o.store.periods.list<SpecialPeriod>({ limit: 500 })).filter((p) => this.visible(p, actor));
  }

  /** A declaration of production the period forbids: refused (409) with the period's name and reason. */
  checkDeclaration(enterprise: string, status: string, from: number): void {
    if (status !== 'producing') return;
    const p = this.o.book.forbidding(enterprise, Math.max(from, this.o.clock.now()));
    if (p) throw new HazardlineError('HL_ERR_CONFLICT', `production is forbidden during ${p.name} (${p.reason}) until ${new Date(p.to).toISOString()}`, 409);
  }
}
