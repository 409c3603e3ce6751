// Secrets in the config (issue 12 item 14): a token or password is given plain, or hashed so the
// config file can be copied around without giving the secret away:
//   sha256:<64 hex>                                   tokens and passwords (tokens are long and random)
//   scrypt:<log2 N>:<r>:<p>:<salt base64>:<hash base64>   passwords (slow on purpose; `hazardline hash-secret`)
// Comparisons are in constant time over fixed-length digests.
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export type SecretForm = 'plain' | 'sha256' | 'scrypt';

export const sha256 = (s: string | Buffer): Buffer => createHash('sha256').update(s).digest();

const SHA256 = /^sha256:([0-9a-f]{64})$/i;
const SCRYPT = /^scrypt:(\d{1,2}):(\d{1,2}):(\d{1,2}):([A-Za-z0-9+/=]{16,}):([A-Za-z0-9+/=]{43,})$/;

export function secretForm(configured: string): SecretForm {
  if (configured.startsWith('sha256:')) return 'sha256';
  if (configured.startsWith('scrypt:')) return 'scrypt';
  return 'plain';
}

/** Why this configured secret cannot be used, or undefined (for the config check). */
export function secretProblem(configured: string, allowScrypt: boolean): string | undefined {
  const form = secretForm(configured);
  if (form === 'sha256' && !SHA256.test(configured)) return 'expected sha256:<64 hex digits>';
  if (form === 'scrypt') {
    if (!allowScrypt) return 'scrypt is too slow to check on every request: use the sha256: form for tokens (hazardline hash-secret --sha256)';
    const m = SCRYPT.exec(configured);
    if (!m) return 'expected scrypt:<log2 N>:<r>:<p>:<salt base64>:<hash base64> (hazardline hash-secret)';
    const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 16) return 'scrypt parameters out of range (log2 N 10–20, r 1–32, p 1–16)';
  }
  return undefined;
}

/** The SHA-256 digest a presented token must have: tokens are looked up by digest. */
export function tokenDigest(configured: string): Buffer {
  const m = SHA256.exec(configured);
  return m ? Buffer.from(m[1], 'hex') : sha256(configured);
}

/** A configured password, ready to check presented ones against. */
export class PasswordCheck {
  private readonly form: SecretForm;
  private readonly digest?: Buffer;
  private readonly scrypt?: { N: number; r: number; p: number; salt: Buffer; hash: Buffer };
  /** SHA-256 of the last password that passed scrypt: a reconnect storm costs one scrypt, not thousands */
  private verified?: Buffer;

  constructor(configured: string) {
    this.form = secretForm(configured);
    if (this.form === 'scrypt') {
      const m = SCRYPT.exec(configured);
      if (!m) throw new Error('malformed scrypt secret');
      this.scrypt = { N: 2 ** Number(m[1]), r: Number(m[2]), p: Number(m[3]), salt: Buffer.from(m[4], 'base64'), hash: Buffer.from(m[5], 'base64') };
    } else {
      this.digest = tokenDigest(configured);
    }
  }

  matches(presented: Buffer | string | undefined): boolean {
    if (presented === undefined) return false;
    const d = sha256(presented);
    if (this.digest) return timingSafeEqual(this.digest, d);
    if (this.verified && timingSafeEqual(this.verified, d)) return true;
    const s = this.scrypt!;
    const got = scryptSync(presented, s.salt, s.hash.length, { N: s.N, r: s.r, p: s.p, maxmem: 256 * s.N * s.r + 1024 * 1024 });
    const ok = timingSafeEqual(got, s.hash);
    if (ok) this.verified = d;
    return ok;
  }
}

/** The config form of a secret (`hazardline hash-secret`). */
export function hashSecret(secret: string, form: 'sha256' | 'scrypt' = 'scrypt'): string {
  if (form === 'sha256') return `sha256:${sha256(secret).toString('hex')}`;
  const salt = randomBytes(16);
  const logN = 15;
  const r = 8;
  const p = 1;
  const hash = scryptSync(secret, salt, 32, { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r + 1024 * 1024 });
  return `scrypt:${logN}:${r}:${p}:${salt.toString('base64')}:${hash.toString('base64')}`;
}
