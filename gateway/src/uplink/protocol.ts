// The uplink wire format (issue 7, docs/uplink.md), edge → central over MQTT, QoS 1:
//   hl/uplink/v1/{edge}/hello   JSON: who the edge is, its rules and its queue (on connect, then every 15 s)
//   hl/uplink/v1/{edge}/p       a batch of the priority lane (alarms, hazards, loss notices)
//   hl/uplink/v1/{edge}/b       a batch of the bulk lane (device frames)
//   hl/uplink/v1/{edge}/state   retained `online` / `offline` (the edge's Last Will)
//   hl/uplink/v1/{edge}/down    central → edge: what the centre decided for the edge's enterprises (downlink.ts)
// A batch is raw-deflated JSON {v: 1, edge, lane, rows: [{seq, at, items: [...]}]}: rows keep the
// numbers the edge's queue gave them, so the central drops what it already has and sees gaps.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DEVICE_KINDS, type DeviceFrame, type Reading, type Transport } from '../model/types.ts';
import type { Lane, QueueRow } from './forward-queue.ts';

import { UPLINK_PREFIX } from '../model/topics.ts';

export { UPLINK_PREFIX };
export const uplinkTopic = (edge: string, what: 'hello' | 'state' | 'down' | Lane) => `${UPLINK_PREFIX}${edge}/${what}`;

/** `hl/uplink/v1/{edge}/{what}` → its parts, or undefined for another topic */
export function parseUplinkTopic(topic: string): { edge: string; what: string } | undefined {
  if (!topic.startsWith(UPLINK_PREFIX)) return undefined;
  const rest = topic.slice(UPLINK_PREFIX.length).split('/');
  if (rest.length !== 2 || !rest[0] || !rest[1]) return undefined;
  return { edge: rest[0], what: rest[1] };
}

export interface Hello {
  v: 1;
  /** the edge queue's identity (11.3): batches of another epoch are refused until a hello announces it */
  epoch: number;
  /** the edge's gateway.id */
  gateway: string;
  /** rule ids the edge evaluates */
  rules: string[];
  startedAt: number;
  sentAt: number;
  /** the last downlink row the edge applied (issue 16); 0 before any, absent from older edges */
  down?: number;
  queue: { p: { rows: number; oldestAt: number | null; nextSeq: number }; b: { rows: number; readings: number; oldestAt: number | null; nextSeq: number }; bytes: number; droppedReadings: number };
}

const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const numOrNull = (x: unknown): number | null => (num(x) ? x : null);

/** A hello as JSON, checked and reduced to the fields the central uses; undefined when it is not one. */
export function parseHello(payload: Buffer): Hello | undefined {
  let o: any;
  try {
    o = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  const q = o?.queue;
  if (!o || o.v !== 1 || !num(o.epoch) || !q || typeof q !== 'object' || !q.p || !q.b || !num(q.p.nextSeq) || !num(q.b.nextSeq)) return undefined;
  return {
    v: 1,
    epoch: o.epoch,
    gateway: typeof o.gateway === 'string' ? o.gateway.slice(0, 64) : '',
    rules: Array.isArray(o.rules) ? o.rules.filter((r: unknown) => typeof r === 'string').slice(0, 1000) : [],
    startedAt: num(o.startedAt) ? o.startedAt : 0,
    sentAt: num(o.sentAt) ? o.sentAt : 0,
    ...(num(o.down) ? { down: o.down } : {}),
    queue: {
      p: { rows: num(q.p.rows) ? q.p.rows : 0, oldestAt: numOrNull(q.p.oldestAt), nextSeq: q.p.nextSeq },
      b: { rows: num(q.b.rows) ? q.b.rows : 0, readings: num(q.b.readings) ? q.b.readings : 0, oldestAt: numOrNull(q.b.oldestAt), nextSeq: q.b.nextSeq },
      bytes: num(q.bytes) ? q.bytes : 0,
      droppedReadings: num(q.droppedReadings) ? q.droppedReadings : 0,
    },
  };
}

export interface BatchRow {
  seq: number;
  at: number;
  items: unknown[];
}
export interface Batch {
  v: 1;
  edge: string;
  /** the edge queue's identity: a new queue (its file lost, a new box) numbers rows from 1 again */
  epoch: number;
  lane: Lane;
  rows: BatchRow[];
}

/** Rows as they sit in the queue (their bodies are already JSON arrays), compressed for the link. */
export function encodeBatch(edge: string, epoch: number, lane: Lane, rows: QueueRow[]): Buffer {
  const body = rows.map((r) => `{"seq":${r.seq},"at":${r.at},"items":${r.body}}`).join(',');
  return deflateRawSync(`{"v":1,"edge":${JSON.stringify(edge)},"epoch":${epoch},"lane":"${lane}","rows":[${body}]}`, { level: 6 });
}

export class UplinkFormatError extends Error {}

export function decodeBatch(payload: Buffer, maxInflatedBytes: number): Batch {
  let text: string;
  try {
    text = inflateRawSync(payload, { maxOutputLength: maxInflatedBytes }).toString('utf8');
  } catch (err) {
    throw new UplinkFormatError(`not a raw-deflated batch (${(err as Error).message})`);
  }
  let b: Batch;
  try {
    b = JSON.parse(text) as Batch;
  } catch {
    throw new UplinkFormatError('batch is not JSON');
  }
  if (!b || b.v !== 1 || (b.lane !== 'p' && b.lane !== 'b') || !Number.isSafeInteger(b.epoch) || !Array.isArray(b.rows)) throw new UplinkFormatError('expected {v: 1, edge, epoch, lane: "p" | "b", rows: [...]}');
  let last = 0;
  for (const r of b.rows) {
    if (!r || !Number.isSafeInteger(r.seq) || r.seq <= last || !Array.isArray(r.items)) throw new UplinkFormatError('rows need increasing integer seq and an items array');
    last = r.seq;
  }
  return b;
}

const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 256;
const isTs = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const KINDS = new Set<string>(DEVICE_KINDS);

/**
 * A bulk item → a device frame, checked field by field (an edge is trusted with its own
 * enterprises, not with the gateway's memory): compact readings as the WAL writes them
 * ({R, g: [[enterprise, site, device, kind, zone, [[ts, metric, value(, quality)]...]]...]}), or a
 * position, event or status frame as JSON. Throws UplinkFormatError.
 */
export function frameOfItem(item: unknown): DeviceFrame {
  const o = item as Record<string, unknown>;
  if (o && Array.isArray(o.g)) {
    const readings: Reading[] = [];
    for (const g of o.g as unknown[][]) {
      const [enterprise, site, device, kind, zone, values] = g ?? [];
      if (!isStr(enterprise) || !isStr(site) || !isStr(device) || !KINDS.has(kind as string) || !(zone === null || isStr(zone)) || !Array.isArray(values)) throw new UplinkFormatError('bad readings group');
      for (const v of values as unknown[][]) {
        const [ts, metric, value, quality] = v ?? [];
        if (!isTs(ts) || !isStr(metric) || !(value === null || (typeof value === 'number' && Number.isFinite(value))) || !(quality === undefined || quality === 'good' || quality === 'bad' || quality === 'uncertain')) throw new UplinkFormatError('bad reading');
        const r: Reading = { ts, enterprise, site, device, kind: kind as Reading['kind'], metric, value, quality: (quality as Reading['quality']) ?? 'good' };
        if (zone !== null) r.zone = zone;
        readings.push(r);
      }
    }
    return { type: 'readings', transport: 'uplink', readings };
  }
  if (!o || !isStr(o.enterprise) || !isStr(o.site) || !isStr(o.device) || !isTs(o.ts)) throw new UplinkFormatError('bad frame');
  const base = { transport: 'uplink' as Transport, enterprise: o.enterprise, site: o.site, device: o.device, ts: o.ts };
  if (o.type === 'position' && Array.isArray(o.tags) && o.tags.every((t: { tag?: unknown; zone?: unknown }) => isStr(t?.tag) && (t.zone === null || isStr(t.zone)))) {
    return { type: 'position', ...base, tags: (o.tags as { tag: string; zone: string | null }[]).map((t) => ({ tag: t.tag, zone: t.zone })) };
  }
  if (o.type === 'event' && isStr(o.eventType)) return { type: 'event', ...base, eventType: o.eventType, detail: typeof o.detail === 'object' && o.detail !== null ? (o.detail as Record<string, unknown>) : {} };
  if (o.type === 'status' && typeof o.online === 'boolean') return { type: 'status', ...base, online: o.online, ...(isStr(o.reason) ? { reason: o.reason } : {}) };
  throw new UplinkFormatError(`bad frame type ${String(o.type)}`);
}
