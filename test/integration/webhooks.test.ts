// Webhook notifiers against a real local HTTP receiver (node:http): exact payloads per format,
// DingTalk signing checked independently, ordering, retry policy, robot errcodes, bounded
// queue, isolation between notifiers and close() deadlines. Back-off values are tiny; time
// assertions are lower bounds or generous upper bounds only.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/src/log.ts';
import type { NotifyEvent } from '../../gateway/src/notify/notifier.ts';
import { notifyConfigSchema } from '../../gateway/src/notify/notify-config.ts';
import { NotifyRouter } from '../../gateway/src/notify/notify-router.ts';
import { wecomContent, dingtalkMarkdown } from '../../gateway/src/notify/webhook-format.ts';
import { WebhookNotifier, type WebhookNotifierOptions } from '../../gateway/src/notify/webhook-notifier.ts';
import { freePort, waitFor } from '../helpers/ports.ts';
import { alarmEvent, hazardEvent, TZ } from '../helpers/webhooks-fixtures.ts';

const log = createLogger({ level: 'silent' });

interface Got {
  url: URL;
  headers: IncomingHttpHeaders;
  body: any;
  at: number;
}
type Reply = { status?: number; headers?: Record<string, string>; body?: unknown } | 'hang';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A webhook receiver; `reply(n, body)` answers the n-th request (0-based), possibly later. */
async function receiver(reply: (n: number, body: any) => Reply | Promise<Reply> = () => ({})) {
  const port = await freePort();
  const got: Got[] = [];
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const n = got.push({ url: new URL(req.url ?? '/', `http://127.0.0.1:${port}`), headers: req.headers, body, at: Date.now() }) - 1;
      const r = await reply(n, body);
      if (r === 'hang') return;
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers });
      res.end(JSON.stringify(r.body ?? { errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  const close = () => {
    srv.closeAllConnections();
    return new Promise((r) => srv.close(r));
  };
  cleanups.push(close);
  return { url: `http://127.0.0.1:${port}/hook?key=k1`, got, close };
}

interface Counts {
  delivered: number[];
  failed: string[];
  dropped: number;
  retries: string[];
}

function notifier(o: Partial<WebhookNotifierOptions> & { url: string }) {
  const counts: Counts = { delivered: [], failed: [], dropped: 0, retries: [] };
  const n = new WebhookNotifier({
    name: 'test',
    gateway: 'gw-01',
    timezone: TZ,
    log,
    backoffMs: 5,
    backoffMaxMs: 20,
    metrics: {
      onDelivered: (_n, attempts) => counts.delivered.push(attempts),
      onFailed: (_n, reason) => counts.failed.push(reason),
      onDropped: () => counts.dropped++,
      onRetry: (_n, reason) => counts.retries.push(reason),
    },
    ...o,
  });
  cleanups.push(() => n.close(1000));
  return { n, counts };
}

const idOf = (body: any): string => body.alarm?.id ?? body.hazard?.id;
const numbered = (i: number): NotifyEvent => alarmEvent({ id: `al-${i}` });
const settled = (c: Counts, total: number) => waitFor(() => c.delivered.length + c.failed.length + c.dropped >= total, 20_000, `${total} events settled`);

describe('webhook formats', () => {
  it('json: the event as is, plus gateway and sentAt; configured headers sent', async () => {
    const rx = await receiver();
    const now = Date.parse('2026-03-10T06:03:06.500Z');
    const { n, counts } = notifier({ url: rx.url, format: 'json', headers: { 'x-token': 't0k' }, now: () => now });
    const ev = alarmEvent();
    n.handle(ev);
    n.handle(hazardEvent());
    await settled(counts, 2);
    expect(rx.got.map((g) => g.body)).toEqual([
      { ...JSON.parse(JSON.stringify(ev)), gateway: 'gw-01', sentAt: '2026-03-10T06:03:06.500Z' },
      { ...hazardEvent(), gateway: 'gw-01', sentAt: '2026-03-10T06:03:06.500Z' },
    ]);
    expect(rx.got[0].headers['content-type']).toBe('application/json; charset=utf-8');
    expect(rx.got[0].headers['x-token']).toBe('t0k');
    expect(rx.got[0].url.search).toBe('?key=k1');
    expect(counts.delivered).toEqual([1, 1]);
  });

  it('wecom: markdown message with the Chinese content', async () => {
    const rx = await receiver();
    const { n, counts } = notifier({ url: rx.url, format: 'wecom' });
    n.handle(alarmEvent());
    await settled(counts, 1);
    expect(rx.got[0].body).toEqual({ msgtype: 'markdown', markdown: { content: wecomContent(alarmEvent(), TZ) } });
    expect(rx.got[0].body.markdown.content.split('\n').slice(0, 1)).toEqual(['## <font color="warning">【红色报警】</font> 可燃气体浓度超二级报警值']);
    expect(rx.got[0].body.markdown.content).toContain('> 时间：<font color="comment">2026-03-10 14:03:05+08:00</font>');
  });

  it('dingtalk: markdown with at, URL signed with timestamp and HMAC-SHA256 (verified independently)', async () => {
    const rx = await receiver();
    const secret = 'SEC0123456789abcdef+/=';
    const now = 1_773_122_585_000;
    const at = { atMobiles: ['13800001111'], isAtAll: false };
    const { n, counts } = notifier({ url: rx.url, format: 'dingtalk', secret, at, now: () => now });
    n.handle(alarmEvent());
    await settled(counts, 1);
    const g = rx.got[0];
    expect(g.body).toEqual({ msgtype: 'markdown', markdown: dingtalkMarkdown(alarmEvent(), TZ, at), at });
    expect(g.body.markdown.title).toBe('【红色报警】可燃气体浓度超二级报警值');
    expect(g.url.searchParams.get('key')).toBe('k1');
    const ts = g.url.searchParams.get('timestamp')!;
    expect(ts).toBe(String(now));
    // the receiver's side of 加签: recompute from timestamp + secret, compare the decoded sign
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(`${ts}\n${secret}`, 'utf8')).digest('base64');
    expect(g.url.searchParams.get('sign')).toBe(expected);
    expect(g.url.search).toContain(`&sign=${encodeURIComponent(expected)}`);
  });
});

describe('webhook delivery', () => {
  it('keeps events in order, retries included', async () => {
    const rx = await receiver((i) => (i % 3 === 1 ? { status: 500 } : {}));
    const { n, counts } = notifier({ url: rx.url });
    for (let i = 0; i < 20; i++) n.handle(numbered(i));
    await settled(counts, 20);
    const accepted = rx.got.filter((_, i) => i % 3 !== 1).map((g) => idOf(g.body));
    expect(accepted).toEqual(Array.from({ length: 20 }, (_, i) => `al-${i}`));
    expect(counts.failed).toEqual([]);
    expect(counts.retries.length).toBe(rx.got.length - 20);
  });

  it('retries after 500 and delivers', async () => {
    const rx = await receiver((i) => (i < 2 ? { status: 500, body: { error: 'x' } } : {}));
    const { n, counts } = notifier({ url: rx.url });
    n.handle(numbered(1));
    await settled(counts, 1);
    expect(rx.got).toHaveLength(3);
    expect(counts.delivered).toEqual([3]);
    expect(counts.retries).toEqual(['http 500', 'http 500']);
  });

  it('honours Retry-After on 429', async () => {
    const rx = await receiver((i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : {}));
    const { n, counts } = notifier({ url: rx.url, backoffMs: 1, backoffMaxMs: 1 });
    n.handle(numbered(1));
    await settled(counts, 1);
    expect(rx.got).toHaveLength(2);
    expect(rx.got[1].at - rx.got[0].at).toBeGreaterThanOrEqual(950);
    expect(counts.delivered).toEqual([2]);
  });

  it('never retries a 400; the next event still goes', async () => {
    const rx = await receiver((i) => (i === 0 ? { status: 400 } : {}));
    const { n, counts } = notifier({ url: rx.url });
    n.handle(numbered(1));
    n.handle(numbered(2));
    await settled(counts, 2);
    expect(rx.got.map((g) => idOf(g.body))).toEqual(['al-1', 'al-2']);
    expect(counts.failed).toEqual(['http 400']);
    expect(counts.delivered).toEqual([1]);
    expect(n.failed).toBe(1);
  });

  it('gives up after maxAttempts', async () => {
    const rx = await receiver(() => ({ status: 503 }));
    const { n, counts } = notifier({ url: rx.url, maxAttempts: 3 });
    n.handle(numbered(1));
    await settled(counts, 1);
    expect(rx.got).toHaveLength(3);
    expect(counts.failed).toEqual(['http 503']);
  });

  it('robot errcode ≠ 0 on HTTP 200 is a failure; rate-limit codes are retried', async () => {
    const wecom = await receiver((i) => ({ body: i === 0 ? { errcode: 45009, errmsg: 'api freq out of limit' } : i === 1 ? { errcode: 0, errmsg: 'ok' } : { errcode: 93000, errmsg: 'invalid webhook url' } }));
    const w = notifier({ url: wecom.url, format: 'wecom' });
    w.n.handle(numbered(1));
    w.n.handle(numbered(2));
    await settled(w.counts, 2);
    expect(wecom.got).toHaveLength(3);
    expect(w.counts.delivered).toEqual([2]);
    expect(w.counts.failed).toEqual(['errcode 93000: invalid webhook url']);

    const ding = await receiver((i) => ({ body: i === 0 ? { errcode: 130101, errmsg: 'send too fast' } : { errcode: 0, errmsg: 'ok' } }));
    const d = notifier({ url: ding.url, format: 'dingtalk' });
    d.n.handle(numbered(1));
    await settled(d.counts, 1);
    expect(ding.got).toHaveLength(2);
    expect(d.counts.retries).toEqual(['errcode 130101: send too fast']);
    expect(d.counts.delivered).toEqual([2]);
  });

  it('times out a receiver that never answers, and counts a refused connection', async () => {
    const rx = await receiver(() => 'hang');
    const { n, counts } = notifier({ url: rx.url, timeoutMs: 100, maxAttempts: 2 });
    n.handle(numbered(1));
    await settled(counts, 1);
    expect(rx.got).toHaveLength(2);
    expect(counts.failed).toEqual(['timeout']);

    const closedPort = await freePort();
    const r = notifier({ url: `http://127.0.0.1:${closedPort}/hook`, maxAttempts: 2 });
    r.n.handle(numbered(1));
    await settled(r.counts, 1);
    expect(r.counts.failed[0]).toMatch(/^network: /);
    expect(r.counts.retries).toHaveLength(1);
  });

  it('drops the oldest queued event when the queue is full, counted', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const rx = await receiver(async (i) => {
      if (i === 0) await gate;
      return {};
    });
    const { n, counts } = notifier({ url: rx.url, queueSize: 3 });
    n.handle(numbered(0));
    await waitFor(() => rx.got.length === 1, 10_000, 'first request in flight');
    for (let i = 1; i < 10; i++) n.handle(numbered(i));
    expect(n.pending).toBe(3);
    expect(counts.dropped).toBe(6);
    expect(n.dropped).toBe(6);
    release();
    await settled(counts, 10);
    expect(rx.got.map((g) => idOf(g.body))).toEqual(['al-0', 'al-7', 'al-8', 'al-9']);
  });
});

describe('notify router', () => {
  it('a hung receiver does not delay another notifier; close() gives up at its deadline', async () => {
    const hung = await receiver(() => 'hang');
    const ok = await receiver();
    const webhooks = notifyConfigSchema.parse({
      webhooks: [
        { name: 'hung', url: hung.url, timeoutMs: 600_000 },
        { name: 'ok', url: ok.url, format: 'wecom', filters: { severities: ['red'] } },
      ],
    }).webhooks;
    const failed: string[] = [];
    const router = NotifyRouter.fromConfig(webhooks, { gateway: 'gw-01', timezone: TZ, log, metrics: { onFailed: (name, reason) => failed.push(`${name}: ${reason}`) } });
    cleanups.push(() => router.close(1000));
    for (let i = 0; i < 5; i++) router.handle(numbered(i));
    router.handle(alarmEvent({ id: 'al-blue', severity: 'blue' })); // filtered out of `ok`
    await waitFor(() => ok.got.length === 5, 10_000, 'deliveries to the healthy receiver');
    expect(ok.got.map((g) => g.body.markdown.content.split('\n').at(-1))).toEqual([0, 1, 2, 3, 4].map((i) => `> 编号：<font color="comment">al-${i}</font>`));
    expect(hung.got).toHaveLength(1);
    const [h, o] = router.notifiers as WebhookNotifier[];
    expect(h.delivered).toBe(0);
    expect(o.delivered).toBe(5);

    const t0 = Date.now();
    await router.close(300);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(h.failed).toBe(6); // one in flight + five queued
    expect(failed.filter((f) => f === 'hung: shutdown')).toHaveLength(6);
    router.handle(numbered(99)); // after close: refused, counted, never throws
    expect(h.dropped).toBe(1);
  });

  it('close() drains the queue when the receiver keeps up', async () => {
    const rx = await receiver(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return {};
    });
    const { n, counts } = notifier({ url: rx.url });
    for (let i = 0; i < 10; i++) n.handle(numbered(i));
    await n.close(30_000);
    expect(counts.delivered).toHaveLength(10);
    expect(rx.got.map((g) => idOf(g.body))).toEqual(Array.from({ length: 10 }, (_, i) => `al-${i}`));
  });
});
