import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { parseConfig, parseConfigText } from './load.ts';
import { configWarnings } from './warnings.ts';
import { AssetModel } from '../model/assets.ts';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const ent = (zones: unknown[]) => ({ enterprises: [{ id: 'ent-a', sites: [{ id: 's1' }, { id: 's2', zones: [{ id: 'z1' }, { id: 'z2' }, ...zones] }] }] });

describe('config (CONTRACT §2)', () => {
  it('reports an error with its full path, in the contract format', () => {
    const p = problems(() => parseConfig(ent([{ id: 'z3', maxPersons: 0 }])));
    expect(p).toContain('enterprises[0].sites[1].zones[2].maxPersons: expected integer >= 1');
  });

  it('reports every error, not just the first', () => {
    const p = problems(() => parseConfig({ gateway: { http: { port: 70000 } }, enterprises: [{ id: 'e', sites: [{ id: 's', devices: [{ id: 'd', kind: 'laser' }] }] }], bogus: 1 }));
    expect(p).toEqual(
      expect.arrayContaining([
        'gateway.http.port: expected integer <= 65535',
        expect.stringMatching(/^enterprises\[0\]\.sites\[0\]\.devices\[0\]\.kind: expected one of gas/),
        '(root): unknown key "bogus"',
      ]),
    );
    expect(p.length).toBeGreaterThanOrEqual(3);
  });

  it('substitutes ${ENV} and names the path of an unset variable', () => {
    const raw = { auth: { tokens: [{ token: '${DISPATCH_TOKEN}', role: 'dispatcher' }, { token: '${MISSING_TOKEN}', role: 'admin' }] } };
    expect(problems(() => parseConfig(raw, { DISPATCH_TOKEN: 'x' }))).toEqual(['auth.tokens[1].token: environment variable MISSING_TOKEN is not set']);
    const cfg = parseConfig(raw, { DISPATCH_TOKEN: 'secret', MISSING_TOKEN: 'y' });
    expect(cfg.auth.tokens[0].token).toBe('secret');
  });

  it('checks references: device zones, credentials, OPC UA nodes', () => {
    const p = problems(() =>
      parseConfig({
        enterprises: [{ id: 'e', sites: [{ id: 's', zones: [{ id: 'z' }], devices: [{ id: 'd', kind: 'gas', zone: 'nope' }] }] }],
        auth: { devices: [{ username: 'u', password: 'p', enterprise: 'e', site: 's', device: 'ghost' }] },
        opcua: [{ endpoint: 'opc.tcp://x:4840', site: 's', nodes: [{ nodeId: 'ns=1;s=A', device: 'ghost', metric: 'lel' }] }],
      }),
    );
    expect(p).toEqual(['enterprises[0].sites[0].devices[0].zone: unknown zone "nope"', 'auth.devices[0].device: unknown device "ghost"', 'opcua[0].nodes[0].device: unknown device "ghost" at site "s"']);
  });

  it('rejects duplicate tokens and device usernames, and unknown time zones', () => {
    const p = problems(() =>
      parseConfig({
        gateway: { timezone: 'Mars/Base' },
        auth: { tokens: [{ token: 't', role: 'admin' }, { token: 't', role: 'worker' }], devices: [] },
      }),
    );
    expect(p).toEqual(['gateway.timezone: unknown time zone "Mars/Base" (expected an IANA name like Asia/Shanghai)', 'auth.tokens[1].token: duplicate token']);
  });

  it('reports YAML syntax errors instead of throwing', () => {
    expect(problems(() => parseConfigText('gateway: [unclosed'))[0]).toMatch(/^\(yaml\): /);
  });

  it('fills documented defaults', () => {
    const cfg = parseConfig({});
    expect(cfg.gateway.http.port).toBe(8080);
    expect(cfg.storage.telemetry).toEqual({ type: 'sqlite' });
    expect(cfg.mqtt.maxPayloadBytes).toBe(256 * 1024);
    expect(cfg.wal.overflow).toBe('reject-new');
  });

  it('the demo config is valid and builds the asset model', () => {
    const cfg = parseConfigText(readFileSync(new URL('./demo.yaml', import.meta.url), 'utf8'));
    const assets = AssetModel.fromConfig(cfg);
    const gas = assets.lookup('ent-a', 's1', 'gas-01');
    expect(gas.ok && gas.device.zone).toBe('z-stope-301');
    expect(assets.lookup('ent-a', 's1', 'nope')).toEqual({ ok: false, reason: 'unknown_device' });
    expect(assets.lookup('ent-x', 's1', 'gas-01')).toEqual({ ok: false, reason: 'unknown_enterprise' });
    expect(assets.enterprises.get('ent-a')!.approvedCapacity.tonnesPerDay).toBe(3000);
  });

  it('edge and central modes (issue 7): the examples are valid; mode-specific keys are checked where they belong', () => {
    const env = { UPLINK_PASSWORD: 'x', DISPATCH_TOKEN: 'd', S1_PW: 's', REGULATOR_TOKEN: 'r', EDGE_TAIAN_01_PW: 'e' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const edge = parseConfigText(readFileSync(new URL('../../../examples/edge.yaml', import.meta.url), 'utf8'));
      expect(edge.uplink).toMatchObject({ username: 'edge-taian-01', inflight: 4, batchReadings: 5000, tls: { rejectUnauthorized: true } });
      const central = parseConfigText(readFileSync(new URL('../../../examples/central.yaml', import.meta.url), 'utf8'));
      expect(central.auth.edges[0].enterprises).toEqual(['ent-a']);
      expect(central.mqtt.embedded?.tls?.port).toBe(8883);
    } finally {
      process.env = saved;
    }
    const base = { enterprises: [{ id: 'ent-a', sites: [{ id: 's1' }] }] };
    expect(problems(() => parseConfig({ ...base, gateway: { mode: 'edge' } }))).toContain('uplink: required when gateway.mode is edge');
    expect(problems(() => parseConfig({ ...base, uplink: { url: 'mqtt://c:1883', username: 'e1' } }))).toContain('uplink: only for gateway.mode edge');
    expect(problems(() => parseConfig({ ...base, auth: { edges: [{ username: 'e1', password: 'p', enterprises: ['ent-a'] }] } }))).toContain('auth.edges: only for gateway.mode central or cluster');
    const p = problems(() => parseConfig({ ...base, gateway: { mode: 'central' }, mqtt: { url: 'mqtt://x:1883' }, auth: { edges: [{ username: 'e1', password: 'p', enterprises: ['ent-z'], sites: ['ent-a/s9'] }] } }));
    expect(p).toEqual(expect.arrayContaining(['mqtt.url: a central gateway takes its edges on the embedded broker: use mqtt.embedded', 'auth.edges[0].enterprises[0]: unknown enterprise "ent-z"', 'auth.edges[0].sites[0]: enterprise "ent-a" is not in this edge\'s enterprises']));
  });

  it('notifications and reports (issue 15): people, channels and enterprises referenced exist; on-duty without a roster is a warning', () => {
    const ents = [{ id: 'ent-a', jurisdiction: 'taian', sites: [{ id: 's' }] }, { id: 'ent-b', jurisdiction: 'taian', sites: [{ id: 'p' }] }];
    const p = problems(() =>
      parseConfig({
        enterprises: ents,
        notify: {
          persons: [{ id: 'wang', name: '王', phone: '13800000001' }],
          rosters: [{ enterprise: 'ent-z', shifts: [{ name: '白班', from: '08:00', to: '25:00', persons: ['ghost'] }] }],
          escalations: [{ name: 'red', steps: [{ afterMinutes: 0, to: ['on-duty', 'nobody'], via: ['sms'] }] }],
        },
        reports: { schedules: [{ id: 'm', cron: 'every day', enterprise: 'ent-q', email: ['a@b.cn'] }] },
      }),
    );
    expect(p).toEqual(
      expect.arrayContaining([
        'notify.rosters[0].shifts[0].to: expected HH:MM (24 h)',
        'notify.rosters[0].shifts[0].persons[0]: unknown person "ghost" (not in notify.persons)',
        'notify.escalations[0].steps[0].to[1]: unknown person "nobody" (not in notify.persons)',
        'notify.escalations[0].steps[0].via[0]: channel sms is used but notify.sms is not configured',
        'reports.schedules[0].cron: expected a cron expression like "0 8 1 * *" (08:00 on the 1st)',
      ]),
    );
    const refs = problems(() => parseConfig({ enterprises: ents, notify: { rosters: [{ enterprise: 'ent-z', shifts: [{ name: '白班', from: '08:00', to: '20:00', persons: [] }] }] }, reports: { schedules: [{ id: 'm', cron: '0 8 1 * *', enterprise: 'ent-q', email: ['a@b.cn'] }] } }));
    expect(refs).toEqual(expect.arrayContaining(['notify.rosters[0].enterprise: unknown enterprise "ent-z"', 'reports.schedules[0].enterprise: unknown enterprise "ent-q"', 'reports.schedules[0].email: mailing reports needs notify.email (the mail server)']));
    const ok = parseConfig({ enterprises: ents, notify: { sms: { url: 'https://sms.example.com/send' }, persons: [{ id: 'wang', name: '王', phone: '13800000001' }], rosters: [{ enterprise: 'ent-a', shifts: [{ name: '全天', from: '00:00', to: '00:00', persons: ['wang'] }] }], escalations: [{ name: 'red', steps: [{ afterMinutes: 0, to: ['on-duty'], via: ['sms'] }] }] } });
    expect(configWarnings(ok)).toEqual(['notify.escalations.0: sends to on-duty, but ent-b has no roster in notify.rosters: nobody on duty is called there']);
  });
});
