// End to end in headless Chromium (Debian chromium + playwright-core) against a running gateway on
// the demo config, fed by the demo simulators in real time (as `hazardline demo` runs them): the
// site view shows the simulated head-counts, belt and meter; a leak scripted into the simulated
// gas-01 appears on the dispatcher board within 2 s of its reading and is acknowledged there; the
// alarm-health panel counts it (issue 6). Screenshots go to test-output/screenshots/.
import { cspViolations, watchCsp } from '../helpers/csp.ts';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../gateway/src/main.ts';
import { DemoSimulator } from '../../simulators/src/demo-simulator.ts';
import type { GasModel } from '../../simulators/src/models/gas-model.ts';
import { startDemoGateway, tempDir } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
let gw: Gateway;
let sim: DemoSimulator;
let browser: Browser;
const dataDir = tempDir();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  gw = await startDemoGateway(dataDir);
  const config = gw.config;
  sim = new DemoSimulator({ brokerUrl: `mqtt://127.0.0.1:${gw.mqttPort}`, config });
  await sim.start();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
}, 30_000);
afterAll(async () => {
  await browser?.close();
  expect(cspViolations()).toEqual([]);
  await sim?.stop();
  await gw?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dispatcher console (调度台) in Chromium, fed by the demo simulators', () => {
  it('site view from the simulated devices; a gas leak appears within 2 s, is acknowledged with a note, and shows in the alarm health', async () => {
    // the simulators report every 5 s: wait for the first meter readings. The stope's head-count
    // is not waited for: at a shift change (00:00, 08:00, 16:00 Asia/Shanghai) the crews are in
    // the shaft and the stope stays empty for minutes, with no count reported yet (shown as 0)
    await waitFor(() => gw.live.get('ent-a', 's1', 'meter-main', 'kw'), 15_000, 'first simulated readings');
    const page = watchCsp(await browser.newPage({ viewport: { width: 1600, height: 900 } }));
    await page.goto(`http://127.0.0.1:${gw.httpPort}/?token=demo-dispatcher`);
    await page.getByTestId('connection').filter({ hasText: '实时连接' }).waitFor({ timeout: 10_000 });
    // the token is kept for the session, not in the address bar (wall screens, kiosks)
    expect(page.url()).not.toContain('token=');

    // site view: head-count against the zone limit, belt state and today's tonnage against capacity, meter load
    const site = page.locator('[data-testid="site-view"] [data-enterprise="ent-a"]');
    await site.locator('[data-power="meter-main"]').waitFor({ timeout: 10_000 });
    expect(await site.locator('h3').textContent()).toContain('申报: 生产');
    expect(await site.locator('[data-power="meter-main"]').textContent()).toMatch(/\d+ kW.*生产负荷 -?\d+%/);
    expect(await site.locator('[data-belt="belt-main"]').textContent()).toMatch(/运行|停止/);
    expect(await site.locator('[data-belt="belt-main"] [data-testid="tonnage"]').textContent()).toMatch(/^今日 [\d.]+ t \/ 核定 3000 t$/);
    const stope = site.locator('tr[data-zone="z-stope-301"]');
    expect(await stope.textContent()).toContain('301采场');
    expect(await stope.locator('td.persons').textContent()).toMatch(/^\d+ \/ 9 人$/);
    const persons = Number((await stope.locator('td.persons b').textContent()) ?? 'NaN');
    expect(persons).toBe(gw.live.persons('ent-a', 's1', 'z-stope-301')?.persons ?? 0);
    expect(await page.getByTestId('alarm-health').getByTestId('last10').textContent()).toMatch(/^\d+近10分钟$/);
    const healthBefore = Number(await page.getByTestId('alarm-health').locator('[data-testid="last10"] b').textContent());

    // a leak scripted into the simulated detector: 60 %LEL from its next report on
    const gas = sim.device('gas-01')!.model as GasModel;
    gas.leak({ metric: 'lel', start: Date.now(), peak: 60, rampMs: 100, holdMs: 10 * 60_000, decayMs: 60_000 });
    const row = page.locator('tr.sev-red[data-state="active_unacked"]').filter({ hasText: '301采场可燃气体探头' });
    await row.waitFor({ timeout: 10_000 });
    const seenAt = Date.now();
    const alarm = gw.alarms!.openAlarms().find((a) => a.rule === 'gas.lel' && a.device === 'gas-01')!;
    // raisedAt is the event time of the reading (the simulator's clock runs at wall time)
    expect(seenAt - alarm.raisedAt).toBeLessThan(2000);
    await expect.poll(() => row.locator('td.sev').textContent()).toBe('红色');
    expect(await row.getAttribute('class')).toContain('flash');

    // the selected alarm's trend, with the threshold drawn (uPlot)
    await row.locator('td.msg').click();
    const trend = page.getByTestId('trend');
    await trend.locator('canvas').waitFor({ timeout: 5000 });
    expect(await trend.textContent()).toContain('报警阈值');
    expect(await trend.textContent()).toContain('gas-01 · lel');
    // the health panel counts the new activation
    await expect.poll(async () => Number(await page.getByTestId('alarm-health').locator('[data-testid="last10"] b').textContent()), { timeout: 10_000 }).toBeGreaterThan(healthBefore);
    await page.screenshot({ path: join(SHOTS, 'dispatcher-alarm.png') });

    await row.locator('button[data-action="ack"]').click();
    await page.locator('.dialog input[name="text"]').fill('已通知班长现场核查');
    await page.locator('.dialog button[data-action="submit"]').click();
    await page.locator('tr[data-state="active_acked"]').filter({ hasText: '301采场可燃气体探头' }).waitFor({ timeout: 5000 });
    expect(gw.alarms!.get(alarm.id)).toMatchObject({ state: 'active_acked', ackNote: '已通知班长现场核查' });
    // the English switch
    await page.locator('button.lang').click();
    await expect.poll(() => page.locator('tr[data-state="active_acked"]').filter({ hasText: '301采场可燃气体探头' }).locator('td.state').textContent()).toMatch(/^Acknowledged/);
    expect(await page.getByTestId('site-view').locator('h2').textContent()).toBe('Site view');
    await page.screenshot({ path: join(SHOTS, 'dispatcher-acked-en.png') });
    await page.close();
  }, 60_000);
});
