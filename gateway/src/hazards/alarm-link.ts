// Alarms and hazards meet here (CONTRACT §8): a rule that asks for it (pack `hazard:`, e.g. red
// over-capacity, >= 10 persons in a high-risk zone) opens one hazard report per alarm, made by
// the system and linked to the alarm; and a rectification past its deadline becomes an alarm,
// checked every 30 s and on demand, as are two or more major hazards within 3 months at one
// enterprise (repeated-majors.ts).
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Condition } from '../model/vocabulary.ts';
import type { HazardService } from './hazard-service.ts';
import type { AccidentService } from '../accidents/accident-service.ts';
import { FORBIDDEN_RULE, type SpecialPeriodBook } from '../periods/special-periods.ts';
import { repeatedMajorConditions, REPEATED_MAJOR_RULE, REPEATED_MAJOR_WINDOW_MS } from './repeated-majors.ts';
import type { Actor } from './types.ts';

const SYSTEM: Actor = { role: 'admin', id: 'system', name: 'system', enterprises: [], jurisdictions: [] };

export interface AlarmHazardLinkOptions {
  alarms: Pick<AlarmManager, 'handle' | 'openByKey' | 'linkHazard' | 'openAlarms'>;
  hazards: Pick<HazardService, 'create' | 'overdueConditions' | 'majorsSince'>;
  /** special periods: the book reloaded (periods set on other instances) and production forbidden (periods/) */
  periods?: { reload(): Promise<void>; book: Pick<SpecialPeriodBook, 'conditions'> };
  /** accident reports: their alarms are stated against the records with the others (accident-service.ts) */
  accidents?: Pick<AccidentService, 'conditions'>;
  /** the declared status of an enterprise now (a repeated-major finding says whether it still produces) */
  statusOf?: (enterprise: string) => string;
  clock: Clock;
  log: Logger;
  /** the enterprise's alarms come from an edge, which opens its own hazards (mirrored here) */
  mirrored?: (enterprise: string) => boolean;
  /** cluster mode: the enterprises whose alarms this instance owns now (docs/cluster.md §5) */
  owns?: (enterprise: string) => boolean;
  /** how often overdue rectifications are looked for (default 30 s) */
  overdueEveryMs?: number;
}

/** A hazard opened from an alarm is described in Chinese first (issue 14), the English after it. */
export function alarmHazardDescription(a: { rule: string; message: string; messageEn: string; value: number | null; threshold: number | null }, level: string): string {
  const figures = a.value !== null && a.threshold !== null ? `（报警值 ${a.value}，阈值 ${a.threshold}）` : '';
  return `由报警自动生成的${level === 'major' ? '重大事故隐患' : '隐患'}：${a.message}${figures}。规则 ${a.rule}，请核实现场并落实整改。\n${a.messageEn}`;
}

export class AlarmHazardLink {
  private readonly pending = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly o: AlarmHazardLinkOptions) {}

  /** a condition the alarm manager has just handled */
  condition(cond: Condition): void {
    if (cond.active && cond.hazard && !this.o.mirrored?.(cond.subject.enterprise)) void this.open(cond.key, cond.hazard);
  }

  start(): void {
    this.timer = setInterval(() => void this.checkOverdue().catch((err: Error) => this.o.log.error({ err }, 'overdue check failed')), this.o.overdueEveryMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Overdue rectifications become alarms (CONTRACT §8); so do repeated major hazards (issue 17). */
  async checkOverdue(now = this.o.clock.now()): Promise<void> {
    const mine = (c: Condition) => this.o.owns?.(c.subject.enterprise) ?? true;
    for (const c of await this.o.hazards.overdueConditions(now)) if (mine(c)) this.o.alarms.handle(c);
    const open = new Set(this.o.alarms.openAlarms().filter((a) => a.rule === REPEATED_MAJOR_RULE && !a.origin).map((a) => a.key));
    const majors = await this.o.hazards.majorsSince(now - 2 * REPEATED_MAJOR_WINDOW_MS);
    for (const c of repeatedMajorConditions(majors, now, open, this.o.statusOf ?? (() => 'producing'))) if (mine(c)) this.o.alarms.handle(c);
    if (this.o.periods) {
      await this.o.periods.reload();
      const forbidden = new Set(this.o.alarms.openAlarms().filter((a) => a.rule === FORBIDDEN_RULE && !a.origin).map((a) => a.key));
      for (const c of this.o.periods.book.conditions(now, this.o.statusOf ?? (() => 'producing'), forbidden)) if (mine(c)) this.o.alarms.handle(c);
    }
    if (!this.o.accidents) return;
    const accidentKeys = new Set(this.o.alarms.openAlarms().filter((a) => a.rule.startsWith('accident.') && !a.origin).map((a) => a.key));
    for (const c of await this.o.accidents.conditions(now, accidentKeys)) if (mine(c)) this.o.alarms.handle(c);
  }

  /** One hazard per alarm, made by the system; a failure is logged and the alarm stays as it is. */
  private async open(key: string, level: 'general' | 'major'): Promise<void> {
    const a = this.o.alarms.openByKey(key);
    if (!a || a.hazardId || this.pending.has(key)) return;
    this.pending.add(key);
    try {
      const r = await this.o.hazards.create({ enterprise: a.enterprise, site: a.site, zone: a.zone, device: a.device, title: a.message, description: alarmHazardDescription(a, level), level, category: 'dynamic' }, SYSTEM, { source: 'alarm', alarmId: a.id });
      this.o.alarms.linkHazard(a.id, r.hazard.id, 'system');
    } catch (err) {
      this.o.log.error({ err, alarm: a.id }, 'automatic hazard report failed');
    } finally {
      this.pending.delete(key);
    }
  }
}
