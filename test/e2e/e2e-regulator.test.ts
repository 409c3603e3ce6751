// End to end in headless Chromium: the simulators play the `secret-operation` scenario (an
// enterprise declared stopped, running at night: main meter at production load, belt running,
// people underground) while the regulator's online-inspection board is open. The findings are
// pushed to the board (明停暗开, red); the regulator opens the evidence (the meter's kW around the
// alarm with its threshold), sends a verification task from the finding and records the on-site
// result, which becomes a supervised major hazard (issue 6). Screenshots saved.
import { cspViolations, watchCsp } from '../helpers/csp.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../simulators/src/scenario/run-scenario.ts';
import { loadScenario, scenarioGatewayConfig } from '../../simulators/src/scenario/scenario.ts';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
const REG = 'tk-reg-e2e';
const scenario = loadScenario('secret-operation');
let t: TestGateway;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { enterprises, auth } = scenarioGatewayConfig(scenario, 'pw-sim');
  t = await startTestGateway({
    enterprises: enterprises.map((e) => ({ ...e, name: '示例矿业', jurisdiction: 'taian' })),
    auth: { devices: auth.devices, tokens: [{ token: TEST_TOKENS.admin, role: 'admin' }, { token: REG, role: 'regulator', jurisdictions: ['taian'], name: '泰安应急局' }] },
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  expect(cspViolations()).toEqual([]);
  await t?.stop();
});

describe('regulator console (监管端) in Chromium, fed by the secret-operation scenario', () => {
  it('sees 明停暗开 pushed, with its evidence; opens a verification task from it and records the confirmed result', async () => {
    const page = watchCsp(await browser.newPage({ viewport: { width: 1600, height: 1100 } }));
    await page.goto(`http://127.0.0.1:${t.gw.httpPort}/regulator?token=${REG}`);
    const ent = page.locator('tr[data-enterprise="ent-a"]');
    await ent.waitFor();
    await page.getByTestId('connection').filter({ hasText: '实时推送' }).waitFor();
    expect(await page.locator('tr[data-anomaly]').count()).toBe(0);

    // the simulators play three days at full speed; the board polls only every 30 s, so what
    // appears within 10 s was pushed
    await runScenario(scenario, { brokerUrl: t.mqttUrl, speed: Infinity, password: 'pw-sim' });
    await waitFor(() => t.gw.wal.depth() === 0, 30_000, 'wal drained');
    const power = page.locator('tr[data-anomaly]').filter({ hasText: '明停暗开' }).filter({ hasText: '主电表' }).first();
    await power.waitFor({ timeout: 10_000 });
    expect(await ent.getByTestId('risk').textContent()).toBe('红色');
    expect(await ent.textContent()).toContain('申报: 停产');
    // belt and head-count findings of the same night are in the queue too
    expect(await page.locator('tr[data-anomaly]').filter({ hasText: 'belt-main' }).count()).toBeGreaterThan(0);

    // the evidence: the main meter's kW around the alarm, with the alarm's threshold
    await power.locator('button[data-action="evidence"]').click();
    const evidence = page.locator('tr.evidence [data-series="meter-main:kw"]');
    await evidence.locator('canvas').waitFor({ timeout: 5000 });
    expect(await page.locator('tr.evidence').textContent()).toContain('报警阈值');
    expect(await evidence.locator('.empty').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'regulator-board.png'), fullPage: true });

    await power.locator('button[data-action="verify"]').click();
    // the task names its inspectors (issue 14)
    await page.locator('.dialog input[name="inspectors"]').fill('张检查、李执法');
    await page.locator('.dialog button[data-action="submit"]').click();
    const task = page.locator('tr[data-task]');
    await task.waitFor();
    expect(await task.textContent()).toContain('张检查、李执法');
    await task.locator('button[data-action="confirmed"]').click();
    await page.locator('.dialog input[name="note"]').fill('现场提升机运行，井下 6 人作业');
    await page.locator('.dialog button[data-action="submit"]').click();
    await page.locator('tr[data-supervised]').filter({ hasText: '重大' }).waitFor();
    expect(await page.locator('tr[data-task]').count()).toBe(0);
    const hazards = await t.gw.records!.hazards.list({ enterprises: ['ent-a'] });
    expect(hazards).toEqual([expect.objectContaining({ source: 'inspection', level: 'major' })]);
    await page.screenshot({ path: join(SHOTS, 'regulator-verified.png'), fullPage: true });
    await page.close();
  }, 90_000);
});
