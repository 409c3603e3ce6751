// The key of the reporter marks (Hazard.reporterMark): random, made once per data directory,
// readable by the gateway's user only. Without it a mark cannot be linked to a worker, so a copy
// of the records database alone does not tell who filed an anonymous report.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function loadReporterKey(file: string): Buffer {
  if (existsSync(file)) {
    const key = readFileSync(file);
    if (key.length !== 32) throw new Error(`${file}: expected a 32-byte key (restore it, or move it away to start a new one: workers then cannot add photos to their earlier reports)`);
    return key;
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(`${file}.tmp`, key, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return key;
}
