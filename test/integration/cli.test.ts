// The command line (CONTRACT §1): exit codes, error messages without stack traces.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createSink } from '../../gateway/src/store/registry.ts';
import Database from 'better-sqlite3';
import { openRecordStore } from '../../gateway/src/records/record-store.ts';
import { AlarmManager } from '../../gateway/src/alarms/alarm-manager.ts';
import { ManualClock } from '../../gateway/src/clock.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { rawTestConfig, tempDir, writeConfigFile } from '../helpers/gateway.ts';

const BIN = fileURLToPath(new URL('../../bin/hazardline.mjs', import.meta.url));
const run = async (args: string[], env: Record<string, string> = {}, cwd?: string) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'error', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('hazardline CLI', () => {
  it('check-config: ok on a valid file', async () => {
    const dir = tempDir();
    const r = await run(['check-config', '-c', writeConfigFile(dir, await rawTestConfig(dir))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok \(2 enterprises, 6 devices, telemetry store sqlite\)/);
  });

  it('check-config: every error with its path, exit 1, no stack trace', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'enterprises:\n  - id: e\n    sites:\n      - id: s\n        zones:\n          - { id: z, maxPersons: 0 }\n        devices:\n          - { id: d, kind: laser }\ngateway: { http: { port: "${NOPE_PORT}" } }\n');
    const r = await run(['check-config', '-c', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('enterprises[0].sites[0].zones[0].maxPersons: expected integer >= 1');
    expect(r.stderr).toContain('enterprises[0].sites[0].devices[0].kind: expected one of');
    expect(r.stderr).toContain('gateway.http.port: environment variable NOPE_PORT is not set');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('check-config names every fault at once (issue 18): schema, ${ENV}, time zone, references, tokens, overrides and OPC UA nodes', async () => {
    const dir = tempDir();
    const file = join(dir, 'ten.yaml');
    writeFileSync(file, `gateway: { timezone: Asia/Shanghia, http: { port: "\${NOPE_PORT}" } }
auth:
  tokens:
    - { token: sha256:${'0'.repeat(64)}, role: officer, name: 张工, enterprises: [ent-x] }
  devices:
    - { username: d1, password: "scrypt:x", enterprise: ent-a, site: s9 }
enterprises:
  - id: ent-a
    sites:
      - id: s1
        zones: [{ id: z1, maxPersons: 0 }]
        devices:
          - { id: gas-01, kind: gas, zone: z-nowhere }
          - { id: gas-01, kind: gas }
          - { id: las-1, kind: laser }
opcua:
  - { endpoint: "opc.tcp://plc:4840", site: s1, nodes: [{ nodeId: "ns=1;s=x", device: ghost-plc, metric: lel }] }
rules:
  overrides:
    - { rule: gas.lel, device: ghost-detector, enabled: false }
notify:
  persons: [{ id: wang, name: 王值班, phone: "13800000001" }]
  escalations: [{ name: red, steps: [{ afterMinutes: 0, to: [nobody], via: [sms] }] }]
`);
    const r = await run(['check-config', '-c', file]);
    expect(r.code).toBe(1);
    const want = [
      'enterprises[0].sites[0].zones[0].maxPersons: expected integer >= 1',
      'enterprises[0].sites[0].devices[2].kind: expected one of',
      'gateway.http.port: environment variable NOPE_PORT is not set',
      'gateway.timezone: unknown time zone "Asia/Shanghia"',
      'enterprises[0].sites[0].devices[0].zone: unknown zone "z-nowhere"',
      'enterprises[0].sites[0].devices[1].id: duplicate device id "gas-01"',
      'auth.devices[0].site: unknown site "ent-a/s9"',
      'auth.tokens[0].enterprises[0]: unknown enterprise "ent-x"',
      'opcua[0].nodes[0].device: unknown device "ghost-plc" at site "s1"',
      'rules.overrides[0].device: unknown device "ghost-detector"',
      'notify.escalations[0].steps[0].to[0]: unknown person "nobody"',
    ];
    for (const w of want) expect(r.stderr).toContain(w);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an empty config file is refused; start and check-config with no config file refuse with one line naming where they looked (issue 18)', async () => {
    const dir = tempDir();
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '# nothing yet\n');
    const e = await run(['check-config', '-c', empty]);
    expect([e.code, e.stderr.trim()]).toEqual([1, '(file): the config is empty (expected at least enterprises; docs/config.md)']);
    for (const cmd of ['start', 'check-config']) {
      const r = await run([cmd], {}, dir);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`looked for ./hazardline.yaml in ${dir}`);
      expect(r.stderr).toContain('hazardline demo');
    }
  });

  it('--help, --version and every command\'s --help answer with exit 0 (issue 18)', async () => {
    expect((await run(['--help'])).stdout).toContain('usage: hazardline <command>');
    expect((await run(['--version'])).stdout).toMatch(/^hazardline \d+\.\d+\.\d+ \(node v\d+/);
    for (const cmd of ['start', 'demo', 'simulate', 'replay', 'audit', 'check-config', 'hash-secret']) {
      const r = await run([cmd, '--help']);
      expect([cmd, r.code]).toEqual([cmd, 0]);
      expect(r.stdout).toContain(`usage: hazardline ${cmd}`);
    }
  });

  it('a missing or unreadable config file, an unusable dataDir and an unknown command exit 1', async () => {
    expect((await run(['check-config', '-c', '/nonexistent.yaml'])).code).toBe(1);
    const dirAsFile = await run(['check-config', '-c', tempDir()]);
    expect(dirAsFile.code).toBe(1);
    expect(dirAsFile.stderr).toMatch(/^\(file\): cannot read .* EISDIR/);
    const dir = tempDir();
    const raw = await rawTestConfig(dir);
    raw.gateway.dataDir = writeConfigFile(dir, {}); // a file, not a directory
    const badDataDir = await run(['start', '-c', writeConfigFile(tempDir(), raw)]);
    expect(badDataDir.code).toBe(1);
    expect(badDataDir.stderr).toMatch(/^gateway\.dataDir: cannot use .* \((ENOTDIR|EEXIST)\)/);
    const r = await run(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown command');
  });

  it('a port in use is one clear line naming the port and its config key, exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const dir = tempDir();
      const raw = await rawTestConfig(dir);
      raw.mqtt.embedded.port = port;
      const r = await run(['start', '-c', writeConfigFile(dir, raw)]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`hazardline: port ${port} on 127.0.0.1 is already in use; set another with mqtt.embedded.port`);
      const raw2 = await rawTestConfig(dir);
      raw2.gateway.http.port = port;
      const r2 = await run(['start', '-c', writeConfigFile(dir, raw2)]);
      expect(r2.code).toBe(2);
      expect(r2.stderr).toContain('set another with gateway.http.port');
      // the demo has no config file: it names its flag
      const r3 = await run(['demo', '--port', '0', '--mqtt-port', String(port)], {}, tempDir());
      expect(r3.code).toBe(2);
      expect(r3.stderr.trim()).toBe(`hazardline: port ${port} on 127.0.0.1 is already in use; set another with --mqtt-port`);
    } finally {
      blocker.close();
    }
  });

  it('simulate --print-config: the gateway side of a scale run and of a scenario served over OPC UA', async () => {
    const scale = await run(['simulate', '--devices', '20', '--rate', '10', '--connections', '2', '--print-config']);
    expect(scale.code).toBe(0);
    const cfg = parseConfig(parseYaml(scale.stdout));
    expect(cfg.enterprises[0].sites.map((s) => s.devices.length)).toEqual([10, 10]);
    expect(cfg.enterprises[0].sites[0].devices[0].intervalSeconds).toBe(2);
    const opc = await run(['simulate', '--scenario', 'gas-leak', '--opcua-port', '48400', '--print-config']);
    expect(opc.code).toBe(0);
    const o = parseConfig(parseYaml(opc.stdout)).opcua;
    expect(o).toHaveLength(1);
    expect(o[0]).toMatchObject({ endpoint: 'opc.tcp://127.0.0.1:48400', enterprise: 'ent-a', site: 'p1' });
    expect(o[0].nodes).toContainEqual({ nodeId: 'ns=1;s=p1.gas-01.lel', device: 'gas-01', metric: 'lel' });
  });

  it('simulate: bad arguments exit 1 with the flag named', async () => {
    const cases: [string[], RegExp][] = [
      [['simulate', '--devices', '0'], /--devices: expected an integer >= 1/],
      [['simulate', '--devices', '10', '--scenario', 'gas-leak'], /exclusive/],
      [['simulate', '--scenario', 'gas-leak', '--transport', 'modbus'], /--transport: expected one of mqtt-json \| sparkplug \| opcua/],
      [['simulate', '--scenario', 'gas-leak', '--transport', 'opcua'], /needs --opcua-port/],
      [['simulate', '--scenario', 'nope'], /unknown scenario "nope"/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(re);
    }
  });

  it('replay --scenario prints the alarms a scenario would raise, through the real rules and alarm manager', async () => {
    const r = await run(['replay', '--scenario', 'gas-leak']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('1 alarm activation(s), 3 transition(s)');
    expect(lines[0]).toMatch(/^2026-11-02T09:1\d:\d\d\+08:00 {2}raise {4}yellow gas\.lel .* ent-a\/p1\/z-synth\/gas-01 .*一级报警 20 %LEL$/);
    expect(lines[1]).toMatch(/escalate red {4}gas\.lel/);
    // a tuned threshold (rules.overrides from -c) changes the verdict before anything is deployed
    const dir = tempDir();
    const file = join(dir, 'tuned.yaml');
    writeFileSync(file, 'rules:\n  overrides:\n    - { rule: gas.lel, params: { levels: [ { severity: yellow, value: 50 }, { severity: red, value: 60 } ] } }\n');
    const tuned = await run(['replay', '--scenario', 'gas-leak', '-c', file]);
    expect(tuned.code, tuned.stderr).toBe(0);
    expect(tuned.stdout.trim()).toBe('0 alarm activation(s), 0 transition(s)');
  });

  it('replay --from --to runs the rules over the readings in the telemetry store', async () => {
    const dir = tempDir();
    const raw = await rawTestConfig(dir);
    const sink = createSink({ type: 'sqlite' }, dir);
    await sink.open();
    const t0 = Date.parse('2026-11-20T10:00:00+08:00');
    // gas-01: 5 %LEL, then 45 %LEL for a minute, then 5 again (every 5 s)
    await sink.write(Array.from({ length: 60 }, (_, k) => ({ measurement: 'gas', tags: { enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', device: 'gas-01' }, fields: { lel: k >= 20 && k < 32 ? 45 : 5 }, ts: t0 + k * 5000 })));
    await sink.close();
    const r = await run(['replay', '-c', writeConfigFile(dir, raw), '--from', '2026-11-20T10:00:00+08:00', '--to', '2026-11-20T11:00:00+08:00']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const lel = lines.filter((l) => / gas\.lel /.test(l));
    expect(lel).toHaveLength(2);
    expect(lel[0]).toMatch(/^2026-11-20T10:01:40\+08:00 {2}raise {4}red {4}gas\.lel .*gas-01/);
    expect(lel[1]).toMatch(/^2026-11-20T10:02:50\+08:00 {2}clear /);
    // the other configured devices of ent-a have nothing stored: as live, they are offline
    expect(lines.filter((l) => / raise .* device\.offline /.test(l)).map((l) => l.split(/\s+/)[4].split('/').pop()).sort()).toEqual(['belt-main', 'gas-02', 'meter-main', 'uwb-1']);
    // and the positioning system dark while the enterprise declares production is 无监控作业 (DOMAIN.md §10)
    expect(lines.filter((l) => / raise .* video\.unmonitored-work /.test(l)).map((l) => l.split(/\s+/)[4].split('/').pop())).toEqual(['uwb-1']);
    expect(lines.at(-1)).toBe('6 alarm activation(s), 7 transition(s)');
  });

  it('audit verify: an intact chain of alarm transitions, then an edited entry, exit 2 naming it', async () => {
    const dir = tempDir();
    const raw = await rawTestConfig(dir);
    const file = writeConfigFile(dir, raw);
    // alarm transitions written by the alarm manager reach the chain
    const store = await openRecordStore('sqlite', { dataDir: dir });
    const m = new AlarmManager({ store, rules: [], timezone: 'Asia/Shanghai', clock: new ManualClock(Date.parse('2026-11-22T08:00:00Z')), log: createLogger({ level: 'silent' }) });
    await m.start();
    m.handle({ rule: 'gas.lel', key: 'k', subject: { enterprise: 'ent-a', site: 's1', device: 'gas-01' }, active: true, severity: 'red', value: 45, ts: Date.parse('2026-11-22T08:00:00Z'), message: { zh: '可燃气体', en: 'LEL' } });
    m.ack(m.openAlarms()[0].id, '调度员甲', '已处理');
    await m.flush();
    await store.close();
    const ok = await run(['audit', 'verify', '-c', file]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/: 2 entries, chain intact; head seq 2 hash [0-9a-f]{64}$/m);
    const db = new Database(join(dir, 'records.db'));
    db.prepare("UPDATE audit_log SET actor = 'x' WHERE seq = 2").run();
    db.close();
    const bad = await run(['audit', 'verify', '-c', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/entry 2 edited \(its hash no longer matches its fields\); the 1 entries before it verify/);
  });
});
