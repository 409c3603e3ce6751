// End to end in headless Chromium: a regulator sees a secretly running enterprise (明停暗开) on
// the online-inspection board, opens a verification task from the finding and records the
// on-site result, which becomes a supervised major hazard (issue 6). Screenshots saved.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawTestConfig, startTestGateway, TEST_TOKENS, tempDir, type TestGateway } from './helpers/gateway.ts';
import { waitFor } from './helpers/ports.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
const REG = 'tk-reg-e2e';
let t: TestGateway;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const raw = await rawTestConfig(tempDir());
  raw.enterprises[0].declaredStatus = 'stopped';
  raw.enterprises[0].power = { idleKw: 40, productionKw: 900 };
  t = await startTestGateway({
    enterprises: raw.enterprises,
    auth: { devices: [{ username: 's1-eon', password: 'pw-s1', enterprise: 'ent-a', site: 's1' }], tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }, { token: REG, role: 'regulator', jurisdictions: ['taian'], name: '泰安应急局' }] },
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('regulator console (监管端) in Chromium', () => {
  it('sees 明停暗开, opens a verification task from it and records the confirmed result', async () => {
    const c = await mqtt.connectAsync(t.mqttUrl, { username: 's1-eon', password: 'pw-s1' });
    const t0 = Date.now() - 60 * 60_000;
    await c.publishAsync('hl/v1/ent-a/s1/meter-main/telemetry', JSON.stringify(Array.from({ length: 50 }, (_, k) => ({ ts: t0 + k * 60_000, values: { kw: 820 } }))), { qos: 1 });
    await c.endAsync();
    await waitFor(() => t.gw.alarms!.openAlarms().find((a) => a.rule === 'power.secret-operation' && a.severity === 'red'), 5000, '明停暗开 alarm');
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`http://127.0.0.1:${t.gw.httpPort}/regulator?token=${REG}`);
    const ent = page.locator('tr[data-enterprise="ent-a"]');
    await ent.waitFor();
    expect(await ent.getByTestId('risk').textContent()).toBe('红色');
    expect(await ent.textContent()).toContain('820 kW');
    const anomaly = page.locator('tr[data-anomaly]').filter({ hasText: '明停暗开' });
    await anomaly.waitFor();
    await page.screenshot({ path: join(SHOTS, 'regulator-board.png') });
    await anomaly.locator('button[data-action="verify"]').click();
    await page.locator('.dialog button[data-action="submit"]').click();
    const task = page.locator('tr[data-task]');
    await task.waitFor();
    await task.locator('button[data-action="confirmed"]').click();
    await page.locator('.dialog input[name="note"]').fill('现场提升机运行，井下 6 人作业');
    await page.locator('.dialog button[data-action="submit"]').click();
    await page.locator('ul.supervised li').filter({ hasText: '【重大】' }).waitFor();
    expect(await page.locator('tr[data-task]').count()).toBe(0);
    const hazards = await t.gw.records!.listHazards({ enterprises: ['ent-a'] });
    expect(hazards).toEqual([expect.objectContaining({ source: 'inspection', level: 'major' })]);
    await page.screenshot({ path: join(SHOTS, 'regulator-verified.png') });
    await page.close();
  });
});
