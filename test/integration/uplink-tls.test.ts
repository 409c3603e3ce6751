// The uplink over TLS (issue 7): the central's embedded broker with a TLS listener
// (mqtt.embedded.tls), the edge on mqtts:// trusting the central's CA (uplink.tls.ca); an edge that
// does not trust the certificate never connects and says why. Certificates made with openssl.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/src/config/load.ts';
import { createLogger } from '../../gateway/src/log.ts';
import { Gateway } from '../../gateway/src/main.ts';
import { tempDir } from '../helpers/gateway.ts';
import { freePort, waitFor } from '../helpers/ports.ts';
import { centralConfig, edgeConfig } from '../helpers/uplink.ts';

const log = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const certs = tempDir('hl-tls-');
const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certs, stdio: 'pipe' });
const running: Gateway[] = [];
let central: Gateway;
let tlsPort: number;

beforeAll(async () => {
  // a CA, and the central's certificate for 127.0.0.1 / localhost signed by it; a second, unrelated CA
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=hazardline test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'central.key', '-out', 'central.csr', '-subj', '/CN=localhost');
  execFileSync('sh', ['-c', 'printf "subjectAltName=DNS:localhost,IP:127.0.0.1" > san.ext'], { cwd: certs });
  ssl('x509', '-req', '-in', 'central.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'central.pem', '-days', '2', '-extfile', 'san.ext');
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.pem', '-days', '2', '-subj', '/CN=someone else');
  const raw = await centralConfig();
  tlsPort = await freePort();
  raw.mqtt.embedded.tls = { port: tlsPort, cert: join(certs, 'central.pem'), key: join(certs, 'central.key') };
  central = new Gateway(parseConfig(raw), { log: log() });
  await central.start();
  running.push(central);
}, 60_000);
afterAll(async () => {
  for (const g of running.reverse()) await g.stop();
});

describe('uplink over TLS', () => {
  it('an edge that trusts the central CA forwards over mqtts://', async () => {
    const raw = await edgeConfig(0, undefined, { url: `mqtts://localhost:${tlsPort}`, tls: { ca: join(certs, 'ca.pem') } });
    const edge = new Gateway(parseConfig(raw), { log: log() });
    await edge.start();
    running.push(edge);
    await waitFor(() => edge.edge!.uplink.client.connected, 10_000, 'TLS uplink connected');
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, { username: 'gas-01', password: 'pw-gas-01' });
    const ts = Date.now() - 1000;
    await c.publishAsync('hl/v1/ent-a/s1/gas-01/telemetry', JSON.stringify({ ts, values: { lel: 4.5 } }), { qos: 1 });
    await c.endAsync();
    await waitFor(async () => (await central.runningSink.sink.query({ measurement: 'gas', enterprise: 'ent-a', device: 'gas-01', metric: 'lel', from: ts, to: ts })).length === 1, 10_000, 'reading at the centre over TLS');
  });

  it('an edge that does not trust the certificate does not connect, and its status says why', async () => {
    const raw = await edgeConfig(0, undefined, { url: `mqtts://localhost:${tlsPort}`, tls: { ca: join(certs, 'other.pem') } });
    const edge = new Gateway(parseConfig(raw), { log: log() });
    await edge.start();
    running.push(edge);
    await waitFor(() => edge.edge!.uplink.client.lastError, 10_000, 'a TLS error');
    expect(edge.edge!.uplink.client.connected).toBe(false);
    expect(edge.edge!.uplink.status().lastError).toMatch(/certificate/i);
  });
});
