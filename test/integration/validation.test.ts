// Issue 12 item 15: what a hostile caller types is checked against the asset model, external
// strings never reach Object.prototype, a 500 never echoes the error's text, and an unusable
// records file stops the start with one line.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawTestConfig, startTestGateway, tempDir, TEST_TOKENS, writeConfigFile, type TestGateway } from '../helpers/gateway.ts';

const BIN = fileURLToPath(new URL('../../bin/hazardline.mjs', import.meta.url));
const OFFICER = 'tk-val-officer';
const WORKER = 'tk-val-worker';
let t: TestGateway;

const call = async (method: 'GET' | 'POST', url: string, token?: string, payload?: unknown) => {
  const res = await t.gw.api.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, payload: payload as object });
  return { status: res.statusCode, body: res.json(), text: res.body };
};

beforeAll(async () => {
  t = await startTestGateway({
    auth: {
      tokens: [
        { token: TEST_TOKENS.admin, role: 'admin' },
        { token: TEST_TOKENS.dispatcher, role: 'dispatcher', enterprises: ['ent-a'] },
        { token: OFFICER, role: 'officer', enterprises: ['ent-a'], name: 'val-officer' },
        { token: WORKER, role: 'worker', enterprises: ['ent-a'], name: 'val-worker' },
      ],
      devices: [],
    },
  });
});
afterAll(async () => {
  await t.stop();
});

describe('hazard places are checked against the asset model', () => {
  const base = { enterprise: 'ent-a', title: '配电柜门未锁' };
  it.each([
    ['device', { device: '<script>alert(1)</script>' }],
    ['device', { site: 's1', device: 'no-such-device' }],
    ['device', { device: 'gas-h2s-1' }], // a device of another enterprise
    ['site', { site: 'p1' }], // a site of another enterprise
    ['site', { site: '../../etc' }],
    ['zone', { zone: 'z-nowhere' }],
    ['zone', { site: 's1', zone: '__proto__' }],
  ])('%s: %j → 400 naming the field', async (field, place) => {
    for (const token of [WORKER, OFFICER]) {
      const r = await call('POST', '/api/v1/hazards', token, { ...base, ...place });
      expect(r.status, r.text).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'HL_ERR_BAD_REQUEST', field });
    }
  });

  it('a zone typed by its name is stored by its id', async () => {
    const r = await call('POST', '/api/v1/hazards', WORKER, { ...base, zone: '301采场' });
    expect(r.status, r.text).toBe(201);
    expect(r.body.hazard).toMatchObject({ site: 's1', zone: 'z-stope-301' });
  });

  it('a place that exists is completed from the asset model (the device gives its site and zone)', async () => {
    const r = await call('POST', '/api/v1/hazards', OFFICER, { ...base, device: 'gas-01' });
    expect(r.status, r.text).toBe(201);
    expect(r.body.hazard).toMatchObject({ site: 's1', zone: 'z-stope-301', device: 'gas-01' });
  });

  it('an enterprise out of scope answers 404 before its places are looked at', async () => {
    const r = await call('POST', '/api/v1/hazards', OFFICER, { enterprise: 'ent-b', site: 'nope', title: 'x' });
    expect(r.status).toBe(404);
  });
});

describe('external strings never index Object.prototype', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('readings?metric=%s answers as for any unknown metric', async (metric) => {
    const r = await call('GET', `/api/v1/readings?device=gas-01&metric=${metric}`, TEST_TOKENS.dispatcher);
    expect(r.status, r.text).toBe(200);
    expect(r.body.unit).toBe('');
    expect(r.body.points).toEqual([]);
  });

  it('every=1constructor is a 400, not NaN', async () => {
    const r = await call('GET', '/api/v1/readings?device=gas-01&metric=lel&every=1constructor', TEST_TOKENS.dispatcher);
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('every');
  });

  it('prototype keys in a JSON body are refused as unknown keys and pollute nothing', async () => {
    for (const payload of ['{"enterprise":"ent-a","title":"x","__proto__":{"polluted":1}}', '{"enterprise":"ent-a","title":"x","constructor":{"prototype":{"polluted":1}}}']) {
      const res = await t.gw.api.inject({ method: 'POST', url: '/api/v1/hazards', headers: { authorization: `Bearer ${OFFICER}`, 'content-type': 'application/json' }, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('HL_ERR_BAD_REQUEST');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('a 500 never echoes the error text', () => {
  it('a store error holding SQL, a path and a password answers a ref, and the text stays in the log', async () => {
    const sink = t.gw.runningSink.sink;
    const query = sink.query.bind(sink);
    sink.query = async () => {
      throw new Error('SQLITE_ERROR: near "SELECT * FROM points WHERE device=\'x\'": /var/lib/hazardline/telemetry.db postgres://admin:s3cret@db:5432/x');
    };
    try {
      const r = await call('GET', '/api/v1/readings?device=gas-01&metric=lel', TEST_TOKENS.dispatcher);
      expect(r.status).toBe(500);
      expect(r.body.error.code).toBe('HL_ERR_INTERNAL');
      expect(r.body.error.ref).toMatch(/^[0-9a-f]{12}$/);
      expect(r.text).not.toMatch(/SELECT|SQLITE|\/var\/lib|s3cret|postgres:/);
    } finally {
      sink.query = query;
    }
  });

  it('fastify\'s own 4xx answer with catalogued codes', async () => {
    const bad = await t.gw.api.inject({ method: 'POST', url: '/api/v1/hazards', headers: { authorization: `Bearer ${OFFICER}`, 'content-type': 'application/json' }, payload: '{"enterprise":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('HL_ERR_BAD_REQUEST');
    const big = await t.gw.api.inject({ method: 'POST', url: '/api/v1/hazards', headers: { authorization: `Bearer ${OFFICER}`, 'content-type': 'application/json' }, payload: JSON.stringify({ enterprise: 'ent-a', title: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('HL_ERR_TOO_LARGE');
  });
});

describe('an unusable records file', () => {
  const run = async (args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'error' }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  it.each([
    ['records.db', 'storage.records'],
    ['deadletter.db', 'dead letters'],
  ])('%s full of garbage: one line naming the file and the key, exit 2, no stack trace', async (file, key) => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, file), Buffer.alloc(8192, 0x5a));
    const raw = await rawTestConfig(dataDir);
    const r = await run(['start', '-c', writeConfigFile(dir, raw)]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(key);
    expect(lines[0]).toContain(join(dataDir, file));
    expect(lines[0]).toMatch(/not a usable SQLite database/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
