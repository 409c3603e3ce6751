// Scheduled reports (issue 15): each schedule of `reports.schedules` (cron syntax through croner,
// in the gateway's time zone) renders the bulletin of the period that ended before the run, keeps
// the files under dataDir/reports/ for download, and delivers them by email (notify.email) and to
// a webhook (multipart/form-data). A failed delivery is retried with back-off up to the schedule's
// maxAttempts and stays visible in GET /api/v1/reports/runs with its attempts and last error. A
// run missed while the gateway was down is made once at the next start. Driven by tick(now) on
// the injected clock; croner only computes the times.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cron } from 'croner';
import { Backoff, WakeableSleep } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import type { Actor } from '../hazards/types.ts';
import type { Logger } from '../log.ts';
import type { EmailChannel } from '../paging/channels/email.ts';
import type { RecordStore } from '../records/record-store.ts';
import { localDate, parsePeriod, type Period } from '../stats/period.ts';
import type { ScheduleConfig } from './report-config.ts';
import { CONTENT_TYPES, type ReportService } from './report-service.ts';

export interface RunFile {
  format: 'xlsx' | 'pdf';
  name: string;
  title: string;
  bytes: number;
}

export interface RunDelivery {
  target: 'email' | 'webhook';
  /** addresses or the URL (no credentials: a URL's user info is removed) */
  to: string;
  status: 'pending' | 'retrying' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  deliveredAt: number | null;
}

export interface ReportRun {
  id: string;
  schedule: string;
  /** delivering → delivered | failed (some delivery failed) | error (could not render) */
  status: 'delivering' | 'delivered' | 'failed' | 'error';
  /** the cron time this run was for */
  scheduledFor: number;
  createdAt: number;
  updatedAt: number;
  period: { kind: string; label: string; from: number; to: number };
  enterprise: string | null;
  jurisdiction: string | null;
  files: RunFile[];
  deliveries: RunDelivery[];
  error: string | null;
}

export interface SchedulerOptions {
  schedules: ScheduleConfig[];
  reports: ReportService;
  store: RecordStore;
  email?: EmailChannel;
  clock: Clock;
  timezone: string;
  dir: string;
  keepDays: number;
  log: Logger;
  onDelivery?: (target: string, status: string) => void;
  /** first retry delay (default 30 s, doubling to 30 min) */
  backoffMs?: number;
  /** cluster mode: only the instance owning partition 0 makes the scheduled runs (docs/cluster.md §6) */
  active?: () => boolean;
}

const safeUrl = (u: string) => {
  try {
    const x = new URL(u);
    x.username = '';
    x.password = '';
    return x.toString();
  } catch {
    return u;
  }
};

/** The period of a schedule that ended before `at`: last month, last ISO week or yesterday. */
export function previousPeriod(kind: ScheduleConfig['period'], at: number, tz: string): Period {
  const [y, m, d] = localDate(at, tz).split('-').map(Number);
  const iso = (yy: number, mm: number, dd: number) => new Date(Date.UTC(yy, mm - 1, dd)).toISOString().slice(0, 10);
  if (kind === 'month') return parsePeriod({ month: iso(y, m - 1, 1).slice(0, 7) }, at, tz, () => NaN);
  if (kind === 'week') return parsePeriod({ period: 'week', date: iso(y, m, d - 7) }, at, tz, () => NaN);
  return parsePeriod({ period: 'day', date: iso(y, m, d - 1) }, at, tz, () => NaN);
}

export class ReportScheduler {
  private readonly next = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private busy: Promise<void> = Promise.resolve();
  /** deliveries run one after another, apart from rendering: a retrying mail server never holds back the next run */
  private sending: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly pause = new WakeableSleep();

  constructor(private readonly o: SchedulerOptions) {}

  private cron(s: ScheduleConfig): Cron {
    return new Cron(s.cron, { timezone: this.o.timezone, paused: true });
  }

  private nextAfter(s: ScheduleConfig, t: number): number | undefined {
    return this.cron(s).nextRun(new Date(t))?.getTime();
  }

  /** The next run of each schedule; a run missed since the last one recorded is due at once. Runs left delivering are resumed. */
  async start(): Promise<void> {
    const now = this.o.clock.now();
    for (const s of this.o.schedules) {
      const last = (await this.o.store.reportRuns.list<ReportRun>({ schedule: s.id, limit: 1 }))[0];
      const n = last ? this.nextAfter(s, last.scheduledFor) : this.nextAfter(s, now);
      if (n !== undefined) this.next.set(s.id, n);
    }
    for (const r of await this.o.store.reportRuns.list<ReportRun>({ status: 'delivering', limit: 100 })) {
      const s = this.o.schedules.find((x) => x.id === r.schedule);
      if (s) this.send(s, r);
    }
  }

  startTimer(everyMs = 30_000): void {
    this.timer = setInterval(() => (this.o.active?.() ?? true) && void this.tick(this.o.clock.now()).catch((err) => this.o.log.error({ err }, 'scheduled report failed')), everyMs);
    this.timer.unref();
  }

  now(): number {
    return this.o.clock.now();
  }

  /** When each schedule runs next (epoch ms), for /healthz-style views and tests. */
  nextRuns(): Record<string, number> {
    return Object.fromEntries(this.next);
  }

  /** Runs every schedule whose time has come (one at a time). */
  tick(now: number): Promise<void> {
    this.busy = this.busy.then(async () => {
      for (const s of this.o.schedules) {
        const due = this.next.get(s.id);
        if (due === undefined || due > now || this.stopped) continue;
        const n = this.nextAfter(s, now);
        if (n === undefined) this.next.delete(s.id);
        else this.next.set(s.id, n);
        await this.run(s, due);
      }
      await this.prune(now);
    });
    return this.busy;
  }

  /** Renders and delivers one run of `s` for the cron time `at`. */
  async run(s: ScheduleConfig, at: number): Promise<ReportRun> {
    const now = this.o.clock.now();
    const period = previousPeriod(s.period, at, this.o.timezone);
    const run: ReportRun = { id: `rr_${randomBytes(8).toString('hex')}`, schedule: s.id, status: 'delivering', scheduledFor: at, createdAt: now, updatedAt: now, period: { kind: period.kind, label: period.label, from: period.from, to: period.to }, enterprise: s.enterprise ?? null, jurisdiction: s.jurisdiction ?? null, files: [], deliveries: [], error: null };
    const actor: Actor = { role: 'admin', id: `schedule:${s.id}`, name: `schedule:${s.id}`, enterprises: [], jurisdictions: [] };
    try {
      const report = await this.o.reports.bulletinReport(actor, { enterprise: s.enterprise, jurisdiction: s.jurisdiction }, period);
      const dir = join(this.o.dir, run.id);
      mkdirSync(dir, { recursive: true });
      for (const format of s.formats) {
        const f = await this.o.reports.render(report, format, `bulletin-${s.enterprise ?? s.jurisdiction ?? 'all'}-${period.label}`.replace(/[^A-Za-z0-9._-]+/g, '_'));
        writeFileSync(join(dir, f.name), f.body);
        run.files.push({ format, name: f.name, title: f.title, bytes: f.body.length });
      }
    } catch (err) {
      run.status = 'error';
      run.error = (err as Error).message.slice(0, 500);
      this.o.log.error({ err, schedule: s.id }, 'scheduled report could not be rendered');
      await this.o.store.reportRuns.save(run, true);
      return run;
    }
    if (s.email.length > 0) run.deliveries.push({ target: 'email', to: s.email.join(', '), status: 'pending', attempts: 0, lastError: null, deliveredAt: null });
    if (s.webhook) run.deliveries.push({ target: 'webhook', to: safeUrl(s.webhook), status: 'pending', attempts: 0, lastError: null, deliveredAt: null });
    if (run.deliveries.length === 0) run.status = 'delivered';
    await this.o.store.reportRuns.save(run, true);
    if (run.status === 'delivering') this.send(s, run);
    return run;
  }

  private send(s: ScheduleConfig, run: ReportRun): void {
    this.sending = this.sending.then(() => this.deliver(s, run)).catch((err) => this.o.log.error({ err, run: run.id }, 'report delivery failed'));
  }

  /** Resolves when every delivery queued so far has settled (tests, stop). */
  idle(): Promise<void> {
    return Promise.all([this.busy, this.sending]).then(() => undefined);
  }

  /** The file of a run, for download. */
  file(run: ReportRun, name: string): { body: Buffer; type: string; title: string } | undefined {
    const f = run.files.find((x) => x.name === name);
    if (!f) return undefined;
    try {
      return { body: readFileSync(join(this.o.dir, run.id, f.name)), type: CONTENT_TYPES[f.format], title: f.title };
    } catch {
      return undefined;
    }
  }

  private async deliver(s: ScheduleConfig, run: ReportRun): Promise<void> {
    const backoff = new Backoff({ initialMs: this.o.backoffMs ?? 30_000, maxMs: 30 * 60_000, jitter: true });
    for (const d of run.deliveries) {
      backoff.reset();
      while (d.status === 'pending' || d.status === 'retrying') {
        if (this.stopped) return;
        const out = await this.attempt(s, run, d);
        d.attempts++;
        run.updatedAt = this.o.clock.now();
        if (out === null) {
          d.status = 'delivered';
          d.deliveredAt = run.updatedAt;
        } else {
          d.lastError = out.slice(0, 300);
          d.status = d.attempts >= s.maxAttempts ? 'failed' : 'retrying';
        }
        this.o.onDelivery?.(d.target, d.status);
        await this.o.store.reportRuns.save(run, false);
        if (d.status === 'retrying') await this.pause.sleep(backoff.next());
      }
    }
    run.status = run.deliveries.every((d) => d.status === 'delivered') ? 'delivered' : 'failed';
    run.updatedAt = this.o.clock.now();
    await this.o.store.reportRuns.save(run, false);
  }

  /** One attempt: null when delivered, else why not. */
  private async attempt(s: ScheduleConfig, run: ReportRun, d: RunDelivery): Promise<string | null> {
    const files = run.files.map((f) => ({ f, body: readFileSync(join(this.o.dir, run.id, f.name)) }));
    const title = files[0]?.f.title.replace(/\.(xlsx|pdf)$/, '') ?? run.schedule;
    if (d.target === 'email') {
      if (!this.o.email) return 'notify.email is not configured';
      const out = await this.o.email.mail(s.email, title, `${title}\n统计期：${run.period.label}\n附件：${run.files.map((f) => f.title).join('，')}\n\n—— hazardline 定时报表 ${s.id}`, files.map(({ f, body }) => ({ filename: f.title, content: body, contentType: CONTENT_TYPES[f.format] })));
      return out.ok ? null : out.reason;
    }
    const form = new FormData();
    form.set('report', JSON.stringify({ run: run.id, schedule: run.schedule, title, period: run.period.label, enterprise: run.enterprise, jurisdiction: run.jurisdiction }));
    for (const { f, body } of files) form.append('file', new Blob([body], { type: CONTENT_TYPES[f.format] }), f.title);
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 30_000);
    try {
      const res = await fetch(s.webhook!, { method: 'POST', body: form, signal: ctl.signal });
      await res.text();
      return res.ok ? null : `http ${res.status}`;
    } catch (err) {
      return ctl.signal.aborted ? 'timeout' : `network: ${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs older than reports.keepDays go, with their files. */
  private async prune(now: number): Promise<void> {
    for (const r of await this.o.store.reportRuns.olderThan<ReportRun>(now - this.o.keepDays * 86_400_000)) {
      rmSync(join(this.o.dir, r.id), { recursive: true, force: true });
      await this.o.store.reportRuns.delete(r.id);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.pause.wake();
    await this.busy.catch(() => {});
    await this.sending.catch(() => {});
  }
}
