// The package's root directory: where package.json is, found upwards from this module. The same
// whether the sources run through tsx (gateway/src/…) or compiled (dist/gateway/src/…, issue 18),
// so the files shipped beside the code — rule packs, scenarios, the demo config, the built
// consoles — are found from here, not from a module's own depth.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`hazardline: no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
