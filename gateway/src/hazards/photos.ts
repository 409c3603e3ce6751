// Photos of a hazard report (issue 5: size- and type-checked, stored under dataDir). The type is
// taken from the file's own magic bytes, not from what the client claims, so a renamed script
// or document is refused; a file is written under a name the gateway chooses.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HazardPhoto } from './types.ts';

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
const EXT: Record<HazardPhoto['type'], string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** The image type of these bytes, or undefined (JPEG FF D8 FF; PNG 89 50 4E 47 0D 0A 1A 0A; WebP RIFF….WEBP). */
export function sniffImageType(b: Buffer): HazardPhoto['type'] | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

export class PhotoStore {
  constructor(private readonly dir: string) {}

  /** Writes the photo (temp file, then rename) and describes it; `n` numbers it within the hazard. */
  async save(hazardId: string, n: number, bytes: Buffer, type: HazardPhoto['type'], by: string, at: number): Promise<HazardPhoto> {
    const folder = join(this.dir, safe(hazardId));
    await mkdir(folder, { recursive: true });
    const name = `${n}.${EXT[type]}`;
    await writeFile(join(folder, `${name}.tmp`), bytes);
    await rename(join(folder, `${name}.tmp`), join(folder, name));
    return { name, type, bytes: bytes.length, at, by };
  }

  read(hazardId: string, name: string): Promise<Buffer> {
    return readFile(join(this.dir, safe(hazardId), safe(name)));
  }
}

/** ids and names are the gateway's own, but never let one climb out of the folder */
function safe(part: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(part) || part.includes('..')) throw new Error(`unsafe path part ${JSON.stringify(part)}`);
  return part;
}
