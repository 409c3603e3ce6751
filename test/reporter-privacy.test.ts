// Issue 12 items 1–3 and CONTRACT §8: a reporter's name, phone, reporter id, report code and the
// reporting worker's own token identity appear only where the contract allows — the accepting
// officer and the jurisdiction's regulators (and the reporter's own receipt). The walk covers every
// read route as every role, the responses of every step, WebSocket pushes, webhook bodies, what the
// edge would uplink, the audit chain and the log; it counts its checks.
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../gateway/src/config/load.ts';
import { createLogger } from '../gateway/src/log.ts';
import { Gateway } from '../gateway/src/main.ts';
import type { Hazard, HazardHistoryEntry } from '../gateway/src/hazards/types.ts';
import { entryForUplink, hazardForUplink } from '../gateway/src/uplink/edge-uplink.ts';
import { rawTestConfig, tempDir } from './helpers/gateway.ts';

const NAME = '刘秘密';
const PHONE = '13899990000';
const T = {
  liu: 'tk-worker-liu', // files the named report
  anon: 'tk-worker-anon', // files the anonymous report
  other: 'tk-worker-other',
  dispatcher: 'tk-disp',
  officer1: 'tk-officer-unnamed-1', // no name: accepts (verifies) both reports
  officer2: 'tk-officer-unnamed-2', // no name, same enterprise: must not count as officer 1
  officerB: 'tk-officer-b',
  regulator: 'tk-reg-taian',
  regulatorJinan: 'tk-reg-jinan',
  admin: 'tk-admin',
  none: '',
} as const;
type Who = keyof typeof T;
const WORKER_LIU = 'worker-liu-7';
const WORKER_ANON = 'worker-anon-9';
const tokens = [
  { token: T.liu, role: 'worker', enterprises: ['ent-a'], name: WORKER_LIU },
  { token: T.anon, role: 'worker', enterprises: ['ent-a'], name: WORKER_ANON },
  { token: T.other, role: 'worker', enterprises: ['ent-a'], name: 'worker-other' },
  { token: T.dispatcher, role: 'dispatcher', enterprises: ['ent-a'], name: '调度员甲' },
  { token: T.officer1, role: 'officer', enterprises: ['ent-a'] },
  { token: T.officer2, role: 'officer', enterprises: ['ent-a'] },
  { token: T.officerB, role: 'officer', enterprises: ['ent-b'], name: 'officer-b' },
  { token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '泰安应急局' },
  { token: T.regulatorJinan, role: 'regulator', jurisdictions: ['jinan'], name: '济南应急局' },
  { token: T.admin, role: 'admin', name: 'admin-1' },
];

/** everything the walk saw: who saw it, where, the text */
const seen: { who: Who | 'webhook' | 'log' | 'uplink' | 'audit'; where: string; text: string }[] = [];
const logLines: string[] = [];
const webhookBodies: string[] = [];
let gw: Gateway;
let hook: Server;
let dataDir: string;
const sockets: { who: Who; ws: WebSocket; messages: string[] }[] = [];
let named = '';
let anon = '';
let namedCode = '';
let anonCode = '';
let reporterId = '';

async function call(who: Who, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await gw.api.inject({ method, url, headers: { ...(T[who] ? { authorization: `Bearer ${T[who]}` } : {}), ...headers }, payload: payload as object });
  seen.push({ who, where: `${method} ${url}`, text: res.body });
  return { status: res.statusCode, body: res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : res.body };
}
const act = async (who: Who, id: string, body: Record<string, unknown>) => {
  const r = await call(who, 'POST', `/api/v1/hazards/${id}/actions`, body);
  expect(r.status, `${who} ${String(body.action)}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
};

beforeAll(async () => {
  hook = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      webhookBodies.push(b);
      res.end('{}');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as { port: number }).port;
  dataDir = tempDir('hl-privacy-');
  const raw = await rawTestConfig(dataDir, { notify: { webhooks: [{ name: 'all', url: `http://127.0.0.1:${port}/hook` }] } });
  raw.auth.tokens = tokens;
  const destination = new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } });
  gw = new Gateway(parseConfig(raw), { log: createLogger({ level: 'debug', destination }) });
  await gw.start();
  for (const who of Object.keys(T) as Who[]) {
    if (!T[who] || who === 'none') continue;
    const ws = new WebSocket(`ws://127.0.0.1:${gw.httpPort}/api/v1/stream?token=${T[who]}`);
    const entry = { who, ws, messages: [] as string[] };
    ws.on('message', (m) => entry.messages.push(String(m)));
    // workers have no stream (403): nothing is pushed to them
    const opened = await new Promise<boolean>((r) => { ws.once('open', () => r(true)); ws.once('error', () => r(false)); });
    if (!opened) continue;
    ws.send(JSON.stringify({ subscribe: ['alarms', 'hazards'] }));
    sockets.push(entry);
  }
});
afterAll(async () => {
  for (const s of sockets) s.ws.close();
  await gw?.stop();
  await new Promise((r) => hook?.close(r));
});

describe('the reporter\'s identity (CONTRACT §8, issue 12 items 1–3)', () => {
  it('two reports run the whole loop, with photos, the steps taken by unnamed officers', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#884422' } }).png().toBuffer();
    const a = await call('liu', 'POST', '/api/v1/hazards', { enterprise: 'ent-a', zone: 'z-stope-301', title: '吊链隐蔽断口', reporter: { name: NAME, phone: PHONE } });
    expect(a.status).toBe(201);
    named = a.body.hazard.id;
    namedCode = a.body.reportCode;
    const b = await call('anon', 'POST', '/api/v1/hazards', { enterprise: 'ent-a', zone: 'z-stope-301', title: '配电柜门未锁', anonymous: true });
    expect(b.status).toBe(201);
    anon = b.body.hazard.id;
    anonCode = b.body.reportCode;
    for (const [who, id] of [['liu', named], ['anon', anon]] as const) {
      expect((await call(who, 'POST', `/api/v1/hazards/${id}/photos`, png, { 'content-type': 'image/png' })).status).toBe(201);
    }
    // item 1: another worker of the enterprise may not attach photos to somebody's report (answers as absent)
    for (const id of [named, anon]) expect((await call('other', 'POST', `/api/v1/hazards/${id}/photos`, png, { 'content-type': 'image/png' })).status).toBe(404);
    // nor may the reporter of one report add to the other
    expect((await call('liu', 'POST', `/api/v1/hazards/${anon}/photos`, png, { 'content-type': 'image/png' })).status).toBe(404);
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString();
    for (const id of [named, anon]) {
      await act('officer1', id, { action: 'verify' });
      // item 3: a step by an officer who did not accept the report answers without the reporter
      await act('officer2', id, { action: 'confirm', level: 'general' });
      await act('officer2', id, { action: 'assign', owner: '机电队张', measures: '更换', funds: 800, deadline });
      expect((await call('officer2', 'POST', `/api/v1/hazards/${id}/photos`, png, { 'content-type': 'image/png' })).status).toBe(201);
      await act('officer2', id, { action: 'rectify', evidence: '已更换' });
      await act('officer1', id, { action: 'close', note: '验收合格' });
      await act('officer2', id, { action: 'reward', amount: 200 });
      await act('officer2', id, { action: 'publish' });
    }
    const full = await call('officer1', 'GET', `/api/v1/hazards/${named}`);
    expect(full.body.reporter).toEqual({ name: NAME, phone: PHONE });
    reporterId = full.body.hazard.reporterId;
    expect(reporterId).toMatch(/^rp_/);
  });

  it('item 2: an unnamed officer is a person of its own — the second one does not see what the first accepted', async () => {
    const one = await call('officer1', 'GET', `/api/v1/hazards/${named}`);
    const two = await call('officer2', 'GET', `/api/v1/hazards/${named}`);
    expect(one.body.hazard.reportCode).toBe(namedCode);
    expect(two.body.hazard.reportCode).toBeUndefined();
    expect(two.body.reporter).toBeUndefined();
    // and the history says which officer acted
    const actors = new Set(one.body.history.map((e: HazardHistoryEntry) => e.actor.id));
    expect(actors).toContain('officer@ent-a');
    expect(actors).toContain('officer@ent-a#2');
  });

  it('every read route as every role, the pushes, webhooks, uplink, audit and log show the reporter only where allowed', async () => {
    const reads = ['/api/v1/hazards', `/api/v1/hazards/${named}`, `/api/v1/hazards/${anon}`, '/api/v1/enterprises', '/api/v1/enterprises/ent-a', '/api/v1/alarms?state=all', '/api/v1/alarms/health', '/api/v1/inspection', '/api/v1/public/hazards', '/healthz', '/api/v1/ingest/rejected'];
    for (const who of Object.keys(T) as Who[]) for (const url of reads) await call(who, 'GET', url);
    for (const code of [namedCode, anonCode]) await call('none', 'GET', `/api/v1/hazards/by-code/${code}`);
    // the edge's uplink carries the stored records as hazardForUplink / entryForUplink make them
    const db = new Database(join(dataDir, 'records.db'), { readonly: true });
    try {
      for (const r of db.prepare('SELECT doc FROM hazards').all() as { doc: string }[]) seen.push({ who: 'uplink', where: 'hazard record', text: JSON.stringify(hazardForUplink(JSON.parse(r.doc) as Hazard)) });
      for (const r of db.prepare('SELECT entry FROM hazard_history').all() as { entry: string }[]) seen.push({ who: 'uplink', where: 'history entry', text: JSON.stringify(entryForUplink(JSON.parse(r.entry) as HazardHistoryEntry)) });
      for (const r of db.prepare('SELECT * FROM audit_log').all()) seen.push({ who: 'audit', where: 'audit_log', text: JSON.stringify(r) });
    } finally {
      db.close();
    }
    await new Promise((r) => setTimeout(r, 300)); // pushes and webhooks of the last step
    for (const s of sockets) for (const m of s.messages) seen.push({ who: s.who, where: 'websocket', text: m });
    for (const b of webhookBodies) seen.push({ who: 'webhook', where: 'webhook', text: b });
    for (const l of logLines) seen.push({ who: 'log', where: 'log', text: l });
    expect(webhookBodies.length).toBeGreaterThan(0);
    expect(sockets.some((s) => s.messages.some((m) => m.includes('"hazard"')))).toBe(true);

    const readers = new Set<string>(['officer1', 'regulator']);
    const httpRead = (w: { who: string; where: string }) => w.where.startsWith('GET ') || w.where.startsWith('POST ');
    /** where each secret may appear: CONTRACT §8 */
    const secrets: { what: string; value: string; allowed: (w: { who: string; where: string }) => boolean }[] = [
      { what: 'name', value: NAME, allowed: (w) => readers.has(w.who) && w.where === `GET /api/v1/hazards/${named}` },
      { what: 'phone', value: PHONE, allowed: (w) => readers.has(w.who) && w.where === `GET /api/v1/hazards/${named}` },
      { what: 'reporter id', value: reporterId, allowed: (w) => readers.has(w.who) && httpRead(w) },
      { what: 'report code (named)', value: namedCode, allowed: (w) => (readers.has(w.who) && httpRead(w)) || (w.who === 'liu' && w.where === 'POST /api/v1/hazards') || w.where.startsWith('GET /api/v1/hazards/by-code/') },
      { what: 'report code (anonymous)', value: anonCode, allowed: (w) => (readers.has(w.who) && httpRead(w)) || (w.who === 'anon' && w.where === 'POST /api/v1/hazards') || w.where.startsWith('GET /api/v1/hazards/by-code/') },
      { what: "named reporter's token identity", value: WORKER_LIU, allowed: (w) => readers.has(w.who) && httpRead(w) },
      { what: "anonymous reporter's token identity", value: WORKER_ANON, allowed: () => false },
    ];
    let checks = 0;
    const leaks: string[] = [];
    for (const w of seen) {
      for (const s of secrets) {
        checks++;
        if (w.text.includes(s.value) && !s.allowed(w)) leaks.push(`${s.what} seen by ${w.who} in ${w.where}`);
      }
    }
    expect(leaks).toEqual([]);
    // the allowed places do show it (the walk is not blind)
    expect(seen.some((w) => w.who === 'regulator' && w.text.includes(NAME))).toBe(true);
    expect(seen.some((w) => w.who === 'officer1' && w.text.includes(anonCode))).toBe(true);
    process.stdout.write(`reporter-privacy: ${checks} leak checks over ${seen.length} bodies, pushes, webhooks, uplink records, audit entries and log lines\n`);
    expect(checks).toBeGreaterThan(1000);
  });
});
