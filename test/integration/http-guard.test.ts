// Issue 12 items 11–13 on real sockets: timeouts close half-open requests, the connection cap
// holds, WebSocket streams outlive the request timeout; 429s for failed logins (HTTP and the
// WebSocket upgrade), report-code look-ups and worker reports; security headers on pages, API and
// photos; photos re-encoded (no polyglot, no EXIF); HTTPS from cert/key in the config.
import { execFileSync } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawTestConfig, startTestGateway, tempDir, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const OFFICER = 'tk-guard-officer';
const WORKER = 'tk-guard-worker';
const tokens = [
  { token: TEST_TOKENS.admin, role: 'admin', name: 'admin-g' },
  { token: TEST_TOKENS.dispatcher, role: 'dispatcher', enterprises: ['ent-a'], name: 'disp-g' },
  { token: OFFICER, role: 'officer', enterprises: ['ent-a'], name: 'officer-g' },
  { token: WORKER, role: 'worker', enterprises: ['ent-a'], name: 'worker-g' },
];
let t: TestGateway;

const inject = (o: { method?: 'GET' | 'POST'; url: string; token?: string; ip?: string; payload?: unknown; headers?: Record<string, string> }) =>
  t.gw.api.inject({ method: o.method ?? 'GET', url: o.url, remoteAddress: o.ip ?? '10.9.9.9', headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers }, payload: o.payload as object });

beforeAll(async () => {
  const raw = await rawTestConfig(tempDir());
  t = await startTestGateway({
    gateway: {
      ...raw.gateway,
      http: { ...raw.gateway.http, headersTimeoutSeconds: 1, requestTimeoutSeconds: 2, keepAliveTimeoutSeconds: 1, maxConnections: 450, rateLimit: { failedLogins: 5, failedLoginWindowSeconds: 600, reportCodeLookupsPerMinute: 5, workerReportsPerHour: 3 } },
    },
    auth: { ...raw.auth, tokens },
  });
});
afterAll(async () => {
  await t.stop();
});

describe('item 11: timeouts and a connection cap', () => {
  it('400 half-open requests are all closed by the server; a WebSocket stream outlives the request timeout', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.gw.httpPort}/api/v1/stream?token=${TEST_TOKENS.dispatcher}`);
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    const sockets: Socket[] = [];
    let closed = 0;
    for (let i = 0; i < 400; i++) {
      const s = connect(t.gw.httpPort, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => closed++);
      s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: '); // never finished
      sockets.push(s);
    }
    await waitFor(() => closed === 400, 30_000);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const pong = new Promise((r) => ws.once('pong', r));
    ws.ping();
    await pong;
    ws.close();
  }, 60_000);

  it('connections beyond gateway.http.maxConnections are closed at once', async () => {
    const held: Socket[] = [];
    for (let i = 0; i < 450; i++) {
      const s = connect(t.gw.httpPort, '127.0.0.1');
      s.on('error', () => {});
      held.push(s);
    }
    await Promise.all(held.map((s) => new Promise((r) => (s.readyState === 'open' ? r(null) : s.once('connect', r)))));
    await waitFor(() => (t.gw.api.server as unknown as { _connections: number })._connections >= 450, 10_000);
    const extra = connect(t.gw.httpPort, '127.0.0.1');
    extra.on('error', () => {});
    const got = await new Promise<string>((r) => {
      let b = '';
      extra.on('data', (d) => (b += d));
      extra.on('close', () => r(b));
      extra.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(got).toBe(''); // closed without an answer
    for (const s of held) s.destroy();
  }, 60_000);
});

describe('item 12: rate limits answer 429 with Retry-After', () => {
  it('report-code look-ups per address', async () => {
    for (let i = 0; i < 5; i++) expect((await inject({ url: '/api/v1/hazards/by-code/HL-2222-2222', ip: '10.1.1.1' })).statusCode).toBe(404);
    const limited = await inject({ url: '/api/v1/hazards/by-code/HL-2222-2222', ip: '10.1.1.1' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('HL_ERR_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await inject({ url: '/api/v1/hazards/by-code/HL-2222-2222', ip: '10.1.1.2' })).statusCode).toBe(404);
  });

  it('reports per worker; officers are not limited', async () => {
    const file = (token: string) => inject({ method: 'POST', url: '/api/v1/hazards', token, ip: '10.2.2.2', payload: { enterprise: 'ent-a', title: '安全出口堵塞' } });
    for (let i = 0; i < 3; i++) expect((await file(WORKER)).statusCode).toBe(201);
    const limited = await file(WORKER);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.message).toMatch(/3 reports an hour/);
    for (let i = 0; i < 5; i++) expect((await file(OFFICER)).statusCode).toBe(201);
  });

  it('failed logins per address, on HTTP and the WebSocket upgrade; other addresses go on', async () => {
    for (let i = 0; i < 5; i++) expect((await inject({ url: '/api/v1/alarms', token: `guess-${i}`, ip: '10.3.3.3' })).statusCode).toBe(401);
    const locked = await inject({ url: '/api/v1/alarms', token: TEST_TOKENS.dispatcher, ip: '10.3.3.3' });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
    expect((await inject({ url: '/api/v1/alarms', token: TEST_TOKENS.dispatcher, ip: '10.3.3.4' })).statusCode).toBe(200);
    // the upgrade counts too (loopback is its own address here)
    const tryWs = (token: string) =>
      new Promise<number>((r) => {
        const ws = new WebSocket(`ws://127.0.0.1:${t.gw.httpPort}/api/v1/stream?token=${token}`);
        ws.on('unexpected-response', (_req, res) => r(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          r(101);
        });
        ws.on('error', () => {});
      });
    for (let i = 0; i < 5; i++) expect(await tryWs(`bad-${i}`)).toBe(401);
    expect(await tryWs(TEST_TOKENS.dispatcher)).toBe(429);
    const m = (await t.gw.metrics.httpRateLimited.get()).values;
    expect(m.find((v) => v.labels.limit === 'failed_login')?.value).toBeGreaterThan(0);
  });
});

describe('item 13: headers, photos, HTTPS', () => {
  it('pages, the API and errors carry CSP, frame and sniffing protection, no referrer', async () => {
    for (const url of ['/', '/report', '/api/v1/public/hazards', '/api/v1/alarms']) {
      const r = await inject({ url, ip: '10.4.4.4' });
      expect(r.headers['content-security-policy'], url).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['strict-transport-security']).toBeUndefined(); // plain HTTP here
    }
  });

  it('a JPEG/HTML polyglot and an HTML file with a JPEG header are never served as they came; EXIF GPS is dropped', async () => {
    const id = (await inject({ method: 'POST', url: '/api/v1/hazards', token: OFFICER, payload: { enterprise: 'ent-a', title: '照片测试' } })).json().hazard.id;
    const up = (body: Buffer, type = 'image/jpeg') => inject({ method: 'POST', url: `/api/v1/hazards/${id}/photos`, token: OFFICER, payload: body, headers: { 'content-type': type } });
    const script = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ff8800' } }).jpeg().withExif({ IFD0: { Make: 'PhoneOfLiu', Copyright: '刘秘密' } }).toBuffer();
    // a COM segment after SOI holding HTML, and HTML after EOI
    const polyglot = Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, script.length + 2]), script, jpeg.subarray(2), script]);
    expect(polyglot.includes('<script>')).toBe(true);
    const ok = await up(polyglot);
    expect(ok.statusCode, ok.body).toBe(201);
    const got = await inject({ url: `/api/v1/hazards/${id}/photos/${ok.json().photo.name}`, token: OFFICER });
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.includes('<script')).toBe(false);
    expect(got.rawPayload.includes('<html')).toBe(false);
    expect(got.rawPayload.includes('PhoneOfLiu')).toBe(false);
    expect((await sharp(got.rawPayload).metadata()).exif).toBeUndefined();
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-security-policy']).toMatch(/default-src 'none'.*sandbox/);
    expect(got.headers['content-disposition']).toMatch(/^inline; filename="1\.jpg"$/);
    // HTML with a JPEG magic prefix: not an image
    const fake = await up(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), script]));
    expect(fake.statusCode).toBe(415);
    expect(fake.json().error.field).toBe('photo');
  });

  it('gateway.http.tls serves HTTPS (and HSTS) with the configured certificate', async () => {
    const dir = tempDir('hl-https-');
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
    const raw = await rawTestConfig(tempDir());
    const g = await startTestGateway({ gateway: { ...raw.gateway, http: { ...raw.gateway.http, tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } } } });
    try {
      const res = await new Promise<{ status: number; hsts?: string; body: string }>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: g.gw.httpPort, path: '/healthz', ca: execFileSync('cat', [join(dir, 'cert.pem')]) }, (r) => {
          let body = '';
          r.on('data', (d) => (body += d));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] as string | undefined, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(res.status).toBe(200);
      expect(res.hsts).toMatch(/max-age=31536000/);
      // plain HTTP on the TLS port gets no answer
      const plain = await fetch(`http://127.0.0.1:${g.gw.httpPort}/healthz`).then((r) => r.status, () => 0);
      expect(plain).not.toBe(200);
    } finally {
      await g.stop();
    }
  });
});
