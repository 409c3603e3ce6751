// The gateway's processing core, built in order by one async factory so nothing is late-bound
// (issue 13): records database → declared status → rule engine → alarm manager → hazards →
// inspection → uplink → the rule runner replaying the WAL. Each part is handed the ones before
// it; the fan-out (fanout.ts) takes every alarm and hazard change out to the consoles, webhooks
// and the `alarm` measurement. Wiring only: behaviour lives in the parts.
import { join } from 'node:path';
import { AlarmManager } from './alarms/alarm-manager.ts';
import { DeclaredStatusBook } from './alarms/declared-status.ts';
import { RuleStateFile } from './alarms/rule-state-file.ts';
import { RuleRunner } from './alarms/rule-runner.ts';
import type { AlarmRouteDeps } from './api/alarm-routes.ts';
import { DisposalService } from './alarms/disposal-service.ts';
import type { TokenAuth } from './api/auth.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config/schema.ts';
import { AlarmHazardLink } from './hazards/alarm-link.ts';
import { HazardService } from './hazards/hazard-service.ts';
import { PhotoStore } from './hazards/photos.ts';
import { loadReporterKey } from './hazards/reporter-key.ts';
import { InspectionService } from './inspection/inspection-service.ts';
import { ReportService } from './reports/report-service.ts';
import { StatsService } from './stats/stats-service.ts';
import { openPaging, type Paging } from './paging/paging.ts';
import { HandoverService } from './handover/handover-service.ts';
import { ReportScheduler } from './reports/scheduler.ts';
import type { LiveValues } from './inspection/live-values.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics/metrics.ts';
import type { AssetModel, DeclaredStatus } from './model/assets.ts';
import type { Fanout } from './notify/fanout.ts';
import type { OccupancyPush } from './notify/occupancy-push.ts';
import type { WsHub } from './notify/ws-hub.ts';
import { openRecordStore, type RecordStore } from './records/record-store.ts';
import type { CentralMode, EdgeMode } from './uplink/uplink-modes.ts';
import { mirrorFrame } from './uplink/priority-items.ts';
import { AccidentService } from './accidents/accident-service.ts';
import { PeriodService } from './periods/period-service.ts';
import { ResumptionService } from './declarations/resumption-service.ts';
import { SanweiLedger } from './sanwei/sanwei-ledger.ts';
import { SpecialPeriodBook } from './periods/special-periods.ts';
import type { Wal } from './wal/wal.ts';
import type { ClusterCore, ClusterMode } from './cluster/cluster-mode.ts';
import type { Frame, MirrorFrame } from './model/types.ts';
import type { Condition } from '../../rules/src/types.ts';
import type { RuleEvaluator } from '../../rules/src/evaluator.ts';
import { buildEvaluator } from './alarms/build-evaluator.ts';

export interface PipelineDeps {
  config: Config;
  assets: AssetModel;
  dataDir: string;
  wal: Wal;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  auth: TokenAuth;
  hub: Pick<WsHub, 'publishReadings'>;
  live: LiveValues;
  fanout: Fanout;
  occupancy: OccupancyPush;
  edge?: EdgeMode;
  central?: CentralMode;
  /** cluster mode: the partitions' runners feed the core instead of the WAL's rule runner */
  cluster?: ClusterMode;
}

export interface Pipeline {
  records: RecordStore;
  accidents: AccidentService;
  periods: PeriodService;
  resumptions: ResumptionService;
  sanwei: SanweiLedger;
  declared: DeclaredStatusBook;
  evaluator: RuleEvaluator;
  alarms: AlarmManager;
  hazards: HazardService;
  inspection: InspectionService;
  link: AlarmHazardLink;
  ruleRunner: RuleRunner;
  /** figures (GET /api/v1/stats) and files (bulletin, exports), issue 15 */
  stats: StatsService;
  reports: ReportService;
  /** notifications to persons: channels, delivery queues, rosters and escalations (issue 15) */
  paging: Paging;
  /** shift handover (交接班, issue 15) */
  handovers: HandoverService;
  /** scheduled reports (reports.schedules) */
  scheduler: ReportScheduler;
  /** what the alarm routes need (api/alarm-routes.ts) */
  alarmRoutes: AlarmRouteDeps;
  /** cluster mode: what the partition runners feed */
  clusterCore: ClusterCore;
}

/** Opens the records database and builds the core on it; closes the database again if a later step fails. */
export async function openPipeline(d: PipelineDeps): Promise<Pipeline> {
  const { config, assets, clock, central } = d;
  const c = (component: string) => d.log.child({ component });
  const tz = config.gateway.timezone;
  const records = await openRecordStore(config.storage.records, { dataDir: d.dataDir, log: c('records') });
  // what a failed build must stop again before the database closes
  let alarms: AlarmManager | undefined;
  let ruleRunner: RuleRunner | undefined;
  let paged: Paging | undefined;
  let sched: ReportScheduler | undefined;
  try {
    const declared = new DeclaredStatusBook(assets, await records.declarations.list());
    const periodBook = new SpecialPeriodBook(assets);
    const evaluator = buildEvaluator(config, assets, declared, central, undefined, periodBook);
    const maintenance = config.alarms.maintenance.map((m) => ({ ...m, from: Date.parse(m.from), to: Date.parse(m.to) }));
    const am = new AlarmManager({ store: records, rules: evaluator.rules, timezone: tz, clock, log: c('alarms'), maintenance, escalateUnackedAfterMs: config.alarms.escalateUnackedAfterMinutes * 60_000, edges: central?.registry, maxPendingWrites: config.alarms.maxPendingWrites, fence: d.cluster?.fence });
    alarms = am;
    // cluster mode: each owned partition's alarms are adopted when it is taken (cluster-node.ts)
    if (!d.cluster) await am.start();
    am.on('transition', (ev) => d.fanout.alarm(ev));
    const paging = (paged = openPaging(config.notify, { store: records, assets, alarms: am, clock, timezone: tz, log: c('paging'), metrics: d.metrics }));
    am.on('transition', (ev) => paging.pager.alarm(ev));
    await paging.pager.start(am.openAlarms());
    paging.pager.startTimer();
    const photos = new PhotoStore(join(d.dataDir, 'photos'));
    const hazards = new HazardService({ store: records, assets, clock, log: c('hazards'), rewardTiers: config.hazards.rewardTiers, rewardFrom: config.hazards.rewardFrom, outsideDutiesMultiplier: config.hazards.outsideDutiesMultiplier, photos, maxPhotos: config.hazards.maxPhotos, reporterKey: loadReporterKey(join(d.dataDir, 'reporter.key')) });
    hazards.on('event', (ev) => {
      d.fanout.hazard(ev);
      paging.pager.hazard(ev);
    });
    const disposals = new DisposalService({ alarms: am, store: records, clock, timezone: tz });
    const inspection = new InspectionService({ store: records, assets, alarms: am, hazards, live: d.live, clock, timezone: tz, rules: evaluator, edgeOf: central ? (e) => central.edgeOf(e) : undefined, sameDayRate: (ents) => disposals.todayRate(ents) });
    const stats = new StatsService({
      store: records,
      assets,
      alarms: am,
      clock,
      timezone: tz,
      rewardFrom: config.hazards.rewardFrom,
      now: async (e) => {
        const v = await inspection.view(e);
        return { id: e.id, name: e.name ?? null, jurisdiction: e.jurisdiction, riskColour: v.riskColour, riskScore: v.risk.score, devices: v.devices };
      },
    });
    const reports = new ReportService({ stats, hazards, alarms: am, store: records, assets, clock, timezone: tz, font: config.reports.pdfFont, jurisdictionNames: config.reports.jurisdictionNames });
    const handovers = new HandoverService({ store: records, alarms: am, assets, clock });
    const scheduler = (sched = new ReportScheduler({ schedules: config.reports.schedules, reports, store: records, email: paging.email, clock, timezone: tz, dir: join(d.dataDir, 'reports'), keepDays: config.reports.keepDays, backoffMs: config.reports.retrySeconds * 1000, log: c('reports'), onDelivery: (target, status) => d.metrics.reportDeliveries.inc({ target, status }), active: d.cluster ? () => d.cluster!.leads() : undefined }));
    await scheduler.start();
    scheduler.startTimer();
    // a declared status, from the API or (at an edge) from the centre: recorded, then the rules see it
    const declareHere = async (enterprise: string, status: DeclaredStatus, from: number, reason: string | null, actor: string) => {
      await records.declarations.add({ enterprise, status, from, reason, actor, at: clock.now() });
      declared.add({ enterprise, status, from });
      evaluator.declare(enterprise, status, from);
      d.cluster?.declared(enterprise, status, from);
    };
    // the uplink sees every alarm and hazard change, and the WAL's frames, from here on
    await d.edge?.start(am, hazards, records, evaluator.rules.map((r) => r.id), declareHere);
    await central?.start();
    // an edge's enterprises open their own hazards, mirrored here
    const accidents = new AccidentService({ store: records, assets, clock });
    const periods = new PeriodService({ store: records, book: periodBook, assets, clock, rules: () => evaluator.rules.map((r) => r.id) });
    await periods.reload();
    const link = new AlarmHazardLink({ alarms: am, hazards, accidents, periods, clock, log: c('hazards'), statusOf: (e) => declared.at(e, clock.now()), mirrored: central ? (e) => central.registry.originOf(e) !== undefined : undefined, owns: d.cluster ? (e) => d.cluster!.owns(e) : undefined });
    const onCondition = (raw: Condition) => {
      // a special period may make the rule's alarms red (issue 17)
      const cond = periodBook.adjust(raw);
      am.handle(cond);
      link.condition(cond);
    };
    evaluator.onCondition(onCondition);
    evaluator.onOccupancy((o) => d.occupancy.handle(o));
    const onFrame = (f: Frame) => {
      if (f.type !== 'readings') return;
      d.live.readings(f.readings);
      d.hub.publishReadings(f.readings);
    };
    const runner = new RuleRunner({
      evaluator,
      alarms: am,
      store: records,
      stateFile: new RuleStateFile(config.gateway.dataDir),
      wal: d.wal,
      clock,
      log: c('rules'),
      snapshotMs: config.rules.stateSnapshotSeconds * 1000,
      onSaved: (sv) => {
        d.metrics.rulesStateSave.observe(sv.exportMs / 1000);
        d.metrics.rulesStateSlice.observe(sv.longestSliceMs / 1000);
        d.metrics.rulesStateBytes.set(sv.bytes);
      },
      onBacklogFull: () => d.metrics.rulesBacklogFull.inc(),
      onError: () => d.metrics.rulesErrors.inc(),
      onFrame,
    });
    ruleRunner = runner;
    // cluster mode: the local WAL holds derived points only; the partitions are fed from the stream
    if (!d.cluster) await runner.start(d.wal.read(Number.MAX_SAFE_INTEGER));
    link.start();
    // 复工复产: an officer's declaration of production while stopped waits for the regulator (issue 17)
    const resumptions = new ResumptionService({ store: records, assets, clock, statusAt: (e, ts) => declared.at(e, ts), declare: (...a) => alarmRoutes.declare(...a), check: (e, s, from) => periods.checkDeclaration(e, s, from) });
    const alarmRoutes: AlarmRouteDeps = {
      alarms: am,
      disposals,
      store: records,
      auth: d.auth,
      assets,
      clock,
      timezone: tz,
      declarationBounds: config.declarations,
      declare: async (enterprise, status, from, reason, actor) => {
        // a special period may forbid production (issue 17)
        periods.checkDeclaration(enterprise, status, from);
        await declareHere(enterprise, status, from, reason, actor);
        // central: an edge's enterprise — its edge runs the rules that read the declaration (issue 16)
        await central?.downlink.enqueue({ kind: 'declare', enterprise, status, from, reason, actor });
      },
      resumptions,
      // central: an acknowledgement or a shelve of a mirrored alarm goes down to the edge that raised it (issue 16)
      downlink: central ? async (item) => void (await central.downlink.enqueue(item)) : undefined,
    };
    // cluster mode: an edge's records, mirrored here when this instance owns their partition (cluster-edges.ts)
    const onMirror = (f: MirrorFrame) => mirrorFrame(f, { alarms: am, hazards }, (message) => {
      d.metrics.edgeRefused.inc({ edge: f.edge, reason: 'acl_denied' });
      c('uplink').warn({ edge: f.edge, row: f.seq, message }, 'an edge record refused');
    });
    const clusterCore: ClusterCore = { records, alarms: am, onCondition, onOccupancy: (o) => d.occupancy.handle(o), onFrame, onMirror, central, periods: periodBook };
    const sanwei = new SanweiLedger({ store: records, assets, clock, alarm: async (id) => am.get(id) ?? (await records.alarms.get(id)) });
    return { records, declared, evaluator, alarms: am, hazards, accidents, periods, resumptions, sanwei, inspection, link, ruleRunner: runner, alarmRoutes, stats, reports, paging, handovers, scheduler, clusterCore };
  } catch (err) {
    await ruleRunner?.stop().catch(() => {});
    await sched?.stop().catch(() => {});
    paged?.pager.stopTimer();
    await paged?.deliveries.close(0).catch(() => {});
    await alarms?.closeWriter(0).catch(() => {});
    await records.close().catch(() => {});
    throw err;
  }
}
