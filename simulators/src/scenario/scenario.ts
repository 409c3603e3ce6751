// Loads, validates and applies scenario files: the timeline's device actions script the device
// models (all in event time, so they are applied before the run); operator actions are left
// for the harness; `expect` is resolved to absolute times for the alarm checks of the rules.
import { PACKAGE_ROOT } from '../../../gateway/src/package-root.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatPath } from '../../../gateway/src/config/load.ts';
import { ConfigError } from '../../../gateway/src/errors.ts';
import type { FleetDevice } from '../fleet.ts';
import { parseDuration, scenarioSchema, type ExpectedAlarm, type ScenarioFile } from './schema.ts';

export const SCENARIO_DIR = join(PACKAGE_ROOT, 'simulators', 'scenarios');

/** Per device kind, the timeline actions a scenario may use and how they call the model. */
const ACTIONS: Record<string, Record<string, (model: any, args: Record<string, unknown>) => unknown>> = {
  gas: {
    leak: (m, a) => m.leak(a),
    stuck: (m, a) => m.stuck(a),
    failing: (m, a) => m.failing(a),
    // `with: { from, to, source: { from } }`: the nested `from` is made absolute like the others
    replay: (m, a) => m.replay({ from: a.from, to: a.to, sourceFrom: (a.source as { from?: unknown } | undefined)?.from }),
    // the detector's sensor fit, e.g. `with: { metrics: [nh3] }` (before any fault on those metrics)
    metrics: (m, a) => m.setMetrics(a.metrics),
  },
  slope: { accelerate: (m, a) => m.accelerate(a), stages: (m, a) => m.setStages(a.stages), creep: (m, a) => m.setCreep(a) },
  belt: {
    stop: (m, a) => m.stop(a),
    run: (m, a) => m.run(a),
    protection: (m, a) => m.protection(a),
    silent: (m, a) => m.silent(a),
    rollback: (m, a) => m.rollback(a),
    resetCounter: (m, a) => m.resetCounter(a),
  },
  power: { stop: (m, a) => m.stop(a), secretRun: (m, a) => m.secretRun(a), silent: (m, a) => m.silent(a) },
  positioning: {
    crowd: (m, a) => m.crowd(a),
    intrude: (m, a) => m.intrude(a),
    overstay: (m, a) => m.overstay(a),
    sos: (m, a) => m.sos(a),
    presentWhileStopped: (m, a) => m.presentWhileStopped(a),
    stopped: (m, a) => m.stopped(a),
    silent: (m, a) => m.silent(a),
  },
  camera: { violation: (m, a) => m.violation(a), silent: (m, a) => m.silent(a) },
  seal: { open: (m, a) => m.open(a), close: (m, a) => m.close(a), tamper: (m, a) => m.tamper(a) },
};
/** operator actions, applied by a harness through the HTTP API (CONTRACT §7), never by the simulator */
export const OPERATOR_ACTIONS = ['declare'];

/** keys holding a time relative to the scenario start, made absolute */
const TIME_KEYS = new Set(['at', 'start', 'from', 'to', 'until']);

export interface Scenario extends ScenarioFile {
  startMs: number;
  endMs: number;
  operatorActions: { at: number; enterprise: string; do: string; with: Record<string, unknown> }[];
  expected: (ExpectedAlarm & { fromMs: number; toMs: number })[];
  forbidden: ExpectedAlarm[];
}

function absolute(v: unknown, start: number, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => absolute(x, start));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, absolute(x, start, k)]));
  if (TIME_KEYS.has(key) && (typeof v === 'string' || typeof v === 'number')) return start + parseDuration(v);
  if (key.endsWith('Ms') && typeof v === 'string') return parseDuration(v);
  return v;
}

export function parseScenario(raw: unknown, source = '(scenario)'): Scenario {
  const res = scenarioSchema.safeParse(raw);
  if (!res.success) throw new ConfigError(res.error.issues.map((i) => `${source}: ${formatPath(i.path)}: ${i.message}`));
  const s = res.data;
  const startMs = Date.parse(s.start);
  const kinds = new Map<string, string>();
  for (const e of s.enterprises) for (const site of e.sites) for (const d of site.devices) kinds.set(d.id, d.kind);
  const problems: string[] = [];
  s.timeline.forEach((st, i) => {
    if (st.device) {
      const kind = kinds.get(st.device);
      if (!kind) problems.push(`${source}: timeline[${i}].device: unknown device "${st.device}"`);
      else if (!ACTIONS[kind]?.[st.do]) problems.push(`${source}: timeline[${i}].do: "${st.do}" is not an action of a ${kind} device (${Object.keys(ACTIONS[kind] ?? {}).join(', ')})`);
    } else if (!st.enterprise || !OPERATOR_ACTIONS.includes(st.do)) {
      problems.push(`${source}: timeline[${i}]: expected a device action, or an enterprise with do: ${OPERATOR_ACTIONS.join(' | ')}`);
    }
  });
  if (problems.length) throw new ConfigError(problems);
  const endMs = startMs + parseDuration(s.duration);
  return {
    ...s,
    startMs,
    endMs,
    operatorActions: s.timeline.filter((st) => !st.device).map((st) => ({ at: startMs + parseDuration(st.at), enterprise: st.enterprise!, do: st.do, with: st.with })),
    expected: s.expect.alarms.map((a) => ({ ...a, fromMs: startMs + parseDuration(a.from ?? 0), toMs: a.to !== undefined ? startMs + parseDuration(a.to) : endMs })),
    forbidden: s.expect.none,
  };
}

export function listScenarios(dir = SCENARIO_DIR): { name: string; description: string; file: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const s = loadScenarioFile(file);
      return { name: s.name, description: s.description, file };
    });
}

export function loadScenarioFile(file: string): Scenario {
  return parseScenario(parseYaml(readFileSync(file, 'utf8')), file.split('/').pop());
}

export function loadScenario(name: string, dir = SCENARIO_DIR): Scenario {
  const found = listScenarios(dir).find((s) => s.name === name);
  if (!found) throw new ConfigError([`--scenario: unknown scenario "${name}" (hazardline simulate --list)`]);
  return loadScenarioFile(found.file);
}

/** Scripts the fleet's models with the scenario's device actions (absolute event times). */
export function applyTimeline(s: Scenario, fleet: FleetDevice[]): void {
  for (const st of s.timeline) {
    if (!st.device) continue;
    const d = fleet.find((f) => f.model.id === st.device);
    if (!d) continue; // a device without physics (generic)
    ACTIONS[d.kind][st.do](d.model, absolute(st.with, s.startMs) as Record<string, unknown>);
  }
}

/** The gateway config a scenario runs against: its enterprises and one site-level credential per site. */
export function scenarioGatewayConfig(s: Scenario, password = 'sim'): { enterprises: Scenario['enterprises']; auth: { devices: { username: string; password: string; enterprise: string; site: string }[] } } {
  const devices = s.enterprises.flatMap((e) => e.sites.map((site) => ({ username: `sim-${e.id}-${site.id}`, password, enterprise: e.id, site: site.id })));
  return { enterprises: s.enterprises, auth: { devices } };
}
