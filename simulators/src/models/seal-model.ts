// Electronic seal (电子封条, issue 17, DOMAIN.md §10): an electronic lock at a shaft entry of a
// stopped mine. It reports its state as `closed` (1/0) with every heartbeat, and `seal_opened`,
// `seal_closed` and `tamper` events (CONTRACT §3.3) when the timeline opens, closes or breaks it.
import type { DeviceModel, Sample } from './model.ts';

export interface SealModelOptions {
  id: string;
  intervalMs?: number;
  seed?: number;
  /** closed at the start (default true) */
  closed?: boolean;
}

type Change = { at: number; kind: 'open' | 'close' | 'tamper'; emitted: boolean };

export class SealModel implements DeviceModel {
  readonly id: string;
  readonly intervalMs: number;
  private readonly changes: Change[] = [];
  private closed: boolean;

  constructor(o: SealModelOptions) {
    this.id = o.id;
    this.intervalMs = o.intervalMs ?? 60_000;
    this.closed = o.closed ?? true;
  }

  private add(at: number, kind: Change['kind']): this {
    this.changes.push({ at, kind, emitted: false });
    this.changes.sort((a, b) => a.at - b.at);
    return this;
  }

  /** Opened at `at`, closed again at `to` when given. */
  open(c: { at: number; to?: number }): this {
    this.add(c.at, 'open');
    return c.to === undefined ? this : this.add(c.to, 'close');
  }

  close(c: { at: number }): this {
    return this.add(c.at, 'close');
  }

  tamper(c: { at: number }): this {
    return this.add(c.at, 'tamper');
  }

  sample(t: number): Sample | undefined {
    const events: NonNullable<Sample['events']> = [];
    for (const c of this.changes) {
      if (c.emitted || c.at > t) continue;
      c.emitted = true;
      if (c.kind === 'tamper') events.push({ type: 'tamper', detail: {} });
      else if ((c.kind === 'open') === this.closed) {
        this.closed = c.kind === 'close';
        events.push({ type: this.closed ? 'seal_closed' : 'seal_opened', detail: {} });
      }
    }
    return { ts: t, values: { closed: this.closed ? 1 : 0 }, ...(events.length ? { events } : {}) };
  }
}
