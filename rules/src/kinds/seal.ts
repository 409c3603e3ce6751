// kind `seal`: electronic seals (电子封条, issue 17, DOMAIN.md §10; seed 003: video and electronic
// locks at the shaft entries of stopped mines, against 明停暗开). A seal reports `seal_opened`,
// `seal_closed` and `tamper` events (CONTRACT §3.3), and may report its state as the metric
// `closed` (1 closed, 0 open) with its heartbeat.
//  - `check: opened`: a seal open while the enterprise is declared in `statuses` (stopped) raises
//    `severity` (red) — when it opens, or when the declaration comes while it is open; it clears
//    when the seal closes or the declaration changes (复工复产 accepted). The evidence carries the
//    head-count present and the enterprise's power and belt series, for the correlation the other
//    明停暗开 rules make (DOMAIN.md §5, §6).
//  - `check: tamper`: a tamper event raises `severity` (red) while declared stopped and
//    `otherwiseSeverity` (orange) at other times; it clears `holdSeconds` after the last one.
// Subject = the seal device.
import { z } from 'zod';
import type { Frame } from '../../../gateway/src/model/types.ts';
import { Armed, Emitter, StateTable, type EvidenceSeries } from '../emitter.ts';
import type { DeviceSlot, Host, KindContext, KindModule, ReadingSink, RuleRuntime } from '../kind.ts';
import { matches } from '../kind.ts';
import { seconds, severity, statusList } from '../schema-common.ts';
import type { Severity } from '../types.ts';

const schema = z.strictObject({
  check: z.enum(['opened', 'tamper']),
  statuses: statusList.default(['stopped']),
  severity: severity.default('red'),
  otherwiseSeverity: severity.default('orange'),
  holdSeconds: seconds.default(300),
});
type P = z.infer<typeof schema>;

class Seal {
  /** the seal is open (from its events, or its `closed` metric) */
  open = false;
  openedAt = -Infinity;
  /** a condition is raised */
  active = false;
  /** tamper: clears at this event time */
  until = -Infinity;
  tampers = 0;
  sev: Severity = 'red';
  lastTs = -Infinity;
  /** `label`: the seal as the consoles name it (its name, else its id) */
  constructor(readonly enterprise: string, private readonly host: Host, private readonly em: Emitter, private readonly p: P, private readonly label: string) {}

  private stopped(ts: number): string | undefined {
    const s = this.host.statusAt(this.enterprise, ts);
    return this.p.statuses.includes(s) ? s : undefined;
  }

  private evidence(ts: number) {
    return { open: this.open, openedAt: Number.isFinite(this.openedAt) ? this.openedAt : null, status: this.host.statusAt(this.enterprise, ts), persons: this.host.tags(this.enterprise).size, tampers: this.tampers };
  }

  /** `check: opened` at event time ts */
  step(ts: number): void {
    const status = this.stopped(ts);
    const on = this.open && status !== undefined;
    const t = this.em.info.title;
    const dev = this.label;
    if (on && !this.active) {
      this.active = true;
      this.sev = this.p.severity;
      const persons = this.host.tags(this.enterprise).size;
      const who = persons > 0 ? { zh: `，井下/现场 ${persons} 人`, en: `, ${persons} persons on site` } : { zh: '', en: '' };
      this.em.raise(this.sev, ts, { zh: `${t.zh}：企业申报停产，电子封条 ${dev} 被打开${who.zh}`, en: `${t.en}: enterprise declared ${status}, seal ${dev} opened${who.en}` }, undefined, undefined, this.evidence(ts));
    } else if (!on && this.active) {
      this.active = false;
      this.em.clear(this.sev, ts, this.em.cleared(this.open ? { zh: '申报状态已变更', en: 'declared status changed' } : { zh: '封条已关闭', en: 'seal closed' }), undefined, this.evidence(ts));
    }
  }

  /** `check: tamper` */
  tamper(ts: number): void {
    this.tampers++;
    const status = this.stopped(ts);
    const sev = status ? this.p.severity : this.p.otherwiseSeverity;
    const until = ts + this.p.holdSeconds * 1000;
    if (!this.active || ts > this.until) {
      this.active = true;
      this.tampers = 1;
      this.sev = sev;
      const t = this.em.info.title;
      const dev = this.label;
      const why = status ? { zh: `（企业申报停产）`, en: ` (enterprise declared ${status})` } : { zh: '', en: '' };
      this.em.raise(sev, ts, { zh: `${t.zh}：电子封条 ${dev} 遭破坏或拆除${why.zh}`, en: `${t.en}: seal ${dev} tampered with${why.en}` }, undefined, undefined, this.evidence(ts));
    }
    this.until = Math.max(this.until, until);
  }

  advance(clock: number): boolean {
    if (this.p.check === 'tamper') {
      if (this.active && clock >= this.until) {
        this.active = false;
        this.em.clear(this.sev, this.until, this.em.cleared(), undefined, { tampers: this.tampers });
      }
      return this.active;
    }
    if (clock > this.lastTs) this.step(clock);
    // kept armed while open: a declaration of stop may come at any time
    return this.open || this.active;
  }

  save() {
    return [this.open, this.openedAt, this.active, this.until, this.tampers, this.sev, this.lastTs];
  }
  load(s: any) {
    [this.open, this.openedAt, this.active, this.until, this.tampers, this.sev, this.lastTs] = [!!s[0], s[1] ?? -Infinity, !!s[2], s[3] ?? -Infinity, s[4] ?? 0, s[5] ?? 'red', s[6] ?? -Infinity];
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const { def, host, info } = ctx;
  const table = new StateTable<Seal>();
  const armed = new Armed<Seal>();
  /** the enterprise's power and belt series: what a console draws beside an opened seal */
  const correlated = (enterprise: string): EvidenceSeries[] =>
    host.devices(enterprise).flatMap((s) => (s.dev.kind === 'power' ? [{ site: s.dev.site, device: s.dev.id, metric: 'kw' }] : s.dev.kind === 'belt' ? [{ site: s.dev.site, device: s.dev.id, metric: 'tph' }] : []));
  const seal = (slot: DeviceSlot): { s: Seal; p: P } | undefined => {
    const d = slot.dev;
    if (!matches(def, d.kind)) return undefined;
    const p = ctx.params(slot.subject);
    if (!p) return undefined;
    const em = new Emitter(host, info, def, slot.subject);
    if (p.check === 'opened') em.evidenceFrom(correlated(d.enterprise));
    return { s: table.get(em.key, () => new Seal(d.enterprise, host, em, p, d.name ?? d.id)), p };
  };
  const state = (x: { s: Seal; p: P }, open: boolean, ts: number) => {
    if (open && !x.s.open) x.s.openedAt = ts;
    x.s.open = open;
    x.s.lastTs = Math.max(x.s.lastTs, ts);
    if (x.p.check === 'opened') x.s.step(ts);
    armed.add(x.s);
  };
  return {
    info,
    onEvent(slot: DeviceSlot, f: Extract<Frame, { type: 'event' }>) {
      const x = seal(slot);
      if (!x) return;
      if (f.eventType === 'seal_opened') state(x, true, f.ts);
      else if (f.eventType === 'seal_closed') state(x, false, f.ts);
      else if (f.eventType === 'tamper' && x.p.check === 'tamper') {
        x.s.tamper(f.ts);
        armed.add(x.s);
      }
    },
    bindReading(slot: DeviceSlot, metric: string): ReadingSink | undefined {
      if (metric !== 'closed') return undefined;
      const x = seal(slot);
      if (!x) return undefined;
      return {
        push(value, ts, late) {
          if (late) return;
          const open = value < 0.5;
          if (open !== x.s.open) state(x, open, ts);
        },
      };
    },
    tick: (clockOf) => armed.tick(clockOf),
    exportState: () => table.entries(),
    importState: (s) => {
      table.import(s);
      // an open seal or a raised condition goes on being watched after a restart
      for (const e of host.enterpriseIds()) {
        for (const slot of host.devices(e)) {
          const x = seal(slot);
          if (x && (x.s.open || x.s.active)) armed.add(x.s);
        }
      }
    },
  };
}

export const seal: KindModule<P> = { kind: 'seal', schema, create };
