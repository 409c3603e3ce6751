#!/usr/bin/env node
// Entry point of the `hazardline` binary (CONTRACT §1). The sources are TypeScript,
// loaded through tsx so that a fresh clone runs without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../gateway/src/cli.ts');
