// The package's version (hazardline_build_info, `hazardline --version`).
import { PACKAGE_ROOT } from './package-root.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
