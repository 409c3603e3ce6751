// Notifications to persons (issue 15; Ignition-style on-call rosters and escalation chains): a
// raised alarm that matches an escalation policy calls its first step's people at once (the
// on-duty roster resolved then), and each later step's people when the alarm is still not
// acknowledged `afterMinutes` after the gateway saw it; a hazard change that matches a notice rule
// (a major hazard's 直报) calls its people. Escalations are driven by tick(now) on the injected
// clock; after a restart they resume from the open alarms and the notifications already sent.
import type { AlarmEvent } from '../alarms/alarm-manager.ts';
import type { Alarm, AlarmState } from '../alarms/types.ts';
import type { Clock } from '../clock.ts';
import type { HazardEvent } from '../hazards/hazard-service.ts';
import type { Logger } from '../log.ts';
import type { PersonNotification } from '../records/notification-records.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Deliveries } from './deliveries.ts';
import { alarmMessage, hazardMessage, type PlaceNames } from './messages.ts';
import type { ChannelName, EscalationConfig, HazardNoticeConfig, Person, RosterConfig } from './paging-config.ts';
import { recipients } from './roster.ts';
import { randomBytes } from 'node:crypto';

/** states in which nobody has acknowledged the alarm yet */
const UNACKED: readonly AlarmState[] = ['active_unacked', 'cleared_unacked'];

/**
 * Whether the alarm still waits for a person. An accident report's alarms clear when a regulator
 * signs for the report (issue 17): that is the person's answer, and the chain ends with it.
 */
const waiting = (a: Pick<Alarm, 'state' | 'rule' | 'active'>): boolean => UNACKED.includes(a.state) && (a.active || !a.rule.startsWith('accident.'));

export interface PagerOptions {
  persons: Person[];
  rosters: RosterConfig[];
  escalations: EscalationConfig[];
  hazardNotices: HazardNoticeConfig[];
  deliveries: Deliveries;
  store: RecordStore;
  clock: Clock;
  timezone: string;
  log: Logger;
  names: PlaceNames;
  /** the alarm as the alarm manager holds it now (undefined once closed) */
  alarm: (id: string) => Alarm | undefined;
}

interface Pending {
  alarmId: string;
  policy: EscalationConfig;
  /** when the gateway saw the raise: the steps count from here */
  since: number;
  /** steps already sent */
  sent: Set<number>;
}

let seq = 0;
/** sortable within one queue time: the records list a step's messages in the order they were made */
const newId = (now: number) => `nt_${now.toString(36)}_${(seq++ % 1_679_616).toString(36).padStart(4, '0')}${randomBytes(3).toString('hex')}`;

export function matches(p: EscalationConfig, a: Pick<Alarm, 'severity' | 'enterprise' | 'rule'>): boolean {
  return p.severities.includes(a.severity) && (!p.enterprises || p.enterprises.includes(a.enterprise)) && (!p.rules || p.rules.some((r) => a.rule === r || a.rule.startsWith(`${r}.`)));
}

export class Pager {
  private readonly pending = new Map<string, Pending>();
  private readonly persons: Map<string, Person>;

  constructor(private readonly o: PagerOptions) {
    this.persons = new Map(o.persons.map((p) => [p.id, p]));
  }

  /** escalations waiting for their next step */
  get waiting(): number {
    return this.pending.size;
  }

  /** Rebuilds the escalations of the open unacknowledged alarms, and queues again what was not delivered. */
  async start(open: Alarm[]): Promise<void> {
    for (const a of open) {
      if (!waiting(a)) continue;
      const sent = await this.o.store.notifications.byRef('alarm', a.id);
      for (const policy of this.o.escalations.filter((p) => matches(p, a))) {
        const mine = sent.filter((n) => n.policy === policy.name);
        this.pending.set(`${a.id}|${policy.name}`, { alarmId: a.id, policy, since: mine[0]?.queuedAt ?? a.raisedAt, sent: new Set(mine.map((n) => n.step)) });
      }
    }
    for (const n of await this.o.store.notifications.unsettled()) {
      const p = this.persons.get(n.person);
      if (p) this.o.deliveries.resume(n, { person: p, address: n.address, subject: n.subject, text: n.subject });
    }
    await this.tick(this.o.clock.now());
  }

  /** An alarm manager transition: a raise starts its escalations; an acknowledgement or close ends them. */
  alarm(ev: AlarmEvent): void {
    const a = ev.alarm;
    const action = ev.transition.action;
    // a raise, or an escalation to a severity a policy covers (yellow → red), starts the chain
    if ((action === 'raise' || action === 'escalate') && waiting(a)) {
      const now = this.o.clock.now();
      for (const policy of this.o.escalations.filter((p) => matches(p, a))) {
        const key = `${a.id}|${policy.name}`;
        if (action === 'escalate' && (this.pending.has(key) || (ev.previous && matches(policy, ev.previous)))) continue;
        this.pending.set(key, { alarmId: a.id, policy, since: now, sent: new Set() });
      }
      void this.tick(now).catch((err) => this.o.log.error({ err }, 'paging failed'));
    } else if (!waiting(a)) {
      for (const [k, p] of this.pending) if (p.alarmId === a.id) this.pending.delete(k);
    }
  }

  private timer?: NodeJS.Timeout;

  /** Checks the escalations every `everyMs` (wall time; the steps' times are the injected clock's). */
  startTimer(everyMs = 15_000): void {
    this.timer = setInterval(() => void this.tick(this.o.clock.now()).catch((err) => this.o.log.error({ err }, 'paging failed')), everyMs);
    this.timer.unref();
  }

  stopTimer(): void {
    clearInterval(this.timer);
  }

  /** Sends every step now due whose alarm is still unacknowledged. */
  async tick(now: number): Promise<void> {
    for (const [key, p] of [...this.pending]) {
      const a = this.o.alarm(p.alarmId);
      if (!a || !waiting(a)) {
        this.pending.delete(key);
        continue;
      }
      for (const [i, step] of p.policy.steps.entries()) {
        if (p.sent.has(i) || p.since + step.afterMinutes * 60_000 > now) continue;
        p.sent.add(i);
        const m = alarmMessage(a, i, step.afterMinutes, this.o.names, this.o.timezone);
        await this.send({ refKind: 'alarm', refId: a.id, enterprise: a.enterprise, policy: p.policy.name, step: i }, recipients(step.to, this.o.rosters, a.enterprise, now, this.o.timezone), step.via, m, now);
      }
      if (p.sent.size === p.policy.steps.length) this.pending.delete(key);
    }
  }

  /** A hazard service event: the notice rules it matches call their people. */
  hazard(ev: HazardEvent): void {
    const h = ev.hazard;
    const actions = [ev.entry.action as string, ...ev.effects.filter((e) => e.kind === 'direct-report').map(() => 'direct-report')];
    const now = this.o.clock.now();
    for (const rule of this.o.hazardNotices) {
      const action = actions.find((x) => rule.actions.includes(x));
      if (!action || (rule.levels && !rule.levels.includes(h.level)) || (rule.enterprises && !rule.enterprises.includes(h.enterprise))) continue;
      const m = hazardMessage(h, action, this.o.names);
      void this.send({ refKind: 'hazard', refId: h.id, enterprise: h.enterprise, policy: rule.name, step: 0 }, recipients(rule.to, this.o.rosters, h.enterprise, now, this.o.timezone), rule.via, m, now).catch((err) => this.o.log.error({ err }, 'paging failed'));
    }
  }

  private async send(ref: Pick<PersonNotification, 'refKind' | 'refId' | 'enterprise' | 'policy' | 'step'>, who: string[], via: ChannelName[], m: { subject: string; text: string }, now: number): Promise<void> {
    if (who.length === 0) this.o.log.warn({ ...ref }, 'nobody to notify: no one on duty and no person named');
    for (const id of who) {
      const person = this.persons.get(id);
      if (!person) continue;
      for (const channel of via) {
        const address = this.o.deliveries.channel(channel)?.address(person) ?? (channel === 'email' ? person.email : person.phone);
        const n: PersonNotification = { id: newId(now), ...ref, person: id, personName: person.name, channel, address: address ?? '', subject: m.subject, status: 'queued', attempts: 0, queuedAt: now, updatedAt: now, deliveredAt: null, lastError: null };
        if (!address) {
          await this.o.store.notifications.add({ ...n, status: 'failed', lastError: `${person.name} has no ${channel === 'email' ? 'email address' : 'phone number'}` });
          continue;
        }
        await this.o.deliveries.enqueue(n, { person, address, subject: m.subject, text: m.text });
      }
    }
  }
}
