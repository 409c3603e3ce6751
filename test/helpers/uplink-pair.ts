// Edge and central as two gateway processes on loopback, with DEVICES hourly gas detectors at the
// edge's enterprise (issue 7): config files, API and /metrics readers, spawn and stop helpers, and a
// publisher of many readings into the edge. Used by test/uplink-durability.test.ts and bench/uplink-bench.ts.
import mqtt from 'mqtt';
import { spawnGateway, type ChildGateway } from './child-gateway.ts';
import { tempDir, writeConfigFile } from './gateway.ts';
import { centralConfig, edgeConfig } from './uplink.ts';

export type { ChildGateway };
export const DEVICES = 100;
export const dev = (i: number) => `g${String(i).padStart(3, '0')}`;
/** quiet values (under every level), never flat, never repeating a run */
export const value = (d: number, k: number) => Math.round(((Math.sin(d * 7.1 + k * 0.37) + 1) * 4 + (k % 97) / 97) * 1000) / 1000;

/** `children` collects what was spawned, for the caller to kill at the end */
export async function processPair(children: ChildGateway[], opts: { fsync?: boolean; uplink?: Record<string, unknown> } = {}) {
  const cRaw = await centralConfig(tempDir('hl-central-'));
  const eRaw = await edgeConfig(cRaw.mqtt.embedded.port, tempDir('hl-edge-'), { batchReadings: 5000, ...opts.uplink });
  for (const raw of [cRaw, eRaw]) {
    raw.wal = { fsync: opts.fsync ?? false, segmentBytes: 8 * 1024 * 1024, maxBytes: 1024 * 1024 * 1024 };
    const site = raw.enterprises.find((e: { id: string }) => e.id === 'ent-a').sites[0];
    // hourly detectors: none goes offline while the test runs
    site.devices.push(...Array.from({ length: DEVICES }, (_, i) => ({ id: dev(i), kind: 'gas', intervalSeconds: 3600 })));
  }
  const cFile = writeConfigFile(cRaw.gateway.dataDir, cRaw);
  const eFile = writeConfigFile(eRaw.gateway.dataDir, eRaw);
  const api = (raw: Record<string, any>) => async (path: string) => (await fetch(`http://127.0.0.1:${raw.gateway.http.port}${path}`, { headers: { authorization: 'Bearer test-admin' } })).json();
  const metric = (raw: Record<string, any>) => async (name: string, labels = '') => {
    const text = await (await fetch(`http://127.0.0.1:${raw.gateway.http.port}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `) || (!labels && l.startsWith(`${name}{`)));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const spawn = async (file: string, raw: Record<string, any>, env: Record<string, string> = {}) => {
    const g = await spawnGateway(file, raw.gateway.http.port, { LOG_LEVEL: 'warn', ...env });
    children.push(g);
    return g;
  };
  const stopped = async (g: ChildGateway, how: 'kill9' | 'terminate') => {
    await g[how]();
    children.splice(children.indexOf(g), 1);
  };
  return { cRaw, eRaw, cFile, eFile, central: { api: api(cRaw), metric: metric(cRaw) }, edge: { api: api(eRaw), metric: metric(eRaw) }, spawn, stopped };
}

/** `perDevice` readings of every device, 10 s apart from `t0`, in messages of 1,000, 64 in flight */
export async function publishToEdge(eRaw: Record<string, any>, t0: number, perDevice: number): Promise<void> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${eRaw.mqtt.embedded.port}`, { username: 's1-eon', password: 'pw-s1', clientId: `pub-${Date.now()}` });
  const inflight: Promise<unknown>[] = [];
  for (let from = 0; from < perDevice; from += 1000) {
    for (let d = 0; d < DEVICES; d++) {
      const batch = [];
      for (let k = from; k < Math.min(perDevice, from + 1000); k++) batch.push({ ts: t0 + k * 10_000, values: { lel: value(d, k) } });
      inflight.push(c.publishAsync(`hl/v1/ent-a/s1/${dev(d)}/telemetry`, JSON.stringify(batch), { qos: 1 }));
      if (inflight.length >= 64) await Promise.all(inflight.splice(0));
    }
  }
  await Promise.all(inflight);
  await c.endAsync();
}
