// Personnel positioning system of one site (DOMAIN.md §3, AQ 1119-2023): tagged people on
// shift schedules — descend through the shaft entrance, work in zones with occasional moves,
// ascend at shift end — reported as CONTRACT §3.2 position payloads ({ tag, zone | null }).
// Scripted anomalies: over head-count (crowd), restricted-area entry (intrude), over time
// underground (overstay), SOS, people present while the enterprise is declared stopped.
//
// Positions are a pure function of (seed, t, script): no state is carried between samples,
// so `occupancy(t, zone)` is exact ground truth at any t, whatever the sampling cadence.
import type { DeviceModel, Sample } from './model.ts';
import { rng, seedOf } from './rng.ts';
import { HOUR, inSpan, localDayStart, MINUTE, type Span } from './physics.ts';

export interface PositionZone {
  id: string;
  /** the surface / shaft-entrance zone people pass through when descending and ascending */
  entrance?: boolean;
  /** restricted area: nobody goes there unless scripted (intrude) */
  restricted?: boolean;
}

export interface PositionSample extends Sample {
  tags: { tag: string; zone: string | null }[];
}

export interface PositioningModelOptions {
  id: string;
  intervalMs?: number;
  seed?: number;
  zones: PositionZone[];
  /** number of regular tags P0001… ; person i belongs to crew i mod shiftStartHours.length */
  people: number;
  /** shift starts in local hours (UTC+8), default three 8 h shifts [0, 8, 16]; everyone works daily */
  shiftStartHours?: number[];
  shiftHours?: number;
  /** after leaving, a tag is reported with zone null this long (default 10 min), then not at all */
  nullReportMs?: number;
  /** chance of moving to another work zone at each 1–3 h segment boundary (default 0.3) */
  moveProb?: number;
}

type Seg = { from: number; to: number; zone: string | null };
interface Plan { start: number; segs: Seg[]; ascend: number; lastWork: string }

export class PositioningModel implements DeviceModel {
  readonly id: string;
  readonly intervalMs: number;
  readonly tags: string[];
  private readonly o: PositioningModelOptions;
  private readonly seed: number;
  private readonly entrance: string;
  private readonly work: string[];
  private readonly shiftMs: number;
  private readonly starts: number[];
  private readonly plans = new Map<string, Plan>();
  private readonly stops: Span[] = [];
  private readonly silences: Span[] = [];
  private readonly overrides: (Span & { tag: string; zone: string })[] = [];
  private readonly crowds: (Span & { zone: string; persons: number })[] = [];
  private readonly overstays: { tag: string; until: number }[] = [];
  private readonly sosList: { at: number; tag: string; emitted: boolean }[] = [];

  constructor(o: PositioningModelOptions) {
    this.o = o;
    this.id = o.id;
    this.intervalMs = o.intervalMs ?? 10_000;
    this.seed = seedOf(o.id, o.seed ?? 0);
    this.entrance = (o.zones.find((z) => z.entrance) ?? o.zones[0]).id;
    this.work = o.zones.filter((z) => !z.entrance && !z.restricted).map((z) => z.id);
    if (this.work.length === 0) this.work = [this.entrance];
    this.shiftMs = (o.shiftHours ?? 8) * HOUR;
    this.starts = o.shiftStartHours ?? [0, 8, 16];
    this.tags = Array.from({ length: o.people }, (_, i) => `P${String(i + 1).padStart(4, '0')}`);
  }

  /** Declared stop (DOMAIN.md §3): crews whose shift starts in [from, to) do not go down. */
  stopped(s: Span): this { this.stops.push(s); return this; }
  /** Over head-count: occupancy of `zone` is at least `persons` in [from, to) (visitor tags C-…). */
  crowd(c: Span & { zone: string; persons: number }): this { this.crowds.push(c); return this; }
  /** Restricted-area entry: `tag` (default: the first person underground at `from`) is in `zone`. Returns the tag. */
  intrude(c: Span & { zone: string; tag?: string }): string {
    const tag = c.tag ?? this.natural(c.from).find((p) => p.zone !== null)?.tag ?? `I-${c.zone}`;
    this.overrides.push({ from: c.from, to: c.to, zone: c.zone, tag });
    return tag;
  }
  /** Over time underground: `tag` stays in its last work zone past its shift until `until`, then ascends. */
  overstay(c: { tag: string; until: number }): this { this.overstays.push(c); return this; }
  /** An `sos` event with detail { tag } in the first sample at/after `at`. */
  sos(c: { at: number; tag: string }): this { this.sosList.push({ ...c, emitted: false }); return this; }
  /** People in `zone` in [from, to) while the enterprise is declared stopped: regular tags P0001…, then S-n. Returns the tags. */
  presentWhileStopped(c: Span & { persons: number; zone: string }): string[] {
    const tags = Array.from({ length: c.persons }, (_, i) => this.tags[i] ?? `S-${i + 1}`);
    for (const tag of tags) this.overrides.push({ from: c.from, to: c.to, zone: c.zone, tag });
    return tags;
  }
  /** The system sends nothing in [from, to) ("fake offline", DOMAIN.md §6). */
  silent(s: Span): this { this.silences.push(s); return this; }

  /** Deterministic plan of person i for the shift starting at `start`. */
  private plan(i: number, start: number): Plan {
    const key = `${i}:${start}`;
    let p = this.plans.get(key);
    if (p) return p;
    const r = rng(seedOf(`${this.id}:${i}:${start}`, this.seed));
    const descend = start + r() * 15 * MINUTE;
    const atWork = descend + (3 + r() * 4) * MINUTE;
    const ascend = start + this.shiftMs - (25 - r() * 10) * MINUTE;
    const out = ascend + (3 + r() * 4) * MINUTE;
    const home = this.work[i % this.work.length];
    const segs: Seg[] = [{ from: descend, to: atWork, zone: this.entrance }];
    let zone = home;
    for (let x = atWork; x < ascend; ) {
      const y = Math.min(ascend, x + (60 + r() * 120) * MINUTE);
      segs.push({ from: x, to: y, zone });
      x = y;
      zone = r() < (this.o.moveProb ?? 0.3) ? this.work[Math.floor(r() * this.work.length)] : home;
    }
    const lastWork = segs[segs.length - 1].zone ?? home;
    segs.push({ from: ascend, to: out, zone: this.entrance }, { from: out, to: out + this.nullMs, zone: null });
    p = { start, segs, ascend, lastWork };
    if (this.plans.size > 5000) this.plans.clear();
    this.plans.set(key, p);
    return p;
  }
  private get nullMs(): number { return this.o.nullReportMs ?? 10 * MINUTE; }

  /** The latest shift start of person i at or before t. */
  private lastStart(i: number, t: number): number {
    const h = this.starts[i % this.starts.length];
    const s = localDayStart(t) + h * HOUR;
    return s <= t ? s : s - 86_400_000;
  }

  /** Where person i is at t by schedule (+ overstay); undefined = not reported. */
  private naturalZone(i: number, t: number): string | null | undefined {
    const tag = this.tags[i];
    const start = this.lastStart(i, t);
    for (const s of [start, start - 86_400_000]) {
      if (this.stops.some((x) => inSpan(s, x))) continue;
      const p = this.plan(i, s);
      const ov = this.overstays.find((o) => o.tag === tag && o.until > p.ascend && o.until - p.ascend < 86_400_000);
      if (ov && t >= p.ascend) {
        if (t < ov.until) return p.lastWork;
        if (t < ov.until + 5 * MINUTE) return this.entrance;
        if (t < ov.until + 5 * MINUTE + this.nullMs) return null;
        continue;
      }
      for (const g of p.segs) if (t >= g.from && t < g.to) return g.zone;
    }
    return undefined;
  }
  private natural(t: number): { tag: string; zone: string | null }[] {
    const out: { tag: string; zone: string | null }[] = [];
    for (let i = 0; i < this.tags.length; i++) {
      const z = this.naturalZone(i, t);
      if (z !== undefined) out.push({ tag: this.tags[i], zone: z });
    }
    return out;
  }

  /** All reported tags at t: schedule, then scripted overrides, then crowd visitors. */
  positions(t: number): { tag: string; zone: string | null }[] {
    const m = new Map<string, string | null>();
    for (const p of this.natural(t)) m.set(p.tag, p.zone);
    for (const o of this.overrides) if (inSpan(t, o)) m.set(o.tag, o.zone);
    for (const c of this.crowds) if (inSpan(t, c)) {
      const have = [...m.values()].filter((z) => z === c.zone).length;
      for (let k = 1; k <= c.persons - have; k++) m.set(`C-${c.zone}-${k}`, c.zone);
    }
    return [...m].map(([tag, zone]) => ({ tag, zone }));
  }
  /** Ground truth: distinct tags in `zone` at t (CONTRACT §3.2 occupancy). */
  occupancy(t: number, zone: string): number {
    return this.positions(t).filter((p) => p.zone === zone).length;
  }
  /** Tags in any zone at t (underground / on site). */
  present(t: number): string[] {
    return this.positions(t).filter((p) => p.zone !== null).map((p) => p.tag);
  }

  sample(t: number): PositionSample | undefined {
    if (this.silences.some((s) => inSpan(t, s))) return undefined;
    const events: NonNullable<Sample['events']> = [];
    for (const s of this.sosList) if (!s.emitted && s.at <= t) {
      s.emitted = true;
      events.push({ type: 'sos', detail: { tag: s.tag } });
    }
    const out: PositionSample = { ts: t, values: {}, tags: this.positions(t) };
    if (events.length) out.events = events;
    return out;
  }
}
