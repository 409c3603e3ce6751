// The decoder table (like store/registry.ts for sinks): which decoder owns which topic. Sparkplug B
// owns `spBv1.0/`, the JSON contract `hl/v1/` (CONTRACT §3); a topic no decoder owns is refused
// as `unknown_topic`.
import { RejectError } from '../errors.ts';
import type { Principal } from '../ingest/source.ts';
import type { Decoder, DecodeInput } from './decoder.ts';
import { decodeJson, JSON_TOPIC_PREFIX, parseJsonTopic } from './json-decoder.ts';
import { SPARKPLUG_NAMESPACE, SparkplugDecoder, type SparkplugDecoderOptions } from './sparkplug-decoder.ts';

export interface DecoderTableOptions {
  sparkplug: SparkplugDecoderOptions;
  /** a Sparkplug seq gap (a message lost between the edge node and here) */
  onSeqGap?: (group: string, node: string, gap: { expected: number; got: number }) => void;
}

export const unknownTopic = (topic: string) => new RejectError('unknown_topic', `topic "${topic.slice(0, 200)}" is not hl/v1/{enterprise}/{site}/{device}/{telemetry|position|event|status} nor spBv1.0/...`);

/** The JSON contract: `hl/v1/{enterprise}/{site}/{device}/{telemetry|position|event|status}`. */
export class JsonDecoder implements Decoder {
  readonly name = 'json';
  readonly transport = 'mqtt' as const;

  matches(topic: string): boolean {
    return topic.startsWith(JSON_TOPIC_PREFIX);
  }

  decode({ topic, payload, principal, arrival }: DecodeInput) {
    const t = parseJsonTopic(topic);
    if (!t) throw unknownTopic(topic);
    // [ACL] a device publishes only under its own prefix; a site-level publisher under its site
    if (principal && (principal.enterprise !== t.enterprise || principal.site !== t.site || (principal.device !== undefined && principal.device !== t.device))) {
      throw new RejectError('acl_denied', `${principal.username} may not publish to ${topic}`);
    }
    return [decodeJson(t, payload, arrival)];
  }
}

/** Sparkplug B: group = enterprise, edge node = site; BIRTH state kept per edge node (sparkplug-decoder.ts). */
export class SparkplugTableDecoder implements Decoder {
  readonly name = 'sparkplug';
  readonly transport = 'sparkplug' as const;
  readonly state: SparkplugDecoder;

  constructor(private readonly o: DecoderTableOptions) {
    this.state = new SparkplugDecoder(o.sparkplug);
  }

  matches(topic: string): boolean {
    return topic.startsWith(`${SPARKPLUG_NAMESPACE}/`);
  }

  decode({ topic, payload, principal, arrival }: DecodeInput) {
    if (principal) checkSparkplugAcl(topic, principal);
    // commands and host STATE are for the edge nodes, not telemetry: pass through, store nothing
    const type = topic.split('/')[2];
    if (type === 'NCMD' || type === 'DCMD' || type === 'STATE' || topic.startsWith(`${SPARKPLUG_NAMESPACE}/STATE/`)) return [];
    const res = this.state.decode(topic, payload, arrival);
    if (res.seqGap) this.o.onSeqGap?.(res.group, res.node, res.seqGap);
    return res.frames;
  }
}

export interface DecoderTable {
  decoders: readonly Decoder[];
  sparkplug: SparkplugTableDecoder;
  /** the decoder owning `topic`, or unknown_topic */
  forTopic(topic: string): Decoder;
}

export function createDecoders(o: DecoderTableOptions): DecoderTable {
  const sparkplug = new SparkplugTableDecoder(o);
  const decoders: Decoder[] = [sparkplug, new JsonDecoder()];
  return {
    decoders,
    sparkplug,
    forTopic(topic) {
      const d = decoders.find((x) => x.matches(topic));
      if (!d) throw unknownTopic(topic);
      return d;
    },
  };
}

/** Sparkplug ACL: group = enterprise, edge node = site; a device credential may only send its own DBIRTH/DDATA/DDEATH. */
function checkSparkplugAcl(topic: string, p: Principal): void {
  const [, group, type, node, device] = topic.split('/');
  const deviceLevel = type === 'DBIRTH' || type === 'DDATA' || type === 'DDEATH';
  const ok = group === p.enterprise && node === p.site && (p.device === undefined || (deviceLevel && device === p.device));
  if (!ok) throw new RejectError('acl_denied', `${p.username} may not publish to ${topic}`);
}
