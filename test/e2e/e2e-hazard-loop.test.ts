// End to end in headless Chromium (issue 14): the people who run the loop do their whole job in
// the browser. An officer takes a worker's anonymous report through every step on the workbench
// (/officer: clicks, forms, a photo upload, a refused step showing the API's reason) to the public
// notice, enters a transcribed phone report and a self-inspection finding, and declares the
// enterprise's status; a regulator approves a major hazard's closure from 督办 and reopens it from
// the ledger (回头看); a dispatcher disposes an alarm and the same-day disposal rate moves. Every
// step is recorded with the person. Screenshots at 1920×1080 under test-output/screenshots/.
import { cspViolations, watchCsp } from '../helpers/csp.ts';
import mqtt from 'mqtt';
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hazard, HazardHistoryEntry } from '../../gateway/src/hazards/types.ts';
import { rawTestConfig, startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { tempDir } from '../helpers/gateway.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
const WORKER = 'tk-worker-loop';
const OFFICER = 'tk-officer-loop';
const REGULATOR = 'tk-regulator-loop';
const DISPATCHER = 'tk-dispatcher-loop';
const VIEW = { width: 1920, height: 1080 };
let t: TestGateway;
let browser: Browser;
let PNG: Buffer;
let base = '';

const api = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => {
  const r = await t.gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: r.statusCode, body: r.json() };
};

beforeAll(async () => {
  PNG = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#557733' } }).png().toBuffer();
  mkdirSync(SHOTS, { recursive: true });
  const raw = await rawTestConfig(tempDir());
  raw.enterprises[0].sites[0].name = '一号井';
  raw.enterprises[0].sites[0].zones.push({ id: 'z-shaft', name: '主井井口', maxPersons: 20 });
  raw.enterprises[0].sites[0].devices[0].name = '301采场可燃气体探头';
  t = await startTestGateway({
    enterprises: raw.enterprises,
    auth: {
      devices: raw.auth.devices,
      tokens: [
        { token: TEST_TOKENS.admin, role: 'admin' },
        { token: WORKER, role: 'worker', enterprises: ['ent-a'], name: '刘欢' },
        { token: OFFICER, role: 'officer', enterprises: ['ent-a'], name: '王安全' },
        { token: REGULATOR, role: 'regulator', jurisdictions: ['taian'], name: '张监管' },
        { token: DISPATCHER, role: 'dispatcher', enterprises: ['ent-a'], name: '李调度' },
      ],
    },
  });
  base = `http://127.0.0.1:${t.gw.httpPort}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  expect(cspViolations()).toEqual([]);
  await t?.stop();
});

/** opens a step's form on the hazard page, fills it, submits, and waits for the state */
async function step(page: Page, action: string, fill: (form: ReturnType<Page['locator']>) => Promise<void>, state: string) {
  const detail = page.locator('section.hazard-detail:visible');
  await detail.locator(`.steps button[data-action="${action}"]`).click();
  const form = detail.locator(`form[data-form="${action}"]`);
  await fill(form);
  await form.locator('button[data-action="submit"]').click();
  await expect.poll(() => detail.getByTestId('hazard-state').textContent(), { timeout: 5000 }).toBe(state);
}

describe('the hazard loop on screen (issue 14)', () => {
  it("an officer takes a worker's anonymous report through every step on the workbench to the public notice", async () => {
    const created = await api('POST', '/api/v1/hazards', WORKER, { enterprise: 'ent-a', site: 's1', zone: 'z-stope-301', title: '采场顶板浮石未清理', description: '301采场东侧顶板有浮石，未见敲帮问顶记录', anonymous: true });
    expect(created.status).toBe(201);
    const id = created.body.hazard.id as string;
    const page = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN' }));
    await page.goto(`${base}/officer?token=${OFFICER}`);
    await page.getByTestId('me').filter({ hasText: '王安全' }).waitFor();
    const row = page.locator(`tr[data-hazard="${id}"]`);
    await row.waitFor();
    // names, not ids
    expect(await row.textContent()).toContain('一号井 / 301采场');
    expect(await row.textContent()).toContain('职工举报');
    expect(await page.locator('button[data-state-tab="reported"] b').textContent()).toBe('1');
    await row.click();
    const detail = page.locator('section.hazard-detail:visible');
    expect(await detail.getByTestId('hazard-state').textContent()).toBe('已上报');
    expect(await detail.textContent()).toContain('举报人: 匿名');
    await page.screenshot({ path: join(SHOTS, 'officer-ledger.png') });

    await step(page, 'verify', (f) => f.locator('input[name="note"]').fill('已受理，安排现场核查'), '现场核查中');
    await step(page, 'confirm', (f) => f.locator('input[name="outsideDuties"]').check(), '已确认');
    // seed 000: paid at once after confirmation; outside own duties: the tiers doubled (100 = 50 × 2)
    await step(page, 'reward', async (f) => expect(await f.locator('select[name="amount"] option').allTextContents()).toEqual(['100', '200', '400', '1000', '2000', '6000']), '已确认');
    expect(await detail.locator('.reward').textContent()).toContain('100');
    // a refused step shows the API's reason
    await detail.locator('.steps button[data-action="assign"]').click();
    const assign = detail.locator('form[data-form="assign"]');
    await assign.locator('input[name="owner"]').fill('采矿队 赵队长');
    await assign.locator('textarea[name="measures"]').fill('敲帮问顶，清除浮石，补打锚杆');
    await assign.locator('input[name="deadline"]').fill('2020-01-01T08:00');
    await assign.locator('button[data-action="submit"]').click();
    await expect.poll(() => detail.getByRole('alert').textContent()).toBe('deadline: must be in the future');
    await assign.locator('input[name="deadline"]').fill(new Date(Date.now() + 8 * 3_600_000 + 3 * 86_400_000).toISOString().slice(0, 16));
    await assign.locator('input[name="funds"]').fill('3000');
    await assign.locator('button[data-action="submit"]').click();
    await expect.poll(() => detail.getByTestId('hazard-state').textContent()).toBe('限期整改中');
    expect(await detail.locator('ul.deadlines').textContent()).toMatch(/整改期限 .* 剩余 [23]天\d+小时/);
    await step(page, 'rectify', async (f) => {
      await f.locator('textarea[name="evidence"]').fill('浮石已清除，补打锚杆 6 根');
      await f.locator('input[name="photos"]').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: PNG });
    }, '已整改待验收');
    await detail.locator('.photos img').waitFor();
    await step(page, 'close', (f) => f.locator('input[name="note"]').fill('现场验收合格'), '已销号');
    await step(page, 'publish', async () => {}, '已公示');
    expect(await detail.locator('.steps').textContent()).toContain('当前无可办理步骤');
    // the timeline: who, when, what
    const steps = await detail.locator('ol.timeline li').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(steps).toEqual(['create', 'verify', 'confirm', 'reward', 'assign', 'rectify', 'close', 'publish']);
    expect(await detail.locator('ol.timeline li[data-step="assign"]').textContent()).toContain('安全员 王安全');
    // the anonymous worker is never named, not even as the token's person
    expect(await detail.locator('ol.timeline').textContent()).not.toContain('刘欢');
    await page.screenshot({ path: join(SHOTS, 'officer-hazard.png') });
    const history = (await t.gw.records!.hazards.history<HazardHistoryEntry>(id))!;
    expect(history.filter((e) => e.action !== 'create').every((e) => e.actor.id === '王安全')).toBe(true);
    const hz = (await t.gw.records!.hazards.get<Hazard>(id))!;
    expect(hz).toMatchObject({ state: 'published', outsideDuties: true, reward: { amount: 100, tier: 1, outsideDuties: true } });
    expect(hz.photos).toHaveLength(1);

    const notice = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN' }));
    await notice.goto(`${base}/public`);
    const item = notice.locator(`li[data-hazard="${id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('匿名');
    await notice.close();

    // English switch
    await page.locator('button.lang').click();
    await expect.poll(() => detail.getByTestId('hazard-state').textContent()).toBe('Published');
    await page.locator('button.lang').click();
    await page.close();
  }, 90_000);

  it('an officer enters a phone report on a worker\'s behalf and a self-inspection finding, and declares the status with its history', async () => {
    const page = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN' }));
    await page.goto(`${base}/officer?token=${OFFICER}`);
    await page.locator('button[data-tab="new"]').click();
    const form = page.locator('form.new-report');
    await form.locator('select[name="channel"]').selectOption('phone');
    await form.locator('input[name="name"]').fill('赵四');
    await form.locator('select[name="zone"]').selectOption('z-shaft');
    await form.locator('input[name="title"]').fill('主井井口防护栏松动');
    await page.screenshot({ path: join(SHOTS, 'officer-new-report.png') });
    await form.locator('button[data-action="create"]').click();
    await expect.poll(() => page.locator('.notice').textContent()).toMatch(/^已登记，举报查询码 HL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/);
    const phone = (await t.gw.records!.hazards.list<Hazard>({ enterprises: ['ent-a'], limit: 100 })).find((h) => h.title === '主井井口防护栏松动')!;
    expect(phone).toMatchObject({ source: 'worker', channel: 'phone', zone: 'z-shaft', reporterAlias: '职工 赵*' });
    // the new report opens on the ledger, with its channel
    await expect.poll(() => page.locator('section.hazard-detail:visible .meta').textContent()).toContain('职工举报（电话）');

    await page.locator('button[data-tab="new"]').click();
    await form.locator('input[name="kind"][value="self"]').check();
    expect(await form.locator('select[name="channel"]').count()).toBe(0);
    await form.locator('input[name="title"]').fill('配电室门未上锁');
    await form.locator('button[data-action="create"]').click();
    await expect.poll(() => page.locator('.notice').textContent()).toBe('已登记');
    const self = (await t.gw.records!.hazards.list<Hazard>({ enterprises: ['ent-a'], limit: 100 })).find((h) => h.title === '配电室门未上锁')!;
    expect(self).toMatchObject({ source: 'self' });
    expect(self.reportCode).toBeUndefined();
    // the ledger filters by source
    await page.locator('select[name="source"]').selectOption('self');
    await expect.poll(() => page.locator('tr[data-hazard]').count()).toBe(1);

    await page.locator('button[data-tab="status"]').click();
    await page.locator('section.status select[name="status"]').selectOption('rectifying');
    await page.locator('section.status input[name="reason"]').fill('顶板隐患整改，301采场停产整顿');
    await page.locator('section.status button[data-action="declare"]').click();
    await expect.poll(() => page.getByTestId('declared-now').textContent()).toBe('停产整顿');
    expect(await page.locator('section.status table tbody tr').first().textContent()).toContain('王安全');
    await page.screenshot({ path: join(SHOTS, 'officer-status.png') });
    await page.close();
  }, 60_000);

  it("a regulator approves a major hazard's closure from 督办 and reopens it from the ledger (回头看)", async () => {
    const c = await api('POST', '/api/v1/hazards', REGULATOR, { enterprise: 'ent-a', site: 's1', title: '尾矿库排洪设施堵塞', level: 'major', category: 'dynamic' });
    expect(c.status).toBe(201);
    const id = c.body.hazard.id as string;
    for (const [token, body] of [
      [REGULATOR, { action: 'verify' }],
      [REGULATOR, { action: 'confirm' }],
      [OFFICER, { action: 'assign', owner: '矿长 孙某', measures: '清淤疏通排洪井', funds: 50_000, deadline: Date.now() + 10 * 86_400_000, plan: '目标、方法、资金、责任人、期限、安全措施、应急预案' }],
      [OFFICER, { action: 'rectify', evidence: '清淤完成，排洪井畅通' }],
    ] as const) expect((await api('POST', `/api/v1/hazards/${id}/actions`, token, body)).status).toBe(200);
    // the enterprise cannot close it alone
    expect((await api('POST', `/api/v1/hazards/${id}/actions`, OFFICER, { action: 'close' })).status).toBe(403);

    const page = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN' }));
    await page.goto(`${base}/regulator?token=${REGULATOR}`);
    await page.getByTestId('me').filter({ hasText: '张监管' }).waitFor();
    const tile = page.locator('[data-kpi="major"] b');
    await tile.waitFor();
    expect(Number(await tile.textContent())).toBeGreaterThanOrEqual(1);
    const row = page.locator(`tr[data-supervised="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('示例矿业');
    expect(await row.textContent()).toContain('矿长 孙某');
    expect(await row.textContent()).toMatch(/剩余 \d+天/);
    await page.screenshot({ path: join(SHOTS, 'regulator-supervision.png') });
    await row.click();
    const detail = page.locator('section.hazard-detail:visible');
    await detail.locator('.steps button[data-action="close"]').filter({ hasText: '审批销号' }).click();
    await detail.locator('form[data-form="close"] input[name="note"]').fill('现场复核合格，准予销号');
    await detail.locator('form[data-form="close"] button[data-action="submit"]').click();
    await expect.poll(() => detail.getByTestId('hazard-state').textContent()).toBe('已销号');
    const closed = (await t.gw.records!.hazards.get<Hazard>(id))!;
    expect(closed.regulatorApproval).toMatchObject({ by: '张监管', role: 'regulator' });

    // 回头看: from the ledger, a closed hazard is reopened with the reason
    await page.locator('button[data-tab="ledger"]').click();
    await page.locator('button[data-state-tab="closed"]').click();
    await page.locator(`tr[data-hazard="${id}"]`).click();
    await step(page, 'reopen', (f) => f.locator('textarea[name="reason"]').fill('回头看：汛期复查排洪井再次淤堵'), '现场核查中');
    await page.screenshot({ path: join(SHOTS, 'regulator-reopen.png') });
    const reopened = (await t.gw.records!.hazards.history<HazardHistoryEntry>(id))!.at(-1)!;
    expect(reopened).toMatchObject({ action: 'reopen', actor: { role: 'regulator', id: '张监管' } });
    await page.close();
  }, 60_000);

  it('a dispatcher disposes an alarm (cause, measures, result, the person responsible) and the same-day rate moves', async () => {
    const page = watchCsp(await browser.newPage({ viewport: VIEW, locale: 'zh-CN' }));
    await page.goto(`${base}/?token=${DISPATCHER}`);
    await page.getByTestId('connection').filter({ hasText: '实时连接' }).waitFor();
    const c = await mqtt.connectAsync(t.mqttUrl, { username: 'gas-01', password: 'pw-gas-01' });
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts: Date.now(), values: { lel: 45 } }), { qos: 1 });
    await c.endAsync();
    const row = page.locator('tr[data-alarm]').filter({ hasText: '301采场可燃气体探头' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('values').textContent()).toBe('45 / 45 / 40');
    await expect.poll(() => page.getByTestId('same-day-rate').locator('b').textContent()).toBe('0%');
    await row.locator('button[data-action="dispose"]').click();
    const dialog = page.locator('form.dispose');
    await expect.poll(() => dialog.locator('select[name="cause"] option').count()).toBeGreaterThan(2);
    await dialog.locator('select[name="cause"]').selectOption('leak');
    await dialog.locator('input[name="measures"]').fill('关闭上游阀门，强制通风');
    await dialog.locator('input[name="result"]').fill('浓度降至 5 %LEL 以下');
    expect(await dialog.locator('input[name="responsible"]').inputValue()).toBe('李调度');
    await dialog.locator('input[name="responsible"]').fill('王班长');
    await page.screenshot({ path: join(SHOTS, 'dispatcher-dispose.png') });
    await dialog.locator('button[data-action="submit"]').click();
    await row.getByTestId('disposed').waitFor();
    await expect.poll(() => page.getByTestId('same-day-rate').locator('b').textContent()).toBe('100%');
    expect(await row.locator('td.state').textContent()).toContain('李调度'); // acknowledged by the person disposing it
    await page.screenshot({ path: join(SHOTS, 'dispatcher-disposed.png') });
    const rate = await api('GET', '/api/v1/alarms/disposal-rate', DISPATCHER);
    expect(rate.body).toMatchObject({ raised: 1, sameDay: 1, sameDayDisposalRate: 1 });
    const one = await api('GET', `/api/v1/alarms/${await row.getAttribute('data-alarm')}`, DISPATCHER);
    expect(one.body.alarm.disposal).toMatchObject({ disposedBy: '李调度', responsible: '王班长', cause: '设备/管道泄漏' });
    await page.close();
  }, 60_000);
});
