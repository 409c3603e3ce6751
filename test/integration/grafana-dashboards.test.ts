// The Grafana dashboards (dashboards/grafana/) against the schema the gateway really writes: a
// gateway with the influxdb-v1 store (Debian influxd 1.x) takes gas, slope, belt, power and
// positioning readings over MQTT and raises an alarm; then every template-variable query, every
// panel query and every alarm-annotation query of every dashboard runs against that InfluxDB with
// Grafana's macros filled in, and must answer data — a renamed measurement, field or tag fails
// here. The provisioning (datasource uid, dashboard folder) must match docker-compose.yml.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawTestConfig, startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';
import { startInfluxd, type ServerHandle } from '../helpers/influxd.ts';
import { waitFor } from '../helpers/ports.ts';

const DIR = join(process.cwd(), 'dashboards', 'grafana');
// the telemetry dashboards; gateway.json (the gateway's own metrics, Prometheus) is checked in metrics-names.test.ts
const dashboards = readdirSync(join(DIR, 'dashboards')).filter((f) => f.endsWith('.json') && f !== 'gateway.json').map((f) => ({ file: f, json: JSON.parse(readFileSync(join(DIR, 'dashboards', f), 'utf8')) }));
let influxd: ServerHandle;
let t: TestGateway;
const now = Date.now();

interface InfluxResult {
  error?: string;
  series?: { name: string; columns: string[]; values: unknown[][] }[];
}
async function influxql(q: string): Promise<InfluxResult> {
  const res = await fetch(`${influxd.url}/query?db=hazardline&epoch=ms&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { results?: InfluxResult[]; error?: string };
  if (body.error) return { error: body.error };
  return body.results![0];
}

/** Grafana's macros and this test's variable values, as Grafana would send them for one enterprise and "All" devices. */
function expand(q: string): string {
  return q
    .replaceAll('$timeFilter', `time >= ${now - 3 * 3_600_000}ms and time <= ${now + 60_000}ms`)
    .replaceAll('$__interval', '1m')
    .replaceAll('$enterprise', 'ent-a')
    .replace(/\$(device|site|zone)\b/g, '.*');
}

const nonNull = (r: InfluxResult) => (r.series ?? []).reduce((n, s) => n + s.values.filter((row) => row.slice(1).some((v) => v !== null)).length, 0);

beforeAll(async () => {
  influxd = await startInfluxd();
  const raw = await rawTestConfig(tempDir());
  raw.enterprises[0].sites[0].devices.push({ id: 'slope-p3', kind: 'slope' });
  t = await startTestGateway({ enterprises: raw.enterprises, storage: { telemetry: { type: 'influxdb-v1', url: influxd.url, database: 'hazardline' } } });
  const c = await mqtt.connectAsync(t.mqttUrl, { username: 's1-eon', password: 'pw-s1' });
  const at = (k: number) => now - (40 - k) * 60_000;
  const batch = (f: (k: number) => Record<string, number>) => JSON.stringify(Array.from({ length: 40 }, (_, k) => ({ ts: at(k), values: f(k) })));
  await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', batch((k) => ({ lel: 2 + k * 0.2, ch4: 0.1, co: 3, h2s: 1, nh3: 2, cl2: 0.1, o2: 20.9 })), { qos: 1 });
  await c.publishAsync('hl/v1/ent-a/s1/slope-p3/telemetry', batch((k) => ({ disp: 10 + k * 0.5 })), { qos: 1 });
  await c.publishAsync('hl/v1/ent-a/s1/belt-main/telemetry', batch((k) => ({ running: 1, tph: 400, total_t: 1000 + k * 7 })), { qos: 1 });
  await c.publishAsync('hl/v1/ent-a/s1/meter-main/telemetry', batch((k) => ({ kw: 600, kwh: 5000 + k * 10 })), { qos: 1 });
  await c.publishAsync('hl/v1/ent-a/s1/uwb-1/position', JSON.stringify({ ts: at(20), tags: ['P1', 'P2', 'P3'].map((tag) => ({ tag, zone: 'z-stope-301' })) }), { qos: 1 });
  // a red gas alarm: the `alarm` measurement the annotations read
  await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts: at(40), values: { lel: 46 } }), { qos: 1 });
  await c.endAsync();
  await waitFor(async () => t.gw.wal.depth() === 0 && nonNull(await influxql('SELECT "state" FROM "alarm"')) > 0 && nonNull(await influxql('SELECT "persons" FROM "occupancy"')) > 0, 20_000, 'readings, occupancy and alarm in InfluxDB');
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await influxd?.stop();
});

describe('Grafana dashboards over the InfluxDB schema (CONTRACT §5)', () => {
  it('one dashboard each for gas, slope, occupancy, belt, power and alarms, all on the provisioned datasource, with the alarm annotations', () => {
    expect(dashboards.map((d) => d.file).sort()).toEqual(['alarms.json', 'belt.json', 'gas.json', 'occupancy.json', 'power.json', 'slope.json']);
    const ds = parse(readFileSync(join(DIR, 'provisioning', 'datasources', 'hazardline.yaml'), 'utf8')).datasources[0];
    expect(ds).toMatchObject({ type: 'influxdb', url: 'http://influxdb:8086', jsonData: { dbName: 'hazardline' } });
    const uids = new Set<string>();
    for (const { file, json } of dashboards) {
      expect(uids.has(json.uid), `${file}: uid ${json.uid} unique`).toBe(false);
      uids.add(json.uid);
      for (const p of json.panels) {
        expect(p.datasource?.uid, `${file}: ${p.title}`).toBe(ds.uid);
        for (const target of p.targets) expect(target.datasource.uid).toBe(ds.uid);
      }
      expect(json.annotations.list.map((a: { datasource: { uid: string } }) => a.datasource.uid)).toEqual([ds.uid]);
    }
    // the compose file mounts the provisioning and the dashboards where the provider looks
    const compose = parse(readFileSync(join(process.cwd(), 'docker-compose.yml'), 'utf8'));
    const provider = parse(readFileSync(join(DIR, 'provisioning', 'dashboards', 'hazardline.yaml'), 'utf8')).providers[0];
    expect(compose.services.grafana.volumes).toEqual(expect.arrayContaining(['./dashboards/grafana/provisioning:/etc/grafana/provisioning:ro', `./dashboards/grafana/dashboards:${provider.options.path}:ro`]));
    expect(Object.keys(compose.services.grafana.depends_on)).toContain('influxdb');
  });

  for (const { file, json } of dashboards) {
    it(`${file}: every variable, panel and annotation query answers data from what the gateway wrote`, async () => {
      for (const v of json.templating.list) {
        const r = await influxql(expand(v.query));
        expect(r.error, `${file} variable ${v.name}: ${v.query}`).toBeUndefined();
        const values = (r.series ?? []).flatMap((s) => s.values.map((row) => row[1]));
        expect(values, `${file} variable ${v.name}`).toEqual(expect.arrayContaining([{ enterprise: 'ent-a', device: expect.any(String), site: 's1', zone: 'z-stope-301' }[v.name as string]]));
      }
      for (const p of json.panels) {
        for (const target of p.targets) {
          const r = await influxql(expand(target.query));
          expect(r.error, `${file} panel "${p.title}": ${target.query}`).toBeUndefined();
          expect(nonNull(r), `${file} panel "${p.title}" has data: ${expand(target.query)}`).toBeGreaterThan(0);
        }
      }
      for (const a of json.annotations.list) {
        const r = await influxql(expand(a.query));
        expect(r.error, a.query).toBeUndefined();
        const s = r.series![0];
        // the columns Grafana maps to the annotation's text and tags
        for (const col of [a.textColumn, ...a.tagsColumn.split(',')]) expect(s.columns, `${file} annotation column ${col}`).toContain(col);
        expect(s.values.some((row) => String(row[s.columns.indexOf('message')]).includes('可燃气体'))).toBe(true);
      }
    });
  }
});
