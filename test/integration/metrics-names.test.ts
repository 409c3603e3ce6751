// /metrics against the Prometheus naming rules (issue 18; prometheus.io/docs/practices/naming):
// valid names; every counter ends in `_total` and nothing else does; base units (seconds, bytes)
// as the suffix; the standard `process_*` / `nodejs_*` names of the Node.js client (stock
// dashboards read them) rather than prefixed copies; and `hazardline_build_info` = 1.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let t: TestGateway;
let text = '';
beforeAll(async () => {
  t = await startTestGateway();
  text = await (await fetch(`http://127.0.0.1:${t.gw.httpPort}/metrics`)).text();
});
afterAll(async () => {
  await t?.stop();
});

const types = () => [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({ name: m[1], type: m[2] }));

describe('/metrics names', () => {
  it('are valid, counters end in _total and nothing else does, units are base-unit suffixes', () => {
    const list = types();
    expect(list.length).toBeGreaterThan(60);
    const bad: string[] = [];
    for (const { name, type } of list) {
      if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) bad.push(`${name}: not a valid metric name`);
      if (type === 'counter' && !name.endsWith('_total')) bad.push(`${name}: a counter without _total`);
      // prom-client's own nodejs_active_*_total gauges keep the names stock Node.js dashboards read
      if (type !== 'counter' && name.endsWith('_total') && !/^nodejs_active_\w+_total$/.test(name)) bad.push(`${name}: a ${type} ending in _total`);
      if (/_(ms|milliseconds|minutes|hours|kb|mb|kib|mib)(_|$)/.test(name)) bad.push(`${name}: not a base unit`);
      if (/seconds/.test(name) && !/_seconds(_total|_sum|_count|_bucket)?$/.test(name)) bad.push(`${name}: seconds not as the unit suffix`);
      if (/^hazardline_(process|nodejs)_/.test(name)) bad.push(`${name}: a prefixed copy of a standard metric`);
    }
    expect(bad).toEqual([]);
  });

  it('the standard Node.js metrics and hazardline_build_info are there', () => {
    const names = new Set(types().map((x) => x.name));
    for (const n of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) expect(names, n).toContain(n);
    expect(text).toMatch(/^hazardline_build_info\{version="\d+\.\d+\.\d+",node="v\d+[^"]*",mode="standalone"\} 1$/m);
    expect(types().find((x) => x.name === 'hazardline_rules_late_readings_total')?.type).toBe('counter');
  });

  it('the Grafana dashboard of the gateway\'s health reads metrics that exist, on the provisioned Prometheus', () => {
    const dash = JSON.parse(readFileSync('dashboards/grafana/dashboards/gateway.json', 'utf8'));
    const ds = parseYaml(readFileSync('dashboards/grafana/provisioning/datasources/hazardline.yaml', 'utf8')).datasources.find((d: { type: string }) => d.type === 'prometheus');
    expect(ds).toMatchObject({ uid: 'hazardline-prometheus', url: 'http://prometheus:9090' });
    const names = new Set(types().map((x) => x.name));
    const used = new Set<string>();
    for (const p of dash.panels) {
      expect(p.datasource.uid, p.title).toBe(ds.uid);
      for (const t of p.targets) for (const m of t.expr.match(/\b(hazardline|process|nodejs)_[a-z0-9_]+/g) ?? []) used.add(m.replace(/_bucket$/, ''));
    }
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((m) => !names.has(m))).toEqual([]);
  });
});
