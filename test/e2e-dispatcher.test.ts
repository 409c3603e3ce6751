// End to end in headless Chromium (Debian chromium + playwright-core) against a running gateway:
// a gas leak alarm appears on the dispatcher board within 2 s of the reading and is acknowledged
// there (issue 6). A screenshot of the console is saved under test-output/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_TOKENS, type TestGateway } from './helpers/gateway.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
let t: TestGateway;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestGateway();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('dispatcher console (调度台) in Chromium', () => {
  it('a gas leak alarm appears within 2 s and is acknowledged with a note on the board', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`http://127.0.0.1:${t.gw.httpPort}/?token=${TEST_TOKENS.dispatcher}`);
    await page.getByTestId('connection').filter({ hasText: '实时连接' }).waitFor({ timeout: 10_000 });
    // the token is kept for the session, not in the address bar (wall screens, kiosks)
    expect(page.url()).not.toContain('token=');
    const c = await mqtt.connectAsync(t.mqttUrl, { username: 'gas-01', password: 'pw-gas-01' });
    const sent = Date.now();
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts: sent, values: { lel: 46 } }), { qos: 1 });
    await c.endAsync();
    const row = page.locator('tr.sev-red[data-state="active_unacked"]');
    await row.waitFor({ timeout: 2000 });
    expect(Date.now() - sent).toBeLessThan(2000);
    await expect.poll(() => row.locator('td.sev').textContent()).toBe('红色');
    expect(await row.locator('td.msg').textContent()).toContain('gas-01');
    expect(await row.getAttribute('class')).toContain('flash');
    // the selected alarm's trend, with the threshold drawn (uPlot)
    await row.locator('td.msg').click();
    const trend = page.getByTestId('trend');
    await trend.locator('canvas').waitFor({ timeout: 5000 });
    expect(await trend.textContent()).toContain('报警阈值');
    expect(await trend.textContent()).toContain('gas-01 · lel');
    await page.screenshot({ path: join(SHOTS, 'dispatcher-alarm.png') });
    await row.locator('button[data-action="ack"]').click();
    await page.locator('.dialog input[name="text"]').fill('已通知班长现场核查');
    await page.locator('.dialog button[data-action="submit"]').click();
    await page.locator('tr[data-state="active_acked"]').waitFor({ timeout: 5000 });
    const alarm = t.gw.alarms!.openAlarms().find((a) => a.rule === 'gas.lel')!;
    expect(alarm).toMatchObject({ state: 'active_acked', ackNote: '已通知班长现场核查' });
    // the English switch
    await page.locator('button.lang').click();
    await expect.poll(() => page.locator('tr[data-state="active_acked"] td.state').textContent()).toBe('Acknowledged');
    await page.screenshot({ path: join(SHOTS, 'dispatcher-acked-en.png') });
    await page.close();
  });
});
