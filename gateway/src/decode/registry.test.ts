// The decoder table (registry.ts) and both decoders against the Decoder contract.
import spPayload from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import { decoderContract } from '../../../test/contracts/decoder-contract.ts';
import { RejectError } from '../errors.ts';
import { createDecoders, JsonDecoder } from './registry.ts';

const sp = spPayload.get('spBv1.0')!;
const T0 = 1_732_233_600_000;
const ARRIVAL = T0 + 5_000;
const principal = { username: 'gas-01', enterprise: 'ent-a', site: 'site-1', device: 'gas-01' };
const enc = (p: object) => Buffer.from(sp.encodePayload(p as never));

decoderContract('json (hl/v1/...)', {
  make: () => new JsonDecoder(),
  good: { topic: 'hl/v1/ent-a/site-1/gas-01/telemetry', payload: Buffer.from(JSON.stringify({ ts: T0, values: { lel: 12.5, h2s: 3 } })), principal, arrival: ARRIVAL },
  expected: [
    {
      type: 'readings',
      transport: 'mqtt',
      readings: [
        { ts: T0, enterprise: 'ent-a', site: 'site-1', device: 'gas-01', kind: 'generic', metric: 'lel', value: 12.5, quality: 'good' },
        { ts: T0, enterprise: 'ent-a', site: 'site-1', device: 'gas-01', kind: 'generic', metric: 'h2s', value: 3, quality: 'good' },
      ],
    },
  ],
  bad: { input: { topic: 'hl/v1/ent-a/site-1/gas-01/telemetry', payload: Buffer.from('{"values":{"lel":"high"}}'), arrival: ARRIVAL }, reason: 'invalid_payload' },
  foreignTopic: 'hl/v1/ent-a/site-2/gas-01/telemetry',
  notMine: ['spBv1.0/ent-a/NDATA/site-1', 'hl/uplink/v1/edge-1/b', 'hlv1/ent-a/site-1/gas-01/telemetry'],
});

decoderContract('sparkplug (spBv1.0/...)', {
  make: () => createDecoders({ sparkplug: {} }).sparkplug,
  setup: [
    { topic: 'spBv1.0/ent-a/NBIRTH/site-1', payload: enc({ timestamp: T0, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] }), arrival: ARRIVAL },
    { topic: 'spBv1.0/ent-a/DBIRTH/site-1/gas-01', payload: enc({ timestamp: T0, seq: 1, metrics: [{ name: 'lel', type: 'Float', value: 1, alias: 1 }] }), arrival: ARRIVAL },
  ],
  good: { topic: 'spBv1.0/ent-a/DDATA/site-1/gas-01', payload: enc({ timestamp: T0 + 1000, seq: 2, metrics: [{ type: 'Float', value: 30, alias: 1 }] }), principal, arrival: ARRIVAL },
  expected: [{ type: 'readings', transport: 'sparkplug', readings: [{ ts: T0 + 1000, enterprise: 'ent-a', site: 'site-1', device: 'gas-01', kind: 'generic', metric: 'lel', value: 30, quality: 'good' }] }],
  bad: { input: { topic: 'spBv1.0/ent-a/DDATA/site-1/gas-01', payload: enc({ timestamp: T0 + 2000, seq: 3, metrics: [{ type: 'Float', value: 31, alias: 99 }] }), arrival: ARRIVAL }, reason: 'sparkplug_unknown_alias' },
  foreignTopic: 'spBv1.0/ent-a/DDATA/site-2/gas-01',
  notMine: ['hl/v1/ent-a/site-1/gas-01/telemetry', 'hl/uplink/v1/edge-1/b', 'spBv1.1/ent-a/NDATA/site-1'],
});

describe('decoder table', () => {
  const table = createDecoders({ sparkplug: {} });
  it('routes each namespace to its decoder', () => {
    expect(table.forTopic('spBv1.0/ent-a/NDATA/site-1').name).toBe('sparkplug');
    expect(table.forTopic('hl/v1/ent-a/site-1/gas-01/telemetry').name).toBe('json');
  });
  it('refuses a topic no decoder owns as unknown_topic, naming both namespaces', () => {
    const err = (() => {
      try {
        table.forTopic('factory/line-1/temp');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RejectError);
    expect((err as RejectError).reason).toBe('unknown_topic');
    expect((err as RejectError).message).toMatch(/hl\/v1\/.*spBv1\.0/);
  });
  it('a Sparkplug command or host STATE carries no telemetry', () => {
    expect(table.sparkplug.decode({ topic: 'spBv1.0/ent-a/NCMD/site-1', payload: Buffer.alloc(0), arrival: ARRIVAL })).toEqual([]);
    expect(table.sparkplug.decode({ topic: 'spBv1.0/STATE/host-1', payload: Buffer.from('{}'), arrival: ARRIVAL })).toEqual([]);
  });
});
