// The routes served from the processing core once it is open (Gateway.start()): inspection,
// statistics and reports, notifications, scheduled report runs, shift handovers, hazards,
// accidents and special periods. One place, so that main.ts only wires.
import type { Config } from '../config/schema.ts';
import type { AssetModel } from '../model/assets.ts';
import type { Pipeline } from '../pipeline.ts';
import { accidentRoutes } from './accident-routes.ts';
import { periodRoutes } from './period-routes.ts';
import { resumptionRoutes } from './resumption-routes.ts';
import { sanweiRoutes } from './sanwei-routes.ts';
import type { TokenAuth } from './auth.ts';
import { handoverRoutes } from './handover-routes.ts';
import { hazardRoutes } from './hazard-routes.ts';
import { inspectionRoutes } from './inspection-routes.ts';
import { notificationRoutes } from './notification-routes.ts';
import { reportRoutes, reportRunRoutes } from './report-routes.ts';
import type { buildApi } from './server.ts';

export function pipelineRoutes(app: ReturnType<typeof buildApi>, p: () => Pipeline | undefined, d: { auth: TokenAuth; config: Config; assets: AssetModel }): void {
  const { auth, config, assets } = d;
  inspectionRoutes(app, () => p() && { inspection: p()!.inspection, auth });
  reportRoutes(app, () => p() && { stats: p()!.stats, reports: p()!.reports, auth });
  notificationRoutes(app, () => p() && { store: p()!.records, alarms: p()!.alarms, hazards: p()!.hazards, auth });
  reportRunRoutes(app, () => p() && { scheduler: p()!.scheduler, store: p()!.records, schedules: config.reports.schedules, assets, auth });
  handoverRoutes(app, () => p() && { handovers: p()!.handovers, auth });
  hazardRoutes(app, () => p() && { hazards: p()!.hazards, alarms: p()!.alarms, auth }, { photoMaxBytes: config.hazards.photoMaxBytes });
  const check = () => void p()?.link.checkOverdue().catch(() => {});
  accidentRoutes(app, () => p() && { accidents: p()!.accidents, auth, reported: check });
  periodRoutes(app, () => p() && { periods: p()!.periods, auth, changed: check });
  resumptionRoutes(app, () => p() && { resumptions: p()!.resumptions, auth });
  sanweiRoutes(app, () => p() && { sanwei: p()!.sanwei, auth });
}
