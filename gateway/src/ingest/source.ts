// The ingest extension point (ARCHITECTURE.md, Source): a source hands what it received to
// `emit`, which resolves only once the frames are durable in the WAL; only then may a QoS 1
// message be acknowledged.
import type { DeviceFrame, Transport } from '../model/types.ts';
import type { RejectReason } from '../errors.ts';

/** Who sent a message: the authenticated MQTT identity, when there is one. */
export interface Principal {
  username: string;
  enterprise: string;
  site: string;
  /** absent: site-level publisher allowed for every device of the site */
  device?: string;
}

export type IngestInput =
  /** raw bytes of an MQTT message: decoded, validated and checked against the ACL by the pipeline */
  | { kind: 'mqtt'; topic: string; payload: Buffer; principal?: Principal; clientId?: string; arrival: number }
  /** frames a source built itself (OPC UA data changes, status changes) */
  | { kind: 'frames'; transport: Transport; frames: DeviceFrame[]; origin: string };

/** `retry`: refused for now, not for good — the message is not acknowledged, so its sender keeps it and sends it again */
export type IngestResult = { ok: true; readings: number } | { ok: false; reason: RejectReason; message: string; retry?: boolean };

export type Emit = (input: IngestInput) => Promise<IngestResult>;

export interface SourceHealth {
  name: string;
  ok: boolean;
  detail?: Record<string, unknown>;
}

export interface Source {
  readonly name: string;
  start(emit: Emit): Promise<void>;
  stop(): Promise<void>;
  health(): SourceHealth;
}

/** An edge gateway connected to a central one (docs/uplink.md): the enterprises and sites its credential covers. */
export interface EdgePrincipal {
  edge: string;
  enterprises: ReadonlySet<string>;
  /** `enterprise/site` when the credential is limited to some sites */
  sites?: ReadonlySet<string>;
}
