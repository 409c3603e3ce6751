// Decoder for Sparkplug B (CONTRACT §3.4). The one stateful decoder: Sparkplug DATA messages
// are meaningless without the BIRTH that named their aliases, so it keeps per-edge-node state.
// Still no I/O and no clock reads: the arrival time is given (ARCHITECTURE.md, Decoder).
//
// It decodes with sparkplug-payload's generated protobuf root rather than its `decodePayload`:
// the latter turns a metric without `datatype` into value null, and the spec asks edge nodes
// to leave datatype out of DATA messages [tck-id-payloads-metric-datatype-not-req], so the
// datatype has to come from the BIRTH.
import { inflateSync, gunzipSync } from 'node:zlib';
import protoRoot from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { RejectError } from '../errors.ts';
import type { DeviceFrame, Reading } from '../model/types.ts';

export const SPARKPLUG_NAMESPACE = 'spBv1.0';
export const SPARKPLUG_MESSAGE_TYPES = ['NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH'] as const;
export type SparkplugMessageType = (typeof SPARKPLUG_MESSAGE_TYPES)[number];
/** What a host subscribes to: never NCMD/DCMD/STATE, which this decoder rejects as unknown_topic. */
export const SPARKPLUG_SUBSCRIPTIONS = SPARKPLUG_MESSAGE_TYPES.map((t) => `${SPARKPLUG_NAMESPACE}/+/${t}/${t[0] === 'D' ? '+/+' : '+'}`);

export interface SparkplugTopic {
  group: string;
  node: string;
  device?: string;
  messageType: SparkplugMessageType;
}

export interface SparkplugDecoded extends SparkplugTopic {
  frames: DeviceFrame[];
  /** the edge node's seq skipped or repeated: messages were lost or reordered (counted, not rejected) */
  seqGap?: { expected: number; got: number };
}

export interface SparkplugDecoderOptions {
  maxNodes?: number;
  maxDevicesPerNode?: number;
  maxMetricsPerDevice?: number;
  /**
   * Whether state may be kept for this group (enterprise), edge node (site) and device: asked before
   * a BIRTH is stored, so births for unconfigured places are rejected with nothing kept (issue 12 item 5).
   * Returns the rejection, or null. Without it every place is accepted.
   */
  known?: (group: string, node: string, device?: string) => RejectError | null;
}

// protobufjs decodes uint64 fields to Long (via the `long` package sparkplug-payload ships).
interface LongLike { toNumber(): number; toSigned(): LongLike; toUnsigned(): LongLike }
type U64 = number | LongLike;
interface RawMetric {
  name?: string; alias?: U64; timestamp?: U64; datatype?: number; isNull?: boolean;
  /** protobufjs oneof discriminator: which value field is set */
  value?: string;
  intValue?: number; longValue?: U64; floatValue?: number; doubleValue?: number; booleanValue?: boolean; stringValue?: string;
}
interface RawPayload { timestamp?: U64; seq?: U64; metrics: RawMetric[]; uuid?: string; body?: Uint8Array }

interface MetricDef { name: string; datatype: number }
interface DeviceState { byName: Map<string, MetricDef>; byAlias: Map<string, MetricDef> }
interface NodeState { bdSeq: number | null; seq: number | null; own: DeviceState; devices: Map<string, DeviceState> }

const ProtoPayload = protoRoot.org.eclipse.tahu.protobuf.Payload;
const DT = { Int8: 1, Int16: 2, Int32: 3, Int64: 4, UInt8: 5, UInt16: 6, UInt32: 7, UInt64: 8, Float: 9, Double: 10, Boolean: 11 } as const;
const COMPRESSED_UUID = 'SPBV1.0_COMPRESSED'; // Tahu's compressed envelope (sparkplug-client `compress: true`)
const MAX_INFLATED = 1024 * 1024;

const has = (o: object, k: string): boolean => Object.hasOwn(o, k);
const u64 = (v: U64): number => (typeof v === 'number' ? v : v.toUnsigned().toNumber());
/** Metadata, not measurements: the session number and the rebirth/reboot command metrics. */
const isMetadata = (name: string): boolean =>
  name === 'bdSeq' || name.startsWith('Node Control/') || name.startsWith('Device Control/') || name.startsWith('Properties/') || isEvent(name);

/**
 * Device events over Sparkplug (issue 17; CONTRACT §3.3 has them on the JSON event topic): a DATA
 * metric named `Event/{type}` — a String holding the event's detail as JSON (or any text, kept as
 * `detail.value`), or a Boolean / number that fires when true or non-zero. Not readings; a BIRTH's
 * values are the initial state, not events.
 */
const EVENT_PREFIX = 'event/';
const isEvent = (name: string): boolean => name.length > EVENT_PREFIX.length && name.slice(0, EVENT_PREFIX.length).toLowerCase() === EVENT_PREFIX;
const STRING_TYPES = new Set([12, 14, 15]); // String, Text, UUID

/** `spBv1.0/{group}/{type}/{edge_node}[/{device}]` → parts, or null when it is not a topic we ingest. */
export function parseSparkplugTopic(topic: string): SparkplugTopic | null {
  const p = topic.split('/');
  if (p[0] !== SPARKPLUG_NAMESPACE || p.some((s) => s.length === 0)) return null;
  const messageType = p[2] as SparkplugMessageType;
  if (!SPARKPLUG_MESSAGE_TYPES.includes(messageType)) return null;
  const deviceLevel = messageType[0] === 'D';
  if (p.length !== (deviceLevel ? 5 : 4)) return null;
  return { group: p[1], node: p[3], messageType, ...(deviceLevel ? { device: p[4] } : {}) };
}

export class SparkplugDecoder {
  private readonly nodes = new Map<string, NodeState>();
  private readonly maxNodes: number;
  private readonly maxDevices: number;
  private readonly maxMetrics: number;
  private readonly known: NonNullable<SparkplugDecoderOptions['known']>;

  constructor(opts: SparkplugDecoderOptions = {}) {
    this.maxNodes = opts.maxNodes ?? 100_000;
    this.maxDevices = opts.maxDevicesPerNode ?? 10_000;
    this.maxMetrics = opts.maxMetricsPerDevice ?? 10_000;
    this.known = opts.known ?? (() => null);
  }

  /** Devices with a birth, over all edge nodes (for tests and health). */
  deviceCount(): number {
    let n = 0;
    for (const node of this.nodes.values()) n += node.devices.size;
    return n;
  }

  /** Edge nodes currently born (for health / metrics). */
  nodeCount(): number {
    return this.nodes.size;
  }

  decode(topic: string, payload: Buffer, arrival: number): SparkplugDecoded {
    const t = parseSparkplugTopic(topic);
    if (!t) throw new RejectError('unknown_topic', `not a Sparkplug B topic we ingest: ${topic.slice(0, 200)}`);
    const p = decodePayload(payload);
    const key = `${t.group}/${t.node}`;
    switch (t.messageType) {
      case 'NBIRTH': return this.nbirth(t, key, p, arrival);
      case 'NDEATH': return this.ndeath(t, key, p, arrival);
      case 'DBIRTH': return this.dbirth(t, key, p, arrival);
      case 'DDEATH': return this.ddeath(t, key, p, arrival);
      default: return this.data(t, key, p, arrival);
    }
  }

  private nbirth(t: SparkplugTopic, key: string, p: RawPayload, arrival: number): SparkplugDecoded {
    const refused = this.known(t.group, t.node);
    if (refused) throw refused;
    if (!this.nodes.has(key) && this.nodes.size >= this.maxNodes) {
      throw new RejectError('invalid_payload', `more than ${this.maxNodes} Sparkplug edge nodes tracked`);
    }
    const own = this.learn(p.metrics, 'NBIRTH');
    // A new session replaces the old one whole: devices must rebirth under it. NBIRTH seq may be
    // 0..255 and restarts the count [tck-id-payloads-nbirth-seq], so it is never a gap.
    const state: NodeState = { bdSeq: bdSeqOf(p.metrics), seq: has(p, 'seq') ? u64(p.seq!) : null, own, devices: new Map() };
    const readings = toReadings(t, t.node, p, own, arrival);
    this.nodes.set(key, state);
    const ts = has(p, 'timestamp') ? u64(p.timestamp!) : arrival;
    return { ...t, frames: [status(t, t.node, ts, true), ...readingsFrame(readings)] };
  }

  private dbirth(t: SparkplugTopic, key: string, p: RawPayload, arrival: number): SparkplugDecoded {
    const node = this.born(t, key);
    const refused = this.known(t.group, t.node, t.device);
    if (refused) throw refused;
    if (!node.devices.has(t.device!) && node.devices.size >= this.maxDevices) {
      throw new RejectError('invalid_payload', `more than ${this.maxDevices} devices under edge node ${t.node}`);
    }
    const seqGap = checkSeq(node, p);
    const dev = this.learn(p.metrics, 'DBIRTH');
    const readings = toReadings(t, t.device!, p, dev, arrival);
    node.devices.set(t.device!, dev);
    const ts = has(p, 'timestamp') ? u64(p.timestamp!) : arrival;
    return withGap({ ...t, frames: [status(t, t.device!, ts, true), ...readingsFrame(readings)] }, seqGap);
  }

  private data(t: SparkplugTopic, key: string, p: RawPayload, arrival: number): SparkplugDecoded {
    // After a gateway restart edge nodes keep sending DATA; the spec's answer is a Rebirth
    // Request (NCMD "Node Control/Rebirth", Sparkplug 3.0 "Rebirth Request"). This decoder
    // cannot publish, so it rejects and the pipeline counts it.
    const node = this.born(t, key);
    const seqGap = checkSeq(node, p);
    const dev = t.device === undefined ? node.own : node.devices.get(t.device);
    if (!dev) throw new RejectError('sparkplug_no_birth', `DDATA for ${t.group}/${t.node}/${t.device} before its DBIRTH`);
    // Node-level metrics (NBIRTH/NDATA) belong to device id = edge_node: the edge node is the
    // site-level publisher, so its own metrics are filed as a device named after it.
    const readings = toReadings(t, t.device ?? t.node, p, dev, arrival);
    return withGap({ ...t, frames: [...readingsFrame(readings), ...toEvents(t, t.device ?? t.node, p, dev, arrival)] }, seqGap);
  }

  private ndeath(t: SparkplugTopic, key: string, p: RawPayload, arrival: number): SparkplugDecoded {
    const node = this.nodes.get(key);
    const bdSeq = bdSeqOf(p.metrics);
    // An NDEATH is the MQTT Will registered at connect; its bdSeq ties it to one NBIRTH
    // [tck-id-topics-ndeath-payload], so one from an older session must not kill the new one.
    if (node && node.bdSeq !== null && bdSeq !== null && bdSeq !== node.bdSeq) return { ...t, frames: [] };
    // Offline at the host's time: the Will's own timestamp is from connect time
    // [tck-id-operational-behavior-edge-node-termination-host-action-ndeath-node-offline].
    const frames: DeviceFrame[] = [status(t, t.node, arrival, false)];
    for (const device of node?.devices.keys() ?? []) frames.push(status(t, device, arrival, false));
    this.nodes.delete(key);
    return { ...t, frames };
  }

  private ddeath(t: SparkplugTopic, key: string, p: RawPayload, arrival: number): SparkplugDecoded {
    // Marked offline even when no birth is known: that is never wrong, and it is what a
    // restarted gateway most needs to hear.
    const node = this.nodes.get(key);
    const seqGap = node ? checkSeq(node, p) : undefined;
    node?.devices.delete(t.device!);
    const ts = has(p, 'timestamp') ? u64(p.timestamp!) : arrival;
    return withGap({ ...t, frames: [status(t, t.device!, ts, false)] }, seqGap);
  }

  private born(t: SparkplugTopic, key: string): NodeState {
    const node = this.nodes.get(key);
    if (!node) throw new RejectError('sparkplug_no_birth', `${t.messageType} from ${key} before its NBIRTH (or after its NDEATH)`);
    return node;
  }

  /** A BIRTH names every metric and its datatype, and binds aliases [tck-id-payloads-alias-birth-requirement]. */
  private learn(metrics: RawMetric[], what: string): DeviceState {
    if (metrics.length > this.maxMetrics) throw new RejectError('too_many_metrics', `${what} has more than ${this.maxMetrics} metrics (mqtt.maxMetricsPerDevice)`);
    const dev: DeviceState = { byName: new Map(), byAlias: new Map() };
    for (const m of metrics) {
      if (!m.name) throw new RejectError('invalid_payload', `${what} metric without a name`);
      const def: MetricDef = { name: m.name, datatype: m.datatype ?? 0 };
      dev.byName.set(def.name, def);
      if (!has(m, 'alias')) continue;
      const alias = String(u64(m.alias!));
      const prior = dev.byAlias.get(alias);
      // [tck-id-payloads-alias-uniqueness]: one alias, one metric
      if (prior && prior.name !== def.name) throw new RejectError('invalid_payload', `${what} alias ${alias} used for "${prior.name}" and "${def.name}"`);
      dev.byAlias.set(alias, def);
    }
    return dev;
  }
}

function decodePayload(buf: Uint8Array, nested = false): RawPayload {
  let p: RawPayload;
  try {
    p = ProtoPayload.decode(buf) as unknown as RawPayload;
  } catch (err) {
    throw new RejectError('malformed', `not a Sparkplug B protobuf payload: ${(err as Error).message}`);
  }
  if (p.uuid !== COMPRESSED_UUID || nested) return p;
  const algorithm = p.metrics.find((m) => m.name === 'algorithm')?.stringValue?.toUpperCase() ?? 'DEFLATE';
  if (algorithm !== 'DEFLATE' && algorithm !== 'GZIP') throw new RejectError('invalid_payload', `unknown compression ${algorithm.slice(0, 32)}`);
  let inner: Buffer;
  try {
    const body = p.body ?? new Uint8Array();
    // capped: a small compressed message must not inflate into unbounded memory (CONTRACT §3.5)
    inner = algorithm === 'GZIP' ? gunzipSync(body, { maxOutputLength: MAX_INFLATED }) : inflateSync(body, { maxOutputLength: MAX_INFLATED });
  } catch (err) {
    throw new RejectError('malformed', `compressed Sparkplug payload: ${(err as Error).message}`);
  }
  return decodePayload(inner, true);
}

/** Every message but NDEATH carries seq 0..255, +1 per message, wrapping [tck-id-payloads-sequence-num-incrementing]. */
function checkSeq(node: NodeState, p: RawPayload): { expected: number; got: number } | undefined {
  if (!has(p, 'seq')) return undefined;
  const got = u64(p.seq!);
  const expected = node.seq === null ? null : (node.seq + 1) % 256;
  node.seq = got;
  return expected !== null && got !== expected ? { expected, got } : undefined;
}

function bdSeqOf(metrics: RawMetric[]): number | null {
  const m = metrics.find((x) => x.name === 'bdSeq');
  if (!m) return null;
  if (m.value === 'longValue') return u64(m.longValue!);
  if (m.value === 'intValue') return m.intValue!;
  return null;
}

function toReadings(t: SparkplugTopic, device: string, p: RawPayload, dev: DeviceState, arrival: number): Reading[] {
  const payloadTs = has(p, 'timestamp') ? u64(p.timestamp!) : arrival;
  const readings: Reading[] = [];
  for (const m of p.metrics) {
    const def = resolve(dev, m);
    if (!def || isMetadata(def.name)) continue;
    const datatype = m.datatype || def.datatype;
    const value = numericValue(m, datatype, def.name);
    if (value === undefined) continue; // String, DataSet, Template, Bytes, DateTime…: not a reading
    const ts = has(m, 'timestamp') ? u64(m.timestamp!) : payloadTs;
    // kind/zone are placeholders: the ingest pipeline overwrites them from the asset model
    readings.push({ ts, enterprise: t.group, site: t.node, device, kind: 'generic', metric: def.name, value, quality: value === null ? 'bad' : 'good' });
  }
  return readings;
}

function toEvents(t: SparkplugTopic, device: string, p: RawPayload, dev: DeviceState, arrival: number): DeviceFrame[] {
  const payloadTs = has(p, 'timestamp') ? u64(p.timestamp!) : arrival;
  const out: DeviceFrame[] = [];
  for (const m of p.metrics) {
    const def = resolve(dev, m);
    if (!def || !isEvent(def.name) || m.isNull) continue;
    const datatype = m.datatype || def.datatype;
    let detail: Record<string, unknown>;
    if (STRING_TYPES.has(datatype) && m.value === 'stringValue') {
      const text = m.stringValue!.slice(0, 64 * 1024);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      detail = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: text };
    } else {
      const v = numericValue(m, datatype, def.name);
      if (!v) continue; // false or 0: the flag went back, nothing happened
      detail = {};
    }
    const ts = has(m, 'timestamp') ? u64(m.timestamp!) : payloadTs;
    out.push({ type: 'event', transport: 'sparkplug', ts, enterprise: t.group, site: t.node, device, eventType: def.name.slice(EVENT_PREFIX.length).slice(0, 100), detail });
  }
  return out;
}

/** The metric's definition by name, else by alias [tck-id-payloads-alias-data-cmd-requirement]. */
function resolve(dev: DeviceState, m: RawMetric): MetricDef | undefined {
  if (m.name) return dev.byName.get(m.name) ?? { name: m.name, datatype: m.datatype ?? 0 };
  if (!has(m, 'alias')) throw new RejectError('invalid_payload', 'metric with neither name nor alias');
  const alias = String(u64(m.alias!));
  const def = dev.byAlias.get(alias);
  if (!def) throw new RejectError('sparkplug_unknown_alias', `alias ${alias} was not in the BIRTH`);
  return def;
}

/** number; null for is_null; undefined when the datatype is not numeric or boolean. */
function numericValue(m: RawMetric, datatype: number, name: string): number | null | undefined {
  if (datatype < DT.Int8 || datatype > DT.Boolean) return undefined;
  if (m.isNull) return null;
  let v: number;
  switch (m.value) {
    case 'intValue': v = fromInt(m.intValue!, datatype); break;
    case 'longValue': v = fromLong(m.longValue!, datatype); break;
    case 'floatValue': v = m.floatValue!; break;
    case 'doubleValue': v = m.doubleValue!; break;
    case 'booleanValue': v = m.booleanValue ? 1 : 0; break;
    default: throw new RejectError('invalid_payload', `metric "${name.slice(0, 100)}" has a numeric datatype but no numeric value`);
  }
  // CONTRACT §3.5: NaN / ±Infinity are rejected, never stored
  if (!Number.isFinite(v)) throw new RejectError('non_finite', `metric "${name.slice(0, 100)}" is not a finite number`);
  return v;
}

/** int_value is a uint32 on the wire; signed types are sign-extended from their width. */
function fromInt(v: number, datatype: number): number {
  if (datatype === DT.Int8) return (v << 24) >> 24;
  if (datatype === DT.Int16) return (v << 16) >> 16;
  if (datatype === DT.Int32 || datatype === DT.Int64) return v | 0;
  return v >>> 0;
}

/** long_value is a uint64 on the wire. Beyond ±2^53 precision is lost, as in any JS number. */
function fromLong(v: U64, datatype: number): number {
  if (typeof v === 'number') return v;
  const signed = datatype <= DT.Int64;
  return (signed ? v.toSigned() : v.toUnsigned()).toNumber();
}

function status(t: SparkplugTopic, device: string, ts: number, online: boolean): DeviceFrame {
  return { type: 'status', transport: 'sparkplug', ts, online, reason: `sparkplug ${t.messageType}`, enterprise: t.group, site: t.node, device };
}

function readingsFrame(readings: Reading[]): DeviceFrame[] {
  return readings.length > 0 ? [{ type: 'readings', transport: 'sparkplug', readings }] : [];
}

function withGap(r: SparkplugDecoded, seqGap: { expected: number; got: number } | undefined): SparkplugDecoded {
  return seqGap ? { ...r, seqGap } : r;
}
