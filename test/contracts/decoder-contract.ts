// The abstract suite every Decoder passes (gateway/src/decode/decoder.ts), like the sink and
// records contracts: it owns its namespace and no other, decodes a good message into device
// frames with event time, refuses a bad one with a CONTRACT §3.5 reason (never another error),
// keeps a publisher inside its prefix, and survives garbage.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Decoder, DecodeInput } from '../../gateway/src/decode/decoder.ts';
import { RejectError, RejectReasons } from '../../gateway/src/errors.ts';
import type { DeviceFrame } from '../../gateway/src/model/types.ts';

export interface DecoderCase {
  /** a fresh decoder (state such as Sparkplug births starts empty) */
  make(): Decoder;
  /** messages to send first (a Sparkplug birth), then `good` */
  setup?: DecodeInput[];
  good: DecodeInput;
  /** the frames `good` decodes to */
  expected: DeviceFrame[];
  /** a message in the namespace with a payload that must be refused, and its reason */
  bad: { input: DecodeInput; reason: string };
  /** a topic of this namespace for another site than `good`'s, and a principal of `good`'s site */
  foreignTopic: string;
  /** topics of other formats, which this decoder must not claim */
  notMine: string[];
}

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof RejectError) return err.reason;
    throw err;
  }
}

export function decoderContract(name: string, c: DecoderCase): void {
  describe(`Decoder contract: ${name}`, () => {
    it('claims its own topics and none of the others', () => {
      const d = c.make();
      expect(d.matches(c.good.topic)).toBe(true);
      expect(d.matches(c.bad.input.topic)).toBe(true);
      for (const t of c.notMine) expect(d.matches(t), t).toBe(false);
    });

    it('decodes a good message into device frames with event time', () => {
      const d = c.make();
      for (const s of c.setup ?? []) d.decode(s);
      expect(d.decode(c.good)).toEqual(c.expected);
    });

    it('refuses a bad payload with its CONTRACT §3.5 reason', () => {
      const d = c.make();
      for (const s of c.setup ?? []) d.decode(s);
      expect(reasonOf(() => d.decode(c.bad.input))).toBe(c.bad.reason);
    });

    it('keeps an authenticated publisher inside its own prefix (acl_denied)', () => {
      const d = c.make();
      for (const s of c.setup ?? []) d.decode(s);
      const principal = c.good.principal ?? { username: 'dev', enterprise: 'x', site: 'y' };
      expect(reasonOf(() => d.decode({ ...c.good, topic: c.foreignTopic, principal }))).toBe('acl_denied');
    });

    it('answers 200 random payloads with frames or a catalogued reason, never another error', () => {
      const d = c.make();
      for (const s of c.setup ?? []) d.decode(s);
      for (let i = 0; i < 200; i++) {
        const payload = randomBytes(i % 64);
        const r = reasonOf(() => d.decode({ ...c.good, payload }));
        if (r !== undefined) expect(RejectReasons).toContain(r);
      }
    });
  });
}
