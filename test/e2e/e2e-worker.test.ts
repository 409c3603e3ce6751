// End to end in headless Chromium: a worker files a report on the phone page (安全举手) with a
// photo, gets a report code, and follows it by that code to the reward; the public notice page
// lists it with the reporter masked (issue 6). Screenshots under test-output/screenshots/.
import { cspViolations, watchCsp } from '../helpers/csp.ts';
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, devices, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hazard } from '../../gateway/src/hazards/types.ts';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
const WORKER = 'tk-worker-e2e';
const OFFICER = 'tk-officer-e2e';
let t: TestGateway;
let browser: Browser;
let PNG: Buffer;

beforeAll(async () => {
  PNG = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#aa5522' } }).png().toBuffer();
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestGateway({
    auth: {
      devices: [],
      tokens: [
        { token: TEST_TOKENS.admin, role: 'admin' },
        { token: WORKER, role: 'worker', enterprises: ['ent-a'], name: 'worker-e2e' },
        { token: OFFICER, role: 'officer', enterprises: ['ent-a'], name: '安全员王' },
      ],
    },
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  expect(cspViolations()).toEqual([]);
  await t?.stop();
});

describe('worker report page (安全举手) and public notice in Chromium', () => {
  it('a worker files a report with a photo, follows it by code to the reward; the notice masks the reporter', async () => {
    const base = `http://127.0.0.1:${t.gw.httpPort}`;
    const ctx = await browser.newContext({ ...devices['Pixel 7'] });
    const page = watchCsp(await ctx.newPage());
    await page.goto(`${base}/report?token=${WORKER}&enterprise=ent-a`);
    await page.locator('input[name="zone"]').fill('301采场');
    await page.locator('input[name="title"]').fill('行车吊链隐蔽断口');
    await page.locator('textarea[name="description"]').fill('10 t 行车吊链第三节有裂纹');
    await page.locator('input[name="name"]').fill('刘欢');
    await page.locator('input[name="photo"]').setInputFiles({ name: 'chain.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '提交' }).first().click();
    const code = (await page.getByTestId('report-code').textContent())!;
    expect(code).toMatch(/^HL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    await page.screenshot({ path: join(SHOTS, 'worker-report-code.png') });
    const hz = (await t.gw.records!.hazards.byCode<Hazard>(code))!;
    expect(hz.photos).toHaveLength(1);
    expect(hz.zone).toBe('z-stope-301'); // the zone typed by its name is stored by id
    // a place that is not a configured zone is kept in the description, and the report still goes in
    const other = watchCsp(await ctx.newPage());
    await other.goto(`${base}/report?token=${WORKER}&enterprise=ent-a`);
    await other.locator('input[name="zone"]').fill('二号皮带机尾');
    await other.locator('input[name="title"]').fill('托辊脱落');
    await other.locator('input[name="anonymous"]').check();
    await other.getByRole('button', { name: '提交' }).first().click();
    const code2 = (await other.getByTestId('report-code').textContent())!;
    const hz2 = (await t.gw.records!.hazards.byCode<Hazard>(code2))!;
    expect(hz2.zone ?? null).toBeNull();
    expect(hz2.description).toBe('地点: 二号皮带机尾');
    // the enterprise runs the loop; the reporter only has the code
    const act = (body: Record<string, unknown>) => t.gw.api.inject({ method: 'POST', url: `/api/v1/hazards/${hz.id}/actions`, headers: { authorization: `Bearer ${OFFICER}` }, payload: body });
    for (const body of [{ action: 'verify' }, { action: 'confirm' }, { action: 'assign', owner: '机电队', measures: '更换吊链', deadline: Date.now() + 86_400_000 }, { action: 'rectify', evidence: '已更换' }, { action: 'close' }, { action: 'reward', amount: 200 }, { action: 'publish' }]) {
      expect((await act(body)).statusCode).toBe(200);
    }
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.getByTestId('state').textContent()).toBe('已公示');
    expect(await page.getByTestId('reward').textContent()).toContain('200');
    await page.screenshot({ path: join(SHOTS, 'worker-follow.png') });
    const notice = watchCsp(await ctx.newPage());
    await notice.goto(`${base}/public`);
    const item = notice.locator(`li[data-hazard="${hz.id}"]`);
    await item.waitFor();
    const text = (await item.textContent())!;
    expect(text).toContain('职工 刘*');
    expect(text).toContain('200');
    expect(await notice.content()).not.toContain('刘欢');
    await notice.screenshot({ path: join(SHOTS, 'public-notice.png') });
    await ctx.close();
  });
});
