#!/usr/bin/env node
// Runs a TypeScript file of this repository (benchmarks, tools) through tsx.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
const file = process.argv[2];
if (!file) {
  console.error('usage: run-ts.mjs FILE [ARGS...]');
  process.exit(1);
}
process.argv.splice(1, 1);
await import(pathToFileURL(resolve(file)).href);
