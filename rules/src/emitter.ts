// Builds Conditions for one rule + subject (+ metric): the stable key (CONTRACT §6: one open
// alarm per key), the hazard request, and zh/en messages with value, unit and threshold.
import type { RuleDef, Host } from './kind.ts';
import { severityRank, type Condition, type RuleInfo, type Severity, type Subject, type Text } from './types.ts';

export function subjectKey(s: Subject): string {
  return s.device ? `${s.enterprise}/${s.site}/${s.device}` : s.zone ? `${s.enterprise}/${s.site}/zone:${s.zone}` : s.site ? `${s.enterprise}/${s.site}` : s.enterprise;
}

/** `52.0` with `decimals`, thresholds as written (`40`, `19.5`) */
export const fmt = (v: number, decimals = 1): string => (Number.isFinite(v) ? v.toFixed(decimals) : String(v));
export const fmtTh = (v: number): string => String(Math.round(v * 1e6) / 1e6);

/** A stored series a condition is judged on (device + metric, or a zone's `persons`): the evidence a console draws. */
export interface EvidenceSeries {
  site: string;
  device?: string;
  zone?: string;
  metric: string;
  /** the condition's threshold is in this series' unit (draw it on the chart) */
  threshold?: boolean;
}

export class Emitter {
  readonly key: string;
  /** evidence.series of every raise, when the subject alone does not name the readings (enterprise-level rules) */
  private series?: EvidenceSeries[];

  constructor(
    private readonly host: Host,
    readonly info: RuleInfo,
    private readonly def: RuleDef,
    readonly subject: Subject,
    readonly metric?: string,
    /** extra identity inside the subject (a tag, an event type) */
    part?: string,
  ) {
    this.key = `${info.id}|${subjectKey(subject)}${metric ? `|${metric}` : ''}${part ? `|${part}` : ''}`;
  }

  /** the readings behind this rule's conditions (e.g. the main meter's kW behind 明停暗开) */
  evidenceFrom(series: EvidenceSeries[]): this {
    this.series = series;
    return this;
  }

  raise(sev: Severity, ts: number, message: Text, value?: number, threshold?: number, evidence?: Record<string, unknown>): void {
    const c: Condition = { rule: this.info.id, key: this.key, subject: this.subject, active: true, severity: sev, ts, message };
    if (this.metric) c.metric = this.metric;
    if (value !== undefined) c.value = value;
    if (threshold !== undefined) c.threshold = threshold;
    const hz = this.def.hazard;
    if (hz && severityRank(sev) >= severityRank(hz.minSeverity)) c.hazard = hz.level;
    if (evidence || this.series) c.evidence = this.series ? { ...evidence, series: this.series } : evidence;
    this.host.emit(c);
  }

  clear(sev: Severity, ts: number, message: Text, value?: number, evidence?: Record<string, unknown>): void {
    const c: Condition = { rule: this.info.id, key: this.key, subject: this.subject, active: false, severity: sev, ts, message };
    if (this.metric) c.metric = this.metric;
    if (value !== undefined) c.value = value;
    if (evidence) c.evidence = evidence;
    this.host.emit(c);
  }

  /** `title: 恢复正常` */
  cleared(detail?: Text): Text {
    const t = this.info.title;
    return { zh: `${t.zh} 恢复正常${detail ? `：${detail.zh}` : ''}`, en: `${t.en} back to normal${detail ? `: ${detail.en}` : ''}` };
  }
}

/** A per-subject state table that survives exportState/importState (restart mid-window). */
export class StateTable<T extends { save(): unknown; load(s: unknown): void }> {
  readonly live = new Map<string, T>();
  /** saved states not bound yet (a Map: property lookups by fresh key strings cost more) */
  private restored = new Map<string, unknown>();

  get(key: string, create: () => T): T {
    let x = this.live.get(key);
    if (!x) {
      x = create();
      if (this.restored.size > 0) {
        const r = this.restored.get(key);
        if (r !== undefined) {
          x.load(r);
          this.restored.delete(key);
        }
      }
      this.live.set(key, x);
    }
    return x;
  }

  /**
   * Every subject's saved state, the restored ones not seen since first; a subject whose `save()`
   * is undefined is in its initial state and left out (a fresh one is the same after a restart).
   * A generator, so the evaluator can save 10,000 devices in slices (issue 19).
   */
  *entries(): Generator<[string, unknown]> {
    yield* this.restored;
    for (const [k, v] of this.live) {
      const s = v.save();
      if (s !== undefined) yield [k, s];
    }
  }

  import(s: Record<string, unknown>): void {
    this.restored = new Map(Object.entries(s ?? {}));
    for (const [k, v] of this.live) {
      const r = this.restored.get(k);
      if (r !== undefined) {
        v.load(r);
        this.restored.delete(k);
      }
    }
  }
}

/** A set of subjects with pending time-driven transitions, advanced by tick(). */
export class Armed<T extends { enterprise: string; advance(clock: number): boolean }> {
  private readonly set = new Set<T>();
  add(x: T): void {
    this.set.add(x);
  }
  tick(clockOf: (e: string) => number): void {
    for (const x of this.set) if (!x.advance(clockOf(x.enterprise))) this.set.delete(x);
  }
}

/**
 * After a restart, the subjects whose saved state is active (index 0) are armed again, so that
 * their conditions still end on time even if no frame of theirs comes: `origin` reads what rebuilds
 * a subject from its saved state (its emitter's key must be the saved key), `make` rebuilds it.
 */
export function rearm<T extends { enterprise: string; advance(clock: number): boolean; save(): unknown; load(s: unknown): void }, O>(
  s: Record<string, unknown>,
  table: StateTable<T>,
  armed: Armed<T>,
  origin: (saved: unknown[]) => O | undefined,
  make: (o: O) => { em: Emitter; create: () => T },
): void {
  for (const [key, v] of Object.entries((s ?? {}) as Record<string, unknown[]>)) {
    const o = v?.[0] ? origin(v) : undefined;
    if (o === undefined) continue;
    const m = make(o);
    if (m.em.key === key) armed.add(table.get(key, m.create));
  }
}
