// Builds the person notifications of `notify` (issue 15): the channels configured (email over
// SMTP, SMS and voice over the HTTP template), their bounded delivery queues, and the pager.
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AssetModel } from '../model/assets.ts';
import type { NotifyConfig } from '../notify/notify-config.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Channel } from './channels/channel.ts';
import { EmailChannel } from './channels/email.ts';
import { HttpTemplateChannel } from './channels/http-template.ts';
import { Deliveries } from './deliveries.ts';
import { assetNames } from '../model/asset-names.ts';
import { Pager } from './pager.ts';

export interface Paging {
  pager: Pager;
  deliveries: Deliveries;
  email?: EmailChannel;
}

export function openPaging(n: NotifyConfig, d: { store: RecordStore; assets: AssetModel; alarms: AlarmManager; clock: Clock; timezone: string; log: Logger; metrics: Metrics }): Paging {
  const email = n.email ? new EmailChannel(n.email) : undefined;
  const channels: Channel[] = [];
  if (email) channels.push(email);
  if (n.sms) channels.push(new HttpTemplateChannel('sms', n.sms, () => d.clock.now(), d.timezone));
  if (n.voice) channels.push(new HttpTemplateChannel('voice', n.voice, () => d.clock.now(), d.timezone));
  const deliveries = new Deliveries({ channels, store: d.store, clock: d.clock, log: d.log, queueSize: n.deliveries.queueSize, maxAttempts: n.deliveries.maxAttempts, onOutcome: (channel, status) => d.metrics.personNotifications.inc({ channel, status }) });
  const pager = new Pager({ persons: n.persons, rosters: n.rosters, escalations: n.escalations, hazardNotices: n.hazardNotices, deliveries, store: d.store, clock: d.clock, timezone: d.timezone, log: d.log, names: assetNames(d.assets), alarm: (id) => d.alarms.get(id) });
  return { pager, deliveries, email };
}
