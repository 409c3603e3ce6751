// npm run bench:console — the dispatcher board with 1,000 open alarms and 50 alarm updates a
// second (issue 6): does it stay responsive on a control-room screen?
//
// A gateway process holds 1,000 gas detectors; each publishes one alarm value (a quarter red,
// the rest yellow), so 1,000 alarms are open. Headless Chromium (Debian chromium) opens the
// dispatcher console at 1920×1080. Then, for `--duration` seconds, detectors publish rising
// values at `--rate` messages/s, each a new peak (an `update` transition, or an escalation
// yellow → red once a value crosses 40 %LEL), pushed to the board over the WebSocket; once a
// second another dispatcher acknowledges an alarm over HTTP, and every 2 s the bench clicks an
// "acknowledge" button on the board. Measured in the page:
//   - load: navigation until 1,000 rows are on the board;
//   - frames: gaps between animation frames (p50, p99, max) and long tasks (> 50 ms);
//   - input: click → the acknowledge dialog rendered (the RAIL goal is ≤ 100 ms);
//   - push: acknowledgement over HTTP → the row shows it (gateway, WebSocket, render).
//
//   npm run bench:console [-- --alarms 1000 --rate 50 --duration 30]
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { chromium } from 'playwright-core';
import { rawTestConfig, tempDir, writeConfigFile } from '../test/helpers/gateway.ts';
import { spawnGateway } from '../test/helpers/child-gateway.ts';

const { values: args } = parseArgs({
  options: {
    alarms: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '50' },
    duration: { type: 'string', default: '30' },
  },
});
const N = Number(args.alarms);
const RATE = Number(args.rate);
const DURATION_S = Number(args.duration);
const devId = (i: number) => `g${String(i).padStart(4, '0')}`;
const pct = (s: number[], p: number) => (s.length ? +[...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(1) : NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ${N} open alarms, ${RATE} updates/s for ${DURATION_S} s, Chromium headless 1920×1080`);
  const dir = tempDir('hl-bench-console-');
  const raw = await rawTestConfig(dir);
  raw.wal = { fsync: true, segmentBytes: 64 * 1024 * 1024, maxBytes: 1024 * 1024 * 1024 };
  // hourly detectors: none goes offline during the run
  raw.enterprises = [{ id: 'bench', name: '基准企业', sites: [{ id: 's1', devices: Array.from({ length: N }, (_, i) => ({ id: devId(i), kind: 'gas', intervalSeconds: 3600 })) }] }];
  // the test config's scoped tokens name its enterprises, which the bench replaces: check-config refuses them
  raw.auth.tokens = raw.auth.tokens.filter((t: { enterprises?: string[] }) => !t.enterprises);
  raw.auth.devices = [{ username: 'bench-eon', password: 'bench', enterprise: 'bench', site: 's1' }];
  raw.auth.tokens.push({ token: 'bench-dispatcher', role: 'dispatcher', enterprises: ['bench'] }, { token: 'bench-dispatcher-2', role: 'dispatcher', enterprises: ['bench'] });
  const port = raw.gateway.http.port;
  const gw = await spawnGateway(writeConfigFile(dir, raw), port, { LOG_LEVEL: 'warn' });
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${raw.mqtt.embedded.port}`, { username: 'bench-eon', password: 'bench', clientId: `bench-console-${Date.now()}` });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] });
  const api = (path: string, body?: unknown) => fetch(`http://127.0.0.1:${port}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: 'Bearer bench-dispatcher-2', 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined }).then((r) => r.json());
  try {
    // 1,000 open alarms
    const value: number[] = Array.from({ length: N }, (_, i) => (i % 4 === 0 ? 41 : 21));
    await Promise.all(value.map((v, i) => client.publishAsync(`hl/v1/bench/s1/${devId(i)}/telemetry`, JSON.stringify({ ts: Date.now(), values: { lel: v } }), { qos: 1 })));
    for (;;) {
      const open = (await api('/api/v1/alarms?limit=10000')).alarms.length;
      if (open >= N) break;
      await sleep(200);
    }
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    // tsx (esbuild keepNames) wraps the functions handed to page.evaluate in __name(): give the page one
    await page.addInitScript('window.__name = (f) => f');
    const t0 = performance.now();
    await page.goto(`http://127.0.0.1:${port}/?token=bench-dispatcher`);
    await page.waitForFunction((n) => document.querySelectorAll('tr[data-alarm]').length >= n, N, { timeout: 60_000, polling: 'raf' });
    const loadMs = performance.now() - t0;
    // probes in the page: animation-frame gaps, long tasks, when a row's state changes
    await page.evaluate(() => {
      const w = window as any;
      w.__gaps = [];
      w.__long = [];
      w.__seen = {};
      let last = performance.now();
      const frame = (t: number) => {
        w.__gaps.push(t - last);
        last = t;
        if (!w.__stop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: 'longtask', buffered: false });
      new MutationObserver((ms) => {
        for (const m of ms) {
          const el = m.target as HTMLElement;
          if (m.attributeName === 'data-state' && el.dataset.state === 'active_acked') w.__seen[el.dataset.alarm!] ??= Date.now();
        }
      }).observe(document.querySelector('table.alarms')!, { attributes: true, subtree: true, attributeFilter: ['data-state'] });
    });

    const alarms: { id: string; device: string }[] = (await api('/api/v1/alarms?limit=10000')).alarms;
    const ackSent = new Map<string, number>();
    const clickMs: number[] = [];
    const start = performance.now();
    let sent = 0;
    let acks = 0;
    let clicks = 0;
    while (performance.now() - start < DURATION_S * 1000) {
      const elapsed = performance.now() - start;
      // rising values: each a new peak of its alarm (5 % of the level above the last)
      while (sent < (elapsed / 1000) * RATE) {
        const i = (sent * 7919) % N;
        value[i] = Math.min(100, value[i] + 2.5);
        void client.publishAsync(`hl/v1/bench/s1/${devId(i)}/telemetry`, JSON.stringify({ ts: Date.now(), values: { lel: value[i] } }), { qos: 1 });
        sent++;
      }
      if (acks < elapsed / 1000) {
        const a = alarms[(acks * 104729) % alarms.length];
        acks++;
        ackSent.set(a.id, Date.now());
        void api(`/api/v1/alarms/${a.id}/ack`, { note: 'bench' });
      }
      if (clicks < elapsed / 2000) {
        clicks++;
        const ms = await page.evaluate(async (k) => {
          const buttons = document.querySelectorAll<HTMLButtonElement>('tr[data-state="active_unacked"] button[data-action="ack"]');
          const b = buttons[k % buttons.length];
          const t = performance.now();
          b.click();
          while (!document.querySelector('.dialog')) await new Promise((r) => requestAnimationFrame(r));
          const took = performance.now() - t;
          (document.querySelector('.dialog button[type="button"]') as HTMLButtonElement).click();
          return took;
        }, clicks);
        clickMs.push(ms);
      }
      await sleep(5);
    }
    const elapsedS = (performance.now() - start) / 1000;
    await sleep(1500);
    const probe = await page.evaluate(() => {
      const w = window as any;
      w.__stop = true;
      return { gaps: w.__gaps as number[], long: w.__long as number[], seen: w.__seen as Record<string, number>, rows: document.querySelectorAll('tr[data-alarm]').length };
    });
    const pushMs = [...ackSent].filter(([id]) => probe.seen[id]).map(([id, t]) => probe.seen[id] - t);
    const gaps = probe.gaps.slice(1);
    console.log(
      JSON.stringify({
        openAlarms: probe.rows,
        updatesPerS: +(sent / elapsedS).toFixed(1),
        loadMs: Math.round(loadMs),
        frameGapMs: { p50: pct(gaps, 50), p99: pct(gaps, 99), max: +Math.max(...gaps).toFixed(1), fps: +(gaps.length / elapsedS).toFixed(1) },
        longTasks: { count: probe.long.length, totalMs: Math.round(probe.long.reduce((a, b) => a + b, 0)), maxMs: Math.round(Math.max(0, ...probe.long)) },
        clickToDialogMs: { n: clickMs.length, p50: pct(clickMs, 50), p99: pct(clickMs, 99), max: +Math.max(...clickMs).toFixed(1) },
        ackPushToRowMs: { n: pushMs.length, of: ackSent.size, p50: pct(pushMs, 50), p99: pct(pushMs, 99), max: Math.max(...pushMs) },
      }),
    );
  } finally {
    await browser.close();
    await client.endAsync();
    await gw.terminate();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
