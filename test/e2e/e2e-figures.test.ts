// End to end in headless Chromium (issue 15): a regulator and an officer read the month's figures
// on the overview (KPI tiles from GET /api/v1/stats, ECharts charts, the ranking) and download the
// bulletin as .xlsx from the button; two dispatchers hand over a shift in the console (交班 → 接班),
// both recorded with the person; the board shows who was notified of an alarm. Screenshots at
// 1920×1080 under test-output/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspViolations, watchCsp } from '../helpers/csp.ts';
import { rawTestConfig, startTestGateway, tempDir, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { startFakeProvider } from '../helpers/notify-sinks.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
const VIEW = { width: 1920, height: 1080 };
const T = { worker: 'tk-w-fig', officer: 'tk-o-fig', regulator: 'tk-r-fig', night: 'tk-night-fig', day: 'tk-day-fig' };
let t: TestGateway;
let browser: Browser;
let sms: Awaited<ReturnType<typeof startFakeProvider>>;
let base = '';
const api = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => {
  const r = await t.gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json();
};
const act = (id: string, token: string, body: Record<string, unknown>) => api('POST', `/api/v1/hazards/${id}/actions`, token, body);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sms = await startFakeProvider(() => [200, { code: 0 }]);
  const raw = await rawTestConfig(tempDir());
  raw.enterprises[0].sites[0].name = '一号井';
  raw.enterprises[0].sites[0].devices[0].name = '301采场可燃气体探头';
  raw.enterprises[1].name = '示例化工';
  raw.enterprises.push({ id: 'ent-c', name: '东山铁矿', jurisdiction: 'taian', sites: [{ id: 'c1', name: '露天采场', devices: [{ id: 'slope-1', kind: 'slope', name: '北帮边坡' }] }] });
  t = await startTestGateway({
    enterprises: raw.enterprises,
    auth: {
      devices: raw.auth.devices,
      tokens: [
        { token: TEST_TOKENS.admin, role: 'admin' },
        { token: T.worker, role: 'worker', enterprises: ['ent-a'], name: '刘欢' },
        { token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '王安全' },
        { token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '张监管' },
        { token: T.night, role: 'dispatcher', enterprises: ['ent-a', 'ent-c'], name: '夜班李调度' },
        { token: T.day, role: 'dispatcher', enterprises: ['ent-a', 'ent-c'], name: '白班赵调度' },
      ],
    },
    reports: { jurisdictionNames: { taian: '泰安市' } },
    notify: {
      sms: { url: `${sms.url}/send`, body: '{"mobile":"{{phone}}","content":"{{text}}"}', success: { field: 'code', equals: 0 } },
      persons: [{ id: 'duty', name: '值班长周强', phone: '13800001111' }],
      rosters: [{ enterprise: 'ent-a', shifts: [{ name: '全天', from: '00:00', to: '00:00', persons: ['duty'] }] }],
      escalations: [{ name: 'red', severities: ['red'], steps: [{ afterMinutes: 0, to: ['on-duty'], via: ['sms'] }] }],
    },
  });
  base = `http://127.0.0.1:${t.gw.httpPort}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });

  // this month: three worker reports (one rectified, closed and rewarded), a self-inspection finding, a red alarm disposed
  const ids: string[] = [];
  for (const title of ['吊链隐蔽断口', '配电室门未关', '巷道照明损坏']) ids.push((await api('POST', '/api/v1/hazards', T.worker, { enterprise: 'ent-a', site: 's1', title, reporter: { name: '刘欢', phone: '13812345678' } })).hazard.id);
  await act(ids[0], T.officer, { action: 'verify' });
  await act(ids[0], T.officer, { action: 'confirm', level: 'general' });
  await act(ids[0], T.officer, { action: 'assign', owner: '张工', measures: '更换吊链', deadline: new Date(Date.now() + 86_400_000).toISOString() });
  await act(ids[0], T.officer, { action: 'rectify', evidence: '已更换' });
  await act(ids[0], T.officer, { action: 'close' });
  await act(ids[0], T.officer, { action: 'reward', amount: 200 });
  await api('POST', '/api/v1/hazards', T.officer, { enterprise: 'ent-a', source: 'self', title: '消防通道堵塞' });
  await api('POST', '/api/v1/hazards', T.regulator, { enterprise: 'ent-c', title: '北帮边坡裂缝', level: 'major' });
  t.gw.alarms!.handle({ rule: 'gas.lel', key: 'gas.lel|fig|1', subject: { enterprise: 'ent-a', site: 's1', device: 'gas-01' }, metric: 'lel', active: true, severity: 'red', value: 52, threshold: 50, ts: Date.now(), message: { zh: '可燃气体浓度超限', en: 'LEL high' } });
  t.gw.alarms!.handle({ rule: 'slope.displacement-rate', key: 'slope|fig|1', subject: { enterprise: 'ent-c', site: 'c1', device: 'slope-1' }, metric: 'mm_per_day', active: true, severity: 'orange', value: 12, threshold: 10, ts: Date.now(), message: { zh: '边坡位移速率超限', en: 'Slope moving' } });
  await t.gw.alarms!.flush();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  expect(cspViolations()).toEqual([]);
  await t?.stop();
  await sms?.close();
});

describe('figures, the bulletin, shift handover and notifications on screen (issue 15)', () => {
  it("the regulator's overview: KPI tiles from the stats, charts drawn, the ranking by risk, the bulletin downloaded", async () => {
    const page = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN', acceptDownloads: true }));
    await page.goto(`${base}/regulator?token=${T.regulator}`);
    await page.locator('button[data-tab="overview"]').click();
    const tile = (k: string) => page.locator(`[data-kpi="${k}"] b`);
    await expect.poll(() => tile('found').textContent(), { timeout: 10_000 }).toBe('5');
    expect(await tile('workerShare').textContent()).toBe('60%');
    expect(await tile('rewards').textContent()).toBe('¥200');
    expect(await tile('raised').textContent()).toBe('2 (红 1)');
    expect(await tile('openMajors').textContent()).toBe('1');
    // ECharts draws on canvases once its chunk has loaded
    await expect.poll(() => page.locator('.chart canvas').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    const ranking = page.locator('table.ranking tbody tr');
    expect(await ranking.locator('td:first-child').allTextContents()).toEqual(['示例矿业', '东山铁矿']);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'regulator-overview.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-action="bulletin-xlsx"]').click()]);
    expect(download.suggestedFilename()).toMatch(/^泰安市安全生产月通报（\d{4}年\d{1,2}月）\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toContain('重大隐患');
    expect(wb.getWorksheet('重大隐患')!.getRow(4).getCell(3).value).toBe('北帮边坡裂缝');
    // the English switch: the same figures, in English
    await page.locator('button.lang').click();
    await expect.poll(() => page.locator('[data-kpi="found"] small').textContent()).toBe('Hazards found');
    expect(await tile('found').textContent()).toBe('5');
    await page.screenshot({ path: join(SHOTS, 'regulator-overview-en.png'), fullPage: true });
    await page.close();
  });

  it("the officer's ledger exports what it shows: the filter of the screen, every page", async () => {
    const page = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN', acceptDownloads: true }));
    await page.goto(`${base}/officer?token=${T.officer}`);
    await page.locator('section.ledger button[data-state-tab="all"]').click();
    await page.locator('section.ledger select[name="source"]').selectOption('worker');
    await expect.poll(() => page.locator('section.ledger tbody tr[data-hazard]').count(), { timeout: 5000 }).toBe(3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('section.ledger button[data-action="export-csv"]').click()]);
    expect(download.suggestedFilename()).toBe('隐患台账.csv');
    const lines = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.includes('职工举报'))).toBe(true);
    expect(lines.join('\n')).not.toContain('刘欢');
    await page.close();
  });

  it("the officer's overview shows the enterprise alone", async () => {
    const page = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN' }));
    await page.goto(`${base}/officer?token=${T.officer}`);
    await page.locator('button[data-tab="overview"]').click();
    await expect.poll(() => page.locator('[data-kpi="found"] b').textContent(), { timeout: 10_000 }).toBe('4');
    expect(await page.locator('[data-kpi="rectificationRate"] b').textContent()).toBe('100%');
    await expect.poll(() => page.locator('.chart canvas').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'officer-overview.png'), fullPage: true });
    await page.close();
  });

  it('the board shows who was notified of the red alarm, and how', async () => {
    const page = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN' }));
    await page.goto(`${base}/?token=${T.night}`);
    const row = page.locator('tr.sev-red[data-alarm]').first();
    await row.click();
    const n = page.getByTestId('notifications');
    await expect.poll(() => n.locator('tbody tr').first().textContent(), { timeout: 15_000 }).toContain('已送达');
    expect(await n.locator('tbody tr').first().textContent()).toContain('值班长周强');
    expect(await n.locator('tbody tr').first().textContent()).toContain('短信');
    expect(await n.locator('tbody tr').first().textContent()).toContain('138****1111');
    await page.screenshot({ path: join(SHOTS, 'dispatcher-notifications.png') });
    await page.close();
  });

  it('two dispatchers hand over a shift: 交班 with notes, 接班 with a note; both recorded with the person', async () => {
    const night = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN' }));
    await night.goto(`${base}/?token=${T.night}`);
    await night.locator('button[data-view="handover"]').click();
    const form = night.locator('section.handover form').first();
    await expect.poll(() => form.locator('.summary').textContent(), { timeout: 10_000 }).toContain('2未关闭报警');
    expect(await form.locator('tbody tr').count()).toBe(2);
    await form.locator('textarea[name="notes"]').fill('北帮边坡位移持续，已通知矿方加密巡查；301采场通风机检修未完');
    await night.screenshot({ path: join(SHOTS, 'handover-offer.png') });
    await form.locator('button[data-action="hand-over"]').click();
    await expect.poll(() => night.getByTestId('handover-mine').count(), { timeout: 5000 }).toBe(1);

    const day = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN' }));
    await day.goto(`${base}/?token=${T.day}`);
    await day.locator('button[data-view="handover"]').click();
    const waiting = day.getByTestId('handover-waiting');
    await expect.poll(() => waiting.locator('h3').first().textContent(), { timeout: 10_000 }).toContain('夜班李调度 的交班，待您接班');
    expect(await waiting.locator('.notes').textContent()).toContain('北帮边坡位移持续');
    await waiting.locator('textarea[name="acceptNote"]').fill('已接班，边坡跟进');
    await day.screenshot({ path: join(SHOTS, 'handover-accept.png') });
    await waiting.locator('button[data-action="accept"]').click();
    const list = day.getByTestId('handovers');
    await expect.poll(() => list.locator('tr[data-state="accepted"]').count(), { timeout: 5000 }).toBe(1);
    expect(await list.locator('tr[data-state="accepted"]').textContent()).toContain('白班赵调度');
    await day.screenshot({ path: join(SHOTS, 'handover-accepted.png') });
    const h = (await api('GET', '/api/v1/handovers', T.day)).handovers[0];
    expect(h).toMatchObject({ state: 'accepted', fromName: '夜班李调度', toName: '白班赵调度', acceptNote: '已接班，边坡跟进' });
    const audit = await t.gw.records!.audit.entries(0, 10_000, { kind: 'shift-handover', ref: h.id });
    expect(audit.map((e) => [e.action, e.actor])).toEqual([['hand-over', '夜班李调度'], ['accept', '白班赵调度']]);
    await night.close();
    await day.close();
  });
});
