import { describe, expect, it } from 'vitest';
import { alarmEvent, hazardEvent } from '../../../test/helpers/webhooks-fixtures.ts';
import type { Notifier, NotifyEvent } from './notifier.ts';
import { notifyConfigSchema } from './notify-config.ts';
import { matchesFilters, NotifyRouter } from './notify-router.ts';

class Fake implements Notifier {
  got: NotifyEvent[] = [];
  closed = false;
  constructor(readonly name: string, private readonly throws = false) {}
  handle(e: NotifyEvent): void {
    if (this.throws) throw new Error('boom');
    this.got.push(e);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('matchesFilters', () => {
  const red = alarmEvent();
  const yellow = alarmEvent({ severity: 'yellow' });
  const major = hazardEvent();
  const general = hazardEvent({ level: 'general' });

  it('passes everything without filters', () => {
    for (const e of [red, yellow, major, general]) expect(matchesFilters({}, e)).toBe(true);
  });

  it('requires every given filter to match', () => {
    const f = { severities: ['red' as const], actions: ['raise'], enterprises: ['ent-a'] };
    expect(matchesFilters(f, red)).toBe(true);
    expect(matchesFilters(f, yellow)).toBe(false);
    expect(matchesFilters(f, alarmEvent({}, { action: 'ack' }))).toBe(false);
    expect(matchesFilters(f, alarmEvent({ enterprise: 'ent-b' }))).toBe(false);
  });

  it('applies severities to alarms and levels to hazards; kinds excludes a kind', () => {
    const f = { severities: ['red' as const], levels: ['major' as const] };
    expect([red, yellow, major, general].map((e) => matchesFilters(f, e))).toEqual([true, false, true, false]);
    expect(matchesFilters({ ...f, kinds: ['hazard' as const] }, red)).toBe(false);
    expect(matchesFilters({ kinds: ['alarm' as const] }, major)).toBe(false);
    expect(matchesFilters({ enterprises: ['ent-b'] }, major)).toBe(false);
    expect(matchesFilters({ actions: ['report'] }, major)).toBe(true);
  });
});

describe('NotifyRouter', () => {
  it('fans out to matching notifiers only, and one that throws does not stop the others', async () => {
    const all = new Fake('all');
    const bad = new Fake('bad', true);
    const redOnly = new Fake('red');
    const router = new NotifyRouter([{ notifier: bad }, { notifier: all }, { notifier: redOnly, filters: { severities: ['red'] } }]);
    router.handle(alarmEvent());
    router.handle(alarmEvent({ severity: 'blue' }));
    expect(all.got).toHaveLength(2);
    expect(redOnly.got.map((e) => (e.kind === 'alarm' ? e.alarm.severity : null))).toEqual(['red']);
    await router.close();
    expect([all.closed, bad.closed, redOnly.closed]).toEqual([true, true, true]);
  });
});

describe('notify config fragment', () => {
  it('fills defaults', () => {
    const c = notifyConfigSchema.parse({ webhooks: [{ name: 'ops', url: 'https://example.test/hook' }] });
    expect(c.webhooks[0]).toEqual({ name: 'ops', url: 'https://example.test/hook', format: 'json', filters: {}, queueSize: 1000, maxAttempts: 5, timeoutMs: 5000 });
    expect(notifyConfigSchema.parse(undefined)).toEqual({ webhooks: [], persons: [], rosters: [], escalations: [], hazardNotices: [], deliveries: { queueSize: 1000, maxAttempts: 5 } });
  });

  it('reports problems with their path', () => {
    const r = notifyConfigSchema.safeParse({
      webhooks: [
        { name: 'a', url: 'ftp://x', format: 'wecom', secret: 'SEC1' },
        { name: 'a', url: 'https://x', format: 'dingtalk', filters: { severities: ['purple'] }, queueSize: 0, bogus: 1 },
      ],
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['webhooks.0.url', 'webhooks.1.filters.severities.0', 'webhooks.1.queueSize', 'webhooks.1']));
    // refinements run once the shape is valid
    const r2 = notifyConfigSchema.safeParse({ webhooks: [{ name: 'a', url: 'https://x', format: 'wecom', secret: 'S' }, { name: 'a', url: 'https://y' }] });
    expect(r2.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['webhooks.0.secret: secret is used only by format dingtalk', 'webhooks.1.name: duplicate webhook name "a"']);
  });
});
