import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configJsonSchema } from './json-schema.ts';
import { substituteEnv } from './load.ts';

describe('the config JSON Schema for editors (issue 18)', () => {
  const schema = configJsonSchema();

  it('docs/config.schema.json is the current one (npm run config-schema writes it)', () => {
    expect(JSON.parse(readFileSync('docs/config.schema.json', 'utf8'))).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it('accepts the shipped configs and names a bad key or value', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    for (const f of ['gateway/src/config/demo.yaml', 'examples/hazardline.compose.yaml', 'examples/edge.yaml', 'examples/central.yaml', 'examples/cluster/hazardline.yaml']) {
      // as the gateway reads them: ${NAME} filled in from the environment first
      const raw = substituteEnv(parseYaml(readFileSync(f, 'utf8')), new Proxy({}, { get: () => 'x1' }));
      expect(validate(raw), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const bad = parseYaml(readFileSync('gateway/src/config/demo.yaml', 'utf8'));
    bad.enterprises[0].sites[0].devices[0].kind = 'laser';
    bad.gateway.colour = 'red';
    expect(validate(substituteEnv(bad, new Proxy({}, { get: () => 'x1' })))).toBe(false);
    const paths = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
    expect(paths).toContain('/enterprises/0/sites/0/devices/0/kind enum');
    expect(paths).toContain('/gateway additionalProperties');
  });
});
