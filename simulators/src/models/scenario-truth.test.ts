// Ground truth behind the expected alarms of the scenarios that script these models: the
// samples a scenario run sends (the runner samples each device at start + k × interval, in
// event time) really cross the DOMAIN.md thresholds inside each `expect.alarms` window, and
// never for `expect.none`. Windows allow the rules an on-delay of up to 1 minute.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../gateway/src/config/load.ts';
import { buildFleet, type FleetDevice } from '../fleet.ts';
import { applyTimeline, loadScenario, scenarioGatewayConfig, type Scenario } from '../scenario/scenario.ts';
import type { Sample } from './model.ts';
import type { PositioningModel } from './positioning-model.ts';
import type { SlopeModel } from './slope-model.ts';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const ON_DELAY = MIN;

function scenario(name: string): { s: Scenario; fleet: FleetDevice[]; samples: (id: string) => Sample[] } {
  const s = loadScenario(name);
  const fleet = buildFleet(parseConfig(scenarioGatewayConfig(s)), { seed: s.seed, epochMs: s.startMs });
  applyTimeline(s, fleet);
  const cache = new Map<string, Sample[]>();
  const samples = (id: string) => {
    if (!cache.has(id)) {
      const m = fleet.find((d) => d.model.id === id)!.model;
      const out: Sample[] = [];
      for (let t = s.startMs; t <= s.endMs; t += m.intervalMs) {
        const x = m.sample(t);
        if (x) out.push(x);
      }
      cache.set(id, out);
    }
    return cache.get(id)!;
  };
  return { s, fleet, samples };
}

/** DOMAIN.md §1: [yellow, red]; o2 alarms below its levels, the others at or above. */
const GAS: Record<string, { metric: string; yellow: number; red: number; below?: boolean }> = {
  'gas.co': { metric: 'co', yellow: 17, red: 34 },
  'gas.h2s': { metric: 'h2s', yellow: 7, red: 14 },
  'gas.nh3': { metric: 'nh3', yellow: 28, red: 57 },
  'gas.cl2': { metric: 'cl2', yellow: 0.34, red: 0.68 },
  'gas.ch4': { metric: 'ch4', yellow: 1.0, red: 1.5 },
  'gas.lel': { metric: 'lel', yellow: 20, red: 40 },
  'gas.o2': { metric: 'o2', yellow: 19.5, red: 18, below: true },
};

function gasChecks(name: string) {
  const { s, samples } = scenario(name);
  const firstAt = (device: string, rule: string, level: 'yellow' | 'red') => {
    const g = GAS[rule];
    const th = g[level];
    return samples(device).find((x) => {
      const v = x.values[g.metric];
      return v !== undefined && (g.below ? v < th : v >= th);
    })?.ts;
  };
  for (const a of s.expected) {
    const yellow = firstAt(a.device!, a.rule, 'yellow');
    const hit = firstAt(a.device!, a.rule, a.severity === 'red' ? 'red' : 'yellow');
    expect(yellow, `${name} ${a.rule} ${a.device}`).toBeDefined();
    expect(yellow!, `${name} ${a.rule} raised no earlier than from`).toBeGreaterThanOrEqual(a.fromMs);
    expect(hit! + ON_DELAY, `${name} ${a.rule} ${a.severity} by to`).toBeLessThanOrEqual(a.toMs);
    if (a.severity === 'yellow') expect(firstAt(a.device!, a.rule, 'red'), `${name} ${a.rule} stays yellow`).toBeUndefined();
  }
  for (const n of s.forbidden) {
    if (!GAS[n.rule]) continue;
    expect(firstAt(n.device!, n.rule, n.severity === 'red' ? 'red' : 'yellow'), `${name} none ${n.rule} ${n.device}`).toBeUndefined();
  }
  return s;
}

describe('scenario ground truth', () => {
  it('gas-toxic: CO, H2S, NH3 cross level 2 and Cl2 only level 1, each inside its window, on different detectors', () => {
    const s = gasChecks('gas-toxic');
    expect(s.expected.map((a) => [a.rule, a.severity])).toEqual([['gas.co', 'red'], ['gas.h2s', 'red'], ['gas.nh3', 'red'], ['gas.cl2', 'yellow']]);
    expect(new Set(s.expected.map((a) => a.device)).size).toBe(4);
  });

  it('gas-o2-ch4: O2 below 18 %vol in the confined space, CH4 ≥ 1.5 %vol underground, inside their windows', () => {
    const s = gasChecks('gas-o2-ch4');
    expect(s.expected.map((a) => [a.rule, a.severity])).toEqual([['gas.o2', 'red'], ['gas.ch4', 'red']]);
  });

  it('data-replay: gas-01 re-sends 1h–2h at 4h–5h exactly; gas-02 never repeats a run of 3 samples', () => {
    const { s, samples } = scenario('data-replay');
    const [a] = s.expected;
    const keyed = (id: string) => samples(id).map((x) => ({ ts: x.ts, k: JSON.stringify(x.values) }));
    const g1 = keyed('gas-01');
    const src = g1.filter((x) => x.ts >= s.startMs + H && x.ts < s.startMs + 2 * H).map((x) => x.k);
    const rep = g1.filter((x) => x.ts >= s.startMs + 4 * H && x.ts < s.startMs + 5 * H).map((x) => x.k);
    expect(rep).toEqual(src);
    expect(rep.length).toBe(120);
    expect(a.fromMs).toBe(s.startMs + 4 * H);
    // a detector needs some consecutive matching samples: 20 (10 min at 30 s) fit well inside the window
    expect(s.startMs + 4 * H + 20 * 30_000 + ON_DELAY).toBeLessThanOrEqual(a.toMs);
    const runs = (xs: { k: string }[], n: number) => xs.slice(n - 1).map((_, i) => xs.slice(i, i + n).map((x) => x.k).join('|'));
    const g2 = runs(keyed('gas-02'), 3);
    expect(new Set(g2).size).toBe(g2.length);
    const g1r = runs(g1.filter((x) => x.ts < s.startMs + 4 * H), 3);
    expect(new Set(g1r).size).toBe(g1r.length); // nothing repeats before the replay
  });

  it('data-counter-backwards: belt-1 total_t drops once by 100 t at 4h10m without going to 0; belt-2 resets to 0 once', () => {
    const { s, samples } = scenario('data-counter-backwards');
    const drops = (id: string) => {
      const xs = samples(id);
      return xs.slice(1).flatMap((x, i) => (x.values.total_t < xs[i].values.total_t ? [{ ts: x.ts, from: xs[i].values.total_t, to: x.values.total_t }] : []));
    };
    const [a] = s.expected;
    const b1 = drops('belt-1');
    expect(b1.length).toBe(1);
    expect(b1[0].ts).toBeGreaterThanOrEqual(a.fromMs);
    expect(b1[0].ts + ON_DELAY).toBeLessThanOrEqual(a.toMs);
    expect(b1[0].from - b1[0].to).toBeCloseTo(100, 6);
    expect(b1[0].to).toBeGreaterThan(0.3 * b1[0].from);
    const b2 = drops('belt-2');
    expect(b2.length).toBe(1);
    expect(b2[0].to).toBe(0);
    expect(b2[0].from).toBeGreaterThan(100);
  });

  it('personnel-overtime: P0002 is present for 10 h inside the window; nobody else for more than 8 h', () => {
    const { s, fleet } = scenario('personnel-overtime');
    const m = fleet[0].model as PositioningModel;
    const [a] = s.expected;
    const since = new Map<string, number>();
    let crossed: number | undefined;
    for (let t = s.startMs; t <= s.endMs; t += m.intervalMs) {
      const here = new Set(m.sample(t)!.tags.filter((x) => x.zone !== null).map((x) => x.tag));
      for (const tag of here) if (!since.has(tag)) since.set(tag, t);
      for (const [tag, t0] of since) {
        if (!here.has(tag)) since.delete(tag);
        else if (t - t0 > 10 * H) {
          expect(tag).toBe('P0002');
          crossed ??= t;
        } else if (tag !== 'P0002') expect(t - t0).toBeLessThan(8 * H);
      }
    }
    expect(crossed).toBeDefined();
    expect(crossed!).toBeGreaterThanOrEqual(a.fromMs);
    expect(crossed! + ON_DELAY).toBeLessThanOrEqual(a.toMs);
  });

  it('slope-escalation: the angle goes 45° → 74° → 45° three times within 24 h, and a 4-h trailing estimate sees three separate episodes', () => {
    const { s, fleet, samples } = scenario('slope-escalation');
    const m = fleet[0].model as SlopeModel;
    const [yellow, orange] = s.expected;
    const E = s.startMs + 8 * D;
    expect(m.trueAngle(E - 1)).toBe(45);
    for (const h of [2, 12, 22]) expect(m.trueAngle(E + h * H)).toBe(74);
    for (const h of [7, 17]) expect(m.trueAngle(E + h * H)).toBe(45);
    // the noisy samples: v0 learned from the first 7 days, α from a 4-h least-squares slope every 5 min,
    // raise at ≥ 60°, clear below 52° (one plausible estimator; the rule may differ)
    const xs = samples('slope-p5');
    const pre = [[0, 0, 0, 0, 0]];
    for (const x of xs) {
      const t = (x.ts - s.startMs) / D, y = x.values.disp, p = pre[pre.length - 1];
      pre.push([p[0] + 1, p[1] + t, p[2] + y, p[3] + t * t, p[4] + t * y]);
    }
    const slope = (i: number, j: number) => {
      const [n, st, sy, stt, sty] = pre[j].map((v, k) => v - pre[i][k]);
      return (n * sty - st * sy) / (n * stt - st * st);
    };
    const i7 = xs.findIndex((x) => x.ts >= s.startMs + 7 * D);
    const v0 = slope(0, i7);
    expect(v0).toBeCloseTo(2, 1);
    const W = (4 * H) / m.intervalMs;
    const raises: number[] = [];
    let on = false;
    for (let j = i7; j <= xs.length; j += (5 * MIN) / m.intervalMs) {
      const a = (Math.atan(slope(j - W, j) / v0) * 180) / Math.PI;
      expect(a).toBeLessThan(80);
      if (!on && a >= 60) { on = true; raises.push(xs[j - 1].ts); }
      else if (on && a < 52) on = false;
    }
    expect(raises.length).toBe(3);
    expect(raises[0]).toBeGreaterThanOrEqual(yellow.fromMs);
    expect(raises[0]).toBeLessThanOrEqual(yellow.toMs);
    expect(raises[2]).toBeGreaterThanOrEqual(orange.fromMs);
    expect(raises[2]).toBeLessThanOrEqual(orange.toMs);
    expect(raises[2] - raises[0]).toBeLessThan(D);
    // slope.rate stays quiet: 24-h displacement well under 10 mm/d
    for (let t = s.startMs + D; t <= s.endMs; t += H) expect(m.trueDisplacement(t) - m.trueDisplacement(t - D)).toBeLessThan(10);
  });
});
