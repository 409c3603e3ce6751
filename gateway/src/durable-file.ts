// Files replaced whole and atomically, written off the event loop: a temporary file written in
// parts (each part one write on libuv's pool), fdatasync'd, renamed over the old one, and the
// directory synced, so a crash leaves either the old file or the new one, never half of one.
import { open, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsync of a directory: makes a rename or a new file in it survive power loss */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Replaces `file` with the concatenation of `parts`. */
export async function replaceFile(file: string, parts: Iterable<string>): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await writeFile(fh, parts);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  await syncDir(dirname(file));
}
