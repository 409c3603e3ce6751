import { describe, expect, it } from 'vitest';
import { RejectError } from '../errors.ts';
import { decodeJson, parseJsonTopic, type JsonTopic } from './json-decoder.ts';

const T = (type: JsonTopic['type']): JsonTopic => ({ enterprise: 'ent-a', site: 's1', device: 'gas-01', type });
const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof RejectError) return err.reason;
    throw err;
  }
  return 'accepted';
};

describe('JSON decoder (CONTRACT §3.1–3.3)', () => {
  it('parses topics', () => {
    expect(parseJsonTopic('hl/v1/ent-a/s1/gas-01/telemetry')).toEqual(T('telemetry'));
    expect(parseJsonTopic('hl/v1/ent-a/s1/gas-01/other')).toBeNull();
    expect(parseJsonTopic('hl/v1/ent-a/s1/telemetry')).toBeNull();
    expect(parseJsonTopic('hl/v1/ent-a//gas-01/telemetry')).toBeNull();
  });

  it('decodes telemetry; missing ts = arrival; RFC 3339 ts', () => {
    const f = decodeJson(T('telemetry'), buf({ values: { lel: 12.5, h2s: 3.1 } }), 1000);
    expect(f.type === 'readings' && f.readings.map((r) => [r.metric, r.value, r.ts])).toEqual([['lel', 12.5, 1000], ['h2s', 3.1, 1000]]);
    const g = decodeJson(T('telemetry'), buf({ ts: '2026-11-22T08:00:00+08:00', values: { lel: 1 } }), 0);
    expect(g.type === 'readings' && g.readings[0].ts).toBe(Date.parse('2026-11-22T00:00:00Z'));
  });

  it('decodes a batch, oldest first', () => {
    const f = decodeJson(T('telemetry'), buf([{ ts: 1, values: { lel: 1 } }, { ts: 2, values: { lel: 2 } }]), 0);
    expect(f.type === 'readings' && f.readings.map((r) => r.ts)).toEqual([1, 2]);
  });

  it('rejects malformed JSON, wrong types, non-finite numbers', () => {
    expect(reason(() => decodeJson(T('telemetry'), buf('{"values": {"lel": 1'), 0))).toBe('malformed');
    expect(reason(() => decodeJson(T('telemetry'), buf({ values: { lel: '12' } }), 0))).toBe('invalid_payload');
    expect(reason(() => decodeJson(T('telemetry'), buf({ values: [1, 2] }), 0))).toBe('invalid_payload');
    expect(reason(() => decodeJson(T('telemetry'), buf({ ts: 'yesterday', values: { lel: 1 } }), 0))).toBe('invalid_payload');
    expect(reason(() => decodeJson(T('telemetry'), buf({ ts: 1e20, values: { lel: 1 } }), 0))).toBe('invalid_payload');
    expect(reason(() => decodeJson(T('telemetry'), buf('{"values": {"lel": 1e400}}'), 0))).toBe('non_finite');
    expect(reason(() => decodeJson(T('telemetry'), buf('{"values": {"lel": NaN}}'), 0))).toBe('malformed');
    expect(reason(() => decodeJson(T('telemetry'), buf({ values: {} }), 0))).toBe('invalid_payload');
    expect(reason(() => decodeJson(T('telemetry'), buf({ values: { 'bad name': 1 } }), 0))).toBe('invalid_payload');
  });

  it('decodes position with null zones', () => {
    const f = decodeJson(T('position'), buf({ ts: 5, tags: [{ tag: 'P0012', zone: 'z-stope-301' }, { tag: 'P0031', zone: null }] }), 0);
    expect(f).toMatchObject({ type: 'position', ts: 5, tags: [{ tag: 'P0012', zone: 'z-stope-301' }, { tag: 'P0031', zone: null }] });
    expect(reason(() => decodeJson(T('position'), buf({ tags: [{ zone: 'z' }] }), 0))).toBe('invalid_payload');
  });

  it('decodes events and status (plain or JSON)', () => {
    expect(decodeJson(T('event'), buf({ ts: 7, type: 'sos', detail: { tag: 'P1' } }), 0)).toMatchObject({ type: 'event', eventType: 'sos', ts: 7, detail: { tag: 'P1' } });
    expect(decodeJson(T('status'), buf('offline'), 9)).toMatchObject({ type: 'status', online: false, ts: 9 });
    expect(decodeJson(T('status'), buf({ status: 'online', ts: 3 }), 9)).toMatchObject({ online: true, ts: 3 });
    expect(reason(() => decodeJson(T('status'), buf('maybe'), 0))).toBe('invalid_payload');
  });
});
