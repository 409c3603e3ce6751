// Test helpers: a small asset model, an evaluator on it, and frame builders with a manual clock.
import { AssetModel } from '../../gateway/src/model/assets.ts';
import type { Frame } from '../../gateway/src/model/types.ts';
import { createEvaluator, type EvaluatorOptions, type RuleEvaluator } from '../../rules/src/evaluator.ts';
import type { Condition } from '../../rules/src/types.ts';

export const T0 = Date.parse('2026-11-02T08:00:00+08:00');
export const S = 1000;
export const MIN = 60_000;
export const H = 3_600_000;

export function testAssets(over: Record<string, unknown> = {}): AssetModel {
  return new AssetModel([
    {
      id: 'ent-a', sector: 'metal-nonmetal-mine', jurisdiction: 'taian', declaredStatus: 'producing',
      approvedCapacity: { tonnesPerDay: 3000, tonnesPerMonth: 80000 }, power: { idleKw: 300, productionKw: 2000 },
      sites: [{
        id: 's1',
        zones: [{ id: 'z1', maxPersons: 2, highRisk: true, restricted: false }, { id: 'zr', maxPersons: 5, highRisk: false, restricted: true }],
        devices: [
          { id: 'gas-01', kind: 'gas', zone: 'z1', intervalSeconds: 5 },
          { id: 'gas-02', kind: 'gas', zone: 'z1', intervalSeconds: 5 },
          { id: 'belt-1', kind: 'belt', intervalSeconds: 30 },
          { id: 'slope-1', kind: 'slope', intervalSeconds: 300 },
          { id: 'uwb-1', kind: 'positioning', intervalSeconds: 10 },
        ],
      }],
      ...over,
    } as never,
  ]);
}

export interface TestRig {
  ev: RuleEvaluator;
  out: Condition[];
  /** a readings frame of one device; arrival = event time (live) unless given */
  read(device: string, values: Record<string, number>, ts: number, arrival?: number): void;
  raises(rule?: string): Condition[];
}

export function rig(opts: Partial<EvaluatorOptions> = {}, assets = testAssets()): TestRig {
  const ev = createEvaluator({ env: { assets, timezone: 'Asia/Shanghai', declaredStatusAt: (e) => assets.enterprises.get(e)!.declaredStatus }, ...opts });
  const out: Condition[] = [];
  ev.onCondition((c) => out.push(c));
  return {
    ev,
    out,
    read(device, values, ts, arrival = ts) {
      const d = assets.lookup('ent-a', 's1', device);
      if (!d.ok) throw new Error(device);
      const f: Frame = { type: 'readings', transport: 'mqtt', readings: Object.entries(values).map(([metric, value]) => ({ ts, enterprise: 'ent-a', site: 's1', device, zone: d.device.zone, kind: d.device.kind, metric, value, quality: 'good' as const })) };
      ev.ingest(f, arrival);
    },
    raises: (rule) => out.filter((c) => c.active && (!rule || c.rule === rule)),
  };
}
