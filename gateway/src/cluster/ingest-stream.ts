// Cluster mode's write-ahead log (docs/cluster.md §3): one JetStream stream, replicated by RAFT
// over `cluster.replicas` NATS nodes, one subject per partition. An append resolves when every
// partition's message has its publish acknowledgement, which JetStream gives only once a majority
// of the stream's replicas hold it; only then is a QoS 1 reading acknowledged to its device.
import type { JetStreamClient, JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { StreamUnavailableError } from '../errors.ts';
import type { DeviceFrame, Frame } from '../model/types.ts';
import { decodeFrame, encodeFrame } from '../wal/codec.ts';
import { byPartition, partitionSubject } from './partition.ts';

export interface IngestStreamOptions {
  name: string;
  partitions: number;
  replicas: number;
  retentionHours: number;
}

/** a stream message holds at most about this much (NATS' default max_payload is 1 MiB) */
const MAX_MESSAGE_BYTES = 256 * 1024;
/**
 * Messages published with an id (an edge's uplink rows) are stored once within this window, however
 * often they are sent: the crash of an instance between the stream's acknowledgement and the
 * record of the rows applied makes the edge send them again, to any instance.
 */
export const DUPLICATE_WINDOW_MINUTES = 15;
const DUPLICATE_WINDOW_NS = DUPLICATE_WINDOW_MINUTES * 60 * 1e9;

interface Batch {
  frames: string[];
  bytes: number;
  waiters: { resolve: () => void; reject: (err: Error) => void }[];
}

export class IngestStream {
  private readonly batches = new Map<number, Batch>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly o: IngestStreamOptions,
  ) {}

  /** Creates the stream, or checks that the existing one has this cluster's subjects. */
  async open(): Promise<void> {
    const want: Partial<StreamConfig> & { name: string } = {
      name: this.o.name,
      subjects: ['hl.ingest.*'],
      num_replicas: this.o.replicas,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: this.o.retentionHours * 3600 * 1e9,
      duplicate_window: DUPLICATE_WINDOW_NS,
    };
    try {
      const info = await this.jsm.streams.info(this.o.name);
      const c = info.config;
      if (c.num_replicas !== this.o.replicas || c.max_age !== want.max_age || c.duplicate_window !== DUPLICATE_WINDOW_NS) await this.jsm.streams.update(this.o.name, { ...c, num_replicas: this.o.replicas, max_age: want.max_age, duplicate_window: DUPLICATE_WINDOW_NS });
    } catch (err) {
      if ((err as { name?: string; code?: string | number }).name !== 'StreamNotFoundError' && !/stream not found/i.test((err as Error).message)) throw err;
      await this.jsm.streams.add(want);
    }
  }

  /**
   * Device frames into their partitions' subjects; resolves once all are replicated. Appends made
   * in the same turn of the event loop are one stream message per partition (group commit, as the
   * WAL does): one replication round for many devices' messages, in their order.
   */
  append = async (frames: readonly DeviceFrame[]): Promise<void> => {
    const groups = byPartition(frames, this.o.partitions);
    await Promise.all([...groups].map(([p, fs]) => this.enqueue(p, fs)));
  };

  private enqueue(partition: number, frames: Frame[]): Promise<void> {
    let b = this.batches.get(partition);
    if (!b) {
      b = { frames: [], bytes: 0, waiters: [] };
      this.batches.set(partition, b);
      setImmediate(() => this.flush(partition));
    }
    const batch = b;
    for (const f of frames) {
      const text = encodeFrame(f);
      batch.frames.push(text);
      batch.bytes += text.length + 1;
    }
    const done = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.bytes >= MAX_MESSAGE_BYTES) this.flush(partition);
    return done;
  }

  private flush(partition: number): void {
    const b = this.batches.get(partition);
    if (!b) return;
    this.batches.delete(partition);
    this.js.publish(partitionSubject(partition), `[${b.frames.join(',')}]`, { timeout: 5000 }).then(
      () => b.waiters.forEach((w) => w.resolve()),
      (err: Error) => {
        const e = new StreamUnavailableError(err.message);
        b.waiters.forEach((w) => w.reject(e));
      },
    );
  }

  /**
   * Frames of one partition under an id (stored once per id within the duplicate window), in
   * messages of at most MAX_MESSAGE_BYTES, each with the id and its part number; resolves once all
   * are replicated. Not group-committed: the caller's rows are already batches.
   */
  async publishOnce(partition: number, frames: readonly Frame[], id: string): Promise<void> {
    const parts: string[][] = [[]];
    let bytes = 0;
    for (const f of frames) {
      const text = encodeFrame(f);
      if (bytes + text.length > MAX_MESSAGE_BYTES && parts[parts.length - 1].length) {
        parts.push([]);
        bytes = 0;
      }
      parts[parts.length - 1].push(text);
      bytes += text.length + 1;
    }
    try {
      await Promise.all(parts.map((p, i) => this.js.publish(partitionSubject(partition), `[${p.join(',')}]`, { msgID: `${id}#${i}`, timeout: 5000 })));
    } catch (err) {
      throw new StreamUnavailableError((err as Error).message);
    }
  }

  /** The last stream sequence of a partition's subject (0 when it holds nothing). */
  async lastSeq(partition: number): Promise<number> {
    try {
      const m = await this.jsm.streams.getMessage(this.o.name, { last_by_subj: partitionSubject(partition) });
      return m?.seq ?? 0;
    } catch {
      return 0;
    }
  }
}

/** One stream message: frames of one partition, each in the WAL's encoding, as a JSON array. */
export function decodeMessage(data: string): Frame[] {
  return (JSON.parse(data) as Parameters<typeof decodeFrame>[0][]).map(decodeFrame);
}
