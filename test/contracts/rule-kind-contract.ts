// The abstract suite every rule kind passes (rules/src/kind.ts; the kinds are listed as data in
// rules/src/kinds/registry.ts): driven by the same seeded stream of readings, positions, events,
// status changes and declared-status changes over six hours, the built-in rules of the kind
//  - emit well-formed conditions (the rule's own id, a key under its rule and enterprise, a
//    severity of the four, a message in Chinese and English, an event time inside the stream);
//  - never clear what is not raised, per key;
//  - keep all their state in exportState(): saved as JSON half-way and loaded into a fresh
//    evaluator, they go on exactly as if never interrupted (what the rule runner's snapshots and
//    a restart rely on);
//  - are deterministic: the same stream gives the same conditions.
import { describe, expect, it } from 'vitest';
import { AssetModel } from '../../gateway/src/model/assets.ts';
import type { Frame, Reading } from '../../gateway/src/model/types.ts';
import { SEVERITIES } from '../../gateway/src/model/vocabulary.ts';
import { createEvaluator, type RuleEvaluator } from '../../rules/src/evaluator.ts';
import type { Condition } from '../../rules/src/types.ts';

const T0 = Date.parse('2026-11-02T06:00:00+08:00');
const MIN = 60_000;
const STEPS = 360;

export function contractAssets(): AssetModel {
  return new AssetModel([
    {
      id: 'ent-k', sector: 'metal-nonmetal-mine', jurisdiction: 'taian', declaredStatus: 'producing',
      approvedCapacity: { tonnesPerDay: 3000, tonnesPerMonth: 80000 }, power: { idleKw: 300, productionKw: 2000 },
      sites: [{
        id: 's1',
        zones: [{ id: 'z1', maxPersons: 2, highRisk: true, restricted: false }, { id: 'zr', maxPersons: 5, highRisk: false, restricted: true }],
        devices: [
          { id: 'gas-01', kind: 'gas', zone: 'z1', intervalSeconds: 60 },
          { id: 'belt-1', kind: 'belt', intervalSeconds: 60 },
          { id: 'slope-1', kind: 'slope', intervalSeconds: 60 },
          { id: 'pm-1', kind: 'power', intervalSeconds: 60 },
          { id: 'uwb-1', kind: 'positioning', intervalSeconds: 60 },
          { id: 'cam-1', kind: 'camera', zone: 'z1', intervalSeconds: 60 },
          { id: 'seal-1', kind: 'seal', intervalSeconds: 60 },
        ],
      }],
    } as never,
  ]);
}

/** mulberry32: the same stream on every run */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step = { ts: number; frames: Frame[]; declare?: 'producing' | 'stopped' };

/** Six hours of a plant going wrong now and then: gas peaks, belt over capacity and counter resets, a sliding slope, power at night, crowding, SOS, video violations, seals opened, devices going silent. */
export function stimulus(seed = 13): Step[] {
  const rnd = prng(seed);
  const walk = (v: number, lo: number, hi: number, step: number) => Math.min(hi, Math.max(lo, v + (rnd() - 0.5) * 2 * step));
  let lel = 5, ch4 = 0.2, co = 5, h2s = 2, o2 = 20.9, tph = 300, total = 0, kwh = 0, kw = 1500, disp = 10, v = 0.1;
  const out: Step[] = [];
  const silent = new Map<string, number>();
  for (let i = 0; i < STEPS; i++) {
    const ts = T0 + i * MIN;
    const frames: Frame[] = [];
    const r = (device: string, kind: Reading['kind'], metric: string, value: number, zone?: string): Reading => ({ ts, enterprise: 'ent-k', site: 's1', device, kind, metric, value, quality: 'good', ...(zone ? { zone } : {}) });
    const quiet = (d: string) => (silent.get(d) ?? 0) > i;
    if (rnd() < 0.01) silent.set(['gas-01', 'belt-1', 'pm-1', 'slope-1'][Math.floor(rnd() * 4)], i + 10 + Math.floor(rnd() * 30));
    lel = rnd() < 0.03 ? 30 + rnd() * 30 : walk(lel, 0, 60, 3);
    ch4 = walk(ch4, 0, 2, 0.2); co = walk(co, 0, 80, 6); h2s = walk(h2s, 0, 30, 3); o2 = walk(o2, 17, 22, 0.4);
    if (!quiet('gas-01')) frames.push({ type: 'readings', transport: 'mqtt', readings: [r('gas-01', 'gas', 'lel', lel, 'z1'), r('gas-01', 'gas', 'ch4', ch4, 'z1'), r('gas-01', 'gas', 'co', co, 'z1'), r('gas-01', 'gas', 'h2s', h2s, 'z1'), r('gas-01', 'gas', 'o2', o2, 'z1')] });
    tph = walk(tph, 0, 900, 80);
    total = rnd() < 0.01 ? 0 : rnd() < 0.005 ? total * 0.5 : total + tph / 60;
    if (!quiet('belt-1')) frames.push({ type: 'readings', transport: 'mqtt', readings: [r('belt-1', 'belt', 'tph', tph), r('belt-1', 'belt', 'total_t', total), r('belt-1', 'belt', 'running', tph > 20 ? 1 : 0)] });
    v = rnd() < 0.02 ? v * 3 : walk(v, 0.01, 5, 0.05);
    disp += v;
    if (!quiet('slope-1')) frames.push({ type: 'readings', transport: 'mqtt', readings: [r('slope-1', 'slope', 'disp', disp)] });
    kw = walk(kw, 0, 2500, 150);
    kwh += kw / 60;
    if (!quiet('pm-1')) frames.push({ type: 'readings', transport: 'mqtt', readings: [r('pm-1', 'power', 'kw', rnd() < 0.02 ? kw : Math.round(kw)), r('pm-1', 'power', 'kwh', kwh)] });
    const tags = Array.from({ length: 1 + Math.floor(rnd() * 6) }, (_, k) => ({ tag: `t${k}`, zone: rnd() < 0.5 ? 'z1' : rnd() < 0.5 ? 'zr' : null }));
    frames.push({ type: 'position', transport: 'mqtt', ts, enterprise: 'ent-k', site: 's1', device: 'uwb-1', tags });
    if (rnd() < 0.02) frames.push({ type: 'event', transport: 'mqtt', ts, enterprise: 'ent-k', site: 's1', device: 'uwb-1', eventType: 'sos', detail: { tag: 't1' } });
    if (rnd() < 0.02) frames.push({ type: 'event', transport: 'mqtt', ts, enterprise: 'ent-k', site: 's1', device: 'belt-1', eventType: 'belt_slip', detail: {} });
    if (rnd() < 0.01) frames.push({ type: 'status', transport: 'mqtt', ts, enterprise: 'ent-k', site: 's1', device: 'gas-01', online: rnd() < 0.5 });
    if (rnd() < 0.04) frames.push({ type: 'event', transport: 'mqtt', ts, enterprise: 'ent-k', site: 's1', device: 'cam-1', eventType: ['helmet_missing', 'smoking', 'fire_smoke', 'off_post', 'forklift_no_light'][Math.floor(rnd() * 5)], detail: { snapshot: `https://nvr.example/${i}.jpg` } });
    if (rnd() < 0.02) frames.push({ type: 'event', transport: 'mqtt', ts, enterprise: 'ent-k', site: 's1', device: 'seal-1', eventType: ['seal_opened', 'seal_closed', 'tamper'][Math.floor(rnd() * 3)], detail: {} });
    out.push({ ts, frames, ...(i === 120 ? { declare: 'stopped' as const } : i === 240 ? { declare: 'producing' as const } : {}) });
  }
  return out;
}

function evaluator(assets: AssetModel, out: Condition[]): RuleEvaluator {
  const declared: { from: number; status: 'producing' | 'stopped' }[] = [];
  const ev = createEvaluator({
    packs: ['builtin'],
    env: { assets, timezone: 'Asia/Shanghai', declaredStatusAt: (_e, ts) => declared.filter((d) => d.from <= ts).at(-1)?.status ?? 'producing' },
  });
  ev.onCondition((c) => out.push(c));
  const declare = ev.declare.bind(ev);
  ev.declare = (e, status, from) => {
    declared.push({ from, status: status as 'producing' | 'stopped' });
    declare(e, status, from);
  };
  return ev;
}

function feed(ev: RuleEvaluator, steps: Step[]): void {
  for (const s of steps) {
    if (s.declare) ev.declare('ent-k', s.declare, s.ts);
    for (const f of s.frames) ev.ingest(f, s.ts);
    ev.tick(s.ts + 30_000);
  }
}

/** `kind`: the kind under test; `rules`: the ids of its built-in rules. */
export function ruleKindContract(kind: string, rules: readonly string[]): void {
  describe(`Rule kind contract: ${kind} (${rules.join(', ')})`, () => {
    const steps = stimulus();
    const mine = (cs: Condition[]) => cs.filter((c) => rules.includes(c.rule));
    const straight: Condition[] = [];
    feed(evaluator(contractAssets(), straight), steps);

    it('emits well-formed conditions of its own rules', () => {
      for (const c of mine(straight)) {
        expect(rules).toContain(c.rule);
        expect(c.key === `${c.rule}|${c.subject.enterprise}` || c.key.startsWith(`${c.rule}|${c.subject.enterprise}`)).toBe(true);
        expect(c.subject.enterprise).toBe('ent-k');
        expect(SEVERITIES).toContain(c.severity);
        expect(c.message.zh.length).toBeGreaterThan(0);
        expect(c.message.en.length).toBeGreaterThan(0);
        expect(c.ts).toBeGreaterThanOrEqual(T0 - 24 * 60 * MIN);
        expect(c.ts).toBeLessThanOrEqual(T0 + STEPS * MIN);
      }
    });

    it('never clears a key that is not raised', () => {
      const active = new Map<string, boolean>();
      for (const c of mine(straight)) {
        if (!c.active) expect(active.get(c.key), `${c.key} cleared while not raised`).toBe(true);
        active.set(c.key, c.active);
      }
    });

    it('keeps its whole state in exportState(): saved as JSON half-way, a fresh evaluator goes on identically', () => {
      const half = steps.length / 2;
      const first: Condition[] = [];
      const a = evaluator(contractAssets(), first);
      feed(a, steps.slice(0, half));
      const saved = JSON.stringify(a.exportState());
      const second: Condition[] = [];
      const b = evaluator(contractAssets(), second);
      // the declared-status history is the records database's, not the engine's: given again
      for (const s of steps.slice(0, half)) if (s.declare) b.declare('ent-k', s.declare, s.ts);
      b.importState(JSON.parse(saved));
      feed(b, steps.slice(half));
      expect(mine([...first, ...second])).toEqual(mine(straight));
    });

    it('is deterministic: the same stream, the same conditions', () => {
      const again: Condition[] = [];
      feed(evaluator(contractAssets(), again), steps);
      expect(mine(again)).toEqual(mine(straight));
    });
  });
}
