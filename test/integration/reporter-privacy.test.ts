// Issue 12 items 1-3, the leak walk (seed 004: 不得以任何方式泄露其姓名、身份、联系方式): a real
// gateway (embedded broker, sqlite records in a temp dir), a webhook receiver, a WebSocket per
// role, the uplink records the edge would forward, the audit chain and every log line. A worker
// files a NAMED report, another an ANONYMOUS one, each adds a photo; officers take both through
// the whole loop. Then every role reads every route. The reporter's name, phone, reporter id,
// report code and the reporting workers' token ids may appear only where CONTRACT §8 allows: the
// accepting officer and regulators in jurisdiction, and the reporter's own create / by-code answer.
import { createServer, type IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import WebSocket from 'ws';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import type { Hazard } from '../../gateway/src/hazards/types.ts';
import { entryForUplink, hazardForUplink } from '../../gateway/src/uplink/edge-uplink.ts';
import { rawTestConfig, tempDir } from '../helpers/gateway.ts';
import { freePort, waitFor } from '../helpers/ports.ts';
import { rmSync } from 'node:fs';

const NAME = '刘秘密';
const PHONE = '13800009999';
const WORKER_ID = 'worker-liu-7788'; // the named reporter's token name
const ANON_WORKER_ID = 'worker-anon-4242'; // the anonymous reporter's token name

const T = {
  reporter: 'tk-w-named',
  anonReporter: 'tk-w-anon',
  otherWorker: 'tk-w-other',
  dispatcher: 'tk-dispatcher',
  officer1: 'tk-officer-1',
  officer2: 'tk-officer-2',
  officerB: 'tk-officer-b',
  regulator: 'tk-reg-taian',
  regulatorOut: 'tk-reg-jinan',
  admin: 'tk-admin',
} as const;
type Who = keyof typeof T | 'public' | 'webhook' | 'uplink' | 'audit' | 'log';
const tokens = [
  { token: T.reporter, role: 'worker', enterprises: ['ent-a'], name: WORKER_ID },
  { token: T.anonReporter, role: 'worker', enterprises: ['ent-a'], name: ANON_WORKER_ID },
  { token: T.otherWorker, role: 'worker', enterprises: ['ent-a'], name: 'worker-other' },
  { token: T.dispatcher, role: 'dispatcher', enterprises: ['ent-a'], name: '调度员甲' },
  // two officers of the same enterprise WITHOUT a name: each is its own person (CONTRACT §11)
  { token: T.officer1, role: 'officer', enterprises: ['ent-a'] },
  { token: T.officer2, role: 'officer', enterprises: ['ent-a'] },
  { token: T.officerB, role: 'officer', enterprises: ['ent-b'] },
  { token: T.regulator, role: 'regulator', jurisdictions: ['taian'] },
  { token: T.regulatorOut, role: 'regulator', jurisdictions: ['jinan'] },
  { token: T.admin, role: 'admin' },
];

/** Everything anyone outside the records database got to see, by who saw it. */
const seen: { who: Who; where: string; text: string }[] = [];
const logLines: string[] = [];
const webhookBodies: string[] = [];
const sockets: { who: Who; ws: WebSocket; messages: string[] }[] = [];
let gw: Gateway;
let dataDir = '';
let server: ReturnType<typeof createServer>;

const call = async (who: Who, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const token = who in T ? T[who as keyof typeof T] : undefined;
  const res = await gw.api.inject({ method, url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, payload: payload as object });
  seen.push({ who, where: `${method} ${url} (${res.statusCode})`, text: res.body });
  return { status: res.statusCode, body: res.headers['content-type']?.toString().includes('json') ? res.json() : res.body };
};

beforeAll(async () => {
  const port = await freePort();
  server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (d) => (data += d));
    req.on('end', () => {
      webhookBodies.push(data);
      res.setHeader('content-type', 'application/json');
      res.end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  dataDir = tempDir();
  const raw = await rawTestConfig(dataDir, {
    notify: { webhooks: [{ name: 'json', url: `http://127.0.0.1:${port}/json`, format: 'json' }, { name: 'wecom', url: `http://127.0.0.1:${port}/wecom?key=k`, format: 'wecom' }] },
  });
  raw.auth.tokens = tokens;
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  gw = new Gateway(parseConfig(raw), { log: createLogger({ level: 'debug', destination }) });
  await gw.start();
  // what an edge would forward to its central for every hazard change (edge-uplink.ts)
  gw.hazards!.on('event', (ev) => seen.push({ who: 'uplink', where: `uplink ${ev.entry.action}`, text: JSON.stringify({ k: 'hazard', hazard: hazardForUplink(ev.hazard), entry: entryForUplink(ev.entry) }) }));
  // workers have no stream (ws-hub ROLES): every other role listens
  for (const who of (Object.keys(T) as (keyof typeof T)[]).filter((w) => !tokens.find((t) => t.token === T[w])!.role.startsWith('worker'))) {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.httpPort}/api/v1/stream`, { headers: { authorization: `Bearer ${T[who]}` } });
    const s = { who: who as Who, ws, messages: [] as string[] };
    ws.on('message', (m) => s.messages.push(String(m)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ subscribe: ['alarms', 'hazards'] }));
    ws.send('not json'); // answered in order: once this error is back, the subscription holds
    await waitFor(() => s.messages.some((m) => m.includes('not JSON')), 10_000, `${who} subscribed`);
    sockets.push(s);
  }
});
afterAll(async () => {
  for (const s of sockets) s.ws.close();
  await gw.stop();
  server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every role (and no token) reads every route a report shows up in. */
async function readAll(ids: { named: string; anon: string }): Promise<void> {
  const readers: Who[] = [...(Object.keys(T) as (keyof typeof T)[]), 'public'];
  const urls = ['/api/v1/hazards', `/api/v1/hazards/${ids.named}`, `/api/v1/hazards/${ids.anon}`, `/api/v1/hazards/${ids.named}/photos/1.png`, `/api/v1/hazards/${ids.anon}/photos/1.png`, '/api/v1/enterprises', '/api/v1/enterprises/ent-a', '/api/v1/alarms', '/api/v1/inspection', '/api/v1/public/hazards'];
  for (const who of readers) for (const url of urls) await call(who, 'GET', url);
}

describe('reporter identity: the leak walk', () => {
  it('the name, phone, reporter id, report code and reporting worker appear only where CONTRACT §8 allows', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#c00' } }).png().toBuffer();
    const named = await call('reporter', 'POST', '/api/v1/hazards', { enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', title: '井口防护栏缺失', description: '三号井口防护栏缺一段', reporter: { name: NAME, phone: PHONE } });
    expect(named.status).toBe(201);
    const anon = await call('anonReporter', 'POST', '/api/v1/hazards', { enterprise: 'ent-a', site: 's1', title: '配电柜门未锁', anonymous: true });
    expect(anon.status).toBe(201);
    const ids = { named: named.body.hazard.id as string, anon: anon.body.hazard.id as string };
    const codes = { named: named.body.reportCode as string, anon: anon.body.reportCode as string };

    // photos: each reporter its own; another worker may not add to either (404, as if absent)
    const photo = (who: Who, id: string) => call(who, 'POST', `/api/v1/hazards/${id}/photos`, png, { 'content-type': 'image/png' });
    expect((await photo('reporter', ids.named)).status).toBe(201);
    expect((await photo('anonReporter', ids.anon)).status).toBe(201);
    expect((await photo('otherWorker', ids.named)).status).toBe(404);
    expect((await photo('otherWorker', ids.anon)).status).toBe(404);
    expect((await photo('reporter', ids.anon)).status).toBe(404);

    await readAll(ids); // open: in the enterprise view's openHazards, photos and all

    // officer 1 accepts both; officer 2 (unnamed too, same enterprise) does the middle steps
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString();
    for (const id of [ids.named, ids.anon]) {
      const step = async (who: Who, body: Record<string, unknown>) => {
        const r = await call(who, 'POST', `/api/v1/hazards/${id}/actions`, body);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      };
      await step('officer1', { action: 'verify', note: '已受理' });
      await step('officer1', { action: 'confirm', level: 'general' });
      await step('officer2', { action: 'assign', owner: '维修班', measures: '补装防护', funds: 500, deadline });
      expect((await photo('officer2', id)).status).toBe(201);
      await readAll(ids); // accepted, mid-rectification
      await step('officer2', { action: 'rectify', evidence: '已补装' });
      await step('officer1', { action: 'close', note: '验收合格' });
      await step('officer1', { action: 'reward', amount: 100 });
      await step('officer1', { action: 'publish' });
    }

    await readAll(ids); // at the end too: closed, rewarded, published
    // the reporter's own receipt view
    await call('public', 'GET', `/api/v1/hazards/by-code/${codes.named}`);
    const byCode = seen.at(-1)!;
    byCode.who = 'reporter';
    await call('public', 'GET', `/api/v1/hazards/by-code/${codes.anon}`);
    seen.at(-1)!.who = 'anonReporter';

    // the accepting officer and the regulator learn who reported (that is what they may see)
    const asOfficer1 = await call('officer1', 'GET', `/api/v1/hazards/${ids.named}`);
    expect(asOfficer1.body.reporter).toEqual({ name: NAME, phone: PHONE });
    const reporterId = asOfficer1.body.hazard.reporterId as string;
    expect(reporterId).toMatch(/^rp_/);
    expect((await call('regulator', 'GET', `/api/v1/hazards/${ids.named}`)).body.reporter).toEqual({ name: NAME, phone: PHONE });
    // the other unnamed officer of the same enterprise does not (issue item 2)
    const asOfficer2 = await call('officer2', 'GET', `/api/v1/hazards/${ids.named}`);
    expect(asOfficer2.body.reporter).toBeUndefined();
    expect(asOfficer2.body.hazard.reporterId).toBeUndefined();
    expect(asOfficer2.body.history.find((e: { action: string }) => e.action === 'verify').actor.id).toBe('officer@ent-a');
    expect(asOfficer2.body.history.find((e: { action: string }) => e.action === 'assign').actor.id).toBe('officer@ent-a#2');

    await waitFor(() => webhookBodies.length >= 16, 10_000, 'webhooks delivered');
    for (const s of sockets) for (const m of s.messages) seen.push({ who: s.who, where: 'ws', text: m });
    for (const b of webhookBodies) seen.push({ who: 'webhook', where: 'webhook', text: b });
    const audit = await gw.records!.audit.entries(0, 100_000);
    for (const e of audit) seen.push({ who: 'audit', where: `audit ${e.action}`, text: JSON.stringify(e) });
    expect(audit.filter((e) => e.action === 'photo').map((e) => e.actor)).toEqual(['worker:reporter', 'worker:reporter', 'officer:officer@ent-a#2', 'officer:officer@ent-a#2']);
    for (const l of logLines) seen.push({ who: 'log', where: 'log', text: l });
    expect(sockets.find((s) => s.who === 'officer2')!.messages.some((m) => m.includes('"hazard"'))).toBe(true);
    expect(seen.filter((s) => s.who === 'uplink').length).toBeGreaterThanOrEqual(16);

    // who may see what (CONTRACT §8): the accepting officer and regulators in jurisdiction see
    // the reporter reference; each reporter sees its own code (create answer, by-code)
    const seers: Who[] = ['officer1', 'regulator'];
    const secrets: { what: string; value: string; allowed: Who[] }[] = [
      { what: 'name', value: NAME, allowed: seers },
      { what: 'phone', value: PHONE, allowed: seers },
      { what: 'reporterId', value: reporterId, allowed: seers },
      { what: 'named report code', value: codes.named, allowed: [...seers, 'reporter'] },
      { what: 'anonymous report code', value: codes.anon, allowed: [...seers, 'anonReporter'] },
      { what: 'named reporter token id', value: WORKER_ID, allowed: seers },
      { what: 'anonymous reporter token id', value: ANON_WORKER_ID, allowed: [] },
      { what: 'a token', value: T.officer1, allowed: [] },
    ];
    const leaks: string[] = [];
    let checks = 0;
    for (const s of seen) {
      for (const x of secrets) {
        checks++;
        if (!x.allowed.includes(s.who) && s.text.includes(x.value)) leaks.push(`${x.what} seen by ${s.who} in ${s.where}: ${s.text.slice(0, 300)}`);
      }
    }
    // and the places that must see it do (the walk would be vacuous otherwise)
    expect(seen.some((s) => s.who === 'officer1' && s.text.includes(PHONE))).toBe(true);
    expect(byCode.text).toContain(codes.named);
    expect(seen.some((s) => s.who === 'dispatcher' && s.where.startsWith('GET /api/v1/enterprises/ent-a') && s.text.includes('"by":"worker:reporter"'))).toBe(true);
    console.log(`reporter-privacy: ${checks} leak checks over ${seen.length} observed bodies, messages and lines`);
    expect(leaks).toEqual([]);
    expect(checks).toBeGreaterThan(1000);
  });
});

describe('photos on a worker report (issue 12 item 1)', () => {
  it('a report stored before reporterMark: its named reporter (from the create step) may still add photos, no other worker', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#0c0' } }).png().toBuffer();
    const id = (await call('reporter', 'POST', '/api/v1/hazards', { enterprise: 'ent-a', site: 's1', title: '旧记录', reporter: { name: NAME } })).body.hazard.id as string;
    const stored = (await gw.records!.hazards.get<Hazard>(id))!;
    expect(stored.reporterMark).toMatch(/^[0-9a-f]{64}$/);
    delete stored.reporterMark;
    await gw.records!.hazards.save(stored, Date.now(), false);
    const photo = (who: Who) => call(who, 'POST', `/api/v1/hazards/${id}/photos`, png, { 'content-type': 'image/png' });
    expect((await photo('otherWorker')).status).toBe(404);
    expect((await photo('anonReporter')).status).toBe(404);
    const ok = await photo('reporter');
    expect(ok.status).toBe(201);
    expect(ok.body.photo.by).toBe('worker:reporter');
  });
});
