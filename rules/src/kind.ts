// The Rule extension point (ARCHITECTURE.md): a kind is compiled from a YAML rule definition
// into a runtime that receives readings through precompiled per-(device, metric) sinks, and
// position, event and status frames through optional hooks; time-driven rules are advanced by
// `tick` with each enterprise's event clock. All state is per subject and JSON-serialisable.
import type { z } from 'zod';
import type { DeclaredStatus, DeviceInfo } from '../../gateway/src/model/assets.ts';
import type { Frame, PositionTag } from '../../gateway/src/model/types.ts';
import type { LocalCalendar } from './local-calendar.ts';
import type { Condition, EscalationSpec, RuleEnv, RuleInfo, Severity, Subject, Text } from './types.ts';

/** A rule as written in a rule file (rule-file.ts), before its params are resolved per subject. */
export interface RuleDef {
  id: string;
  kind: string;
  title: Text;
  domain: string;
  flags: string[];
  enabled: boolean;
  match: { kinds?: string[]; metrics?: string[] };
  hazard?: { level: 'general' | 'major'; minSeverity: Severity };
  escalation?: EscalationSpec;
  params: Record<string, unknown>;
  /** where it was defined, for messages: `rules/packs/gas.yaml: rules[2]` */
  source: string;
}

/** The scope a rule's params are resolved for (overrides: device > zone > site > enterprise). */
export interface Scope {
  enterprise: string;
  site?: string;
  zone?: string;
  device?: string;
}

/** Per-device bookkeeping shared by the evaluator and the liveness-based rules. */
export interface DeviceSlot {
  dev: DeviceInfo;
  /** the device as a subject (`{enterprise, site, zone, device}`), one object shared by every rule: do not modify */
  readonly subject: Subject;
  /** latest event time of any data frame of the device (readings, position, event) */
  lastSeen: number;
  /** an explicit `status: offline` frame is in force */
  statusOffline: boolean;
  /** enterprise event clock when that status arrived */
  statusTs: number;
  /** set by the offline rule while the device is offline, so data coming back is reported */
  offline: boolean;
}

export interface ReadingSink {
  /** a good-quality value at event time ts; `late`: older than what this (device, metric) already processed */
  push(value: number, ts: number, late: boolean): void;
}

export interface SampleSink {
  /** one whole sample (all readings of one device at one ts in one frame), as an order-free hash */
  sample(ts: number, hash: number, late: boolean): void;
}

export interface PresenceTag {
  tag: string;
  zone: string | null;
  site: string;
  device: string;
  lastSeen: number;
  /** start of the current continuous presence in any zone (NaN when not in a zone) */
  since: number;
}

export interface Host {
  readonly env: RuleEnv;
  readonly cal: LocalCalendar;
  emit(c: Condition): void;
  /** declared status of the enterprise at event time ts (declare() history, then the environment) */
  statusAt(enterprise: string, ts: number): DeclaredStatus;
  /** the devices of an enterprise (every configured one, plus auto-registered ones seen) */
  devices(enterprise: string): DeviceSlot[];
  /** tags currently present (not expired) in an enterprise */
  tags(enterprise: string): Map<string, PresenceTag>;
  /** occupancy of a zone */
  occupancy(enterprise: string, site: string, zone: string): number;
  /** the first event time seen of the enterprise (baseline for devices never heard) */
  startOf(enterprise: string): number;
  /** every enterprise known (asset model, plus any seen) */
  enterpriseIds(): Iterable<string>;
  /** special periods: the factor on the enterprise's `above` thresholds at event time ts (1: none) */
  tightenAt(enterprise: string, ts: number): number;
  /** special periods: the factor on raise delays (`onDelay…`) at event time ts (1: none, 0: at once) */
  delayAt(enterprise: string, ts: number): number;
}

export interface RuleRuntime {
  readonly info: RuleInfo;
  bindReading?(slot: DeviceSlot, metric: string): ReadingSink | undefined;
  bindSample?(slot: DeviceSlot): SampleSink | undefined;
  /** after the presence of an enterprise changed (position frame or expiry) at ts */
  onPresence?(enterprise: string, ts: number): void;
  onEvent?(slot: DeviceSlot, frame: Extract<Frame, { type: 'event' }>): void;
  /** a data frame of a device flagged `offline` arrived (data returns) */
  onSeen?(slot: DeviceSlot, ts: number): void;
  tick?(clockOf: (enterprise: string) => number): void;
  /** the running values a rule compares with its limit, for the consoles (e.g. today's tonnage) */
  gauges?(): RuleGauge[];
  /** every subject's state as [key, JSON-serialisable state]; subjects in their initial state may be left out */
  exportState(): Iterable<[string, unknown]>;
  importState(s: Record<string, unknown>): void;
}

/** A rule's running value for one subject over one period (`cumulative`: the day's or month's tonnage). */
export interface RuleGauge {
  rule: string;
  subject: Subject;
  value: number;
  limit: number | null;
  unit: string;
  /** the period the value belongs to (event time, ms); a consumer past `periodEnd` reads 0 */
  periodStart: number;
  periodEnd: number;
}

export interface KindContext<P> {
  def: RuleDef;
  info: RuleInfo;
  host: Host;
  /** the rule's params for a scope, merged with overrides; undefined when disabled there */
  params(scope: Scope): P | undefined;
}

export interface KindModule<P = unknown> {
  kind: string;
  /** params with their defaults; strict (unknown keys are errors) */
  schema: z.ZodType<P>;
  /** device kinds / metrics matched when the rule file says nothing */
  create(ctx: KindContext<P>): RuleRuntime;
}

export type { PositionTag };

/**
 * The rule's `match` covers this device kind and, when given, this metric (`match.metrics`
 * defaults to `dflt`; no metrics at all = none match).
 */
export function matches(def: RuleDef, kind: string, metric?: string, dflt: readonly string[] = []): boolean {
  if (def.match.kinds && !def.match.kinds.includes(kind)) return false;
  return metric === undefined || (def.match.metrics ?? dflt).includes(metric);
}
