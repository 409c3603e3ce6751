// The deployment files (issue 18), checked with the tools and schemas of their formats (the image
// itself is built where Docker is: `docker build -t hazardline .`; CI has no Docker engine):
//  - docker-compose.yml against the Compose specification's JSON schema (as shipped with Debian's
//    docker-compose) and by `docker-compose config`, which refuses it without the secrets;
//  - the systemd unit by `systemd-analyze verify`, which names unknown keys and bad values;
//  - the gateway config the compose file mounts, by `hazardline check-config`;
//  - the Dockerfile's shape: multi-stage, consoles built, production dependencies, non-root, health check.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const run = promisify(execFile);
const COMPOSE_SCHEMA = '/usr/lib/python3/dist-packages/compose/config/compose_spec.json'; // Debian's docker-compose (.ci/run installs it)
const SECRETS = { DISPATCH_TOKEN: 'a'.repeat(48), REGULATOR_TOKEN: 'b'.repeat(48), METRICS_TOKEN: 'c'.repeat(48), GAS01_PW: 'd'.repeat(24), GRAFANA_ADMIN_PASSWORD: 'e'.repeat(24) };
const exec = async (cmd: string, args: string[], env: Record<string, string> = {}) => {
  try {
    const r = await run(cmd, args, { env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env } });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('deployment files', () => {
  it('docker-compose.yml is valid against the Compose specification schema', () => {
    // the file carries draft-04 style `id` strings (JSON pointers to themselves), which Ajv refuses: dropped
    const dropIds = (x: unknown): unknown => {
      if (Array.isArray(x)) return x.map(dropIds);
      if (!x || typeof x !== 'object') return x;
      return Object.fromEntries(Object.entries(x).filter(([k, v]) => !(k === 'id' && typeof v === 'string') && k !== '$schema').map(([k, v]) => [k, dropIds(v)]));
    };
    const schema = dropIds(JSON.parse(readFileSync(COMPOSE_SCHEMA, 'utf8'))) as object;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(parseYaml(readFileSync('docker-compose.yml', 'utf8')));
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('docker-compose config accepts it with the secrets set, and refuses it without them', async () => {
    const ok = await exec('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], SECRETS);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    const missing = await exec('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { ...SECRETS, DISPATCH_TOKEN: '' });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('set DISPATCH_TOKEN');
    const c = parseYaml(readFileSync('docker-compose.yml', 'utf8'));
    // the gateway waits for a healthy InfluxDB; MQTT without TLS only on loopback; Prometheus scrapes it
    expect(c.services.hazardline.depends_on.influxdb.condition).toBe('service_healthy');
    expect(c.services.hazardline.ports).toContain('127.0.0.1:1883:1883');
    expect(c.services.hazardline.build).toBe('.');
    expect(c.services.prometheus).toBeDefined();
    expect(JSON.stringify(c)).not.toContain('change-me');
  });

  it('the config the compose file mounts passes check-config', async () => {
    const r = await exec(process.execPath, ['bin/hazardline.mjs', 'check-config', '-c', 'examples/hazardline.compose.yaml'], SECRETS);
    expect([r.code, r.stdout.trim()]).toEqual([0, 'examples/hazardline.compose.yaml: ok (1 enterprises, 1 devices, telemetry store influxdb-v1)']);
  });

  it('the systemd unit passes systemd-analyze verify with nothing to say', async () => {
    const r = await exec('systemd-analyze', ['verify', 'examples/systemd/hazardline.service']);
    expect([r.code, r.stderr.trim()]).toEqual([0, '']);
    const unit = readFileSync('examples/systemd/hazardline.service', 'utf8');
    for (const key of ['User=hazardline', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'StateDirectory=hazardline', 'CapabilityBoundingSet=']) expect(unit).toContain(key);
  });

  it('the Dockerfile builds the consoles, keeps production dependencies only, runs as a user and checks /healthz', () => {
    const d = readFileSync('Dockerfile', 'utf8');
    expect(d.match(/^FROM /gm)).toHaveLength(2);
    expect(d).toMatch(/npm run build:ui/);
    expect(d).toMatch(/npm run build\b(?!:)/);
    expect(d).toMatch(/npm prune --omit=dev/);
    expect(d).toMatch(/^USER hazardline$/m);
    expect(d).toMatch(/^HEALTHCHECK .*\n?.*healthz/m);
    expect(readFileSync('.dockerignore', 'utf8')).toContain('node_modules');
  });
});
