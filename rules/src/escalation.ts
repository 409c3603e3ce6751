// Severity escalation of repeated activations of one rule on one subject (DOMAIN.md §4,
// tailings-dam rule: 4 blue → yellow, 3 yellow → orange, 2 orange → red, within 24 h [V]).
// The engine reports each raise after a clear as a new activation; the alarm manager applies
// this (and scenario tests use it to check expected severities).
import { severityRank, type EscalationSpec, type Severity } from './types.ts';

/**
 * The severity of the latest activation in `history` (raises of one rule + subject, any order)
 * after escalation at `now`: activations within `spec.windowMs` before `now` are counted; each
 * step turns `count` activations at ≥ `from` into `to`, applied repeatedly (3 yellow → orange,
 * then 2 such oranges → red).
 */
export function escalate(history: { ts: number; severity: Severity }[], spec: EscalationSpec, now: number): Severity {
  const recent = history.filter((h) => h.ts <= now && h.ts > now - spec.windowMs).sort((a, b) => a.ts - b.ts);
  if (recent.length === 0) return history.length ? history[history.length - 1].severity : 'blue';
  // escalate each activation in turn with the ones before it, so an escalated activation counts at its escalated level
  const levels: Severity[] = [];
  for (const h of recent) {
    let sev = h.severity;
    for (let changed = true; changed; ) {
      changed = false;
      for (const st of spec.steps) {
        if (severityRank(sev) !== severityRank(st.from) || severityRank(st.to) <= severityRank(sev)) continue;
        const n = levels.filter((l) => severityRank(l) >= severityRank(st.from)).length + 1;
        if (n >= st.count) {
          sev = st.to;
          changed = true;
        }
      }
    }
    levels.push(sev);
  }
  return levels[levels.length - 1];
}

/** DOMAIN.md §4 default, used by the slope packs. */
export const TAILINGS_ESCALATION: EscalationSpec = {
  windowMs: 24 * 3_600_000,
  steps: [
    { from: 'blue', count: 4, to: 'yellow' },
    { from: 'yellow', count: 3, to: 'orange' },
    { from: 'orange', count: 2, to: 'red' },
  ],
};
