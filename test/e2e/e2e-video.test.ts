// Video analytics on the dispatcher board in headless Chromium (issue 17): a camera's violation
// events reach the board as one alarm with a count, with the camera's snapshot in the row and
// large beside it, loaded from the video box's own server (an origin listed in
// gateway.http.mediaOrigins, so the consoles' CSP lets it in); a reference from an origin not
// listed is not loaded and the panel says why. Screenshots go to test-output/screenshots/.
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspViolations, watchCsp } from '../helpers/csp.ts';
import { rawTestConfig, startTestGateway, tempDir, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
let t: TestGateway;
let nvr: Server;
let nvrUrl: string;
let browser: Browser;
const OFFICER = 'tk-e2e-officer';

/** what a video box's snapshot looks like: the scene, the detection box and its label, the time */
const snapshotSvg = (n: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">
<rect width="640" height="360" fill="#2b3137"/><rect y="250" width="640" height="110" fill="#3d444d"/>
<rect x="60" y="80" width="180" height="170" fill="#59636e"/><rect x="420" y="60" width="160" height="190" fill="#4a535c"/>
<circle cx="330" cy="150" r="22" fill="#d0a080"/><rect x="305" y="172" width="50" height="90" fill="#1f6feb"/>
<rect x="290" y="118" width="80" height="160" fill="none" stroke="#ff4d4f" stroke-width="4"/>
<rect x="290" y="92" width="150" height="26" fill="#ff4d4f"/><text x="296" y="111" font-size="16" fill="#fff" font-family="sans-serif">helmet_missing 0.93</text>
<text x="12" y="24" font-size="16" fill="#e6edf3" font-family="monospace">cam-tank-1  2026-11-02 09:1${n}:00</text></svg>`;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  nvr = createServer((req, res) => {
    const m = /^\/snap\/(\d)\.svg$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(snapshotSvg(m[1]));
  });
  await new Promise<void>((r) => nvr.listen(0, '127.0.0.1', r));
  nvrUrl = `http://127.0.0.1:${(nvr.address() as AddressInfo).port}`;
  const dir = tempDir();
  const base = await rawTestConfig(dir);
  const ent = base.enterprises.find((e: { id: string }) => e.id === 'ent-a');
  ent.sites[0].zones.push({ id: 'z-tank', name: '成品罐区', maxPersons: 6 });
  ent.sites[0].devices.push({ id: 'cam-tank-1', name: '罐区1号摄像机', kind: 'camera', zone: 'z-tank', intervalSeconds: 60 });
  t = await startTestGateway({
    gateway: { ...base.gateway, http: { ...base.gateway.http, mediaOrigins: [nvrUrl] } },
    enterprises: base.enterprises,
    auth: { ...base.auth, tokens: [...base.auth.tokens, { token: OFFICER, role: 'officer', enterprises: ['ent-a'], name: '甲矿安全员张工' }], devices: [...base.auth.devices, { username: 'cam-tank-1', password: 'pw-cam-tank-1', enterprise: 'ent-a', site: 's1', device: 'cam-tank-1' }] },
  }, dir);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  nvr?.close();
});

describe('video analytics on the dispatcher board (Chromium)', () => {
  it('three sightings are one alarm with a count; the snapshot shows in the row and beside it; the clip is a link', async () => {
    const cam = await mqtt.connectAsync(t.mqttUrl, { username: 'cam-tank-1', password: 'pw-cam-tank-1' });
    const at = Date.now() - 3 * 60_000;
    for (let k = 0; k < 3; k++) {
      const detail = { snapshot: `${nvrUrl}/snap/${k}.svg`, clip: `${nvrUrl}/clip/${k}.mp4`, score: 0.93 };
      await cam.publishAsync('hl/v1/ent-a/s1/cam-tank-1/event', JSON.stringify({ ts: at + k * 60_000, type: 'helmet_missing', detail }), { qos: 1 });
    }
    await cam.endAsync();
    await waitFor(() => t.gw.alarms!.openAlarms().find((a) => a.rule === 'video.violation' && a.value === 3), 10_000, 'the alarm counted three times');

    const page = watchCsp(await browser.newPage({ viewport: { width: 1600, height: 900 } }));
    await page.goto(`http://127.0.0.1:${t.gw.httpPort}/?token=${TEST_TOKENS.dispatcher}`);
    const row = page.locator('tr.sev-yellow').filter({ hasText: '未戴安全帽' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator('td.msg small').textContent()).toContain('识别 3 次');
    expect(await row.locator('td.place').textContent()).toContain('罐区1号摄像机');
    const thumb = row.getByTestId('thumb');
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);

    await row.locator('td.msg div').click();
    const panel = page.getByTestId('snapshot');
    await panel.waitFor({ timeout: 5000 });
    expect(await panel.locator('h3').textContent()).toBe('现场抓拍 未戴安全帽 · 本次报警共识别 3 次');
    await expect.poll(() => panel.locator('img.big').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
    expect(await panel.locator('img.big').getAttribute('src')).toBe(`${nvrUrl}/snap/2.svg`);
    expect(await panel.locator('.thumbs img').count()).toBe(3);
    expect(await panel.locator('a').first().getAttribute('href')).toBe(`${nvrUrl}/clip/2.mp4`);
    await page.screenshot({ path: join(SHOTS, 'dispatcher-video-snapshot.png') });

    // English switch: the same panel in English
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => panel.locator('h3').textContent()).toBe('Snapshot No hard hat · seen 3 times in this alarm');
    expect(cspViolations()).toEqual([]);
  }, 60_000);

  it('三违台账: the officer records the worker of the video alarm by name in the browser; the regulator sees 刘* and no badge', async () => {
    const page = watchCsp(await browser.newPage({ viewport: { width: 1500, height: 900 } }));
    await page.goto(`http://127.0.0.1:${t.gw.httpPort}/officer?token=${OFFICER}`);
    await page.locator('button[data-tab="sanwei"]').click();
    const form = page.getByTestId('sanwei-form');
    const pick = form.locator('select[name="alarmId"]');
    await expect.poll(() => pick.locator('option').count()).toBeGreaterThan(1);
    const option = pick.locator('option').filter({ hasText: '未戴安全帽' });
    expect(await option.textContent()).toContain('罐区1号摄像机');
    await pick.selectOption((await option.getAttribute('value'))!);
    await form.locator('input[name="name"]').fill('刘大海');
    await form.locator('input[name="badge"]').fill('A-017');
    await form.locator('textarea[name="description"]').fill('成品罐区未戴安全帽作业，经视频识别3次');
    await form.locator('input[name="penalty"]').fill('罚款100元，安全培训2学时');
    await form.locator('button[data-action="record-sanwei"]').click();
    const row = page.locator('table.sanwei-list tbody tr').first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('刘大海 A-017');
    expect(await row.textContent()).toContain('成品罐区');
    expect(await row.textContent()).toContain('AI视频');
    expect(await row.textContent()).toContain('甲矿安全员张工');
    expect(await page.getByTestId('sanwei-by-person').textContent()).toContain('刘大海（A-017） ×1');
    await page.screenshot({ path: join(SHOTS, 'officer-sanwei.png'), fullPage: true });

    const reg = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    await reg.goto(`http://127.0.0.1:${t.gw.httpPort}/regulator?token=${TEST_TOKENS.regulator}`);
    await reg.locator('button[data-tab="sanwei"]').click();
    const seen = reg.locator('table.sanwei-list tbody tr').first();
    await seen.waitFor({ timeout: 10_000 });
    expect(await seen.locator('td').nth(2).textContent()).toBe('刘*');
    expect(await reg.content()).not.toContain('刘大海');
    expect(await reg.content()).not.toContain('A-017');
    await reg.screenshot({ path: join(SHOTS, 'regulator-sanwei.png'), fullPage: true });
    await reg.close();
    expect(cspViolations()).toEqual([]);
  }, 60_000);

  it('a snapshot from an origin not in gateway.http.mediaOrigins is not loaded, and the panel says why', async () => {
    const cam = await mqtt.connectAsync(t.mqttUrl, { username: 'cam-tank-1', password: 'pw-cam-tank-1' });
    await cam.publishAsync('hl/v1/ent-a/s1/cam-tank-1/event', JSON.stringify({ ts: Date.now() - 30_000, type: 'fire_smoke', detail: { snapshot: 'http://198.51.100.7/snap/1.jpg' } }), { qos: 1 });
    await cam.endAsync();
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`http://127.0.0.1:${t.gw.httpPort}/?token=${TEST_TOKENS.dispatcher}`);
    const row = page.locator('tr.sev-red').filter({ hasText: '明火/烟雾' });
    await row.waitFor({ timeout: 10_000 });
    await row.locator('td.msg div').click();
    await expect.poll(() => page.getByTestId('snapshot').textContent()).toContain('抓拍图片无法显示');
    await page.close();
  }, 60_000);
});
