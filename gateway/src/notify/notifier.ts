// The Notifier contract (ARCHITECTURE.md "Notifier"): `handle(event)` behind a bounded queue,
// so a slow webhook never delays the WebSocket push or another webhook. Events carry the
// previous and current state so handlers see transitions (the Kapacitor alert habit).
import type { AlarmEvent } from '../alarms/alarm-manager.ts';
import { alarmJson, type AlarmJson } from '../alarms/alarm-json.ts';
import type { AlarmAction, AlarmState } from '../alarms/types.ts';

/** An alarm transition, with the alarm as CONTRACT §6 JSON (the same shape the API serves). */
export interface AlarmNotifyEvent {
  kind: 'alarm';
  alarm: AlarmJson;
  action: AlarmAction;
  /** state before the transition; `null` when the alarm was just raised */
  previousState: AlarmState | null;
  /** RFC 3339 (UTC) time of the transition, when known */
  at?: string;
  /** `system` for rule-driven transitions, else the operator's principal */
  actor?: string;
}

export type HazardLevel = 'general' | 'major';

/**
 * The minimal hazard shape a notifier needs (DOMAIN.md §7). The hazard workflow owns the full
 * record; it maps each hazard transition onto this before calling `handle`. Fields:
 *
 * - `id`: hazard id (stable, used in links and dedup by receivers)
 * - `enterprise`, `site`: scope; `enterprises` filters match `enterprise`
 * - `title`: short human text, Chinese first (shown as the message headline)
 * - `level`: `general` | `major` (重大事故隐患); `levels` filters match it
 * - `state` / `previousState`: the workflow's own state names (free strings here, e.g.
 *   `reported`, `verified`, `rectifying`, `accepted`, `rejected`, `closed`); `previousState`
 *   is `null` for a new report
 * - `action`: what happened (e.g. `report`, `verify`, `assign`, `rectify`, `accept`, `reject`,
 *   `overdue`); repeated as the event's `action` so one `actions` filter covers both kinds
 * - `dueBy`: rectification deadline as RFC 3339 with the local offset (like alarm JSON `dueBy`)
 * - `reportCode`: the human-facing report number, if the workflow assigns one
 *
 * Never put reporter identity here: it must not be disclosed without consent (DOMAIN.md §0).
 */
export interface HazardNotice {
  id: string;
  enterprise: string;
  site?: string | null;
  title: string;
  level: HazardLevel;
  state: string;
  previousState: string | null;
  action: string;
  dueBy?: string | null;
  reportCode?: string | null;
}

export interface HazardNotifyEvent {
  kind: 'hazard';
  hazard: HazardNotice;
  action: string;
  /** RFC 3339 (UTC) time of the transition, when known */
  at?: string;
}

export type NotifyEvent = AlarmNotifyEvent | HazardNotifyEvent;
export type NotifyKind = NotifyEvent['kind'];

export interface Notifier {
  readonly name: string;
  /** Enqueues the event and returns at once: never throws, never waits on I/O. */
  handle(event: NotifyEvent): void;
  /** Stops accepting events and delivers what is queued until `timeoutMs` passes; then gives up (counted as failed). */
  close(timeoutMs?: number): Promise<void>;
}

/** Delivery counters, injected (a prom-client counter behind each is the usual wiring). */
export interface NotifierMetrics {
  onDelivered?(notifier: string, attempts: number): void;
  onFailed?(notifier: string, reason: string): void;
  onDropped?(notifier: string): void;
  onRetry?(notifier: string, reason: string): void;
}

/** The notify event for an alarm manager transition (`AlarmManager` 'transition'). */
export function alarmNotifyEvent(ev: AlarmEvent, timezone: string, now: number): AlarmNotifyEvent {
  return {
    kind: 'alarm',
    alarm: alarmJson(ev.alarm, timezone, now),
    action: ev.transition.action,
    previousState: ev.transition.fromState ?? ev.previous?.state ?? null,
    at: new Date(ev.transition.ts).toISOString(),
    actor: ev.transition.actor,
  };
}
