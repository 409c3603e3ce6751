#!/usr/bin/env node
// npm's `prepare` (after `npm ci` / `npm install` in a checkout, and before `npm pack`): builds the
// consoles into dashboards/dist, so that `npm ci && hazardline start` serves them (issue 18: a
// fresh clone used to answer 404 on every console until `npm run build:ui`). Without the dev
// dependencies (a production install) there is no Vite and nothing to build: it says so.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// vite's package exports do not include its bin: found by path
const vite = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));
if (!existsSync(vite)) {
  process.stderr.write('hazardline: consoles not built (no dev dependencies); `npm run build:ui` builds them\n');
  process.exit(0);
}
execFileSync(process.execPath, [vite, 'build', 'dashboards/web', '--config', 'dashboards/web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
