// The consoles of an edge box and of the central platform in headless Chromium (issue 7): the
// edge's dispatcher sees its link to the central and, when the link drops, that it goes on locally
// and queues; the regulator at the central sees per enterprise whether its edge is connected and
// how far behind it is (数据延迟), and a silent edge as a finding in the anomaly queue.
import { cspViolations, watchCsp } from '../helpers/csp.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { waitFor } from '../helpers/ports.ts';
import { centralConfig, edgeConfig } from '../helpers/uplink.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
const log = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let central: Gateway;
let edge: Gateway;
let browser: Browser;
let cRaw: Record<string, any>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  cRaw = await centralConfig();
  central = new Gateway(parseConfig(cRaw), { log: log() });
  await central.start();
  edge = new Gateway(parseConfig(await edgeConfig(central.mqttPort)), { log: log() });
  await edge.start();
  await waitFor(() => edge.edge!.uplink.client.connected, 10_000, 'uplink connected');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  expect(cspViolations()).toEqual([]);
  await edge?.stop();
  await central?.stop();
});

describe('edge and central consoles', () => {
  it("the regulator sees the enterprise's edge connected, then silent as a finding; the edge's dispatcher sees its link down and data queued", async () => {
    const reg = watchCsp(await browser.newPage({ viewport: { width: 1600, height: 1000 } }));
    await reg.goto(`http://127.0.0.1:${central.httpPort}/regulator?token=test-regulator`);
    const row = reg.locator('tr[data-enterprise="ent-a"]');
    await expect.poll(() => row.getByTestId('edge').textContent(), { timeout: 10_000 }).toContain('边缘网关 edge-a: 在线 · 数据延迟');

    const disp = watchCsp(await browser.newPage({ viewport: { width: 1600, height: 900 } }));
    await disp.goto(`http://127.0.0.1:${edge.httpPort}/?token=test-dispatcher`);
    await expect.poll(() => disp.getByTestId('uplink').textContent(), { timeout: 10_000 }).toBe('上级平台: 在线');

    // the link goes: the edge goes on alone and queues what it takes in
    await central.stop();
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, { username: 'gas-01', password: 'pw-gas-01' });
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify([{ ts: Date.now() - 2000, values: { lel: 3 } }, { ts: Date.now() - 1000, values: { lel: 3.5 } }]), { qos: 1 });
    await c.endAsync();
    await expect.poll(() => disp.getByTestId('uplink').textContent(), { timeout: 10_000 }).toMatch(/^上级平台: 中断（本地继续运行，数据缓存待传） · 待上传 2 条 · 最早 \d+ 秒$/);
    await disp.screenshot({ path: join(SHOTS, 'edge-dispatcher-link-down.png') });

    // the central again, with the edge kept away: 20 minutes later (its clock moved on by hand),
    // past central.silentAfterSeconds (300 s), its silence is a finding
    await edge.edge!.uplink.client.stop();
    let offset = 0;
    central = new Gateway(parseConfig(cRaw), { log: log(), clock: { now: () => Date.now() + offset } });
    await central.start();
    offset = 20 * 60_000;
    central.central!.tick();
    await reg.reload();
    await expect.poll(() => row.getByTestId('edge').textContent(), { timeout: 10_000 }).toMatch(/边缘网关 edge-a: 离线 · 数据延迟 20 分钟/);
    const finding = reg.locator('tr[data-anomaly]').filter({ hasText: '数据中断/延迟' });
    await finding.waitFor({ timeout: 10_000 });
    expect(await finding.textContent()).toContain('边缘网关 edge-a 已失联 20 分钟');
    await reg.screenshot({ path: join(SHOTS, 'regulator-edge-silent.png'), fullPage: true });
  }, 60_000);
});
