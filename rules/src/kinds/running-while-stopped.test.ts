// DOMAIN.md §5 (明停暗开) / rules/README.md `running-while-stopped` (belt.running-while-stopped):
// belt running = 1 or tph > 0 while the enterprise is declared `stopped` → red after the 60 s
// on-delay; clears after 5 min still (or no longer stopped). `rectifying` is not in the rule's
// statuses. belt-1 reports running and tph every 30 s.
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../evaluator.ts';
import type { Condition } from '../types.ts';
import { MIN, rig, S, T0, testAssets, type TestRig } from '../../../test/helpers/rules.ts';

const RULE = 'belt.running-while-stopped';
const brief = (out: Condition[]) => out.filter((c) => c.rule === RULE).map((c) => ({ rule: c.rule, severity: c.severity, active: c.active, ts: c.ts }));

/** belt readings every 30 s over [from, to) minutes after T0 */
function belt(r: TestRig, from: number, to: number, running: number, tph: number): void {
  for (let t = from * MIN; t < to * MIN; t += 30 * S) r.read('belt-1', { running, tph }, T0 + t);
}

describe('running-while-stopped (belt.running-while-stopped) [DOMAIN.md §5]', () => {
  it('only while declared stopped (evaluator.declare): running → red after 60 s; still for 5 min clears; short blips, late readings, producing and rectifying do not raise', () => {
    const r = rig({ packs: ['belt'] });
    r.ev.declare('ent-a', 'stopped', T0);
    r.ev.declare('ent-a', 'producing', T0 + 50 * MIN); // declared producing again while the belt runs
    r.ev.declare('ent-a', 'rectifying', T0 + 70 * MIN);
    belt(r, -10, 15, 1, 500); // running since before T0: producing until T0, stopped from T0
    belt(r, 15, 30, 0, 0); // still from T0 + 15 min
    belt(r, 30, 30.5, 1, 500); // a blip (one reading): under the on-delay
    belt(r, 30.5, 40, 0, 0);
    r.read('belt-1', { running: 1 }, T0 + 34 * MIN); // late: ignored
    belt(r, 40, 60, 0, 80); // running signal stuck at 0 but the scale shows 80 t/h
    belt(r, 70, 90, 1, 500); // rectifying is not in this rule's statuses
    expect(brief(r.out)).toEqual([
      { rule: RULE, severity: 'red', active: true, ts: T0 + 1 * MIN },
      { rule: RULE, severity: 'red', active: false, ts: T0 + 20 * MIN },
      { rule: RULE, severity: 'red', active: true, ts: T0 + 41 * MIN },
      { rule: RULE, severity: 'red', active: false, ts: T0 + 55 * MIN },
    ]);
    expect(r.out.find((c) => c.rule === RULE)!.key).toBe('belt.running-while-stopped|ent-a/s1/belt-1');
  });

  it('uses RuleEnv.declaredStatusAt (event time) when nothing is declared; the off-delay completes on tick', () => {
    const assets = testAssets();
    const ev = createEvaluator({ packs: ['belt'], env: { assets, timezone: 'Asia/Shanghai', declaredStatusAt: (_e, ts) => (ts < T0 + 10 * MIN ? 'producing' : 'stopped') } });
    const out: Condition[] = [];
    ev.onCondition((c) => out.push(c));
    const r = { ev, out, read: (device: string, values: Record<string, number>, ts: number) => ev.ingest({ type: 'readings', transport: 'mqtt', readings: Object.entries(values).map(([metric, value]) => ({ ts, enterprise: 'ent-a', site: 's1', device, kind: 'belt' as const, metric, value, quality: 'good' as const })) }, ts), raises: () => [] } as TestRig;
    belt(r, 0, 20, 1, 300);
    r.read('belt-1', { running: 0, tph: 0 }, T0 + 20 * MIN); // then silent
    ev.tick(T0 + 24 * MIN);
    ev.tick(T0 + 25 * MIN);
    expect(brief(out)).toEqual([
      { rule: RULE, severity: 'red', active: true, ts: T0 + 11 * MIN },
      { rule: RULE, severity: 'red', active: false, ts: T0 + 25 * MIN },
    ]);
  });

  it('a special period (RuleEnv.delayAt, issue 17) shortens the on-delay between its dates only: 0.5 raises after 30 s, 0 at the first reading', () => {
    const assets = testAssets();
    const period = (ts: number) => (ts >= T0 + 10 * MIN && ts < T0 + 20 * MIN ? 0.5 : ts >= T0 + 20 * MIN ? 0 : 1);
    const ev = createEvaluator({ packs: ['belt'], env: { assets, timezone: 'Asia/Shanghai', declaredStatusAt: () => 'stopped', delayAt: (_e, ts) => period(ts) } });
    const out: Condition[] = [];
    ev.onCondition((c) => out.push(c));
    const read = (ts: number, running: number) => ev.ingest({ type: 'readings', transport: 'mqtt', readings: [{ ts, enterprise: 'ent-a', site: 's1', device: 'belt-1', kind: 'belt', metric: 'running', value: running, quality: 'good' }] }, ts);
    // three 30 s runs (0:00–0:30, 10:00–10:30, 20:00): 30 s of running is under the 60 s delay, not under 30 s
    for (const start of [0, 10 * MIN, 20 * MIN]) {
      read(T0 + start, 1);
      read(T0 + start + 30 * S, 1);
      read(T0 + start + 60 * S, 0);
      ev.tick(T0 + start + 7 * MIN);
    }
    expect(brief(out).filter((c) => c.active)).toEqual([
      { rule: RULE, severity: 'red', active: true, ts: T0 + 10 * MIN + 30 * S },
      { rule: RULE, severity: 'red', active: true, ts: T0 + 20 * MIN },
    ]);
  });

  // running and tph of one sample are judged together: a belt seen running for 30 s is not 60 s of running
  it('a belt that runs for two readings (30 s) and is still at the third does not raise', () => {
    const r = rig({ packs: ['belt'] });
    r.ev.declare('ent-a', 'stopped', T0);
    belt(r, 0, 10, 0, 0);
    belt(r, 10, 11, 1, 500); // 10:00 and 10:30
    belt(r, 11, 20, 0, 0); // still from 11:00
    expect(brief(r.out)).toEqual([]);
  });
});
