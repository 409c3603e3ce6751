// AI video box or NVR analytics (issue 17, DOMAIN.md §10): a heartbeat (`online` = 1, the number
// of `streams` it analyses) every interval, and violation events (CONTRACT §3.3, type ids of
// rules/src/violations.ts) as the timeline scripts them, each with a snapshot and a clip
// reference on the box's own web server. `silent`: the box sends nothing (a camera offline —
// 无监控不作业).
import type { DeviceModel, Sample } from './model.ts';
import { inSpan, type Span } from './physics.ts';

export interface CameraModelOptions {
  id: string;
  intervalMs?: number;
  seed?: number;
  /** video streams the box analyses (reported as `streams`) */
  streams?: number;
  /** base URL of the box's snapshots and clips */
  mediaBase?: string;
}

interface Scripted {
  at: number;
  type: string;
  detail?: Record<string, unknown>;
  emitted: boolean;
}

export class CameraModel implements DeviceModel {
  readonly id: string;
  readonly intervalMs: number;
  private readonly scripted: Scripted[] = [];
  private readonly silences: Span[] = [];

  constructor(private readonly o: CameraModelOptions) {
    this.id = o.id;
    this.intervalMs = o.intervalMs ?? 60_000;
  }

  /** `times` violations of `type` from `at`, `everyMs` apart (default one). */
  violation(c: { at: number; type: string; times?: number; everyMs?: number; detail?: Record<string, unknown> }): this {
    for (let k = 0; k < (c.times ?? 1); k++) this.scripted.push({ at: c.at + k * (c.everyMs ?? 60_000), type: c.type, detail: c.detail, emitted: false });
    this.scripted.sort((a, b) => a.at - b.at);
    return this;
  }

  /** Nothing from the box in [from, to) (powered off, cable cut, covered). */
  silent(s: Span): this {
    this.silences.push(s);
    return this;
  }

  sample(t: number): Sample | undefined {
    if (this.silences.some((s) => inSpan(t, s))) {
      // what happened while it was dark is lost with it
      for (const s of this.scripted) if (s.at <= t) s.emitted = true;
      return undefined;
    }
    const base = this.o.mediaBase ?? `https://nvr.example/${this.id}`;
    const events = this.scripted
      .filter((s) => !s.emitted && s.at <= t)
      .map((s) => {
        s.emitted = true;
        return { type: s.type, detail: { snapshot: `${base}/snap/${s.at}.jpg`, clip: `${base}/clip/${s.at}.mp4`, ...s.detail } };
      });
    return { ts: t, values: { online: 1, streams: this.o.streams ?? 4 }, ...(events.length ? { events } : {}) };
  }
}
