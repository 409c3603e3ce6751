// Scheduled reports on a real gateway (issue 15): a monthly bulletin at 08:00 on the 1st (cron, the
// gateway's time zone, the manual clock), rendered as xlsx and PDF, mailed to a real SMTP server
// with both files attached and POSTed to a webhook that fails once (retried, visible); a schedule
// whose webhook always fails ends `failed` with its last error; a run missed while the gateway was
// down is made at the next start; the files stay downloadable.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { ManualClock } from '../../gateway/src/clock.ts';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { rawTestConfig, tempDir } from '../helpers/gateway.ts';
import { startSmtpSink } from '../helpers/notify-sinks.ts';

const at = (local: string) => Date.parse(`${local}+08:00`);
const clock = new ManualClock(at('2026-12-01T07:59:00'));
let gw: Gateway;
let raw: Record<string, any>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let hook: Server;
let hookUrl = '';
const hookBodies: { type: string; body: string }[] = [];
const T = { regulator: 'tk-r', officer: 'tk-o', admin: 'tk-admin' };
const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
const start = async () => {
  gw = new Gateway(parseConfig(raw), { clock, log: createLogger({ level: 'silent' }) });
  await gw.start();
};

beforeAll(async () => {
  smtp = await startSmtpSink();
  // the webhook fails the first POST of each path with a 500; /always-down always does
  const seen = new Set<string>();
  hook = createServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      hookBodies.push({ type: String(req.headers['content-type']), body });
      const fail = req.url === '/always-down' || !seen.has(req.url!);
      seen.add(req.url!);
      res.writeHead(fail ? 500 : 204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}`;
  raw = await rawTestConfig(tempDir(), {
    auth: { devices: [], tokens: [{ token: T.admin, role: 'admin' }, { token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '孙监管' }, { token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '赵安全' }] },
    notify: { email: { host: '127.0.0.1', port: smtp.port, from: 'hazardline <report@example.com>' } },
    reports: {
      jurisdictionNames: { taian: '泰安市' },
      retrySeconds: 1,
      schedules: [
        { id: 'monthly-taian', cron: '0 8 1 * *', period: 'month', jurisdiction: 'taian', formats: ['xlsx', 'pdf'], email: ['leader@example.com'], webhook: `${hookUrl}/reports`, maxAttempts: 3 },
        { id: 'daily-ent-a', cron: '0 7 * * *', period: 'day', enterprise: 'ent-a', formats: ['xlsx'], webhook: `${hookUrl}/always-down`, maxAttempts: 2 },
      ],
    },
  });
  await start();
}, 30_000);
afterAll(async () => {
  await gw?.stop();
  await smtp?.close();
  await new Promise((r) => hook?.close(r));
});

const runs = async (token = T.regulator) => (await call('GET', '/api/v1/reports/runs', token)).json();

describe('scheduled reports', () => {
  it('nothing before 08:00 on the 1st; at 08:00 last month\'s bulletin is made, mailed and posted (retried after a 500)', async () => {
    const s = gw.pipeline!.scheduler;
    expect(new Date(s.nextRuns()['monthly-taian']).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    await s.tick(at('2026-12-01T07:59:59'));
    expect((await runs()).runs).toEqual([]);
    clock.set(at('2026-12-01T08:00:05'));
    await s.tick(clock.now());
    await s.idle();
    const [run] = (await runs()).runs;
    expect(run).toMatchObject({ schedule: 'monthly-taian', status: 'delivered', scheduledFor: '2026-12-01T00:00:00.000Z', period: { kind: 'month', label: '2026-11' }, jurisdiction: 'taian' });
    expect(run.files.map((f: { title: string }) => f.title)).toEqual(['泰安市安全生产月通报（2026年11月）.xlsx', '泰安市安全生产月通报（2026年11月）.pdf']);
    expect(run.deliveries.map((d: Record<string, unknown>) => [d.target, d.status, d.attempts, d.lastError])).toEqual([
      ['email', 'delivered', 1, null],
      ['webhook', 'delivered', 2, 'http 500'],
    ]);
    const mail = smtp.mails.find((m) => m.to.includes('leader@example.com'))!;
    expect(mail.parsed.subject).toBe('泰安市安全生产月通报（2026年11月）');
    expect(mail.parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['泰安市安全生产月通报（2026年11月）.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['泰安市安全生产月通报（2026年11月）.pdf', 'application/pdf'],
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(mail.parsed.attachments[0].content as unknown as ArrayBuffer);
    expect(wb.worksheets[0].getCell('A1').value).toBe('泰安市安全生产月通报（2026年11月）');
    expect(hookBodies[0].type).toMatch(/^multipart\/form-data; boundary=/);
    expect(Buffer.from(hookBodies.at(-1)!.body, 'latin1').toString('utf8')).toContain('"period":"2026-11"');
    // the next one: 1 January
    expect(new Date(s.nextRuns()['monthly-taian']).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('the files stay downloadable in scope; an officer does not see the jurisdiction\'s run', async () => {
    const [run] = (await runs()).runs;
    const file = await call('GET', run.files[1].url, T.regulator);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect((await call('GET', run.files[1].url, T.officer)).statusCode).toBe(404);
    expect((await runs(T.officer)).runs).toEqual([]);
  });

  it('a delivery that keeps failing ends failed, with its attempts and last error, for all to see', async () => {
    const r = await call('POST', '/api/v1/reports/runs', T.admin, { schedule: 'daily-ent-a' });
    expect(r.statusCode, r.body).toBe(201);
    await gw.pipeline!.scheduler.idle();
    const run = (await runs(T.officer)).runs.find((x: { schedule: string }) => x.schedule === 'daily-ent-a');
    expect(run).toMatchObject({ status: 'failed', period: { kind: 'day', label: '2026-11-30' } });
    expect(run.deliveries).toMatchObject([{ target: 'webhook', status: 'failed', attempts: 2, lastError: 'http 500' }]);
    expect((await call('POST', '/api/v1/reports/runs', T.admin, { schedule: 'nope' })).statusCode).toBe(400);
    expect((await call('POST', '/api/v1/reports/runs', T.regulator, { schedule: 'daily-ent-a' })).statusCode).toBe(403);
  });

  it('a run missed while the gateway was down is made at the next start', async () => {
    await gw.stop();
    clock.set(at('2027-01-01T09:30:00'));
    await start();
    await gw.pipeline!.scheduler.tick(clock.now());
    await gw.pipeline!.scheduler.idle();
    const monthly = (await runs()).runs.filter((x: { schedule: string }) => x.schedule === 'monthly-taian');
    expect(monthly.map((x: { period: { label: string }; scheduledFor: string }) => [x.period.label, x.scheduledFor])).toEqual([
      ['2026-12', '2027-01-01T00:00:00.000Z'],
      ['2026-11', '2026-12-01T00:00:00.000Z'],
    ]);
  });
});
