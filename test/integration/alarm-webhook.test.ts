// Alarm transitions reach a configured webhook (issue 5 notifications) through the gateway:
// a red LEL reading over MQTT → the alarm → a WeCom-format POST to a local receiver.
import { createServer, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startTestGateway, TEST_TOKENS, type TestGateway } from '../helpers/gateway.ts';
import { freePort, waitFor } from '../helpers/ports.ts';

const received: { url: string; body: any }[] = [];
const server = createServer((req: IncomingMessage, res) => {
  let data = '';
  req.on('data', (d) => (data += d));
  req.on('end', () => {
    received.push({ url: req.url ?? '', body: JSON.parse(data) });
    res.setHeader('content-type', 'application/json');
    res.end('{"errcode":0,"errmsg":"ok"}');
  });
});
let t: TestGateway;

beforeAll(async () => {
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  t = await startTestGateway({
    notify: {
      webhooks: [
        { name: 'wecom-red', url: `http://127.0.0.1:${port}/wecom?key=k`, format: 'wecom', filters: { severities: ['red'] } },
        { name: 'all-json', url: `http://127.0.0.1:${port}/json`, format: 'json' },
      ],
    },
  });
});
afterAll(async () => {
  await t.stop();
  server.close();
});

describe('alarm webhooks', () => {
  it('a red alarm is posted to the red-only WeCom robot and to the JSON hook; metrics count the deliveries', async () => {
    const c = await mqtt.connectAsync(t.mqttUrl, { username: 'gas-01', password: 'pw-gas-01' });
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts: Date.now(), values: { lel: 45 } }), { qos: 1 });
    await c.endAsync();
    await waitFor(() => received.length >= 2, 10_000, 'both webhooks called');
    const wecom = received.find((r) => r.url.startsWith('/wecom'))!;
    expect(wecom.body.msgtype).toBe('markdown');
    expect(wecom.body.markdown.content).toContain('gas-01');
    expect(wecom.body.markdown.content).toMatch(/红色/);
    const json = received.find((r) => r.url === '/json')!;
    expect(json.body).toMatchObject({ kind: 'alarm', action: 'raise', alarm: { rule: 'gas.lel', severity: 'red', device: 'gas-01' } });
    const metrics = await t.gw.api.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TEST_TOKENS.admin}` } });
    expect(metrics.body).toMatch(/hazardline_webhook_delivered_total\{notifier="wecom-red"\} 1/);
  });
});
