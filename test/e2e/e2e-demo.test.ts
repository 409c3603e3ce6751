// The demo shows the product (issue 14): `hazardline demo`'s gateway, simulators and story — the
// simulators playing the demo's first 36 minutes in event time as fast as they go (the demo itself
// plays them in real time) — raise by themselves a gas leak that clears, an overcrowded stope, a belt tear and the
// 明停暗开 run of the enterprise declared stopped with its seal opened, a worker without a hard hat
// in the stope's camera — the exact set of rules below and nothing else —
// while the worker's report is taken through the loop to the public notice. The banner names every
// console with its token. Screenshots of the dispatcher and the regulator at 1920×1080.
import { cspViolations, watchCsp } from '../helpers/csp.ts';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoBanner, startDemoStory } from '../../gateway/src/demo-run.ts';
import type { Hazard } from '../../gateway/src/hazards/types.ts';
import type { Gateway } from '../../gateway/src/main.ts';
import { DemoSimulator } from '../../simulators/src/demo-simulator.ts';
import type { DemoStory } from '../../simulators/src/demo-story.ts';
import { startDemoGateway, tempDir } from '../helpers/gateway.ts';
import { waitFor } from '../helpers/ports.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
const dataDir = tempDir();
let gw: Gateway;
let sim: DemoSimulator;
let story: DemoStory | undefined;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  gw = await startDemoGateway(dataDir);
  const config = gw.config;
  const now = Date.now();
  sim = new DemoSimulator({ brokerUrl: `mqtt://127.0.0.1:${gw.mqttPort}`, config, incidents: true, from: now - 36 * 60_000, to: now, speed: Infinity });
  await sim.start();
  story = startDemoStory(gw, config, { firstAfterMs: 0, stepMs: 100 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
}, 30_000);
afterAll(async () => {
  await browser?.close();
  expect(cspViolations()).toEqual([]);
  story?.stop();
  await sim?.stop();
  await gw?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('hazardline demo raises its incidents by itself (issue 14)', () => {
  it('the banner names each console with its token and the incidents to come', () => {
    const text = demoBanner(gw.config, gw.httpPort, gw.mqttPort, sim.incidents);
    for (const line of [`/?token=demo-dispatcher`, `/officer?token=demo-officer`, `/regulator?token=demo-regulator`, `/report?token=demo-worker&enterprise=ent-a`, `/public`]) expect(text).toContain(`http://127.0.0.1:${gw.httpPort}${line}`);
    expect(text).toMatch(/可燃气体泄漏.*gas-01/);
    expect(text).toMatch(/301采场超员（12 人，核定 9 人）/);
    expect(text).toMatch(/皮带纵向撕裂/);
    expect(text).toMatch(/明停暗开.*meter-p1/);
    // every family within its first minutes, then again
    const first = new Map<string, number>();
    for (const i of sim.incidents) if (!first.has(i.family)) first.set(i.family, i.at - sim.incidents[0].at);
    expect(text).toMatch(/未戴安全帽.*cam-301/);
    expect(text).toMatch(/电子封条被打开.*seal-p1/);
    expect([...first.keys()].sort()).toEqual(['belt', 'gas', 'personnel', 'power', 'seal', 'video']);
    expect(Math.max(...first.values())).toBeLessThanOrEqual(5 * 60_000);
    expect(sim.incidents.filter((i) => i.family === 'gas').length).toBeGreaterThan(1);
  });

  it('gas leak (clears), overcrowding, belt tear and 明停暗开 are raised — exactly these rules — and the report reaches the public notice', async () => {
    const want = ['belt.protection', 'gas.lel', 'personnel.overcrowding', 'power.secret-operation', 'seal.opened-while-stopped', 'video.violation'];
    const rules = async () => {
      await gw.alarms!.flush();
      return [...new Set((await gw.records!.alarms.list({ limit: 10_000 })).map((a) => a.rule))].sort();
    };
    // 36 simulated minutes: the secret run is alarmed after 30 (DOMAIN.md §6)
    await sim.finished();
    await waitFor(() => gw.wal.depth() === 0, 60_000, 'wal drained');
    const seen = await rules();
    expect(seen).toEqual(want);
    const all = await gw.records!.alarms.list({ limit: 10_000 });
    const gas = all.filter((a) => a.rule === 'gas.lel');
    expect(gas).toEqual([expect.objectContaining({ device: 'gas-01', enterprise: 'ent-a', severity: 'red' })]);
    expect(gas[0].peak).toBeGreaterThanOrEqual(50);
    // a leak clears by itself (a 5-minute plume); the next rounds re-trigger the same alarm until it is acknowledged (ISA-18.2)
    expect(gas[0].count).toBeGreaterThan(1);
    expect(gas[0].clearedAt).not.toBeNull();
    expect(all.find((a) => a.rule === 'power.secret-operation')).toMatchObject({ enterprise: 'ent-b', severity: 'red', evidence: { status: 'stopped' } });
    expect(all.find((a) => a.rule === 'seal.opened-while-stopped')).toMatchObject({ enterprise: 'ent-b', device: 'seal-p1', severity: 'red' });
    // the camera's two sightings 30 s apart are one alarm counting both, with the demo's own snapshot
    const video = all.filter((a) => a.rule === 'video.violation');
    expect(video[0]).toMatchObject({ device: 'cam-301', zone: 'z-stope-301', severity: 'yellow', value: 2, evidence: { snapshot: `http://127.0.0.1:${gw.httpPort}/demo/snapshot-helmet.svg` } });

    // the overcrowded high-risk stope (>= 10 persons) opens a major hazard, described in Chinese
    const auto = (await gw.records!.hazards.list<Hazard>({ enterprises: ['ent-a'], limit: 100 })).find((x) => x.source === 'alarm')!;
    expect(auto).toMatchObject({ level: 'major', zone: 'z-stope-301' });
    expect(auto.description).toMatch(/^由报警自动生成的重大事故隐患：作业场所超员/);

    const loop = story!.made.loop!;
    await waitFor(async () => (await gw.records!.hazards.get<Hazard>(loop))?.state === 'published', 20_000, 'the report published');
    const h = (await gw.records!.hazards.get<Hazard>(loop))!;
    expect(h).toMatchObject({ source: 'worker', reward: { amount: 500 }, reporterAlias: '职工 刘*' });
    expect((await gw.records!.hazards.get<Hazard>(story!.made.waiting!))?.state).toBe('reported');
    const notice = (await gw.api.inject({ method: 'GET', url: '/api/v1/public/hazards' })).json().hazards;
    expect(notice.map((n: { id: string }) => n.id)).toContain(loop);

    // the regulator's board flags the stopped enterprise's meter at once, and the dispatcher sees the alarms
    const base = `http://127.0.0.1:${gw.httpPort}`;
    const reg = watchCsp(await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' }));
    await reg.goto(`${base}/regulator?token=demo-regulator`);
    await reg.locator('tr[data-enterprise="ent-b"]').waitFor();
    await reg.screenshot({ path: join(SHOTS, 'demo-regulator.png') });
    expect(await reg.locator('tr[data-enterprise="ent-b"]').textContent()).toContain('申报: 停产');
    await reg.close();
    const disp = watchCsp(await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' }));
    await disp.goto(`${base}/?token=demo-dispatcher`);
    await disp.locator('tr[data-alarm]').first().waitFor();
    // the demo's snapshot is served by the gateway itself: it loads under the consoles' CSP
    const thumb = disp.locator('tr[data-alarm]').filter({ hasText: '未戴安全帽' }).getByTestId('thumb');
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
    await disp.screenshot({ path: join(SHOTS, 'demo-dispatcher.png') });
    await disp.close();
  }, 150_000);
});
