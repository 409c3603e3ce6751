// kind `violation`: AI video analytics (issue 17, DOMAIN.md §10). A camera's event of a catalogued
// violation type (rules/src/violations.ts) raises at the event's time, with the catalogue's
// severity; a type the catalogue does not know passes as a generic violation (其他违规行为) under its
// own type. Repeats of one type at one camera within `windowSeconds` of the last are the same
// alarm: its value counts them and its evidence carries the latest snapshot and clip references
// (seed 001: zero-delay alarms, not a flood). The condition clears `windowSeconds` after the last
// one (event time); the alarm stays until it is acknowledged.
import { z } from 'zod';
import type { Frame } from '../../../gateway/src/model/types.ts';
import { Armed, Emitter, rearm, StateTable } from '../emitter.ts';
import type { DeviceSlot, KindContext, KindModule, RuleRuntime } from '../kind.ts';
import { matches } from '../kind.ts';
import { seconds, severity } from '../schema-common.ts';
import type { Severity, Subject, Text } from '../types.ts';
import { OTHER_VIOLATION, VIOLATION_BY_ID } from '../violations.ts';

const schema = z.strictObject({
  windowSeconds: seconds.default(300),
  /** per type id, a severity instead of the catalogue's */
  severities: z.record(z.string(), severity).default({}),
  /** type ids that raise nothing here (e.g. `phone_use` where a site allows phones) */
  ignore: z.array(z.string()).default([]),
  /** severity of a type the catalogue does not know; null: such types raise nothing */
  unknownSeverity: severity.nullable().default('yellow'),
});
type P = z.infer<typeof schema>;

/** the latest references kept in an alarm's evidence */
const KEEP_REFS = 5;
const MAX_REF = 2048;

/** A snapshot or clip reference a console may show: an http(s) URL (a stored image is served by the gateway at such a URL). */
export function mediaRef(x: unknown): string | undefined {
  if (typeof x !== 'string' || x.length > MAX_REF) return undefined;
  try {
    const u = new URL(x);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

interface Origin {
  subject: Subject;
  type: string;
  name: Text;
  severity: Severity;
}

class ViolationState {
  active = false;
  until = -Infinity;
  /** occurrences in the current activation */
  count = 0;
  snapshots: string[] = [];
  clip: string | null = null;
  constructor(readonly enterprise: string, private readonly em: Emitter, readonly origin: Origin) {}
  advance(clock: number): boolean {
    if (this.active && clock >= this.until) {
      this.active = false;
      this.em.clear(this.origin.severity, this.until, this.em.cleared(this.origin.name), this.count);
    }
    return this.active;
  }
  save() {
    return [this.active, this.until, this.count, this.snapshots, this.clip, this.origin];
  }
  load(s: any) {
    [this.active, this.until, this.count, this.snapshots, this.clip] = [!!s[0], s[1] ?? -Infinity, s[2] ?? 0, s[3] ?? [], s[4] ?? null];
  }
}

function create(ctx: KindContext<P>): RuleRuntime {
  const table = new StateTable<ViolationState>();
  const armed = new Armed<ViolationState>();
  const { def, host, info } = ctx;
  const emitterOf = (o: Origin) => new Emitter(host, info, def, o.subject, undefined, o.type);
  return {
    info,
    onEvent(slot: DeviceSlot, f: Extract<Frame, { type: 'event' }>) {
      const d = slot.dev;
      if (!matches(def, d.kind)) return;
      const p = ctx.params(slot.subject);
      if (!p || p.ignore.includes(f.eventType)) return;
      const known = VIOLATION_BY_ID.get(f.eventType);
      const sev = p.severities[f.eventType] ?? known?.severity ?? p.unknownSeverity;
      if (!sev) return;
      const name = known?.name ?? { zh: `${OTHER_VIOLATION.zh}（${f.eventType}）`, en: `${OTHER_VIOLATION.en} (${f.eventType})` };
      const origin: Origin = { subject: slot.subject, type: f.eventType, name, severity: sev };
      const em = emitterOf(origin);
      const st = table.get(em.key, () => new ViolationState(d.enterprise, em, origin));
      const window = p.windowSeconds * 1000;
      // past the window of the last one: that activation ended at its window (cleared first, even
      // when no tick came between — a fast replay), and this one starts a new activation
      if (st.active && f.ts > st.until) st.advance(f.ts);
      if (!st.active) {
        st.active = true;
        st.count = 0;
        st.snapshots = [];
        st.clip = null;
        st.until = -Infinity;
      }
      st.count++;
      st.until = Math.max(st.until, f.ts + window);
      const snapshot = mediaRef(f.detail?.snapshot);
      const clip = mediaRef(f.detail?.clip);
      if (snapshot) st.snapshots = [snapshot, ...st.snapshots.filter((s) => s !== snapshot)].slice(0, KEEP_REFS);
      if (clip) st.clip = clip;
      // the place (zone, camera) is the alarm's subject: consoles show it by name
      const times = st.count > 1 ? { zh: `（${st.count} 次）`, en: ` (${st.count} times)` } : { zh: '', en: '' };
      em.raise(
        sev,
        f.ts,
        { zh: `${info.title.zh}：${name.zh}${times.zh}`, en: `${info.title.en}: ${name.en}${times.en}` },
        st.count,
        undefined,
        { type: f.eventType, name, occurrences: st.count, snapshot: st.snapshots[0] ?? null, snapshots: st.snapshots, clip: st.clip },
      );
      armed.add(st);
    },
    tick: (clockOf) => armed.tick(clockOf),
    exportState: () => table.entries(),
    importState: (s) => {
      table.import(s);
      // open conditions must clear `windowSeconds` after their last event even if none comes again
      rearm(s, table, armed, (v) => v[5] as Origin | undefined, (o) => {
        const em = emitterOf(o);
        return { em, create: () => new ViolationState(o.subject.enterprise, em, o) };
      });
    },
  };
}

export const violation: KindModule<P> = { kind: 'violation', schema, create };
