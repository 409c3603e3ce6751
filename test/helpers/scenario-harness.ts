// Test harness: runs a scenario file (simulators/scenarios) through the evaluator in-process —
// the fleet's samples in event-time order, turned into frames the way the MQTT JSON transport
// sends them (telemetry without empty values, position, event), with a fake wall clock that is
// weeks away from the scenario's event time and live-timestamped `online` status frames.
import { parseConfig } from '../../gateway/src/config/load.ts';
import { AssetModel } from '../../gateway/src/model/assets.ts';
import type { Frame, Reading } from '../../gateway/src/model/types.ts';
import { buildFleet } from '../../simulators/src/fleet.ts';
import { applyTimeline, scenarioGatewayConfig, type Scenario } from '../../simulators/src/scenario/scenario.ts';
import { createEvaluator, type RuleEvaluator } from '../../rules/src/evaluator.ts';
import type { Condition } from '../../rules/src/types.ts';

/** the fake wall clock: 2026-11-22 08:00 +08:00 at the scenario start */
export const WALL0 = Date.parse('2026-11-22T08:00:00+08:00');

export interface Run {
  evaluator: RuleEvaluator;
  conditions: Condition[];
  assets: AssetModel;
}

export function runScenario(s: Scenario): Run {
  const config = parseConfig(scenarioGatewayConfig(s));
  const assets = AssetModel.fromConfig(config);
  const fleet = buildFleet(config, { seed: s.seed, epochMs: s.startMs });
  applyTimeline(s, fleet);
  const evaluator = createEvaluator({ env: { assets, timezone: 'Asia/Shanghai', declaredStatusAt: (e) => assets.enterprises.get(e)?.declaredStatus ?? 'producing' } });
  for (const a of s.operatorActions) if (a.do === 'declare') evaluator.declare(a.enterprise, a.with.status as never, a.at);
  const conditions: Condition[] = [];
  evaluator.onCondition((c) => conditions.push(c));
  const wall = (t: number) => WALL0 + (t - s.startMs);
  // the transport publishes a retained `online` at connect: gateway arrival time, not device time
  for (const d of fleet) evaluator.ingest({ type: 'status', transport: 'mqtt', enterprise: d.enterprise, site: d.site, device: d.model.id, ts: WALL0, online: true }, WALL0);
  const next = fleet.map(() => s.startMs);
  for (;;) {
    let t = Infinity;
    for (const n of next) if (n < t) t = n;
    if (t > s.endMs) break;
    for (let i = 0; i < fleet.length; i++) {
      if (next[i] !== t) continue;
      const d = fleet[i];
      next[i] = t + d.model.intervalMs;
      const sample = d.model.sample(t);
      if (!sample) continue;
      const dev = assets.lookup(d.enterprise, d.site, d.model.id);
      if (!dev.ok) throw new Error(`unknown device ${d.model.id}`);
      const ref = { enterprise: d.enterprise, site: d.site, device: d.model.id };
      const frames: Frame[] = [];
      if ('tags' in sample) frames.push({ type: 'position', transport: 'mqtt', ...ref, ts: sample.ts, tags: (sample as { tags: { tag: string; zone: string | null }[] }).tags });
      else if (Object.keys(sample.values).length > 0) {
        const readings: Reading[] = Object.entries(sample.values).map(([metric, value]) => ({ ts: sample.ts, ...ref, zone: dev.device.zone, kind: dev.device.kind, metric, value, quality: 'good' }));
        frames.push({ type: 'readings', transport: 'mqtt', readings });
      }
      for (const ev of sample.events ?? []) frames.push({ type: 'event', transport: 'mqtt', ...ref, ts: sample.ts, eventType: ev.type, detail: ev.detail ?? {} });
      for (const f of frames) evaluator.ingest(f, wall(t));
    }
    evaluator.tick(wall(t));
  }
  return { evaluator, conditions, assets };
}

export interface Activation {
  key: string;
  rule: string;
  subject: Condition['subject'];
  raisedAt: number;
  /** the raise and every severity change: [severity, ts] */
  changes: { severity: Condition['severity']; ts: number }[];
  clearedAt?: number;
}

/** Groups conditions into activations (raise … clear) per key. */
export function activations(conditions: Condition[]): Activation[] {
  const open = new Map<string, Activation>();
  const out: Activation[] = [];
  for (const c of conditions) {
    const a = open.get(c.key);
    if (c.active) {
      if (!a) {
        const n: Activation = { key: c.key, rule: c.rule, subject: c.subject, raisedAt: c.ts, changes: [{ severity: c.severity, ts: c.ts }] };
        open.set(c.key, n);
        out.push(n);
      } else if (a.changes[a.changes.length - 1].severity !== c.severity) a.changes.push({ severity: c.severity, ts: c.ts });
    } else if (a) {
      a.clearedAt = c.ts;
      open.delete(c.key);
    }
  }
  return out;
}
