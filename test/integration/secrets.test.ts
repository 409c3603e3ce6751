// Issue 12 items 2, 7 and 14: hashed secrets in the config (tokens sha256:, passwords sha256: or
// scrypt:), `hazardline hash-secret`, actor ids unique, and MQTT clients without credentials kept
// under topic ACLs (`auth.anonymous`), with the warnings check-config prints.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret, PasswordCheck, secretProblem, tokenDigest, sha256 } from '../../gateway/src/auth/secret.ts';
import { actorIds } from '../../gateway/src/config/actor-ids.ts';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { ConfigError } from '../../gateway/src/errors.ts';
import { rawTestConfig, startTestGateway, tempDir, TEST_TOKENS, writeConfigFile, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const BIN = fileURLToPath(new URL('../../bin/hazardline.mjs', import.meta.url));
const cli = (args: string[], input?: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'error' } }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    child.stdin?.end(input ?? '');
  });

const problems = async (over: (raw: Record<string, any>) => void): Promise<string[]> => {
  const raw = await rawTestConfig(tempDir());
  over(raw);
  try {
    parseConfig(raw);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('secrets in the config', () => {
  it('sha256: and scrypt: forms verify the secret and nothing else, in constant time over digests', () => {
    for (const form of ['sha256', 'scrypt'] as const) {
      const configured = hashSecret('pw-gas-01', form);
      expect(configured.startsWith(`${form}:`)).toBe(true);
      expect(secretProblem(configured, true)).toBeUndefined();
      const check = new PasswordCheck(configured);
      expect(check.matches(Buffer.from('pw-gas-01'))).toBe(true);
      expect(check.matches(Buffer.from('pw-gas-01'))).toBe(true); // the verified cache
      expect(check.matches(Buffer.from('pw-gas-02'))).toBe(false);
      expect(check.matches(undefined)).toBe(false);
    }
    expect(new PasswordCheck('plain-pw').matches('plain-pw')).toBe(true);
    expect(tokenDigest(hashSecret('tok', 'sha256')).equals(sha256('tok'))).toBe(true);
    expect(secretProblem('sha256:abc', false)).toMatch(/64 hex/);
    expect(secretProblem(hashSecret('x', 'scrypt'), false)).toMatch(/too slow/);
    expect(secretProblem('scrypt:1:2:3:x:y', true)).toMatch(/expected scrypt:/);
  });

  it('config: malformed hashes, scrypt tokens and duplicate actors are errors; unnamed tokens still load', async () => {
    expect(await problems((r) => (r.auth.devices[0].password = 'sha256:zz'))).toEqual([expect.stringMatching(/^auth\.devices\[0\]\.password: expected sha256:/)]);
    expect(await problems((r) => (r.auth.tokens[0].token = hashSecret('t', 'scrypt')))).toEqual([expect.stringMatching(/^auth\.tokens\[0\]\.token: scrypt is too slow/)]);
    expect(await problems((r) => r.auth.tokens.push({ token: 't2', role: 'officer', enterprises: ['ent-a'], name: '王' }, { token: 't3', role: 'officer', enterprises: ['ent-a'], name: '王' }))).toEqual([expect.stringMatching(/^auth\.tokens\[4\]\.name: duplicate actor "王"/)]);
    expect(await problems((r) => r.auth.tokens.push({ token: hashSecret(TEST_TOKENS.admin, 'sha256'), role: 'admin', name: 'x' }))).toEqual([expect.stringMatching(/^auth\.tokens\[3\]\.token: duplicate token/)]);
    expect(await problems((r) => r.auth.tokens.push({ token: 'a', role: 'officer', enterprises: ['ent-a'] }, { token: 'b', role: 'officer', enterprises: ['ent-a'] }))).toEqual([]);
    expect(actorIds([{ role: 'officer', enterprises: ['ent-a'], jurisdictions: [] }, { role: 'officer', enterprises: ['ent-a'], jurisdictions: [] }, { role: 'regulator', enterprises: [], jurisdictions: ['taian'], name: '泰安' }, { role: 'admin', enterprises: [], jurisdictions: [] }])).toEqual(['officer@ent-a', 'officer@ent-a#2', '泰安', 'admin@all']);
    expect(await problems((r) => (r.auth.anonymous = { enterprise: 'ent-a', site: 's1' }))).toEqual(['auth.anonymous: only with auth.allowAnonymous: true']);
    expect(await problems((r) => Object.assign(r.auth, { allowAnonymous: true, anonymous: { enterprise: 'ent-a', site: 'nope' } }))).toEqual(['auth.anonymous.site: unknown site "ent-a/nope"']);
  });

  it('hazardline hash-secret prints a form that verifies; check-config warns about plain secrets, unnamed tokens and anonymous MQTT', async () => {
    const s = await cli(['hash-secret'], 'pw-from-stdin\n');
    expect(s.code).toBe(0);
    expect(new PasswordCheck(s.stdout.trim()).matches('pw-from-stdin')).toBe(true);
    const h = await cli(['hash-secret', '--sha256', 'tok-1']);
    expect(h.stdout.trim()).toBe(`sha256:${sha256('tok-1').toString('hex')}`);
    expect(h.stderr).toMatch(/shell history/);
    const dir = tempDir();
    const raw = await rawTestConfig(dir);
    raw.auth.allowAnonymous = true;
    const c = await cli(['check-config', '-c', writeConfigFile(dir, raw)]);
    expect(c.code).toBe(0);
    expect(c.stderr).toMatch(/^warning: auth\.allowAnonymous: MQTT clients without credentials connect but may neither publish nor subscribe/m);
    expect(c.stderr).toMatch(/^warning: auth\.tokens\.0: no name or id/m);
    expect(c.stderr).toMatch(/^warning: auth: \d+ token\(s\)\/password\(s\) in plain text/m);
  });
});

describe('hashed secrets and anonymous clients on a running gateway', () => {
  let t: TestGateway;
  const clients: MqttClient[] = [];
  const connect = async (username?: string, password?: string) => {
    const c = await mqtt.connectAsync(t.mqttUrl, { username, password, reconnectPeriod: 0, clientId: `sec-${clients.length}-${Date.now()}` });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    const raw = await rawTestConfig(tempDir());
    t = await startTestGateway({
      auth: {
        ...raw.auth,
        tokens: [{ token: hashSecret('tok-hashed-admin', 'sha256'), role: 'admin', name: 'admin-h' }],
        devices: [
          { username: 'gas-01', password: hashSecret('pw-gas-01', 'scrypt'), enterprise: 'ent-a', site: 's1', device: 'gas-01' },
          { username: 'gas-02', password: hashSecret('pw-gas-02', 'sha256'), enterprise: 'ent-a', site: 's1', device: 'gas-02' },
        ],
        allowAnonymous: true,
      },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await t.stop();
  });

  it('a sha256: token authenticates the HTTP API; its plain form in the header works, the hash itself does not', async () => {
    const ok = await t.gw.api.inject({ method: 'GET', url: '/api/v1/ingest/rejected', headers: { authorization: 'Bearer tok-hashed-admin' } });
    expect(ok.statusCode).toBe(200);
    const bad = await t.gw.api.inject({ method: 'GET', url: '/api/v1/ingest/rejected', headers: { authorization: `Bearer ${hashSecret('tok-hashed-admin', 'sha256')}` } });
    expect(bad.statusCode).toBe(401);
  });

  it('devices with scrypt: and sha256: passwords connect; a wrong password is refused', async () => {
    await connect('gas-01', 'pw-gas-01');
    await connect('gas-02', 'pw-gas-02');
    await expect(connect('gas-01', 'wrong')).rejects.toThrow(/Bad username or password|Not authorized|bad user/i);
  });

  it('item 7: an anonymous client (no auth.anonymous scope) may neither publish nor subscribe', async () => {
    const anon = await connect();
    const granted = (topic: string) => anon.subscribeAsync(topic, { qos: 1 }).then((g) => g[0].qos !== 128, () => false);
    expect(await granted('hl/v1/ent-a/#')).toBe(false);
    expect(await granted('hl/v1/ent-b/p1/gas-h2s-1/telemetry')).toBe(false);
    expect(await granted('#')).toBe(false);
    const before = (await t.gw.metrics.rejected.get()).values.find((v) => v.labels.reason === 'acl_denied')?.value ?? 0;
    await anon.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ values: { lel: 99 } }), { qos: 1 });
    await waitFor(async () => ((await t.gw.metrics.rejected.get()).values.find((v) => v.labels.reason === 'acl_denied')?.value ?? 0) > before);
  });
});
