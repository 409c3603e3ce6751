#!/usr/bin/env node
// Entry point of the `hazardline` binary (CONTRACT §1). Help and version answer at once, in plain
// JavaScript. Every other command runs the compiled JavaScript of `npm run build` (dist/, issue
// 18: production runs without a TypeScript loader) when it is there and not older than the
// sources; otherwise the TypeScript sources through tsx, so that a fresh clone runs without a
// build step and a developer's edits are never shadowed by a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { quickAnswer } from './cli-help.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMPILED = join(ROOT, 'dist', 'gateway', 'src', 'cli.js');

/** the newest modification time of the TypeScript sources, 0 when there are none (a package without them) */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['gateway/src', 'rules/src', 'simulators/src']) walk(join(ROOT, d));
  return newest;
}

const answer = quickAnswer(process.argv.slice(2));
if (answer !== undefined) {
  process.stdout.write(`${answer}\n`);
} else if (process.env.HAZARDLINE_SOURCES !== '1' && existsSync(COMPILED) && statSync(COMPILED).mtimeMs >= newestSource()) {
  await import(pathToFileURL(COMPILED).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../gateway/src/cli.ts');
}
