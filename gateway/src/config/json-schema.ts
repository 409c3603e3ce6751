// The config's JSON Schema for editors (issue 18): generated from the zod schema the gateway
// validates with (zod's own toJSONSchema), as input: defaults are optional there. Published at
// docs/config.schema.json (`npm run config-schema` writes it; a test checks it is current). In
// VS Code with the YAML extension: `# yaml-language-server: $schema=./docs/config.schema.json`.
// Cross-references (unknown zones, devices…) are not expressible in it: `hazardline check-config`.
import { z } from 'zod';
import { configSchema } from './schema.ts';
import { VERSION } from '../version.ts';

export function configJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...s,
    title: `hazardline config (${VERSION})`,
    description: 'hazardline.yaml: every key in docs/config.md; references between sections are checked by `hazardline check-config`.',
  };
}

/** `node bin/run-ts.mjs gateway/src/config/json-schema.ts [FILE]`: writes the schema (default docs/config.schema.json). */
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.argv[2] ?? 'docs/config.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
}
