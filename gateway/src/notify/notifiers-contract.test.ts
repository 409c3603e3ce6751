// Every Notifier of the gateway against the Notifier contract: the webhook (an HTTP receiver
// stubbed at fetch), the router in front of the webhooks, the consoles' WebSocket push and the
// `alarm` measurement.
import { notifierContract } from '../../../test/contracts/notifier-contract.ts';
import { createLogger } from '../log.ts';
import type { Point } from '../model/types.ts';
import { AlarmPoints } from './alarm-points.ts';
import type { NotifyEvent } from './notifier.ts';
import { NotifyRouter } from './notify-router.ts';
import { WebhookNotifier } from './webhook-notifier.ts';
import { WsNotifier } from './ws-notifier.ts';

const log = createLogger({ level: 'silent' });

function webhook(fetchImpl: typeof fetch) {
  return new WebhookNotifier({ name: 'robot', url: 'http://receiver.invalid/hook', gateway: 'gw-test', log, fetch: fetchImpl, backoffMs: 1, maxAttempts: 2 });
}

function answering() {
  const bodies: unknown[] = [];
  const f = (async (_url: string, init: RequestInit) => {
    bodies.push(JSON.parse(String(init.body)));
    return new Response('{"errcode":0}', { status: 200 });
  }) as unknown as typeof fetch;
  return { f, bodies };
}

const hanging = ((_url: string, init: RequestInit) =>
  new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))))) as unknown as typeof fetch;

notifierContract('WebhookNotifier', {
  make() {
    const { f, bodies } = answering();
    return { notifier: webhook(f), received: () => bodies };
  },
  hung: () => webhook(hanging),
  passes: () => true,
});

notifierContract('NotifyRouter (filter: alarms only)', {
  make() {
    const { f, bodies } = answering();
    const router = new NotifyRouter([{ filters: { kinds: ['alarm'] }, notifier: webhook(f) } as never], log);
    return { notifier: router, received: () => bodies };
  },
  hung: () => new NotifyRouter([{ filters: {}, notifier: webhook(hanging) } as never], log),
  passes: (e: NotifyEvent) => e.kind === 'alarm',
});

notifierContract('WsNotifier', {
  make() {
    const got: unknown[] = [];
    const hub = { publishAlarm: (_e: string, d: unknown) => void got.push(d), publishHazard: (_e: string, d: unknown) => void got.push(d) };
    return { notifier: new WsNotifier(hub), received: () => got };
  },
  passes: (e: NotifyEvent) => e.action !== 'direct-report',
});

notifierContract('AlarmPoints', {
  make() {
    const got: Point[] = [];
    return { notifier: new AlarmPoints({ write: (p: Point) => void got.push(p) }), received: () => got };
  },
  passes: (e: NotifyEvent) => e.kind === 'alarm' && e.action !== 'update',
});
