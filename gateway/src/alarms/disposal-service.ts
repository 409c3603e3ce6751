// Alarm disposal with its I/O (issue 14): the person, the disposal row and its audit entry in one
// transaction, the `dispose` transition through the alarm manager (open alarms) or straight to the
// records database (closed ones), and the same-day disposal figures per enterprise and day.
import type { Clock } from '../clock.ts';
import { HazardlineError } from '../errors.ts';
import { DisposalExists, type AlarmDisposal } from '../records/disposal-records.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { AlarmManager } from './alarm-manager.ts';
import { causesFor, parseDisposal, sameDayRates, type DayDisposal } from './disposal.ts';
import { endOfLocalDay, localDate } from './local-time.ts';
import type { Alarm } from './types.ts';

export interface DisposalServiceOptions {
  alarms: AlarmManager;
  store: RecordStore;
  clock: Clock;
  timezone: string;
}

export class DisposalService {
  constructor(private readonly o: DisposalServiceOptions) {}

  /** POST /api/v1/alarms/{id}/dispose for an alarm the caller may see. 409 when it is disposed already. */
  async dispose(a: Alarm, body: unknown, person: string): Promise<{ alarm: Alarm; disposal: AlarmDisposal }> {
    const b = parseDisposal(body, a.rule);
    if (await this.o.store.disposals.get(a.id)) throw conflict(a.id);
    const now = this.o.clock.now();
    const d: AlarmDisposal = { alarmId: a.id, enterprise: a.enterprise, rule: a.rule, raisedAt: a.raisedAt, dueBy: a.dueBy, disposedAt: now, disposedBy: person, cause: b.cause, measures: b.measures, result: b.result, responsible: b.responsible ?? person, note: b.note };
    try {
      await this.o.store.disposals.add(d);
    } catch (e) {
      if (e instanceof DisposalExists) throw conflict(a.id);
      throw e;
    }
    const note = `处置：${d.cause}；${d.result}`;
    const open = this.o.alarms.disposed(a.id, person, note);
    if (!open) await this.o.store.alarms.addTransition({ alarmId: a.id, ts: now, action: 'dispose', fromState: a.state, toState: a.state, severity: a.severity, actor: person, note, value: a.value });
    return { alarm: open ?? a, disposal: d };
  }

  /** The disposals of these alarms (for the alarm JSON). */
  byAlarms(ids: readonly string[]): Promise<Map<string, AlarmDisposal>> {
    return this.o.store.disposals.byAlarms(ids);
  }

  causes(rule: string) {
    return causesFor(rule);
  }

  /** Today's (local) same-day disposal rate over these enterprises; null when nothing was raised. */
  async todayRate(enterprises: readonly string[]): Promise<number | null> {
    const end = endOfLocalDay(this.o.clock.now(), this.o.timezone) + 1;
    return (await this.summary(enterprises, end - 86_400_000, end)).sameDayDisposalRate;
  }

  /** Alarms raised in [from, to): the totals and the rate, with the figures per enterprise and local day. */
  async summary(enterprises: readonly string[], from: number, to: number): Promise<{ raised: number; sameDay: number; sameDayDisposalRate: number | null; days: DayDisposal[] }> {
    const days = await this.rates(enterprises, from, to);
    const raised = days.reduce((n, r) => n + r.raised, 0);
    const sameDay = days.reduce((n, r) => n + r.sameDay, 0);
    return { raised, sameDay, sameDayDisposalRate: raised === 0 ? null : Math.round((sameDay / raised) * 10_000) / 10_000, days };
  }

  /** Same-day disposal per enterprise and local day for alarms raised in [from, to). */
  async rates(enterprises: readonly string[], from: number, to: number): Promise<DayDisposal[]> {
    if (enterprises.length === 0) return [];
    await this.o.alarms.flush();
    const alarms = (await this.o.store.alarms.list({ enterprises: [...enterprises], since: from, limit: 100_000 })).filter((a) => a.raisedAt < to);
    const disposals = await this.o.store.disposals.byAlarms(alarms.map((a) => a.id));
    const tz = this.o.timezone;
    return sameDayRates(alarms, disposals, (ts) => localDate(ts, tz));
  }
}

function conflict(id: string): HazardlineError {
  return Object.assign(new HazardlineError('HL_ERR_CONFLICT', `alarm ${id} is already disposed`, 409), { allowed: [] });
}
