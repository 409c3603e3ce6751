// Figures and files through the HTTP API on a real gateway (issue 15): a November built through
// the API and the alarm manager under a manual clock; GET /api/v1/stats checked exactly; the
// bulletin opened as .xlsx (ExcelJS reads it back) and as PDF (pdftotext); the ledgers exported;
// the reporter's name, phone and report code in none of them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../gateway/src/clock.ts';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { rawTestConfig, tempDir } from '../helpers/gateway.ts';

const t = (local: string) => Date.parse(`${local}+08:00`);
const T = { worker: 'tk-w', officer: 'tk-o', officerB: 'tk-ob', regulator: 'tk-r', dispatcher: 'tk-d' };
const tokens = [
  { token: 'tk-admin', role: 'admin' },
  { token: T.worker, role: 'worker', enterprises: ['ent-a'], name: '刘欢' },
  { token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '赵安全' },
  { token: T.officerB, role: 'officer', enterprises: ['ent-b'], name: '钱安全' },
  { token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '孙监管' },
  { token: T.dispatcher, role: 'dispatcher', enterprises: ['ent-a'], name: '王调度' },
];
const SECRET = { name: '刘欢', phone: '13812345678' };
let gw: Gateway;
let code = '';
const clock = new ManualClock(t('2026-11-02T09:00:00'));
const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => {
  const r = await gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  return r;
};
const ok = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => {
  const r = await call(method, url, token, payload);
  expect(r.statusCode, `${method} ${url}: ${r.body}`).toBeLessThan(300);
  return r.json();
};
const act = (id: string, token: string, body: Record<string, unknown>) => ok('POST', `/api/v1/hazards/${id}/actions`, token, body);
const gas = (ts: number, active: boolean) => gw.alarms!.handle({ rule: 'gas.lel', key: 'gas.lel|ent-a|s1||gas-01|lel', subject: { enterprise: 'ent-a', site: 's1', device: 'gas-01' }, metric: 'lel', active, severity: 'red', value: active ? 52 : 3, threshold: 50, ts, message: { zh: '可燃气体浓度超限', en: 'LEL high' } });

beforeAll(async () => {
  const raw = await rawTestConfig(tempDir(), { auth: { tokens, devices: [] }, reports: { jurisdictionNames: { taian: '泰安市' } } });
  gw = new Gateway(parseConfig(raw), { clock, log: createLogger({ level: 'silent' }) });
  await gw.start();

  // h1: 刘欢's report, checked, rectified in a day, closed and rewarded 100 on 4 Nov
  const h1 = await ok('POST', '/api/v1/hazards', T.worker, { enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', title: '吊链隐蔽断口', reporter: SECRET });
  code = h1.reportCode;
  const id1 = h1.hazard.id;
  await act(id1, T.officer, { action: 'verify' });
  await act(id1, T.officer, { action: 'confirm', level: 'general' });
  await act(id1, T.officer, { action: 'assign', owner: '张工', measures: '更换吊链', funds: 800, deadline: '2026-11-05T18:00:00+08:00' });
  clock.set(t('2026-11-03T09:00:00'));
  await act(id1, T.officer, { action: 'rectify', evidence: '已更换' });
  await act(id1, T.officer, { action: 'close', note: '验收合格' });
  clock.set(t('2026-11-04T10:00:00'));
  await act(id1, T.officer, { action: 'reward', amount: 100 });

  // a1: a red gas alarm on 5 Nov, acknowledged after 6 min, disposed the same day after an hour
  gas(t('2026-11-05T10:00:00'), true);
  await gw.alarms!.flush();
  const a1 = gw.alarms!.openAlarms()[0];
  clock.set(t('2026-11-05T10:06:00'));
  await ok('POST', `/api/v1/alarms/${a1.id}/ack`, T.dispatcher, { note: '收到' });
  gas(t('2026-11-05T10:30:00'), false);
  clock.set(t('2026-11-05T11:00:00'));
  await ok('POST', `/api/v1/alarms/${a1.id}/dispose`, T.dispatcher, { cause: '通风不良', measures: '加强通风', result: '浓度恢复正常' });

  // h2: the enterprise's own finding on 10 Nov, rectification due 15 Nov, still not done
  clock.set(t('2026-11-10T10:00:00'));
  const h2 = await ok('POST', '/api/v1/hazards', T.officer, { enterprise: 'ent-a', source: 'self', title: '配电柜接地不良' });
  await act(h2.hazard.id, T.officer, { action: 'verify' });
  await act(h2.hazard.id, T.officer, { action: 'confirm', level: 'general' });
  await act(h2.hazard.id, T.officer, { action: 'assign', owner: '李电工', measures: '重做接地', deadline: '2026-11-15T18:00:00+08:00' });

  // a regulator's verification on 13 Nov, confirmed on site on 14 Nov
  clock.set(t('2026-11-13T09:00:00'));
  const v = await ok('POST', '/api/v1/verifications', T.regulator, { enterprise: 'ent-a', finding: '夜间用电负荷异常', dueBy: '2026-11-20T18:00:00+08:00' });
  clock.set(t('2026-11-14T09:00:00'));
  await ok('POST', `/api/v1/verifications/${v.verification.id}/result`, T.regulator, { confirmed: true, note: '现场核实属实' });

  // h3: a regulator's major finding on 20 Nov, not yet checked
  clock.set(t('2026-11-20T09:00:00'));
  await ok('POST', '/api/v1/hazards', T.regulator, { enterprise: 'ent-a', title: '尾矿库排洪设施堵塞', level: 'major' });
  // ent-b (another jurisdiction): one worker report the regulator of taian never counts
  await ok('POST', '/api/v1/hazards', T.officerB, { enterprise: 'ent-b', title: '储罐区静电接地缺失' });

  clock.set(t('2026-12-01T09:00:00'));
  await gw.alarms!.flush();
});
afterAll(async () => {
  await gw?.stop();
});

const noSecrets = (text: string) => {
  expect(text).not.toContain(SECRET.name);
  expect(text).not.toContain(SECRET.phone);
  expect(text).not.toContain(code);
};

describe('GET /api/v1/stats', () => {
  it('the regulator\'s November of taian, exactly', async () => {
    const s = await ok('GET', '/api/v1/stats?month=2026-11', T.regulator);
    expect(s.scope).toEqual({ enterprises: ['ent-a'], enterprise: null, site: null, jurisdiction: null });
    expect(s.period).toEqual({ kind: 'month', label: '2026-11', from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z', timezone: 'Asia/Shanghai' });
    expect(s.hazards).toEqual({
      // h1, h2, h3 and the hazard the confirmed verification opened
      found: 4,
      bySource: { worker: 1, alarm: 0, inspection: 2, self: 1 },
      workerShare: 0.25,
      byLevel: { general: 3, major: 1 },
      byCategory: { static: 3, dynamic: 1 },
      confirmed: 2,
      rejected: 0,
      rectified: 1,
      rectificationRate: 0.5,
      overdue: 1,
      rectifiedLate: 0,
      meanHoursToRectify: 24,
      openMajors: 1,
    });
    expect(s.rewards).toEqual({ count: 1, amount: 100, byTier: [{ tier: 2, count: 1, amount: 100 }], pending: 0 });
    expect(s.alarms).toMatchObject({ raised: 1, bySeverity: { red: 1, orange: 0, yellow: 0, blue: 0 }, byFamily: { gas: 1 }, disposed: 1, sameDayDisposed: 1, sameDayDisposalRate: 1, meanMinutesToAck: 6, meanMinutesToDispose: 60 });
    expect(s.inspection.verifications).toEqual({ created: 1, confirmed: 1, notConfirmed: 0, open: 0 });
    expect(s.enterprises.map((e: { id: string; hazardsFound: number }) => [e.id, e.hazardsFound])).toEqual([['ent-a', 4]]);
    expect(s.trend.find((d: { day: string }) => d.day === '2026-11-05')).toEqual({ day: '2026-11-05', hazardsFound: 0, workerReports: 0, rectified: 0, alarmsRaised: 1, redAlarms: 1, sameDayDisposed: 1 });
  });

  it('the contract\'s shape (CONTRACT §11) for a day, a week and from/to', async () => {
    const day = await ok('GET', '/api/v1/stats?period=day&date=2026-11-02', T.officer);
    expect(day.hazards).toMatchObject({ found: 1, bySource: { worker: 1, alarm: 0, inspection: 0, self: 0 }, workerShare: 1, rectified: 1, rectificationRate: 1, overdue: 0 });
    expect(day.rewards).toMatchObject({ count: 0, amount: 0 });
    expect(day.alarms).toMatchObject({ raised: 0, sameDayDisposalRate: null });
    const week = await ok('GET', '/api/v1/stats?period=week&date=2026-11-05', T.dispatcher);
    expect([week.period.label, week.alarms.raised, week.rewards.amount]).toEqual(['2026-W45', 1, 100]);
    const range = await ok('GET', '/api/v1/stats?from=2026-11-10&to=2026-11-30&enterprise=ent-a', T.officer);
    expect([range.hazards.found, range.hazards.bySource.self, range.hazards.bySource.inspection]).toEqual([3, 1, 2]);
  });

  it('scope: another enterprise or jurisdiction answers 404; a bad period 400', async () => {
    expect((await call('GET', '/api/v1/stats?enterprise=ent-b', T.officer)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/stats?jurisdiction=jinan', T.regulator)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/stats?month=2026-13', T.regulator)).json().error).toMatchObject({ code: 'HL_ERR_BAD_REQUEST' });
    const all = await ok('GET', '/api/v1/stats?month=2026-11', 'tk-admin');
    expect([all.scope.enterprises, all.hazards.found]).toEqual([['ent-a', 'ent-b'], 5]);
  });
});

describe('the bulletin and the exports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bulletin-'));

  it('月通报 as .xlsx: real sheets, headers and the figures', async () => {
    const r = await call('GET', '/api/v1/reports/bulletin?jurisdiction=taian&month=2026-11&format=xlsx', T.regulator);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    expect(r.headers['content-disposition']).toContain('bulletin-taian-2026-11.xlsx');
    expect(decodeURIComponent(String(r.headers['content-disposition']).split("UTF-8''")[1])).toBe('泰安市安全生产月通报（2026年11月）.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概况', '需关注企业', '重大隐患', '核查结果', '企业排名', '报警分类', '明停暗开', '每日趋势']);
    const summary = wb.getWorksheet('概况')!;
    const figure = (label: string) => (summary.getSheetValues().find((row) => Array.isArray(row) && row[1] === label) as ExcelJS.CellValue[] | undefined)?.[2];
    expect(summary.getCell('A1').value).toBe('泰安市安全生产月通报（2026年11月）');
    expect([figure('隐患总数'), figure('职工举报'), figure('整改率'), figure('逾期未整改'), figure('奖励金额（元）'), figure('当日处置率')]).toEqual([4, 1, 0.5, 1, 100, 1]);
    expect(summary.getRow(summary.getSheetValues().findIndex((row) => Array.isArray(row) && row[1] === '整改率')).getCell(2).numFmt).toBe('0.0%');
    const majors = wb.getWorksheet('重大隐患')!;
    expect(majors.getRow(3).values).toEqual([undefined, '编号', '企业', '隐患', '来源', '状态', '上报时间', '整改期限', '逾期']);
    expect(majors.getRow(4).getCell(3).value).toBe('尾矿库排洪设施堵塞');
    expect(majors.getRow(4).getCell(5).value).toBe('已上报');
    expect(wb.getWorksheet('核查结果')!.getRow(4).getCell(5).value).toBe('属实');
    const text = JSON.stringify(wb.worksheets.map((w) => w.getSheetValues()));
    noSecrets(text);
  });

  it('月通报 as PDF: Chinese text and figures extractable (pdftotext)', async () => {
    const r = await call('GET', '/api/v1/reports/bulletin?jurisdiction=taian&month=2026-11&format=pdf', T.regulator);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    const file = join(dir, 'b.pdf');
    writeFileSync(file, r.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('泰安市安全生产月通报（2026年11月）');
    expect(text).toMatch(/隐患总数\s+4/);
    expect(text).toMatch(/整改率\s+50\.0%/);
    expect(text).toMatch(/奖励金额（元）\s+100\.00/);
    expect(text).toContain('尾矿库排洪设施堵塞');
    expect(text).toContain('示例矿业');
    noSecrets(text);
  });

  it('日报 of an enterprise for an officer; another enterprise 404; a dispatcher 403', async () => {
    const r = await call('GET', '/api/v1/reports/bulletin?enterprise=ent-a&date=2026-11-05&format=xlsx', T.officer);
    expect(r.statusCode, r.body).toBe(200);
    expect(decodeURIComponent(String(r.headers['content-disposition']).split("UTF-8''")[1])).toBe('示例矿业安全生产日报（2026年11月5日）.xlsx');
    expect((await call('GET', '/api/v1/reports/bulletin?enterprise=ent-b&month=2026-11', T.officer)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/reports/bulletin?month=2026-11', T.dispatcher)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/reports/bulletin?month=2026-11&format=docx', T.officer)).statusCode).toBe(400);
  });

  it('the hazard ledger as CSV under the console\'s filters; the reporter only as the public alias', async () => {
    const r = await call('GET', '/api/v1/exports/hazards?format=csv&state=all&sort=reportedAt&order=asc', T.officer);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = r.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('编号,企业,场所,区域,隐患,来源,等级,类别,状态,举报人,上报时间,整改责任人,整改措施,资金（元）,整改期限,整改完成,销号时间,逾期,奖励（元）');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain('吊链隐蔽断口');
    expect(lines[1]).toContain('301采场');
    expect(lines[1]).toContain('职工 刘*');
    expect(lines[1]).toContain('2026-11-02 09:00');
    noSecrets(r.body);
    const self = await call('GET', '/api/v1/exports/hazards?format=csv&source=self', T.officer);
    expect(self.body.trim().split('\n')).toHaveLength(2);
  });

  it('alarms, rewards and verifications as xlsx; roles as the ledgers', async () => {
    const read = async (url: string, token: string) => {
      const r = await call('GET', url, token);
      expect(r.statusCode, r.body).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
      return wb.worksheets[0];
    };
    const alarms = await read('/api/v1/exports/alarms?from=2026-11-01T00:00:00%2B08:00', T.dispatcher);
    expect(alarms.name).toBe('报警台账');
    expect(alarms.getRow(4).getCell(3).value).toBe('红色');
    expect(alarms.getRow(4).getCell(14).value).toBe('通风不良');
    expect(alarms.getRow(4).getCell(19).value).toBe('是');
    const rewards = await read('/api/v1/exports/rewards', T.officer);
    expect(rewards.getRow(4).getCell(7).value).toBe(100);
    noSecrets(JSON.stringify(rewards.getSheetValues()));
    const v = await read('/api/v1/exports/verifications', T.regulator);
    expect(v.getRow(4).getCell(8).value).toBe('属实');
    expect((await call('GET', '/api/v1/exports/verifications', T.officer)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/exports/hazards', T.dispatcher)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/exports/people', T.officer)).statusCode).toBe(400);
  });
});
