// kind `event`: a device event (CONTRACT §3.3) of a listed type raises the rule at the event's
// time — belt protections (MT 872-2000, DOMAIN.md §5) and SOS (AQ 1119-2023, §3). An event is a
// fact: it raises even when it arrives late. The condition clears `holdSeconds` after the last
// such event (event time), so the alarm manager keeps the alarm until it is acknowledged.
import { z } from 'zod';
import type { Frame } from '../../../gateway/src/model/types.ts';
import { Armed, Emitter, rearm, StateTable } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, RuleRuntime } from '../kind.ts';
import type { Subject } from '../types.ts';
import { matches } from '../kind.ts';
import { seconds, severity, text } from '../schema-common.ts';

const schema = z.strictObject({
  types: z.array(z.string()).min(1),
  severity: severity.default('red'),
  holdSeconds: seconds.default(60),
  /** one condition per event type (`type`), per value of a detail field (e.g. `tag`), or per device (absent) */
  keyBy: z.string().optional(),
  labels: z.record(z.string(), text).default({}),
});
type P = z.infer<typeof schema>;

/** what re-creates a condition's emitter after a restart (an open event must still clear) */
interface Origin {
  subject: Subject;
  part?: string;
  label: { zh: string; en: string };
}

class EventState {
  active = false;
  until = -Infinity;
  count = 0;
  constructor(readonly enterprise: string, private readonly em: Emitter, private readonly label: { zh: string; en: string }, private readonly origin: Origin) {}
  advance(clock: number): boolean {
    if (this.active && clock >= this.until) {
      this.active = false;
      this.em.clear('red', this.until, this.em.cleared(this.label));
    }
    return this.active;
  }
  save() {
    return [this.active, this.until, this.count, this.origin];
  }
  load(s: any) {
    [this.active, this.until, this.count] = [!!s[0], s[1] ?? -Infinity, s[2] ?? 0];
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const table = new StateTable<EventState>();
  const armed = new Armed<EventState>();
  const { def, host, info } = ctx;
  return {
    info,
    onEvent(slot: DeviceSlot, f: Extract<Frame, { type: 'event' }>) {
      const d = slot.dev;
      if (!matches(def, d.kind)) return;
      const p = ctx.params(slot.subject);
      if (!p || !p.types.includes(f.eventType)) return;
      const part = p.keyBy === 'type' ? f.eventType : p.keyBy ? String(f.detail?.[p.keyBy] ?? '') : undefined;
      const em = new Emitter(host, info, def, slot.subject, undefined, part);
      const label = p.labels[f.eventType] ?? { zh: f.eventType, en: f.eventType };
      const st = table.get(em.key, () => new EventState(d.enterprise, em, label, { subject: em.subject, part, label }));
      st.count++;
      const until = f.ts + p.holdSeconds * 1000;
      if (!st.active) {
        st.active = true;
        st.until = until;
        const who = p.keyBy && p.keyBy !== 'type' ? ` ${part}` : '';
        em.raise(p.severity, f.ts, { zh: `${info.title.zh}：${label.zh}${who}（${d.name ?? d.id}）`, en: `${info.title.en}: ${label.en}${who} (${d.name ?? d.id})` }, undefined, undefined, { type: f.eventType, detail: f.detail });
      } else if (until > st.until) st.until = until;
      armed.add(st);
    },
    tick: (clockOf) => armed.tick(clockOf),
    exportState: () => table.entries(),
    importState: (s) => {
      table.import(s);
      // open conditions must clear `holdSeconds` after their event even if no event comes again
      rearm(s, table, armed, (v) => v[3] as Origin | undefined, (o) => {
        const em = new Emitter(host, info, def, o.subject, undefined, o.part);
        return { em, create: () => new EventState(o.subject.enterprise, em, o.label, o) };
      });
    },
  };
}

export const event: KindModule<P> = { kind: 'event', schema, create };
