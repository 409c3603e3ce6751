// Reporter receipt codes (CONTRACT §8: `HL-7Q2M-...`, GET /api/v1/hazards/by-code/{code} without token).
//
// Format `HL-XXXX-XXXX`: 8 characters from a 32-character alphabet without the look-alikes
// 0/O and 1/I, so 8 × log2(32) = 40 bits of entropy. The code is a bearer secret (it reveals
// the report's state and reward), so `random` must be a cryptographic source in production,
// e.g. `() => crypto.randomInt(2 ** 32) / 2 ** 32`; tests inject a seeded one.

export const REPORT_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const REPORT_CODE_CHARS = 8;
/** 40 */
export const REPORT_CODE_BITS = REPORT_CODE_CHARS * Math.log2(REPORT_CODE_ALPHABET.length);

const CODE_RE = new RegExp(`^HL-[${REPORT_CODE_ALPHABET}]{4}-[${REPORT_CODE_ALPHABET}]{4}$`);

/** A new code; `random` returns a uniform number in [0, 1). */
export function newReportCode(random: () => number): string {
  let s = '';
  for (let i = 0; i < REPORT_CODE_CHARS; i++) {
    const r = random();
    if (!(r >= 0 && r < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${r}`);
    s += REPORT_CODE_ALPHABET[Math.floor(r * REPORT_CODE_ALPHABET.length)];
  }
  return `HL-${s.slice(0, 4)}-${s.slice(4)}`;
}

/** A typed-in code in canonical form (trimmed, upper case), or undefined when it cannot be one. */
export function normaliseReportCode(input: string): string | undefined {
  const c = input.trim().toUpperCase();
  return CODE_RE.test(c) ? c : undefined;
}

export function isReportCode(s: string): boolean {
  return CODE_RE.test(s);
}
