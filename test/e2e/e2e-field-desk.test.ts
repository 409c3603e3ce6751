// Field enforcement in the consoles, in headless Chromium (issue 17): an officer reports a fatal
// accident in the browser; the regulator sees it with its 30-minute deadline and signs for it;
// accepts a resumption request (复工复产验收); sets a special period with the form. Names, not
// ids; zh first. Screenshots go to test-output/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspViolations, watchCsp } from '../helpers/csp.ts';
import { rawTestConfig, startTestGateway, tempDir, type TestGateway } from '../helpers/gateway.ts';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
const T = { officer: 'tk-e2e-officer', regulator: 'tk-e2e-regulator' };
let t: TestGateway;
let browser: Browser;
const call = async (method: 'PUT' | 'POST', url: string, token: string, payload: unknown) => {
  const r = await t.gw.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  return { status: r.statusCode, body: r.json() };
};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = tempDir();
  const base = await rawTestConfig(dir);
  base.auth.tokens.push({ token: T.officer, role: 'officer', enterprises: ['ent-a'], name: '甲矿安全员张工' }, { token: T.regulator, role: 'regulator', jurisdictions: ['taian'], name: '泰安应急局孙科长' });
  t = await startTestGateway({ auth: base.auth, enterprises: base.enterprises }, dir);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('accidents, resumption and special periods in the consoles (Chromium)', () => {
  it('the officer reports a fatal accident; the regulator signs for it within its 30 minutes, accepts a resumption and sets a period', async () => {
    const officer = watchCsp(await browser.newPage({ viewport: { width: 1500, height: 900 } }));
    await officer.goto(`http://127.0.0.1:${t.gw.httpPort}/officer?token=${T.officer}`);
    await officer.locator('button[data-tab="accident"]').click();
    const form = officer.locator('section.accident-report form');
    await form.locator('input[name="place"]').fill('-240 中段 301 采场');
    await form.locator('input[name="deaths"]').fill('1');
    await form.locator('input[name="injuries"]').fill('2');
    await form.locator('textarea[name="description"]').fill('顶板冒落，1人死亡，2人受伤');
    await form.locator('button[data-action="report-accident"]').click();
    await expect.poll(() => officer.getByTestId('accident-done').textContent()).toContain('已直报监管部门，须于');
    await officer.locator('table.accidents tbody tr').first().waitFor({ timeout: 10_000 });
    await officer.screenshot({ path: join(SHOTS, 'officer-accident-report.png'), fullPage: true });

    // a resumption request of the stopped enterprise (made through the API, as the officer's page would)
    expect((await call('PUT', '/api/v1/enterprises/ent-a/declared-status', T.regulator, { status: 'stopped', reason: '停产整顿' })).status).toBe(200);
    expect((await call('PUT', '/api/v1/enterprises/ent-a/declared-status', T.officer, { status: 'producing', reason: '整改完成，申请复工' })).status).toBe(202);

    const reg = watchCsp(await browser.newPage({ viewport: { width: 1500, height: 1000 } }));
    reg.on('dialog', (d) => void d.accept('现场验收合格'));
    await reg.goto(`http://127.0.0.1:${t.gw.httpPort}/regulator?token=${T.regulator}`);
    await reg.locator('button[data-tab="field"]').click();
    const row = reg.locator('table.accidents tbody tr').first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('示例矿业 · -240 中段 301 采场');
    expect(await row.textContent()).toContain('死亡 1 人，受伤 2 人');
    expect(await row.getByTestId('direct-report').textContent()).toMatch(/^剩余 0小时(29|30)分$/);
    const resumption = reg.locator('table.resumptions tbody tr').first();
    await resumption.waitFor({ timeout: 10_000 });
    expect(await resumption.textContent()).toContain('整改完成，申请复工');
    await reg.screenshot({ path: join(SHOTS, 'regulator-field-desk.png'), fullPage: true });

    await row.locator('button[data-action="receive"]').click();
    await expect.poll(() => row.getByTestId('direct-report').textContent()).toContain('已签收 · 泰安应急局孙科长');
    await resumption.locator('button[data-action="accept"]').click();
    await expect.poll(() => reg.locator('table.resumptions').count()).toBe(0);
    expect((await t.gw.records!.declarations.list('ent-a')).map((d) => [d.status, d.reason?.startsWith('复工复产验收通过：现场验收合格')])).toEqual([['stopped', false], ['producing', true]]);

    const pf = reg.locator('form.period-form');
    await pf.locator('input[name="name"]').fill('春节');
    await pf.locator('input[name="reason"]').fill('两禁止、一严控');
    await pf.locator('input[name="forbid"]').check();
    await pf.locator('button[data-action="set-period"]').click();
    const period = reg.locator('table.periods tbody tr').first();
    await period.waitFor({ timeout: 10_000 });
    expect(await period.textContent()).toContain('春节');
    expect(await period.textContent()).toContain('报警阈值 ×0.8');
    expect(await period.textContent()).toContain('禁止生产');
    await reg.screenshot({ path: join(SHOTS, 'regulator-field-desk-done.png'), fullPage: true });
    expect(cspViolations()).toEqual([]);
  }, 60_000);
});
