// kind `running-while-stopped` (DOMAIN.md §5, 明停暗开): a belt reporting running = 1 or
// tph > 0 while its enterprise is declared stopped → red after the on-delay (60 s [D]); clears
// after the belt has been still (or the status changed) for the off-delay (5 min [D]).
// Subject = the belt device.
import { z } from 'zod';
import { Armed, Emitter, fmt, StateTable } from '../emitter.ts';
import { Gate } from '../gate.ts';
import type { DeviceSlot, Host, KindContext, KindModule, ReadingSink, RuleRuntime, SampleSink } from '../kind.ts';
import { matches } from '../kind.ts';
import { seconds, severity, statusList } from '../schema-common.ts';

const schema = z.strictObject({
  statuses: statusList.default(['stopped']),
  severity: severity.default('red'),
  tphMin: z.number().min(0).default(0),
  onDelaySeconds: seconds.default(60),
  offDelaySeconds: seconds.default(300),
});
type P = z.infer<typeof schema>;

class Belt {
  readonly gate = new Gate();
  running = NaN;
  tph = NaN;
  lastTs = -Infinity;
  constructor(readonly enterprise: string, private readonly host: Host, private readonly em: Emitter, private readonly p: P) {}

  step(ts: number): void {
    const status = this.host.statusAt(this.enterprise, ts);
    const moving = this.running >= 1 || this.tph > this.p.tphMin;
    const on = moving && this.p.statuses.includes(status);
    const g = this.gate;
    if (g.update(on ? this.p.severity : null, ts, this.p.onDelaySeconds * 1000 * this.host.delayAt(this.enterprise, ts), this.p.offDelaySeconds * 1000)) {
      const t = this.em.info.title;
      const st = `running = ${Number.isNaN(this.running) ? '-' : this.running}, tph = ${Number.isNaN(this.tph) ? '-' : fmt(this.tph)} t/h`;
      if (g.sev === null) this.em.clear(this.p.severity, g.changedAt, this.em.cleared({ zh: st, en: st }));
      else this.em.raise(g.sev, g.changedAt, { zh: `${t.zh}：企业申报停产，皮带 ${this.em.subject.device} 运行（${st}）`, en: `${t.en}: enterprise declared ${status}, belt ${this.em.subject.device} running (${st})` }, this.tph, this.p.tphMin, { running: this.running, tph: this.tph, status });
    }
  }

  advance(clock: number): boolean {
    if (clock > this.lastTs) this.step(clock);
    return this.gate.pending;
  }

  save() {
    return [this.gate.save(), this.running, this.tph, this.lastTs];
  }
  load(s: any) {
    this.gate.load(s[0]);
    this.running = s[1] ?? NaN;
    this.tph = s[2] ?? NaN;
    this.lastTs = s[3] ?? -Infinity;
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const { def, host, info } = ctx;
  const table = new StateTable<Belt>();
  const armed = new Armed<Belt>();
  const belt = (slot: DeviceSlot): Belt | undefined => {
    const d = slot.dev;
    if (!matches(def, d.kind)) return undefined;
    const p = ctx.params(slot.subject);
    if (!p) return undefined;
    const em = new Emitter(host, info, def, slot.subject).evidenceFrom([{ site: d.site, device: d.id, metric: 'tph', threshold: true }, { site: d.site, device: d.id, metric: 'running' }]);
    return table.get(em.key, () => new Belt(d.enterprise, host, em, p));
  };
  return {
    info,
    bindSample(slot: DeviceSlot): SampleSink | undefined {
      const b = belt(slot);
      if (!b) return undefined;
      return {
        sample(ts, _hash, late) {
          if (late || ts < b.lastTs) return;
          b.step(ts);
          if (b.gate.pending) armed.add(b);
        },
      };
    },
    bindReading(slot: DeviceSlot, metric: string): ReadingSink | undefined {
      if (metric !== 'running' && metric !== 'tph') return undefined;
      const b = belt(slot);
      if (!b) return undefined;
      const isRunning = metric === 'running';
      return {
        // values only: running and tph of one sample are judged together, once the sample is whole
        push(v, ts, late) {
          if (late || ts < b.lastTs) return;
          if (isRunning) b.running = v;
          else b.tph = v;
          b.lastTs = ts;
        },
      };
    },
    tick: (clockOf) => armed.tick(clockOf),
    exportState: () => table.entries(),
    importState: (s) => table.import(s),
  };
}

export const runningWhileStopped: KindModule<P> = { kind: 'running-while-stopped', schema, create };
