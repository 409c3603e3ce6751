// The abstract suite every Notifier passes (gateway/src/notify/notifier.ts): handle() only
// enqueues — it returns at once and never throws, whatever the event and however stuck the
// receiver is; what it accepted reaches the receiver by close(); close() ends within its
// timeout even when the receiver hangs; after close() handle() is still safe.
import { describe, expect, it } from 'vitest';
import type { Notifier, NotifyEvent } from '../../gateway/src/notify/notifier.ts';
import { alarmEvent, hazardEvent } from '../helpers/webhooks-fixtures.ts';

export interface NotifierCase {
  /** a notifier whose receiver answers; `received()`: what the receiver got (one entry per event passed on) */
  make(): { notifier: Notifier; received(): unknown[] };
  /** a notifier whose receiver never answers (a hung HTTP endpoint), when the notifier has one */
  hung?(): Notifier;
  /** the events of `sent` it is meant to pass on (a notifier may take alarms only, or skip updates) */
  passes(e: NotifyEvent): boolean;
}

export function notifierContract(name: string, c: NotifierCase): void {
  describe(`Notifier contract: ${name}`, () => {
    const sent: NotifyEvent[] = [alarmEvent(), alarmEvent({ state: 'active_acked' }, { action: 'ack', previousState: 'active_unacked', actor: 'disp-wang' }), alarmEvent({}, { action: 'update' }), hazardEvent(), hazardEvent({ action: 'direct-report', level: 'major' })];

    it('handle() returns at once and never throws; what it accepted arrives, in order, by close()', async () => {
      const { notifier, received } = c.make();
      for (const e of sent) expect(notifier.handle(e)).toBeUndefined();
      await notifier.close(5000);
      expect(received()).toHaveLength(sent.filter(c.passes).length);
    });

    it('survives malformed events without throwing', async () => {
      const { notifier } = c.make();
      expect(() => notifier.handle({ kind: 'alarm' } as unknown as NotifyEvent)).not.toThrow();
      expect(() => notifier.handle({ kind: 'hazard', hazard: null } as unknown as NotifyEvent)).not.toThrow();
      await notifier.close(1000);
    });

    it('handle() after close() does not throw', async () => {
      const { notifier } = c.make();
      await notifier.close(1000);
      expect(() => notifier.handle(sent[0])).not.toThrow();
    });

    it('close() ends within its timeout, even when the receiver hangs', async () => {
      const n = c.hung ? c.hung() : c.make().notifier;
      for (const e of sent) n.handle(e);
      const t0 = performance.now();
      await n.close(300);
      // generous: the point is that it ends, not how fast
      expect(performance.now() - t0).toBeLessThan(10_000);
    });
  });
}
