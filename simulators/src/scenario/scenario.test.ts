import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../gateway/src/errors.ts';
import { buildFleet } from '../fleet.ts';
import { parseConfig } from '../../../gateway/src/config/load.ts';
import { applyTimeline, listScenarios, loadScenario, parseScenario, scenarioGatewayConfig } from './scenario.ts';
import { parseDuration } from './schema.ts';

const problems = (raw: unknown) => {
  try {
    parseScenario(raw, 'x.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

const base = {
  name: 'x',
  description: 'x',
  start: '2026-11-02T00:00:00+08:00',
  duration: '1h',
  enterprises: [{ id: 'e', sites: [{ id: 's', devices: [{ id: 'g', kind: 'gas' }] }] }],
};

describe('scenario files', () => {
  it('every file under simulators/scenarios validates, with a description, and the quiet day expects nothing', () => {
    const all = listScenarios();
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const s of all) expect(s.description.length).toBeGreaterThan(5);
    expect(loadScenario('normal-day').expected).toEqual([]);
  });

  it('every scenario is a valid gateway configuration and its timeline applies to its fleet', () => {
    for (const { name } of listScenarios()) {
      const s = loadScenario(name);
      const config = parseConfig(scenarioGatewayConfig(s));
      const fleet = buildFleet(config, { seed: s.seed, epochMs: s.startMs });
      expect(() => applyTimeline(s, fleet), name).not.toThrow();
      for (const a of s.expected) expect(a.fromMs, `${name} ${a.rule}`).toBeLessThanOrEqual(a.toMs);
      // the gateway rejects timestamps more than 24 h ahead (CONTRACT §3.5): scenarios live in the past
      expect(s.endMs, `${name} ends in the past`).toBeLessThan(Date.parse('2026-11-22T00:00:00Z'));
    }
  });

  it('rejects unknown devices and actions a device kind does not have, with their paths', () => {
    expect(problems({ ...base, timeline: [{ at: '1m', device: 'nope', do: 'leak' }] })).toEqual(['x.yaml: timeline[0].device: unknown device "nope"']);
    expect(problems({ ...base, timeline: [{ at: '1m', device: 'g', do: 'crowd' }] })[0]).toMatch(/^x\.yaml: timeline\[0\]\.do: "crowd" is not an action of a gas device \(leak, stuck, failing, /);
    expect(problems({ ...base, duration: 'soon' })[0]).toMatch(/^x\.yaml: duration: not a duration/);
  });

  it('resolves relative times: leak start 10m after the scenario start, expected windows absolute', () => {
    const s = parseScenario({ ...base, timeline: [{ at: '10m', device: 'g', do: 'leak', with: { metric: 'lel', start: '10m', peak: 45, rampMs: '2m', holdMs: '5m', decayMs: '20m' } }], expect: { alarms: [{ rule: 'gas.lel', device: 'g', from: '10m', to: '15m' }] } });
    const fleet = buildFleet(parseConfig(scenarioGatewayConfig(s)), { seed: 1, epochMs: s.startMs });
    applyTimeline(s, fleet);
    const gas = fleet[0].model as unknown as { trueValue(m: string, t: number): number };
    expect(gas.trueValue('lel', s.startMs + 13 * 60_000)).toBeCloseTo(45, 5);
    expect(s.expected[0]).toMatchObject({ fromMs: s.startMs + 600_000, toMs: s.startMs + 900_000 });
    expect(parseDuration('1d6h30m')).toBe(109_800_000);
  });
});
