// An edge gateway and a central gateway on loopback (issue 7): raw configs for both, sharing the
// test enterprises; the central knows edge `edge-a` for ent-a, the edge forwards to the central's
// embedded broker.
import { rawTestConfig, tempDir } from './gateway.ts';
import { freePorts } from './ports.ts';

export const EDGE = { username: 'edge-a', password: 'pw-edge-a' };

export async function centralConfig(dataDir = tempDir('hl-central-'), over: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const raw = await rawTestConfig(dataDir);
  raw.gateway = { ...raw.gateway, id: 'central', mode: 'central' };
  raw.auth.edges = [{ ...EDGE, enterprises: ['ent-a'] }];
  raw.auth.tokens.push({ token: 'tk-central-dispatcher', role: 'dispatcher', enterprises: ['ent-a'] });
  return { ...raw, ...over };
}

export async function edgeConfig(centralMqttPort: number, dataDir = tempDir('hl-edge-'), uplink: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const raw = await rawTestConfig(dataDir);
  raw.gateway = { ...raw.gateway, id: 'edge-box-1', mode: 'edge' };
  // the edge holds its own enterprise only
  raw.enterprises = raw.enterprises.filter((e: { id: string }) => e.id === 'ent-a');
  raw.auth.devices = raw.auth.devices.filter((d: { enterprise: string }) => d.enterprise === 'ent-a');
  raw.uplink = { url: `mqtt://127.0.0.1:${centralMqttPort}`, ...EDGE, reconnectSeconds: 0.2, maxReadingsPerSecond: 1_000_000, ...uplink };
  return raw;
}

export { freePorts };
