// Notifications to persons on a real gateway (issue 15): email to a real SMTP server started here,
// SMS and voice to a fake provider over the HTTP template (signed like 梦网: MD5 of account,
// secret and MMDDHHMMSS), the on-duty roster and the escalation chain driven by the manual clock,
// a major hazard's 直报, and the log of who was told on the alarm's and the hazard's pages.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/src/clock.ts';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { rawTestConfig, tempDir } from '../helpers/gateway.ts';
import { startFakeProvider, startSmtpSink } from '../helpers/notify-sinks.ts';
import { waitFor } from '../helpers/ports.ts';

const at = (local: string) => Date.parse(`${local}+08:00`);
// 2026-12-04 is a Friday: 白班 08:00–20:00 is 王值班, 夜班 李值班
const clock = new ManualClock(at('2026-12-04T09:00:00'));
let gw: Gateway;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let sms: Awaited<ReturnType<typeof startFakeProvider>>;
let voice: Awaited<ReturnType<typeof startFakeProvider>>;
const T = { dispatcher: 'tk-d', officer: 'tk-o', worker: 'tk-w', regulator: 'tk-r' };

let key = 0;
const raise = (severity: 'red' | 'yellow' = 'red') => {
  const k = `gas.lel|ent-a|s1||gas-01|lel|${++key}`;
  gw.alarms!.handle({ rule: 'gas.lel', key: k, subject: { enterprise: 'ent-a', site: 's1', device: 'gas-01' }, metric: 'lel', active: true, severity, value: 52, threshold: 50, ts: clock.now(), message: { zh: '可燃气体浓度超限', en: 'LEL high' } });
  return k;
};
const alarmByKey = (k: string) => gw.alarms!.openAlarms().find((a) => a.key === k)!;
const get = async (url: string, token: string) => {
  const r = await gw.api.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const post = async (url: string, token: string, payload: unknown) => {
  const r = await gw.api.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json();
};
const log = (alarmId: string) => get(`/api/v1/notifications?alarm=${alarmId}`, T.dispatcher).then((b) => b.notifications as Record<string, unknown>[]);
const settled = (list: Record<string, unknown>[]) => list.every((n) => n.status === 'delivered' || n.status === 'failed');

beforeAll(async () => {
  smtp = await startSmtpSink();
  // the first SMS request meets a 503 (retried); then the provider accepts with code 0
  sms = await startFakeProvider((_r, n) => (n === 1 ? [503, { code: 'busy' }] : [200, { code: '0', msgid: `m${n}` }]));
  // the voice provider refuses every call: code 1001 (余额不足)
  voice = await startFakeProvider(() => [200, { code: '1001', msg: '余额不足' }]);
  const raw = await rawTestConfig(tempDir(), {
    auth: {
      devices: [],
      tokens: [
        { token: 'tk-admin', role: 'admin' },
        { token: T.dispatcher, role: 'dispatcher', enterprises: ['ent-a'], name: '王调度' },
        { token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '赵安全' },
        { token: T.worker, role: 'worker', enterprises: ['ent-a'], name: '刘欢' },
        { token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '孙监管' },
      ],
    },
    notify: {
      email: { host: '127.0.0.1', port: smtp.port, from: 'hazardline <alarm@example.com>', timeoutMs: 5000 },
      sms: {
        url: `${sms.url}/sms/send`,
        body: '{"userid":"HL01","pwd":"{{sign}}","timestamp":"{{mmddhhmmss}}","mobile":"{{phone}}","content":"{{text}}"}',
        sign: { algorithm: 'md5', input: 'HL0100000000s3cret{{mmddhhmmss}}' },
        success: { field: 'code', equals: '0' },
      },
      voice: { url: `${voice.url}/voice?mobile={{phone}}&tts={{subject}}`, method: 'POST', success: { field: 'code', equals: '0' } },
      persons: [
        { id: 'wang', name: '王值班', email: 'wang@example.com', phone: '13800000001' },
        { id: 'li', name: '李值班', phone: '13800000002' },
        { id: 'boss', name: '张矿长', email: 'boss@example.com', phone: '13900000003' },
        { id: 'sun', name: '孙科长', email: 'sun@example.gov.cn', phone: '13900000009' },
      ],
      rosters: [{ enterprise: 'ent-a', shifts: [{ name: '白班', from: '08:00', to: '20:00', persons: ['wang'] }, { name: '夜班', from: '20:00', to: '08:00', persons: ['li'] }] }],
      escalations: [
        { name: 'red-chain', severities: ['red'], steps: [{ afterMinutes: 0, to: ['on-duty'], via: ['sms', 'email'] }, { afterMinutes: 5, to: ['boss'], via: ['voice', 'sms'] }] },
        // issue 17: a fatal accident's direct report to the regulator's contact, again while nobody signed for it
        { name: 'accident-direct-report', severities: ['red', 'orange'], rules: ['accident'], steps: [{ afterMinutes: 0, to: ['sun'], via: ['email'] }, { afterMinutes: 10, to: ['sun'], via: ['sms'] }] },
      ],
      hazardNotices: [{ name: 'major-direct', actions: ['direct-report'], levels: ['major'], to: ['boss'], via: ['email'] }],
      deliveries: { queueSize: 100, maxAttempts: 2 },
    },
  });
  gw = new Gateway(parseConfig(raw), { clock, log: createLogger({ level: 'silent' }) });
  await gw.start();
  gw.pipeline!.paging.pager.stopTimer();
}, 30_000);
afterAll(async () => {
  await gw?.stop();
  await smtp?.close();
  await sms?.close();
  await voice?.close();
});

describe('notifications to persons', () => {
  let first = '';

  it('a red alarm calls whoever is on duty at once, by SMS (retried after a 503, signed) and email', async () => {
    first = alarmByKey(raise()).id;
    await waitFor(async () => (await log(first)).length === 2 && settled(await log(first)), 15_000);
    const list = await log(first);
    expect(list.map((n) => [n.personName, n.channel, n.address, n.status, n.step])).toEqual([
      ['王值班', 'sms', '138****0001', 'delivered', 0],
      ['王值班', 'email', 'w***@example.com', 'delivered', 0],
    ]);
    expect(list.find((n) => n.channel === 'sms')!.attempts).toBe(2);
    const req = JSON.parse(sms.requests.at(-1)!.body);
    expect(req.mobile).toBe('13800000001');
    expect(req.content).toContain('【红色报警】示例矿业');
    expect(req.content).toContain('可燃气体浓度超限');
    expect(req.pwd).toBe(createHash('md5').update(`HL0100000000s3cret${req.timestamp}`).digest('hex'));
    // 梦网's MMDDHHMMSS, local time
    expect(req.timestamp).toBe('1204090000');
    const mail = smtp.mails.find((m) => m.to.includes('wang@example.com'))!;
    expect(mail.parsed.subject).toMatch(/^【红色报警】示例矿业 s1 gas-01 可燃气体浓度超限/);
    expect(mail.parsed.text).toContain('请登录调度台确认并处置');
  });

  it('not acknowledged after 5 minutes: the next step calls the manager (voice refused, counted failed; SMS delivered)', async () => {
    clock.set(at('2026-12-04T09:04:59'));
    await gw.pipeline!.paging.pager.tick(clock.now());
    expect(await log(first)).toHaveLength(2);
    clock.set(at('2026-12-04T09:05:00'));
    await gw.pipeline!.paging.pager.tick(clock.now());
    await waitFor(async () => (await log(first)).length === 4 && settled(await log(first)), 15_000);
    const list = await log(first);
    expect(list.slice(2).map((n) => [n.personName, n.channel, n.status, n.step, n.attempts])).toEqual([
      ['张矿长', 'voice', 'failed', 1, 2],
      ['张矿长', 'sms', 'delivered', 1, 1],
    ]);
    expect(list[2].lastError).toContain('code=1001');
    expect(list[2].subject).toMatch(/^【红色报警·5分钟未确认】/);
    expect(voice.requests[0].url).toContain('mobile=13900000003');
    // nothing more to call: the chain is done
    clock.set(at('2026-12-04T10:00:00'));
    await gw.pipeline!.paging.pager.tick(clock.now());
    expect(await log(first)).toHaveLength(4);
  });

  it('acknowledged within 5 minutes: the chain stops at the first step; a yellow alarm calls nobody', async () => {
    clock.set(at('2026-12-04T11:00:00'));
    const id = alarmByKey(raise()).id;
    await waitFor(async () => (await log(id)).length === 2, 15_000);
    clock.set(at('2026-12-04T11:02:00'));
    await post(`/api/v1/alarms/${id}/ack`, T.dispatcher, { note: '已通知现场' });
    clock.set(at('2026-12-04T11:10:00'));
    await gw.pipeline!.paging.pager.tick(clock.now());
    expect((await log(id)).map((n) => n.step)).toEqual([0, 0]);
    const yellow = alarmByKey(raise('yellow')).id;
    await gw.pipeline!.paging.pager.tick(clock.now());
    expect(await log(yellow)).toEqual([]);
  });

  it('at night the night shift is called', async () => {
    clock.set(at('2026-12-04T22:30:00'));
    const id = alarmByKey(raise()).id;
    await waitFor(async () => (await log(id)).length === 2, 15_000);
    // 李值班 has no email address: recorded as failed, with the reason
    expect((await log(id)).map((n) => [n.personName, n.channel, n.status === 'failed' ? n.lastError : 'sent'])).toEqual([
      ['李值班', 'sms', 'sent'],
      ['李值班', 'email', '李值班 has no email address'],
    ]);
  });

  it('a major hazard confirmed (直报) mails the manager: the title, never the reporter', async () => {
    const created = await post('/api/v1/hazards', T.worker, { enterprise: 'ent-a', title: '尾矿库排洪井堵塞', reporter: { name: '刘欢', phone: '13812345678' } });
    const id = created.hazard.id;
    await post(`/api/v1/hazards/${id}/actions`, T.officer, { action: 'verify' });
    await post(`/api/v1/hazards/${id}/actions`, T.officer, { action: 'confirm', level: 'major' });
    await waitFor(async () => (await get(`/api/v1/notifications?hazard=${id}`, T.officer)).notifications.some((n: { status: string }) => n.status === 'delivered'), 15_000);
    const list = (await get(`/api/v1/notifications?hazard=${id}`, T.regulator)).notifications;
    expect(list.map((n: Record<string, unknown>) => [n.personName, n.channel, n.policy, n.status])).toEqual([['张矿长', 'email', 'major-direct', 'delivered']]);
    const mail = smtp.mails.find((m) => m.parsed.subject?.includes('尾矿库排洪井堵塞'))!;
    expect(mail.parsed.subject).toBe('【重大隐患直报】示例矿业 尾矿库排洪井堵塞（已确认）');
    const all = JSON.stringify([mail.parsed.text, mail.parsed.subject, list]);
    expect(all).not.toContain('刘欢');
    expect(all).not.toContain('13812345678');
    expect(all).not.toContain(created.reportCode);
  });

  it('a fatal accident is reported directly to the regulator\'s contact (事故直报); signed for in time, nobody is called again', async () => {
    clock.set(at('2026-12-04T23:00:00'));
    const { accident } = await post('/api/v1/accidents', T.officer, { enterprise: 'ent-a', place: '-240 中段 301 采场', occurredAt: at('2026-12-04T22:50:00'), deaths: 1, injuries: 2, description: '顶板冒落' });
    const alarm = () => gw.alarms!.openAlarms().find((a) => a.rule === 'accident.reported' && (a.evidence as { accidentId?: string } | null)?.accidentId === accident.id)!;
    await waitFor(() => alarm(), 10_000, 'the accident alarm');
    const direct = async () => (await log(alarm().id)).filter((n) => n.policy === 'accident-direct-report');
    await waitFor(async () => (await direct()).some((n) => n.status === 'delivered'), 15_000, 'the direct report mailed');
    expect((await direct()).map((n) => [n.personName, n.channel, n.step])).toEqual([['孙科长', 'email', 0]]);
    const mail = smtp.mails.find((m) => m.to.includes('sun@example.gov.cn'))!;
    expect(mail.parsed.subject).toMatch(/^【事故直报】示例矿业 .*生产安全事故（亡人）直报：-240 中段 301 采场，死亡 1 人、受伤 2 人（发生于 12-04 22:50）/);
    expect(mail.parsed.text).toContain('签收');
    // signed for at 23:05: no further step of any chain for it (the red chain's 5-minute step neither)
    clock.set(at('2026-12-04T23:05:00'));
    await post(`/api/v1/accidents/${accident.id}/receive`, T.regulator, {});
    await waitFor(() => !alarm().active, 10_000, 'cleared when signed for');
    clock.set(at('2026-12-04T23:20:00'));
    await gw.pipeline!.paging.pager.tick(clock.now());
    expect((await log(alarm().id)).map((n) => n.step)).toEqual([0, 0, 0]);
  });

  it('scope: another enterprise\'s alarm is 404; a dispatcher may not read a hazard\'s; alarm= or hazard= is required', async () => {
    const none = await gw.api.inject({ method: 'GET', url: '/api/v1/notifications?alarm=al_none', headers: { authorization: `Bearer ${T.dispatcher}` } });
    expect(none.statusCode).toBe(404);
    const hz = await gw.api.inject({ method: 'GET', url: '/api/v1/notifications?hazard=hz_x', headers: { authorization: `Bearer ${T.dispatcher}` } });
    expect(hz.statusCode).toBe(403);
    const bad = await gw.api.inject({ method: 'GET', url: '/api/v1/notifications', headers: { authorization: `Bearer ${T.dispatcher}` } });
    expect(bad.statusCode).toBe(400);
  });

  it('counted in /metrics by channel and outcome', async () => {
    const text = (await gw.api.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/hazardline_person_notifications_total\{channel="voice",status="failed"\} 1/);
    expect(text).toMatch(/hazardline_person_notifications_total\{channel="sms",status="retrying"\} 1/);
  });
});
