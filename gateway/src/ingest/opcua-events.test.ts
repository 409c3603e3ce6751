import { DataType, DataValue, StatusCodes, Variant } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.ts';
import { eventOf } from './opcua-events.ts';

const dv = (dataType: DataType, value: unknown, statusCode = StatusCodes.Good) => new DataValue({ value: new Variant({ dataType, value }), statusCode });

describe('OPC UA event nodes (issue 17, CONTRACT §4)', () => {
  it('a flag fires when true or non-zero, and means nothing when false or 0', () => {
    expect(eventOf('seal_opened', dv(DataType.Boolean, true))).toMatchObject({ type: 'seal_opened', detail: {} });
    expect(eventOf('seal_opened', dv(DataType.Boolean, false))).toBeUndefined();
    expect(eventOf('tamper', dv(DataType.Int32, 2))).toMatchObject({ type: 'tamper', detail: {} });
    expect(eventOf('tamper', dv(DataType.Int32, 0))).toBeUndefined();
  });

  it('a text is the detail: a JSON object as it is, other text as detail.value; an empty text is none', () => {
    expect(eventOf('smoking', dv(DataType.String, '{"snapshot":"https://nvr/1.jpg","score":0.9}'))).toMatchObject({ type: 'smoking', detail: { snapshot: 'https://nvr/1.jpg', score: 0.9 } });
    expect(eventOf('smoking', dv(DataType.String, 'gate 3'))).toMatchObject({ type: 'smoking', detail: { value: 'gate 3' } });
    expect(eventOf('smoking', dv(DataType.String, ' '))).toBeUndefined();
  });

  it('event "*" takes the type from the JSON text; anything else is a counted rejection, not an event', () => {
    expect(eventOf('*', dv(DataType.String, '{"type":"helmet_missing","detail":{"snapshot":"https://nvr/2.jpg"}}'))).toMatchObject({ type: 'helmet_missing', detail: { snapshot: 'https://nvr/2.jpg' } });
    expect(eventOf('*', dv(DataType.String, 'helmet_missing'))).toMatchObject({ rejected: expect.stringContaining('JSON') });
    expect(eventOf('*', dv(DataType.String, '{"type":"has space"}'))).toMatchObject({ rejected: expect.any(String) });
    expect(eventOf('*', dv(DataType.Boolean, true))).toMatchObject({ rejected: expect.any(String) });
  });

  it('a bad status is no event', () => {
    expect(eventOf('tamper', dv(DataType.Boolean, true, StatusCodes.BadCommunicationError))).toBeUndefined();
  });

  it('config: a node is exactly one of a metric or an event', () => {
    const base = { enterprises: [{ id: 'e', sites: [{ id: 's', devices: [{ id: 'cam', kind: 'camera' }] }] }] };
    const parse = (node: object) => configSchema.safeParse({ ...base, opcua: [{ endpoint: 'opc.tcp://h:4840', site: 's', nodes: [node] }] });
    expect(parse({ nodeId: 'ns=1;s=a', device: 'cam', event: '*' }).success).toBe(true);
    expect(parse({ nodeId: 'ns=1;s=a', device: 'cam', event: 'helmet_missing' }).success).toBe(true);
    expect(parse({ nodeId: 'ns=1;s=a', device: 'cam', metric: 'online', event: '*' }).error?.issues[0].message).toBe('expected exactly one of metric or event');
    expect(parse({ nodeId: 'ns=1;s=a', device: 'cam' }).success).toBe(false);
  });
});
