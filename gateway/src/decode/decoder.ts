// The decoding extension point (ARCHITECTURE.md "Decoder"): one per payload format. The ingest
// pipeline asks the table (registry.ts) which decoder owns a topic and hands it the message; the
// decoder turns bytes into device frames (event time, quality) or throws a RejectError with a
// CONTRACT §3.5 reason. Asset lookup, placement and the WAL are the pipeline's (ingest/intake.ts),
// the same for every decoder. Every decoder passes test/contracts/decoder-contract.ts.
import type { Principal } from '../ingest/source.ts';
import type { DeviceFrame, Transport } from '../model/types.ts';

export interface DecodeInput {
  topic: string;
  payload: Buffer;
  /** the authenticated publisher: a decoder checks the topic is within its prefix (ACL) */
  principal?: Principal;
  /** gateway time of arrival: the event time of readings that carry none */
  arrival: number;
}

export interface Decoder {
  /** the format's name (`json`, `sparkplug`) */
  readonly name: string;
  /** the transport recorded on the counters for its messages */
  readonly transport: Transport;
  /** whether the topic is in this decoder's namespace */
  matches(topic: string): boolean;
  /** the message's frames ([] when it carries no telemetry, e.g. a Sparkplug command); RejectError when refused */
  decode(input: DecodeInput): DeviceFrame[];
}
