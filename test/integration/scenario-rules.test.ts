// Every scenario under simulators/scenarios/ through the engine in-process: the activations
// raised within the scenario must be exactly `expect.alarms` (rule, subject, severity — raw or
// escalated per RuleInfo.escalation, DOMAIN.md §4 — and time window), none may match
// `expect.none`.
import { describe, expect, it } from 'vitest';
import { listScenarios, loadScenarioFile } from '../../simulators/src/scenario/scenario.ts';
import type { ExpectedAlarm } from '../../simulators/src/scenario/schema.ts';
import { escalate } from '../../rules/src/escalation.ts';
import { activations, runScenario, type Activation } from '../helpers/scenario-harness.ts';
import type { RuleInfo, Severity } from '../../rules/src/types.ts';

function subjectMatches(a: Activation, e: ExpectedAlarm): boolean {
  const s = a.subject;
  if (e.enterprise && s.enterprise !== e.enterprise) return false;
  if (e.device) return s.device === e.device;
  if (e.zone) return !s.device && s.zone === e.zone;
  return !s.device && !s.zone;
}

/** the severities an activation reached, each with its time: raw, plus the raise escalated */
function severities(a: Activation, all: Activation[], rules: Map<string, RuleInfo>): { severity: Severity; ts: number }[] {
  const out = [...a.changes];
  const spec = rules.get(a.rule)?.escalation;
  if (spec) {
    const history = all.filter((x) => x.key === a.key && x.raisedAt <= a.raisedAt).map((x) => ({ ts: x.raisedAt, severity: x.changes[0].severity }));
    out.push({ severity: escalate(history, spec, a.raisedAt), ts: a.raisedAt });
  }
  return out;
}

const scenarios = listScenarios();

describe('scenarios (simulators/scenarios) through the rule engine', () => {
  it('covers every scenario file', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(15);
  });

  for (const sc of scenarios) {
    it(`${sc.name}: raises exactly expect.alarms and nothing in expect.none`, () => {
      const s = loadScenarioFile(sc.file);
      const run = runScenario(s);
      const rules = new Map(run.evaluator.rules.map((r) => [r.id, r]));
      const all = activations(run.conditions);
      const inRun = all.filter((a) => a.raisedAt >= s.startMs && a.raisedAt <= s.endMs);
      const rel = (t: number) => `${((t - s.startMs) / 3_600_000).toFixed(3)}h`;
      const show = (a: Activation) => `${a.rule} ${a.subject.device ?? a.subject.zone ?? a.subject.enterprise} ${a.changes.map((c) => `${c.severity}@${rel(c.ts)}`).join(' ')}${a.clearedAt ? ` clear@${rel(a.clearedAt)}` : ''}`;
      const matches = (a: Activation, e: (typeof s.expected)[number]) =>
        a.rule === e.rule && subjectMatches(a, e) && severities(a, all, rules).some((x) => x.ts >= e.fromMs && x.ts <= e.toMs && (!e.severity || x.severity === e.severity));
      const report = inRun.map(show).join('\n  ');
      for (const e of s.expected) expect(inRun.some((a) => matches(a, e)), `expected ${JSON.stringify(e)}; raised:\n  ${report}`).toBe(true);
      for (const a of inRun) expect(s.expected.some((e) => matches(a, e)), `unexpected activation ${show(a)}; raised:\n  ${report}`).toBe(true);
      for (const n of s.forbidden) {
        const hit = inRun.find((a) => a.rule === n.rule && subjectMatches(a, n) && (!n.severity || severities(a, all, rules).some((x) => x.severity === n.severity)));
        expect(hit && show(hit), `forbidden ${JSON.stringify(n)}`).toBeUndefined();
      }
    });
  }
});
