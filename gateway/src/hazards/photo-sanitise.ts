// Uploaded photos are decoded and encoded anew with sharp (libvips) before they are stored (issue
// 12 item 13): what is served is pixels the gateway wrote, so a JPEG/HTML polyglot, a trailing
// script or a crafted chunk never reaches a browser, and EXIF (GPS position, camera serial — which
// can name the reporter's phone) is dropped. The output keeps the input's type; orientation is
// applied to the pixels first.
import sharp from 'sharp';
import { HazardlineError } from '../errors.ts';
import { sniffImageType } from './photos.ts';
import type { HazardPhoto } from './types.ts';

/** larger images are refused rather than decoded (a decompression bomb is small on the wire) */
const MAX_PIXELS = 40_000_000;

const unsupported = (why: string) => Object.assign(new HazardlineError('HL_ERR_UNSUPPORTED_MEDIA', `photo: ${why}`, 415), { field: 'photo' });

export async function sanitisePhoto(bytes: Buffer): Promise<{ bytes: Buffer; type: HazardPhoto['type'] }> {
  const type = sniffImageType(bytes);
  if (!type) throw unsupported('expected a JPEG, PNG or WebP image (checked from its bytes)');
  try {
    const img = sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error', sequentialRead: true }).rotate();
    const out = type === 'image/jpeg' ? img.jpeg({ quality: 85, mozjpeg: false }) : type === 'image/png' ? img.png() : img.webp({ quality: 85 });
    return { bytes: await out.toBuffer(), type };
  } catch (err) {
    throw unsupported(`not a decodable ${type.slice(6).toUpperCase()} image (${(err as Error).message.split('\n')[0].slice(0, 120)})`);
  }
}
