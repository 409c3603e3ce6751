// The HTTP auth matrix (CONTRACT §7, §8; issue 12): every route × every role × in-scope /
// out-of-scope enterprise, table-driven. The promises: no or unknown token → 401; a role the
// route does not admit → 403; a resource of an enterprise the caller may not see → 404, never
// 403 (its existence is not revealed); an admitted role in scope → an answer of the route (2xx,
// or a 4xx of the route's own checks), never 401/403, never 5xx. Then a table of hostile HTTP
// inputs: catalogued 4xx, never 500. The numbers of cases are printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';

type Role = 'none' | 'bad' | 'worker' | 'dispatcher' | 'officer' | 'regulator' | 'admin';
const ROLES: Role[] = ['none', 'bad', 'worker', 'dispatcher', 'officer', 'regulator', 'admin'];
const TOKEN: Record<Role, string | undefined> = { none: undefined, bad: 'not-a-token', worker: 'tk-w', dispatcher: 'tk-d', officer: 'tk-o', regulator: 'tk-r', admin: TEST_TOKENS.admin };
const tokens = [
  { token: TEST_TOKENS.admin, role: 'admin' },
  { token: 'tk-w', role: 'worker', enterprises: ['ent-a'], name: 'w' },
  { token: 'tk-d', role: 'dispatcher', enterprises: ['ent-a'], name: 'd' },
  { token: 'tk-o', role: 'officer', enterprises: ['ent-a'], name: 'o' },
  // ent-a is in jurisdiction taian, ent-b in jinan
  { token: 'tk-r', role: 'regulator', jurisdictions: ['taian'], name: 'r' },
  // setup only: makes the out-of-scope hazard
  { token: 'tk-ob', role: 'officer', enterprises: ['ent-b'], name: 'ob' },
];

let t: TestGateway;
const hz: Record<'in' | 'out', string> = { in: '', out: '' };
type Scope = 'in' | 'out';
interface Route {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: (s: Scope) => string;
  body?: (s: Scope) => unknown;
  /** roles admitted by the route; undefined: public */
  roles?: Role[];
  /** false: the route has no enterprise scope (only the in-scope row is run) */
  scoped: boolean;
  remote?: string;
  /** the body's content type, when not JSON */
  type?: string;
  /** the route gates each action by role as well: an admitted role in scope may get 403 for this action */
  actionGated?: boolean;
}
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const ent = (s: Scope) => (s === 'in' ? 'ent-a' : 'ent-b');
const VIEW: Role[] = ['dispatcher', 'officer', 'regulator', 'admin'];
const ROUTES: Route[] = [
  { name: 'GET readings', method: 'GET', url: (s) => `/api/v1/readings?device=${s === 'in' ? 'gas-01' : 'gas-h2s-1'}&metric=lel`, roles: VIEW, scoped: true },
  { name: 'GET ingest/rejected', method: 'GET', url: () => '/api/v1/ingest/rejected', roles: ['admin'], scoped: false },
  { name: 'GET metrics (non-loopback)', method: 'GET', url: () => '/metrics', roles: ['admin', 'regulator', 'dispatcher', 'officer'], scoped: false, remote: '10.1.2.3' },
  { name: 'GET alarms', method: 'GET', url: (s) => `/api/v1/alarms?enterprise=${ent(s)}`, roles: VIEW, scoped: false },
  { name: 'GET alarms/health', method: 'GET', url: () => '/api/v1/alarms/health', roles: VIEW, scoped: false },
  { name: 'GET alarms/:id', method: 'GET', url: () => '/api/v1/alarms/al-none', roles: VIEW, scoped: false },
  { name: 'POST alarms/:id/ack', method: 'POST', url: () => '/api/v1/alarms/al-none/ack', body: () => ({}), roles: ['dispatcher', 'officer', 'admin'], scoped: false },
  { name: 'POST alarms/:id/shelve', method: 'POST', url: () => '/api/v1/alarms/al-none/shelve', body: () => ({ minutes: 10, reason: 'x' }), roles: ['dispatcher', 'admin'], scoped: false },
  { name: 'POST alarms/:id/hazard', method: 'POST', url: () => '/api/v1/alarms/al-none/hazard', body: () => ({}), roles: ['dispatcher', 'officer', 'admin'], scoped: false },
  { name: 'POST alarms/:id/dispose', method: 'POST', url: () => '/api/v1/alarms/al-none/dispose', body: () => ({ cause: 'leak', measures: 'm', result: 'r' }), roles: ['dispatcher', 'officer', 'admin'], scoped: false },
  { name: 'GET alarms/disposal-rate', method: 'GET', url: (s) => `/api/v1/alarms/disposal-rate?enterprise=${ent(s)}`, roles: VIEW, scoped: false },
  { name: 'GET enterprises/:id/declarations', method: 'GET', url: (s) => `/api/v1/enterprises/${ent(s)}/declarations`, roles: VIEW, scoped: true },
  { name: 'GET me', method: 'GET', url: () => '/api/v1/me', roles: ['worker', 'dispatcher', 'officer', 'regulator', 'admin'], scoped: false },
  { name: 'GET assets', method: 'GET', url: () => '/api/v1/assets', roles: VIEW, scoped: false },
  { name: 'PUT enterprises/:id/declared-status', method: 'PUT', url: (s) => `/api/v1/enterprises/${ent(s)}/declared-status`, body: () => ({ status: 'producing' }), roles: ['officer', 'regulator', 'admin'], scoped: true },
  { name: 'GET hazards', method: 'GET', url: () => '/api/v1/hazards', roles: ['officer', 'regulator', 'admin'], scoped: false },
  { name: 'POST hazards', method: 'POST', url: () => '/api/v1/hazards', body: (s) => ({ enterprise: ent(s), title: 'matrix' }), roles: ['worker', 'officer', 'regulator', 'admin'], scoped: true },
  { name: 'GET hazards/:id', method: 'GET', url: (s) => `/api/v1/hazards/${hz[s]}`, roles: ['officer', 'regulator', 'admin'], scoped: true },
  { name: 'POST hazards/:id/actions', method: 'POST', url: (s) => `/api/v1/hazards/${hz[s]}/actions`, body: () => ({ action: 'publish' }), roles: ['worker', 'dispatcher', 'officer', 'regulator', 'admin'], scoped: true, actionGated: true },
  { name: 'POST hazards/:id/photos', method: 'POST', url: (s) => `/api/v1/hazards/${hz[s]}/photos`, body: () => PNG, type: 'image/png', roles: ['worker', 'officer', 'regulator', 'admin'], scoped: true },
  { name: 'GET hazards/:id/photos/:name', method: 'GET', url: (s) => `/api/v1/hazards/${hz[s]}/photos/p1.jpg`, roles: ['officer', 'regulator', 'admin'], scoped: true },
  { name: 'GET hazards/by-code/:code', method: 'GET', url: () => '/api/v1/hazards/by-code/HL-2222-2222', scoped: false },
  { name: 'GET public/hazards', method: 'GET', url: () => '/api/v1/public/hazards', scoped: false },
  { name: 'GET enterprises', method: 'GET', url: () => '/api/v1/enterprises', roles: VIEW, scoped: false },
  { name: 'GET enterprises/:id', method: 'GET', url: (s) => `/api/v1/enterprises/${ent(s)}`, roles: VIEW, scoped: true },
  { name: 'GET inspection', method: 'GET', url: () => '/api/v1/inspection', roles: ['regulator', 'admin'], scoped: false },
  { name: 'POST verifications', method: 'POST', url: () => '/api/v1/verifications', body: () => ({}), roles: ['regulator', 'admin'], scoped: false },
  { name: 'POST verifications/:id/result', method: 'POST', url: () => '/api/v1/verifications/vf-none/result', body: () => ({}), roles: ['regulator', 'admin'], scoped: false },
  { name: 'GET uplink', method: 'GET', url: () => '/api/v1/uplink', roles: VIEW, scoped: false },
  // outside cluster mode an admitted role gets the route's own 404 (docs/cluster.md §7)
  { name: 'GET cluster', method: 'GET', url: () => '/api/v1/cluster', roles: ['regulator', 'admin'], scoped: false },
  { name: 'GET stats', method: 'GET', url: (s) => `/api/v1/stats?enterprise=${ent(s)}`, roles: VIEW, scoped: true },
  { name: 'GET reports/bulletin', method: 'GET', url: (s) => `/api/v1/reports/bulletin?enterprise=${ent(s)}&month=2026-11`, roles: ['officer', 'regulator', 'admin'], scoped: true },
  { name: 'GET exports/alarms', method: 'GET', url: (s) => `/api/v1/exports/alarms?enterprise=${ent(s)}&format=csv`, roles: VIEW, scoped: true },
  { name: 'GET exports/hazards', method: 'GET', url: (s) => `/api/v1/exports/hazards?enterprise=${ent(s)}&format=csv`, roles: ['officer', 'regulator', 'admin'], scoped: true },
  { name: 'GET exports/verifications', method: 'GET', url: (s) => `/api/v1/exports/verifications?enterprise=${ent(s)}`, roles: ['regulator', 'admin'], scoped: true },
  { name: 'GET notifications (alarm)', method: 'GET', url: () => '/api/v1/notifications?alarm=al-none', roles: VIEW, scoped: false },
  { name: 'GET notifications (hazard)', method: 'GET', url: (s) => `/api/v1/notifications?hazard=${hz[s]}`, roles: ['officer', 'regulator', 'admin'], scoped: true },
  { name: 'GET handovers', method: 'GET', url: () => '/api/v1/handovers', roles: VIEW, scoped: false },
  { name: 'GET handovers/draft', method: 'GET', url: () => '/api/v1/handovers/draft', roles: ['dispatcher', 'officer', 'admin'], scoped: false },
  { name: 'GET handovers/:id', method: 'GET', url: () => '/api/v1/handovers/ho-none', roles: VIEW, scoped: false },
  { name: 'POST handovers/:id/accept', method: 'POST', url: () => '/api/v1/handovers/ho-none/accept', body: () => ({}), roles: ['dispatcher', 'officer', 'admin'], scoped: false },
  { name: 'GET reports/runs', method: 'GET', url: () => '/api/v1/reports/runs', roles: ['officer', 'regulator', 'admin'], scoped: false },
  { name: 'GET reports/runs/:id/files/:name', method: 'GET', url: () => '/api/v1/reports/runs/rr-none/files/a.xlsx', roles: ['officer', 'regulator', 'admin'], scoped: false },
  { name: 'POST reports/runs', method: 'POST', url: () => '/api/v1/reports/runs', body: () => ({ schedule: 'none' }), roles: ['admin'], scoped: false },
  { name: 'GET accidents', method: 'GET', url: () => '/api/v1/accidents', roles: VIEW, scoped: false },
  { name: 'POST accidents', method: 'POST', url: () => '/api/v1/accidents', body: (s) => ({ enterprise: ent(s), place: '矩阵', occurredAt: Date.now() - 60_000, description: 'matrix' }), roles: VIEW, scoped: true },
  { name: 'GET accidents/:id', method: 'GET', url: () => '/api/v1/accidents/acc-none', roles: VIEW, scoped: false },
  { name: 'POST accidents/:id/receive', method: 'POST', url: () => '/api/v1/accidents/acc-none/receive', roles: ['regulator', 'admin'], scoped: false },
  { name: 'GET special-periods', method: 'GET', url: () => '/api/v1/special-periods', roles: VIEW, scoped: false },
  { name: 'GET special-periods/:id', method: 'GET', url: () => '/api/v1/special-periods/sp-none', roles: VIEW, scoped: false },
  { name: 'POST special-periods', method: 'POST', url: () => '/api/v1/special-periods', body: () => ({}), roles: ['regulator', 'admin'], scoped: false },
  { name: 'POST special-periods/:id/end', method: 'POST', url: () => '/api/v1/special-periods/sp-none/end', roles: ['regulator', 'admin'], scoped: false },
  { name: 'GET resumptions', method: 'GET', url: () => '/api/v1/resumptions', roles: ['officer', 'regulator', 'admin'], scoped: false },
  { name: 'POST resumptions/:id/accept', method: 'POST', url: () => '/api/v1/resumptions/rs-none/accept', roles: ['regulator', 'admin'], scoped: false },
  { name: 'POST resumptions/:id/reject', method: 'POST', url: () => '/api/v1/resumptions/rs-none/reject', body: () => ({ note: 'x' }), roles: ['regulator', 'admin'], scoped: false },
  { name: 'GET sanwei', method: 'GET', url: () => '/api/v1/sanwei', roles: VIEW, scoped: false },
  { name: 'POST sanwei', method: 'POST', url: () => '/api/v1/sanwei', body: (s) => ({ enterprise: ent(s), person: { name: '矩阵' }, description: 'matrix' }), roles: VIEW, scoped: true },
  { name: 'GET healthz', method: 'GET', url: () => '/healthz', scoped: false },
];

interface Case { route: Route; role: Role; scope: Scope }
const CASES: Case[] = ROUTES.flatMap((route) => ROLES.flatMap((role) => (route.scoped && role !== 'admin' ? (['in', 'out'] as Scope[]) : (['in'] as Scope[])).map((scope) => ({ route, role, scope }))));

// requests with an unknown token count as failed logins (429 after gateway.http.rateLimit.failedLogins
// per address): each comes from an address of its own so the matrix sees the 401 itself
let guesser = 0;
const send = async (method: string, url: string, token: string | undefined, payload?: unknown, remote?: string, headers: Record<string, string> = {}) =>
  t.gw.api.inject({ method: method as 'GET', url, remoteAddress: token === TOKEN.bad ? `10.77.${Math.floor(++guesser / 250)}.${guesser % 250}` : remote, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, payload: payload as object });

beforeAll(async () => {
  t = await startTestGateway({ auth: { tokens, devices: [] } });
  for (const s of ['in', 'out'] as Scope[]) {
    const r = await send('POST', '/api/v1/hazards', s === 'in' ? 'tk-o' : 'tk-ob', { enterprise: ent(s), title: `matrix ${s}` });
    expect(r.statusCode, r.body).toBe(201);
    hz[s] = r.json().hazard.id;
  }
});
afterAll(async () => {
  await t.stop();
  console.log(`auth matrix: ${CASES.length} cases (${ROUTES.length} routes × ${ROLES.length} roles × scope); hostile HTTP inputs: ${HOSTILE.length} cases`);
});

describe('auth matrix', () => {
  it.each(CASES.map((c) => [`${c.route.name} as ${c.role} (${c.scope} scope)`, c] as const))('%s', async (_n, { route, role, scope }) => {
    const r = await send(route.method, route.url(scope), TOKEN[role], route.body?.(scope), route.remote, route.type ? { 'content-type': route.type } : {});
    const s = r.statusCode;
    expect(s, r.body).toBeLessThan(500);
    if (!route.roles) return expect([401, 403]).not.toContain(s);
    if (role === 'none' || role === 'bad') return expect(s, r.body).toBe(401);
    if (!route.roles.includes(role)) return expect(s, r.body).toBe(403);
    if (scope === 'out') return expect(s, r.body).toBe(404);
    if (route.actionGated && s === 403) return expect(r.json().error.code).toBe('HL_ERR_FORBIDDEN');
    expect([401, 403], r.body).not.toContain(s);
  });
});

interface Hostile { name: string; method: 'GET' | 'POST'; url: string; payload?: string | Buffer; type?: string }
const H = (name: string, method: 'GET' | 'POST', url: string, payload?: string | Buffer, type = 'application/json'): Hostile => ({ name, method, url, payload, type });
const HOSTILE: Hostile[] = [
  H('body not JSON', 'POST', '/api/v1/hazards', '{"enterprise":'),
  H('body is an array', 'POST', '/api/v1/hazards', '[{"enterprise":"ent-a","title":"x"}]'),
  H('body is a string', 'POST', '/api/v1/hazards', '"x"'),
  H('body is null', 'POST', '/api/v1/hazards', 'null'),
  H('title is a number', 'POST', '/api/v1/hazards', '{"enterprise":"ent-a","title":1}'),
  H('title is an object', 'POST', '/api/v1/hazards', '{"enterprise":"ent-a","title":{"a":1}}'),
  H('enterprise is an array', 'POST', '/api/v1/hazards', '{"enterprise":["ent-a"],"title":"x"}'),
  H('huge title', 'POST', '/api/v1/hazards', JSON.stringify({ enterprise: 'ent-a', title: 'x'.repeat(100_000) })),
  H('__proto__ key', 'POST', '/api/v1/hazards', '{"enterprise":"ent-a","title":"x","__proto__":{"polluted":1}}'),
  H('constructor key', 'POST', '/api/v1/hazards', '{"enterprise":"ent-a","title":"x","constructor":{"prototype":{"polluted":1}}}'),
  H('non-UTF-8 body', 'POST', '/api/v1/hazards', Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
  H('anonymous not boolean', 'POST', '/api/v1/hazards', '{"enterprise":"ent-a","title":"x","anonymous":"yes"}'),
  H('level not in enum', 'POST', '/api/v1/hazards', '{"enterprise":"ent-a","title":"x","level":"catastrophic"}'),
  H('reward 1e309', 'POST', '/api/v1/hazards/HZ/actions', '{"action":"reward","amount":1e309}'),
  H('action unknown', 'POST', '/api/v1/hazards/HZ/actions', '{"action":"__proto__"}'),
  H('action body array', 'POST', '/api/v1/hazards/HZ/actions', '[]'),
  H('assign with funds -1', 'POST', '/api/v1/hazards/HZ/actions', '{"action":"assign","owner":"a","measures":"b","deadline":"soon","funds":-1}'),
  H('deadline huge number', 'POST', '/api/v1/hazards/HZ/actions', '{"action":"assign","owner":"a","measures":"b","deadline":1e309}'),
  H('wrong content type', 'POST', '/api/v1/hazards', 'enterprise=ent-a&title=x', 'application/x-www-form-urlencoded'),
  H('duplicated query param', 'GET', '/api/v1/readings?device=gas-01&metric=lel&metric=co'),
  H('from not a time', 'GET', '/api/v1/readings?device=gas-01&metric=lel&from=yesterday'),
  H('every 0', 'GET', '/api/v1/readings?device=gas-01&metric=lel&every=0s'),
  H('every tiny over a long range', 'GET', '/api/v1/readings?device=gas-01&metric=lel&from=0&every=1ms'),
  H('agg unknown', 'GET', '/api/v1/readings?device=gas-01&metric=lel&every=1m&agg=__proto__'),
  H('limit not a number', 'GET', '/api/v1/ingest/rejected?limit=1e309'),
  H('limit negative', 'GET', '/api/v1/ingest/rejected?limit=-1'),
  H('hazards limit huge', 'GET', '/api/v1/hazards?limit=99999999999999999999'),
  H('hazard id with control chars', 'GET', '/api/v1/hazards/%00%1b'),
  H('by-code with prototype name', 'GET', '/api/v1/hazards/by-code/__proto__'),
  H('enterprise id constructor', 'GET', '/api/v1/enterprises/constructor'),
  H('export kind __proto__', 'GET', '/api/v1/exports/__proto__'),
  H('stats month not a month', 'GET', '/api/v1/stats?month=__proto__'),
];

describe('hostile HTTP inputs: a catalogued 4xx, never 500', () => {
  it.each(HOSTILE.map((h) => [h.name, h] as const))('%s', async (_n, h) => {
    const url = h.url.replace('HZ', hz.in);
    const r = await send(h.method, url, TEST_TOKENS.admin, h.payload, undefined, h.payload !== undefined ? { 'content-type': h.type! } : {});
    expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
    expect(r.statusCode, r.body).toBeLessThan(500);
    expect(r.json().error.code, r.body).toMatch(/^(HL_ERR_|FST_ERR_)/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
