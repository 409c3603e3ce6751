#!/usr/bin/env node
// Entry point of the `hazardline` binary (CONTRACT §1). Help and version answer at once, in plain
// JavaScript; every other command loads the TypeScript sources through tsx, so that a fresh
// clone runs without a build step.
import { quickAnswer } from './cli-help.mjs';

const answer = quickAnswer(process.argv.slice(2));
if (answer !== undefined) {
  process.stdout.write(`${answer}\n`);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../gateway/src/cli.ts');
}
