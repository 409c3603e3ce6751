// The shape issue 13 asked for, checked on every run so it does not grow crooked again: no import
// cycles (type-only imports included), rules/ imports only the model, the ingest side never
// imports the uplink, main.ts is wiring of at most 250 lines, no record repository has more than
// 12 methods, and each extension point has one interface file and one contract suite.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, ROOT, tsFiles } from '../helpers/import-graph.ts';

const sources = importGraph(tsFiles(['gateway/src', 'rules/src', 'simulators/src', 'bench'], { sources: true }));
const everything = importGraph(tsFiles(['gateway/src', 'rules/src', 'simulators/src', 'test', 'bench']));

describe('architecture (issue 13)', () => {
  it('the cycle finder finds cycles (so that an empty answer means something)', () => {
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']], ['e', ['e']]]);
    expect(cycles(g)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(sources.size).toBeGreaterThan(150);
  });

  it('has no import cycle among the sources, type-only imports included', () => {
    expect(cycles(sources)).toEqual([]);
  });

  it('has no import cycle once the tests are counted in either', () => {
    expect(cycles(everything)).toEqual([]);
  });

  it('rules/ imports nothing of the gateway but its model, and nothing of the simulators or tests', () => {
    const bad: string[] = [];
    for (const [f, deps] of sources) {
      if (!f.startsWith('rules/')) continue;
      for (const d of deps) if (!d.startsWith('rules/') && !d.startsWith('gateway/src/model/')) bad.push(`${f} → ${d}`);
    }
    expect(bad).toEqual([]);
  });

  it('the ingest side never imports the uplink (the uplink builds on ingest, not the other way)', () => {
    const bad = [...sources].flatMap(([f, deps]) => (/^gateway\/src\/(ingest|decode)\//.test(f) ? deps.filter((d) => d.startsWith('gateway/src/uplink/')).map((d) => `${f} → ${d}`) : []));
    expect(bad).toEqual([]);
  });

  it('the model imports nothing of the rest but the config types it is built from', () => {
    const bad = [...sources].flatMap(([f, deps]) => (f.startsWith('gateway/src/model/') ? deps.filter((d) => !d.startsWith('gateway/src/model/') && d !== 'gateway/src/config/schema.ts').map((d) => `${f} → ${d}`) : []));
    expect(bad).toEqual([]);
  });

  it('main.ts is at most 250 lines', () => {
    const lines = readFileSync(join(ROOT, 'gateway/src/main.ts'), 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(250);
  });

  it('no record class has more than 12 methods', () => {
    const counts: Record<string, number> = {};
    for (const f of tsFiles(['gateway/src/records'], { sources: true })) {
      const sf = ts.createSourceFile(f, readFileSync(join(ROOT, f), 'utf8'), ts.ScriptTarget.Latest);
      sf.forEachChild((n) => {
        if (ts.isClassDeclaration(n) && n.name) counts[n.name.text] = n.members.filter((m) => ts.isMethodDeclaration(m) || ts.isGetAccessor(m)).length;
      });
    }
    expect(Object.keys(counts).length).toBeGreaterThanOrEqual(7);
    expect(Object.entries(counts).filter(([, n]) => n > 12)).toEqual([]);
  });

  // ARCHITECTURE.md's extension points: what a new transport, format, store, record concern, rule
  // kind or notification channel implements, and the one suite that every implementation passes
  const EXTENSION_POINTS: [string, string, string][] = [
    ['Source', 'gateway/src/ingest/source.ts', 'test/contracts/source-contract.ts'],
    ['Decoder', 'gateway/src/decode/decoder.ts', 'test/contracts/decoder-contract.ts'],
    ['Sink', 'gateway/src/store/sink.ts', 'test/contracts/sink-contract.ts'],
    ['record repository', 'gateway/src/records/record-store.ts', 'test/contracts/records/index.ts'],
    ['Rule kind', 'rules/src/kind.ts', 'test/contracts/rule-kind-contract.ts'],
    ['Notifier', 'gateway/src/notify/notifier.ts', 'test/contracts/notifier-contract.ts'],
  ];
  it.each(EXTENSION_POINTS)('extension point %s: interface %s, contract suite %s', (_name, iface, suite) => {
    expect(existsSync(join(ROOT, iface))).toBe(true);
    expect(existsSync(join(ROOT, suite))).toBe(true);
    // the suite is run: some test file imports it
    const users = [...everything].filter(([f, deps]) => f.endsWith('.test.ts') && deps.includes(suite));
    expect(users.length, `${suite} is imported by no test`).toBeGreaterThan(0);
    expect(dirname(suite).startsWith('test/contracts')).toBe(true);
  });
});
