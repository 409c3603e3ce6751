// The API description (issue 18): OpenAPI 3 from the routes as registered, at GET /api/docs.
// Every API route is described (summary, tag, roles) — a route added without its line in
// gateway/src/api/openapi.ts shows as "undocumented" and fails here — and nothing else is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROUTE_DOCS } from '../../gateway/src/api/openapi.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let t: TestGateway;
let spec: { openapi: string; info: { version: string }; paths: Record<string, Record<string, { tags?: string[]; summary?: string; description?: string; security?: unknown[] }>> };
beforeAll(async () => {
  t = await startTestGateway();
  const r = await t.gw.api.inject({ method: 'GET', url: '/api/docs' });
  expect(r.statusCode).toBe(200);
  spec = r.json();
});
afterAll(async () => {
  await t?.stop();
});

/** `GET /api/v1/alarms/{id}` → `GET /api/v1/alarms/:id` */
const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;

describe('OpenAPI at /api/docs', () => {
  it('describes every API route with its summary, tag and roles, and only the API', () => {
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.info.version).toMatch(/^\d+\.\d+\.\d+$/);
    const ops = Object.entries(spec.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ key: routeKey(method, path), op })));
    expect(ops.filter((o) => o.op.tags?.includes('undocumented')).map((o) => o.key)).toEqual([]);
    expect(ops.map((o) => o.key).sort()).toEqual(Object.keys(ROUTE_DOCS).sort());
    for (const { key, op } of ops) {
      expect(op.summary, key).toBeTruthy();
      expect(op.description, key).toMatch(/^Roles: /);
    }
    // public routes need no token; the others a bearer token
    expect(spec.paths['/api/v1/public/hazards'].get.security).toEqual([]);
    expect(spec.paths['/api/v1/alarms'].get.security).toBeUndefined();
  });

  it('is served as YAML too', async () => {
    const r = await t.gw.api.inject({ method: 'GET', url: '/api/docs/openapi.yaml' });
    expect(r.headers['content-type']).toContain('application/yaml');
    expect(Object.keys(parseYaml(r.body).paths)).toEqual(Object.keys(spec.paths));
  });
});
