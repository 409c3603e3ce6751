// Device events over OPC UA (issue 17; CONTRACT §4): AI video boxes, NVR analytics and seal
// controllers that speak OPC UA expose an event as a variable, not as a metric. A node bound with
// `event: TYPE` fires when its flag turns true or non-zero, or when its text changes (the text a
// JSON object = the event's detail, any other text = `detail.value`); a node bound with
// `event: '*'` holds a JSON text `{"type": "helmet_missing", "detail": {...}}` and names the type
// itself. The same shapes as Sparkplug's `Event/{type}` metrics (sparkplug-decoder.ts).
import { DataType, VariantArrayType, type DataValue } from 'node-opcua';

export type EventItem = {
  type: 'event';
  transport: 'opcua';
  ts: number;
  enterprise: string;
  site: string;
  device: string;
  eventType: string;
  detail: Record<string, unknown>;
};

export type EventValue =
  /** `key`: the value as text, to tell a new event from the same value delivered again */
  | { type: string; detail: Record<string, unknown>; key: string; rejected?: undefined }
  | { rejected: string; key: string };

const MAX_TEXT = 64 * 1024;
const TYPE_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/** The event a node's value means, or undefined when it means none (a flag back to false, an empty text, a bad status). */
export function eventOf(binding: string, dv: DataValue): EventValue | undefined {
  if (dv.statusCode.value >>> 30 >= 2) return undefined; // bad: the box cannot say, no event
  const v = dv.value;
  if (!v || v.arrayType !== VariantArrayType.Scalar || v.value === null || v.value === undefined) return undefined;
  if (v.dataType === DataType.String || v.dataType === DataType.LocalizedText) {
    const text = String(typeof v.value === 'object' && 'text' in v.value ? (v.value.text ?? '') : v.value).slice(0, MAX_TEXT);
    if (text.trim() === '') return undefined;
    const parsed = parseObject(text);
    if (binding !== '*') return { type: binding, detail: parsed ?? { value: text }, key: text };
    const type = parsed?.type;
    if (typeof type !== 'string' || !TYPE_ID.test(type)) return { rejected: 'expected a JSON text {"type": ..., "detail": {...}}', key: text };
    const detail = parsed!.detail;
    return { type, detail: detail && typeof detail === 'object' && !Array.isArray(detail) ? (detail as Record<string, unknown>) : {}, key: text };
  }
  if (binding === '*') return { rejected: 'a node bound with event "*" must hold a JSON text', key: String(v.value) };
  const on = typeof v.value === 'boolean' ? v.value : Number(v.value) !== 0 && !Number.isNaN(Number(v.value));
  return on ? { type: binding, detail: {}, key: String(v.value) } : undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const p: unknown = JSON.parse(text);
    return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
