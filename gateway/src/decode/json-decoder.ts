// Decoder for the JSON topics of CONTRACT §3.1–3.3. Pure: no I/O, no clock reads —
// the arrival time is given, and it stands in for a missing `ts`.
import { RejectError } from '../errors.ts';
import type { DeviceFrame, PositionTag, Reading, SubjectRef } from '../model/types.ts';

export const JSON_TOPIC_PREFIX = 'hl/v1/';
export type JsonTopicType = 'telemetry' | 'position' | 'event' | 'status';
const TOPIC_TYPES = new Set<string>(['telemetry', 'position', 'event', 'status']);
const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_BATCH = 10_000;
const MAX_TAGS = 100_000;

export interface JsonTopic extends SubjectRef {
  type: JsonTopicType;
}

/** `hl/v1/{enterprise}/{site}/{device}/{type}` → parts, or null when the topic is not ours. */
export function parseJsonTopic(topic: string): JsonTopic | null {
  if (!topic.startsWith(JSON_TOPIC_PREFIX)) return null;
  const parts = topic.slice(JSON_TOPIC_PREFIX.length).split('/');
  if (parts.length !== 4 || parts.some((p) => p.length === 0) || !TOPIC_TYPES.has(parts[3])) return null;
  return { enterprise: parts[0], site: parts[1], device: parts[2], type: parts[3] as JsonTopicType };
}

/** `ts`: epoch ms or an RFC 3339 string; missing = arrival time (CONTRACT §3.1). */
export function parseTs(ts: unknown, arrival: number): number {
  if (ts === undefined || ts === null) return arrival;
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts)) throw new RejectError('non_finite', 'ts is not a finite number');
    // 8.64e15 ms is the end of the ECMAScript time range: anything beyond is not a time
    if (ts < 0 || ts > 8.64e15) throw new RejectError('invalid_payload', 'ts must be epoch milliseconds between 0 and 8.64e15');
    return Math.round(ts);
  }
  if (typeof ts === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(ts)) {
    const t = Date.parse(ts);
    if (Number.isFinite(t)) return t;
  }
  throw new RejectError('invalid_payload', 'ts must be epoch milliseconds or an RFC 3339 string');
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new RejectError('malformed', `payload is not JSON: ${(err as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function telemetry(t: JsonTopic, body: unknown, arrival: number): DeviceFrame {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) throw new RejectError('invalid_payload', 'empty batch');
  if (items.length > MAX_BATCH) throw new RejectError('invalid_payload', `batch of ${items.length} exceeds ${MAX_BATCH}`);
  const readings: Reading[] = [];
  items.forEach((item, i) => {
    const at = Array.isArray(body) ? `[${i}].` : '';
    if (!isObject(item)) throw new RejectError('invalid_payload', `${at || 'payload '}must be an object`);
    if (!isObject(item.values)) throw new RejectError('invalid_payload', `${at}values must be an object of metric: number`);
    const ts = parseTs(item.ts, arrival);
    const entries = Object.entries(item.values);
    if (entries.length === 0) throw new RejectError('invalid_payload', `${at}values is empty`);
    for (const [metric, value] of entries) {
      if (!METRIC_NAME.test(metric)) throw new RejectError('invalid_payload', `${at}values: bad metric name "${metric.slice(0, 64)}"`);
      if (typeof value !== 'number') throw new RejectError('invalid_payload', `${at}values.${metric}: expected number, got ${value === null ? 'null' : typeof value}`);
      // JSON.parse turns 1e400 into Infinity (CONTRACT §3.5: non-finite numbers are rejected)
      if (!Number.isFinite(value)) throw new RejectError('non_finite', `${at}values.${metric}: not a finite number`);
      readings.push({ ts, enterprise: t.enterprise, site: t.site, device: t.device, kind: 'generic', metric, value, quality: 'good' });
    }
  });
  return { type: 'readings', transport: 'mqtt', readings };
}

function position(t: JsonTopic, body: unknown, arrival: number): DeviceFrame {
  if (!isObject(body) || !Array.isArray(body.tags)) throw new RejectError('invalid_payload', 'position payload needs tags: [{tag, zone}]');
  if (body.tags.length > MAX_TAGS) throw new RejectError('invalid_payload', `more than ${MAX_TAGS} tags`);
  const tags: PositionTag[] = body.tags.map((x, i) => {
    if (!isObject(x) || typeof x.tag !== 'string' || x.tag.length === 0) throw new RejectError('invalid_payload', `tags[${i}].tag: expected non-empty string`);
    if (x.zone !== null && x.zone !== undefined && typeof x.zone !== 'string') throw new RejectError('invalid_payload', `tags[${i}].zone: expected string or null`);
    return { tag: x.tag, zone: (x.zone as string | null | undefined) ?? null };
  });
  return { type: 'position', transport: 'mqtt', ts: parseTs(body.ts, arrival), enterprise: t.enterprise, site: t.site, device: t.device, tags };
}

function event(t: JsonTopic, body: unknown, arrival: number): DeviceFrame {
  if (!isObject(body) || typeof body.type !== 'string' || body.type.length === 0 || body.type.length > 64) {
    throw new RejectError('invalid_payload', 'event payload needs type: non-empty string');
  }
  if (body.detail !== undefined && !isObject(body.detail)) throw new RejectError('invalid_payload', 'detail: expected object');
  return { type: 'event', transport: 'mqtt', ts: parseTs(body.ts, arrival), enterprise: t.enterprise, site: t.site, device: t.device, eventType: body.type, detail: (body.detail as Record<string, unknown>) ?? {} };
}

/** `online` / `offline`, as a plain string or JSON `{ "status": ..., "ts": ... }` (retained, Last Will). */
function status(t: JsonTopic, payload: Buffer, arrival: number): DeviceFrame {
  const text = payload.toString('utf8').trim();
  let value: unknown = text;
  let ts = arrival;
  if (text.startsWith('{') || text.startsWith('"')) {
    const body = parseJson(payload);
    if (isObject(body)) {
      value = body.status;
      ts = parseTs(body.ts, arrival);
    } else value = body;
  }
  if (value !== 'online' && value !== 'offline') throw new RejectError('invalid_payload', 'status must be "online" or "offline"');
  return { type: 'status', transport: 'mqtt', ts, enterprise: t.enterprise, site: t.site, device: t.device, online: value === 'online' };
}

export function decodeJson(t: JsonTopic, payload: Buffer, arrival: number): DeviceFrame {
  if (t.type === 'status') return status(t, payload, arrival);
  const body = parseJson(payload);
  if (t.type === 'telemetry') return telemetry(t, body, arrival);
  if (t.type === 'position') return position(t, body, arrival);
  return event(t, body, arrival);
}
