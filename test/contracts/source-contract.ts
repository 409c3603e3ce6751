// The abstract suite every Source passes (gateway/src/ingest/source.ts): started with an
// `emit`, it hands each message it receives to emit (raw MQTT bytes or frames it built); it
// reports health under its own name; a message emit refuses (a bad payload, a full WAL) does not
// stop it; stop() ends within seconds and nothing is emitted after it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Emit, IngestInput, IngestResult, Source } from '../../gateway/src/ingest/source.ts';

export interface SourceCase {
  /** a started-able source, and `feed()`: make the outside world send it one message */
  make(): Promise<{ source: Source; feed(): Promise<void>; cleanup?(): Promise<void> }>;
  /** whether an input is one that feed() produced (the outside world may send others too) */
  fromFeed(input: IngestInput): boolean;
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function sourceContract(name: string, c: SourceCase): void {
  describe(`Source contract: ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const f of cleanups.splice(0).reverse()) await f().catch(() => {});
    });
    const started = async (answer: (i: IngestInput) => IngestResult) => {
      const t = await c.make();
      const inputs: IngestInput[] = [];
      const emit: Emit = async (i) => {
        inputs.push(i);
        return answer(i);
      };
      cleanups.push(async () => t.source.stop());
      if (t.cleanup) cleanups.push(t.cleanup);
      await t.source.start(emit);
      return { ...t, inputs, mine: () => inputs.filter(c.fromFeed) };
    };

    it('hands what it receives to emit, and reports health under its own name', async () => {
      const t = await started(() => ({ ok: true, readings: 1 }));
      await t.feed();
      await until(() => t.mine().length >= 1, 'the fed message at emit');
      const h = t.source.health();
      expect(h.name).toBe(t.source.name);
      expect(typeof h.ok).toBe('boolean');
    });

    it('goes on after emit refuses a message', async () => {
      let n = 0;
      const t = await started(() => (n++ === 0 ? { ok: false, reason: 'invalid_payload', message: 'refused by the contract test' } : { ok: true, readings: 1 }));
      await t.feed();
      await until(() => t.mine().length >= 1, 'the first message');
      await t.feed();
      await until(() => t.mine().length >= 2, 'a message after a refused one');
    });

    it('stop() ends within seconds, and nothing is emitted after it', async () => {
      const t = await started(() => ({ ok: true, readings: 1 }));
      await t.feed();
      await until(() => t.mine().length >= 1, 'the fed message');
      const t0 = performance.now();
      await t.source.stop();
      expect(performance.now() - t0).toBeLessThan(15_000);
      const seen = t.inputs.length;
      await t.feed().catch(() => {});
      await new Promise((r) => setTimeout(r, 500));
      expect(t.inputs.length).toBe(seen);
    });
  });
}
