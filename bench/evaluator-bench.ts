// Rule-engine throughput: every built-in pack loaded, 10,000 gas detectors (lel, co, h2s, o2 at
// 30 s) in one process, readings fed as the WAL would (one frame per sample), on one core.
// Reports gas readings per second through the evaluator alone (threshold rules + flat-line,
// replay and offline bookkeeping on every reading). Run: node bin/run-ts.mjs bench/evaluator-bench.ts
// PERIODS=none (default: no special-period book wired) | other (a book whose only period is another
// jurisdiction's) | active (a period in force for the enterprise: thresholds × 0.9, delays × 0.5),
// to measure what the special periods of issue 17 cost on the hot path.
import { cpus, totalmem } from 'node:os';
import { AssetModel } from '../gateway/src/model/assets.ts';
import type { Frame, Reading } from '../gateway/src/model/types.ts';
import { SpecialPeriodBook, type SpecialPeriod } from '../gateway/src/periods/special-periods.ts';
import { createEvaluator } from '../rules/src/index.ts';

const DEVICES = Number(process.env.DEVICES ?? 10_000);
const SECONDS = Number(process.env.SECONDS ?? 5);
const METRICS = ['lel', 'co', 'h2s', 'o2'] as const;
const BASE: Record<string, [number, number]> = { lel: [1, 0.3], co: [2, 0.5], h2s: [0.2, 0.1], o2: [20.9, 0.05] };

function assets(): AssetModel {
  const sites = Array.from({ length: 100 }, (_, s) => ({
    id: `s${s}`,
    zones: [{ id: `z${s}`, maxPersons: 9, highRisk: true, restricted: false }],
    devices: Array.from({ length: DEVICES / 100 }, (_, d) => ({ id: `gas-${s}-${d}`, kind: 'gas' as const, zone: `z${s}`, intervalSeconds: 30 })),
  }));
  return new AssetModel([{ id: 'ent-a', sector: 'hazardous-chemicals', jurisdiction: 'taian', declaredStatus: 'producing', approvedCapacity: {}, sites } as never]);
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ${DEVICES} gas devices × ${METRICS.length} metrics, ${SECONDS} s run, one core`);
  const model = assets();
  const disabled = (process.env.DISABLE ?? '').split(',').filter(Boolean).map((rule) => ({ rule, enabled: false }));
  const periods = process.env.PERIODS ?? 'none';
  const book = new SpecialPeriodBook(model);
  const period = (jurisdiction: string): SpecialPeriod => ({ id: 'sp-1', jurisdiction, name: '春节', kind: 'holiday', from: 0, to: 8.64e15, reason: 'bench', sectors: [], thresholdFactor: 0.9, delayFactor: 0.5, redRules: [], forbidProduction: false, createdBy: 'bench', createdByName: null, createdAt: 0 });
  if (periods !== 'none') book.load([period(periods === 'active' ? 'taian' : 'jinan')]);
  const tightening = periods === 'none' ? {} : { tightenAt: book.factorAt, delayAt: book.delayAt };
  console.log(`special periods: ${periods}`);
  const ev = createEvaluator({ env: { assets: model, timezone: 'Asia/Shanghai', declaredStatusAt: () => 'producing', ...tightening }, overrides: disabled });
  let conditions = 0;
  ev.onCondition(() => conditions++);
  console.log(`rules loaded: ${ev.rules.length} (${ev.rules.map((r) => r.id).join(', ')})`);
  // one reusable frame per device: the bench mutates ts and values in place (no allocation in the loop)
  const frames: Frame[] = [];
  for (const s of model.enterprises.get('ent-a')!.sites.values()) {
    for (const d of s.devices.values()) {
      const readings: Reading[] = METRICS.map((metric) => ({ ts: 0, enterprise: 'ent-a', site: s.id, device: d.id, zone: d.zone, kind: 'gas', metric, value: 0, quality: 'good' }));
      frames.push({ type: 'readings', transport: 'mqtt', readings });
    }
  }
  // precomputed noise: values stay around clean-air baselines, never crossing a level
  const NOISE = Float64Array.from({ length: 65_536 }, () => {
    const u = Math.random() + Math.random() + Math.random() - 1.5;
    return Math.round(u * 20) / 10;
  });
  const t0 = Date.parse('2026-11-02T00:00:00+08:00');
  let n = 0;
  let k = 0;
  let round = 0;
  const run = (seconds: number) => {
    const start = process.hrtime.bigint();
    const stop = start + BigInt(Math.round(seconds * 1e9));
    let readings = 0;
    do {
      const ts = t0 + round * 30_000;
      for (let i = 0; i < frames.length; i++) {
        const rs = (frames[i] as Extract<Frame, { type: 'readings' }>).readings;
        for (let j = 0; j < rs.length; j++) {
          const r = rs[j];
          const b = BASE[r.metric];
          r.ts = ts + (i & 1023);
          r.value = b[0] + b[1] * NOISE[k++ & 65_535];
        }
        ev.ingest(frames[i], ts);
        readings += rs.length;
      }
      ev.tick(ts + 30_000);
      round++;
    } while (process.hrtime.bigint() < stop);
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    return { readings, secs };
  };
  if (process.env.ROUNDS) {
    // ROUNDS=N (node --expose-gc): fill N samples of history per device, then the live heap after a full GC
    const rounds = Number(process.env.ROUNDS);
    while (round < rounds) run(0);
    (globalThis as { gc?: () => void }).gc?.();
    if (process.env.HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.HEAP_SNAPSHOT);
    // the state export as the gateway runs it: in steps, the longest one is how long the event loop waits
    const t = performance.now();
    const steps = ev.exportSteps();
    let longestStepMs = 0;
    let longestAt = 0;
    let n = 0;
    let r: IteratorResult<void, string[]>;
    do {
      const s0 = performance.now();
      r = steps.next();
      const ms = performance.now() - s0;
      if (ms > longestStepMs) [longestStepMs, longestAt] = [ms, n];
      n++;
    } while (!r.done);
    if (process.env.STEPS) {
      const st = JSON.parse(r.value.join(''));
      const sizes = Object.fromEntries(Object.entries(st.rules).map(([k, v]) => [k, JSON.stringify(v).length]).filter(([, n]) => (n as number) > 2));
      console.log({ steps: n, longestAt, enterprises: JSON.stringify(st.enterprises).length, sizes, sample: Object.entries(st.rules['data.flatline']).slice(0, 2) });
    }
    console.log(JSON.stringify({ rounds: round, liveHeapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20), exportMs: Math.round(performance.now() - t), longestStepMs: +longestStepMs.toFixed(2), stateBytes: r.value.reduce((n, p) => n + p.length, 0) }));
    return;
  }
  run(1); // warm-up (JIT, slot binding)
  const { readings, secs } = run(SECONDS);
  n += readings;
  const rate = readings / secs;
  console.log(JSON.stringify({ bench: 'evaluator', periods, devices: DEVICES, readings, seconds: Math.round(secs * 100) / 100, readingsPerSecond: Math.round(rate), conditions, late: ev.stats().late, heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) }));
  void n;
}

await main();
