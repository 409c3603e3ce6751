// Renders the bulletin (月通报 / 日报) and the ledger exports for a caller (issue 15): the scope is
// the caller's, the figures those of /api/v1/stats, the tables from bulletin.ts / exports.ts, the
// files from xlsx.ts, csv.ts and pdf.ts.
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Clock } from '../clock.ts';
import { HazardlineError } from '../errors.ts';
import type { HazardService } from '../hazards/hazard-service.ts';
import { parseLedgerQuery } from '../hazards/ledger.ts';
import { OPEN_STATES, type Actor, type Hazard } from '../hazards/types.ts';
import { visible } from '../hazards/workflow.ts';
import type { Verification } from '../inspection/inspection-service.ts';
import type { AssetModel } from '../model/assets.ts';
import { SEVERITIES, type Severity } from '../model/vocabulary.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Period } from '../stats/period.ts';
import type { StatsScope, StatsService } from '../stats/stats-service.ts';
import { bulletin } from './bulletin.ts';
import { sheetCsv } from './csv.ts';
import { alarmSheet, hazardSheet, rewardSheet, verificationSheet, type ExportKind } from './exports.ts';
import { assetNames, type AssetNames } from '../model/asset-names.ts';
import { reportPdf, resolveFont, type PdfFont } from './pdf.ts';
import type { Report, Sheet } from './table.ts';
import { reportXlsx } from './xlsx.ts';

export const BULLETIN_FORMATS = ['xlsx', 'pdf'] as const;
export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type FileFormat = 'xlsx' | 'pdf' | 'csv';

export interface RenderedFile {
  /** ASCII file name (bulletin-taian-2026-11.xlsx) */
  name: string;
  /** the title as a file name, Chinese allowed (Content-Disposition filename*) */
  title: string;
  type: string;
  body: Buffer;
}

export const CONTENT_TYPES: Record<FileFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
};

export interface ReportServiceOptions {
  stats: StatsService;
  hazards: HazardService;
  alarms: AlarmManager;
  store: RecordStore;
  assets: AssetModel;
  clock: Clock;
  timezone: string;
  /** reports.pdfFont; the first Noto Sans CJK found otherwise */
  font?: PdfFont;
  /** reports.jurisdictionNames: 泰安市 for taian */
  jurisdictionNames: Record<string, string>;
}

const bad = (field: string, message: string) => Object.assign(new HazardlineError('HL_ERR_BAD_REQUEST', `${field}: ${message}`, 400), { field });
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

export class ReportService {
  constructor(private readonly o: ReportServiceOptions) {
    this.names = assetNames(o.assets);
  }

  readonly names: AssetNames;

  /** GET /api/v1/reports/bulletin: a jurisdiction's month, an enterprise's day (date=) or month. */
  async bulletin(actor: Actor, q: StatsScope & Record<string, string | undefined>, period: Period, format: 'xlsx' | 'pdf'): Promise<RenderedFile> {
    const report = await this.bulletinReport(actor, q, period);
    const scopeId = q.enterprise ?? q.jurisdiction ?? 'all';
    return this.render(report, format, `bulletin-${safe(scopeId)}-${period.label}`);
  }

  async bulletinReport(actor: Actor, q: StatsScope, period: Period): Promise<Report> {
    const stats = await this.o.stats.stats(actor, q, period);
    const ids = new Set(stats.scope.enterprises);
    const all = (await this.o.hazards.ledger(actor, { state: 'all', level: 'major', limit: 10_000 })).hazards;
    const majors = all.filter((h) => ids.has(h.enterprise) && h.reportedAt < period.to && (OPEN_STATES.includes(h.state) || h.reportedAt >= period.from) && (!q.site || h.site === q.site)).sort((a, b) => a.reportedAt - b.reportedAt);
    const verifications = await this.verifications(actor, [...ids], period.from, period.to);
    const jname = (j: string) => this.o.jurisdictionNames[j] ?? j;
    const scopeIds = stats.scope.enterprises;
    // who the report is about: the enterprise, the jurisdiction, or the caller's whole scope in words
    const scopeName = q.enterprise
      ? this.names.enterprise(q.enterprise)
      : q.jurisdiction
        ? jname(q.jurisdiction)
        : actor.role === 'regulator'
          ? actor.jurisdictions.map(jname).join('、')
          : scopeIds.length <= 3
            ? scopeIds.map(this.names.enterprise).join('、')
            : [...new Set(scopeIds.map((e) => this.o.assets.enterprises.get(e)!.jurisdiction))].map(jname).join('、');
    const kind = period.kind === 'day' ? 'daily' : period.kind === 'week' ? 'weekly' : 'monthly';
    return bulletin({ stats, majors, verifications, enterpriseName: this.names.enterprise, scopeName, kind, madeAt: this.o.clock.now() });
  }

  /** GET /api/v1/exports/{kind}: the ledger under the consoles' filters, as xlsx or CSV. */
  async export(actor: Actor, kind: ExportKind, q: Record<string, string | undefined>, format: 'xlsx' | 'csv', parseTime: (field: string, v: string) => number): Promise<RenderedFile> {
    const sheet = await this.exportSheet(actor, kind, q, parseTime);
    const name = `${kind}-${safe(q.enterprise ?? 'all')}-${new Date(this.o.clock.now()).toISOString().slice(0, 10)}`;
    if (format === 'csv') return { name: `${name}.csv`, title: `${sheet.title ?? sheet.name}.csv`, type: CONTENT_TYPES.csv, body: await sheetCsv(sheet, this.o.timezone) };
    return this.render({ title: sheet.title ?? sheet.name, subtitle: [], sheets: [sheet], timezone: this.o.timezone }, 'xlsx', name);
  }

  private async exportSheet(actor: Actor, kind: ExportKind, q: Record<string, string | undefined>, parseTime: (field: string, v: string) => number): Promise<Sheet> {
    const enterprises = [...this.o.assets.enterprises.values()].filter((e) => visible({ enterprise: e.id, jurisdiction: e.jurisdiction }, actor) && (!q.enterprise || e.id === q.enterprise));
    if (q.enterprise && enterprises.length === 0) throw new HazardlineError('HL_ERR_NOT_FOUND', `enterprise ${q.enterprise} not found`, 404);
    const from = q.from ? parseTime('from', q.from) : undefined;
    const to = q.to ? parseTime('to', q.to) : undefined;
    if (kind === 'hazards') {
      const f = parseLedgerQuery({ ...q, offset: undefined, limit: undefined }, parseTime);
      return hazardSheet((await this.o.hazards.ledger(actor, { ...f, limit: 10_000 }, q.enterprise || undefined)).hazards, this.names);
    }
    if (kind === 'rewards') {
      const list = (await this.o.hazards.ledger(actor, { state: 'all', limit: 10_000 }, q.enterprise || undefined)).hazards;
      const paidAt = (h: Hazard) => h.reward?.paidAt ?? h.rewardedAt ?? 0;
      return rewardSheet(list.filter((h) => h.reward && (from === undefined || paidAt(h) >= from) && (to === undefined || paidAt(h) < to)).sort((a, b) => paidAt(a) - paidAt(b)), this.names);
    }
    if (kind === 'verifications') {
      if (q.state && !['open', 'confirmed', 'not-confirmed'].includes(q.state)) throw bad('state', 'expected open, confirmed or not-confirmed');
      const list = (await this.verifications(actor, enterprises.map((e) => e.id), from ?? 0, to ?? Number.MAX_SAFE_INTEGER)).filter((v) => !q.state || v.state === q.state);
      return verificationSheet(list, this.names);
    }
    const state = q.state ?? 'all';
    if (state !== 'open' && state !== 'all') throw bad('state', 'expected open | all');
    if (q.severity && !(SEVERITIES as readonly string[]).includes(q.severity)) throw bad('severity', 'expected red | orange | yellow | blue');
    await this.o.alarms.flush();
    const alarms = (await this.o.store.alarms.list({ open: state === 'open' ? true : undefined, enterprises: enterprises.map((e) => e.id), severity: q.severity as Severity | undefined, since: from ?? (q.since ? parseTime('since', q.since) : undefined), rule: q.rule || undefined, limit: 100_000 }))
      .filter((a) => (to === undefined || a.raisedAt < to) && (!q.site || a.site === q.site))
      .sort((a, b) => a.raisedAt - b.raisedAt);
    return alarmSheet(alarms, await this.o.store.disposals.byAlarms(alarms.map((a) => a.id)), this.names);
  }

  private async verifications(actor: Actor, enterprises: string[], from: number, to: number): Promise<Verification[]> {
    const ids = new Set(enterprises);
    const jurisdictions = [...new Set(enterprises.map((e) => this.o.assets.enterprises.get(e)!.jurisdiction))];
    const list = await this.o.store.verifications.list<Verification>({ jurisdictions, since: from, limit: 100_000 });
    return list.filter((v) => ids.has(v.enterprise) && v.createdAt < to && visible(v, actor)).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** A report as a file. */
  async render(r: Report, format: 'xlsx' | 'pdf', base: string): Promise<RenderedFile> {
    const made = new Date(this.o.clock.now());
    const body = format === 'xlsx' ? await reportXlsx(r, made) : await reportPdf(r, made, resolveFont(this.o.font));
    return { name: `${base}.${format}`, title: `${r.title}.${format}`, type: CONTENT_TYPES[format], body };
  }
}
