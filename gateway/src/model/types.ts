// The data model shared by every stage (ingest, WAL, stores, rules).
// `rules/` may import only from this file and `assets.ts` (ARCHITECTURE.md).
import { dict } from './dict.ts';

export const DEVICE_KINDS = ['gas', 'slope', 'positioning', 'belt', 'power', 'camera', 'seal', 'generic'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export type Transport = 'mqtt' | 'sparkplug' | 'opcua' | 'uplink';

/** OPC UA / Sparkplug quality of one value. Bad values carry `value: null` (CONTRACT §4). */
export type Quality = 'good' | 'bad' | 'uncertain';

/** One value of one metric of one device at one instant (event time, epoch ms). */
export interface Reading {
  ts: number;
  enterprise: string;
  site: string;
  device: string;
  zone?: string;
  kind: DeviceKind;
  metric: string;
  value: number | null;
  quality: Quality;
}

export interface PositionTag {
  tag: string;
  zone: string | null;
}

export interface SubjectRef {
  enterprise: string;
  site: string;
  device: string;
}

/** What one decoded message becomes; every frame is written to the WAL before it is acknowledged. */
export type DeviceFrame =
  | { type: 'readings'; transport: Transport; readings: Reading[] }
  | ({ type: 'position'; transport: Transport; ts: number; tags: PositionTag[] } & SubjectRef)
  | ({ type: 'event'; transport: Transport; ts: number; eventType: string; detail: Record<string, unknown> } & SubjectRef)
  | ({ type: 'status'; transport: Transport; ts: number; online: boolean; reason?: string } & SubjectRef);

/** Device frames, and points the gateway derives itself (the `alarm` measurement, CONTRACT §5), stored like readings. */
export type Frame = DeviceFrame | { type: 'points'; points: Point[] } | UplinkMark | MirrorFrame;

/**
 * Central mode: written with the frames of an uplink batch, in the same WAL append, so that after
 * a crash the central still knows which rows of the edge's lane it has (docs/uplink.md).
 */
export interface UplinkMark {
  type: 'uplink';
  edge: string;
  lane: 'p' | 'b';
  /** the rows of this append: from `from` to `seq` (a mark that does not follow the last one is not trusted at start) */
  from: number;
  seq: number;
  /** the edge queue's identity (rows are numbered within it) */
  epoch: number;
}

/**
 * Cluster mode (docs/cluster.md §10): the alarm and hazard records of one edge uplink row, for the
 * enterprises of one partition, carried in that partition's stream so that its owner mirrors them
 * in order with the readings (`items` as the edge sent them; uplink/priority-items.ts).
 */
export interface MirrorFrame {
  type: 'mirror';
  edge: string;
  /** the edge queue's identity and the row that sent the items (the mirror's idempotence, alarm-mirror.ts) */
  epoch: number;
  seq: number;
  items: unknown[];
}

/** A frame once it is durable: `seq` is its position in the WAL, unique and increasing. */
export interface WalEntry {
  seq: number;
  frame: Frame;
}

/** A time-series point as the telemetry stores see it (CONTRACT §5). */
export interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string>;
  ts: number;
}

export type Aggregate = 'mean' | 'min' | 'max';

/** The query behind GET /api/v1/readings. */
/**
 * One series selector: a device's readings (`device`), or a zone's head-count (`site` + `zone`,
 * the `occupancy` measurement, which has no device tag: CONTRACT §5).
 */
export interface ReadingsQuery {
  measurement: string;
  enterprise: string;
  device?: string;
  site?: string;
  zone?: string;
  metric: string;
  from: number;
  to: number;
  /** bucket width in ms; raw points when absent */
  every?: number;
  agg?: Aggregate;
  limit?: number;
}

/** [epoch ms, value], ascending by time. */
export type SeriesPoint = [number, number];

export const METRIC_UNITS: Readonly<Record<string, string>> = dict({
  lel: '%LEL',
  ch4: '%vol',
  co: 'ppm',
  h2s: 'ppm',
  nh3: 'ppm',
  cl2: 'ppm',
  o2: '%vol',
  disp: 'mm',
  running: '0/1',
  tph: 't/h',
  total_t: 't',
  kw: 'kW',
  kwh: 'kWh',
  persons: 'persons',
});
