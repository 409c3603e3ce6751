// The ingest pipeline shared by every source: decode (the decoder table, decode/registry.ts,
// with the ACL) → asset lookup and placement (intake.ts) → checks → WAL. A message is either durable (and may be acknowledged) or rejected with a reason
// that is counted, dead-lettered and logged at a bounded rate (CONTRACT §3.5).
import type { Clock } from '../clock.ts';
import type { DeadLetterStore } from '../deadletter/dead-letter-store.ts';
import { excerpt } from '../deadletter/dead-letter-store.ts';
import { RejectError, StreamUnavailableError } from '../errors.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AssetModel, DeviceInfo } from '../model/assets.ts';
import type { DeviceFrame, Transport } from '../model/types.ts';
import type { Wal } from '../wal/wal.ts';
import { createDecoders, type DecoderTable } from '../decode/registry.ts';
import { parseSparkplugTopic, type SparkplugDecoder } from '../decode/sparkplug-decoder.ts';
import { Intake } from './intake.ts';
import { MetricBudget } from './metric-budget.ts';
import type { IngestInput, IngestResult, Principal } from './source.ts';

/** CONTRACT §3.5: a timestamp more than 24 h ahead of gateway time is rejected. */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;

export interface IngestOptions {
  assets: AssetModel;
  /** where a frame becomes durable before it is acknowledged: the WAL, or in cluster mode the ingest stream */
  wal: Pick<Wal, 'append'>;
  deadLetters: DeadLetterStore;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  maxPayloadBytes: number;
  autoRegister: boolean;
  /** distinct metric names a device may use (mqtt.maxMetricsPerDevice, default 256) */
  maxMetricsPerDevice?: number;
}

export class Ingest {
  readonly decoders: DecoderTable;
  readonly intake: Intake;
  readonly metricBudget: MetricBudget;
  private readonly rlog: RateLimitedLog;
  /** the Sparkplug host (sparkplug-host.ts): asks an edge node whose birth is missing, or whose seq jumped, to rebirth */
  private host?: { requestRebirth(group: string, node: string): void };

  constructor(private readonly o: IngestOptions) {
    this.rlog = new RateLimitedLog(o.log, 10_000, () => o.clock.now());
    const maxMetrics = o.maxMetricsPerDevice ?? 256;
    this.metricBudget = new MetricBudget(maxMetrics);
    this.intake = new Intake({ assets: o.assets, autoRegister: o.autoRegister });
    this.decoders = createDecoders({
      // a BIRTH is checked against the asset model before the decoder keeps anything for it (issue 12 item 5)
      sparkplug: { maxMetricsPerDevice: maxMetrics, known: (group, node, device) => this.intake.knownPlace(group, node, device) },
      onSeqGap: (group, node, gap) => {
        this.o.metrics.sparkplugSeqGaps.inc({ group, node });
        this.rlog.warn(`seq:${group}/${node}`, { group, node, ...gap }, 'sparkplug seq gap');
        this.host?.requestRebirth(group, node);
      },
    });
  }

  attachSparkplugHost(host: { requestRebirth(group: string, node: string): void }): void {
    this.host = host;
  }

  /** the Sparkplug decoder's per-edge-node state */
  get sparkplug(): SparkplugDecoder {
    return this.decoders.sparkplug.state;
  }

  /** The `emit` given to every Source. */
  readonly accept = async (input: IngestInput): Promise<IngestResult> => {
    let transport: Transport = input.kind === 'mqtt' ? 'mqtt' : input.transport;
    try {
      const decoder = input.kind === 'mqtt' ? this.decoders.decoders.find((d) => d.matches(input.topic)) : undefined;
      if (decoder) transport = decoder.transport;
      const { frames, readings } = this.prepare(input);
      if (frames.length === 0) return { ok: true, readings: 0 };
      const t0 = performance.now();
      try {
        await this.o.wal.append(frames);
      } catch (err) {
        // cluster mode: the stream did not confirm (docs/cluster.md §3). Not acknowledged, sent again.
        if (!(err instanceof StreamUnavailableError)) throw err;
        this.rlog.warn('stream', { err: err.message }, 'ingest stream unavailable: messages are not acknowledged until it confirms');
        return { ok: false, reason: 'wal_full', message: err.message, retry: true };
      }
      this.o.metrics.durable.observe((performance.now() - t0) / 1000);
      this.o.metrics.messages.inc({ transport });
      if (readings) this.o.metrics.readings.inc({ transport }, readings);
      return { ok: true, readings };
    } catch (err) {
      if (!(err instanceof RejectError)) throw err;
      this.reject(err, transport, input);
      return { ok: false, reason: err.reason, message: err.message };
    }
  };

  /** Decode and check. Anything unexpected thrown here is a counted reject, never a stuck device. */
  private prepare(input: IngestInput): { frames: DeviceFrame[]; readings: number } {
    try {
      const frames = input.kind === 'mqtt' ? this.decodeMqtt(input.topic, input.payload, input.principal, input.arrival) : input.frames;
      return { frames, readings: this.enrich(frames) };
    } catch (err) {
      if (err instanceof RejectError) throw err;
      this.o.log.error({ err }, 'unexpected error while decoding a message; rejected');
      throw new RejectError('internal_error', `unexpected error: ${(err as Error).message}`);
    }
  }

  private decodeMqtt(topic: string, payload: Buffer, principal: Principal | undefined, arrival: number): DeviceFrame[] {
    if (payload.length > this.o.maxPayloadBytes) {
      throw new RejectError('too_large', `payload of ${payload.length} bytes exceeds ${this.o.maxPayloadBytes}`);
    }
    return this.decoders.forTopic(topic).decode({ topic, payload, principal, arrival });
  }

  /** Fills kind and zone from the asset model and applies the checks that need gateway state. Returns the reading count. */
  private enrich(frames: DeviceFrame[]): number {
    const added: [DeviceInfo, string][] = [];
    try {
      return this.enrichFrames(frames, added);
    } catch (err) {
      // a rejected message adds no metric name to its devices' budgets
      this.metricBudget.undo(added);
      throw err;
    }
  }

  private enrichFrames(frames: DeviceFrame[], added: [DeviceInfo, string][]): number {
    const horizon = this.o.clock.now() + MAX_FUTURE_MS;
    let readings = 0;
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      if (f.type === 'readings') {
        let last: DeviceInfo | undefined;
        for (const r of f.readings) {
          if (!last || last.id !== r.device || last.site !== r.site || last.enterprise !== r.enterprise) last = this.intake.device(r.enterprise, r.site, r.device);
          if (!this.metricBudget.admit(last, r.metric, added)) throw new RejectError('too_many_metrics', `${r.device}: metric "${r.metric.slice(0, 64)}" would be more than ${this.metricBudget.max} distinct metrics for this device (mqtt.maxMetricsPerDevice)`);
          this.intake.place(r, last);
          if (r.ts > horizon) throw new RejectError('future_timestamp', `${r.device}.${r.metric}: ts ${iso(r.ts)} is more than 24 h ahead of gateway time`);
        }
        readings += f.readings.length;
        continue;
      }
      if (f.type === 'status' && f.transport === 'sparkplug' && !this.o.assets.lookup(f.enterprise, f.site, f.device).ok) {
        // a Sparkplug edge node's own birth/death names the node, not a configured device
        frames.splice(i--, 1);
        continue;
      }
      this.intake.device(f.enterprise, f.site, f.device);
      if (f.ts > horizon) throw new RejectError('future_timestamp', `ts ${iso(f.ts)} is more than 24 h ahead of gateway time`);
      if (f.type === 'position') {
        const site = this.o.assets.site(f.enterprise, f.site)!;
        for (const tag of f.tags) {
          if (tag.zone !== null && !site.zones.has(tag.zone) && !this.o.autoRegister) throw new RejectError('unknown_zone', `tag ${tag.tag}: zone "${tag.zone}" is not configured at site ${f.site}`);
        }
      }
    }
    return readings;
  }

  private reject(err: RejectError, transport: Transport, input: IngestInput): void {
    this.o.metrics.rejected.inc({ reason: err.reason });
    if ((err.reason === 'sparkplug_no_birth' || err.reason === 'sparkplug_unknown_alias') && input.kind === 'mqtt') {
      const t = parseSparkplugTopic(input.topic);
      if (t) this.host?.requestRebirth(t.group, t.node);
    }
    const topic = input.kind === 'mqtt' ? input.topic : input.origin;
    const payload = input.kind === 'mqtt' ? input.payload : Buffer.from(JSON.stringify(input.frames).slice(0, 2048));
    this.o.deadLetters.add({
      at: this.o.clock.now(),
      transport,
      topic: topic.slice(0, 512),
      client: input.kind === 'mqtt' ? (input.principal?.username ?? input.clientId) : undefined,
      reason: err.reason,
      message: err.message,
      size: payload.length,
      payload: excerpt(payload),
    });
    this.rlog.warn(`reject:${err.reason}`, { reason: err.reason, transport, topic: topic.slice(0, 200), detail: err.message }, 'message rejected');
  }
}

/** RFC 3339 when representable, the raw number otherwise (toISOString throws past 8.64e15). */
function iso(ts: number): string {
  return Number.isFinite(ts) && Math.abs(ts) <= 8.64e15 ? new Date(ts).toISOString() : String(ts);
}
