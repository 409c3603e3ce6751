// The edge's side of the downlink (issue 16; downlink.ts): applies the centre's items in number
// order, each once — a declared status through the same path as a local declaration, an
// acknowledgement or a shelve to the edge's own alarm (nothing when it is already acknowledged,
// shelved or closed) — and keeps the last number applied with the records, so a restart asks the
// centre from there. Items for enterprises this edge does not forward are skipped (and counted
// as applied): the centre never sends them unless its config and the edge's disagree.
import type { AlarmManager } from '../alarms/alarm-manager.ts';
import type { Logger } from '../log.ts';
import type { DeclaredStatus } from '../model/assets.ts';
import type { RecordStore } from '../records/record-store.ts';
import { parseDownBatch, type DownItem } from './downlink.ts';

const STATE = 'downlink';

export interface DownlinkApplierOptions {
  store: RecordStore;
  alarms: AlarmManager;
  enterprises: ReadonlySet<string>;
  declare: (enterprise: string, status: DeclaredStatus, from: number, reason: string | null, actor: string) => Promise<void>;
  log: Logger;
}

export class DownlinkApplier {
  /** the last row applied (the hello tells the centre) */
  applied = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: DownlinkApplierOptions) {}

  async start(): Promise<void> {
    this.applied = (await this.o.store.state.load(STATE))?.seq ?? 0;
  }

  /** A batch from the centre; applied after any batch still being applied. */
  receive(payload: Buffer): Promise<void> {
    const batch = parseDownBatch(payload);
    if (!batch) {
      this.o.log.warn('downlink: a batch that is not the expected JSON: ignored');
      return this.chain;
    }
    this.chain = this.chain.then(() => this.apply(batch.rows)).catch((err) => this.o.log.error({ err }, 'downlink: applying failed; the centre sends it again'));
    return this.chain;
  }

  private async apply(rows: { seq: number; item: DownItem | null }[]): Promise<void> {
    for (const r of [...rows].sort((a, b) => a.seq - b.seq)) {
      if (r.seq <= this.applied) continue; // applied before: idempotent
      if (r.seq !== this.applied + 1) {
        this.o.log.warn({ expected: this.applied + 1, got: r.seq }, 'downlink: a gap; waiting for the centre to send again');
        return;
      }
      if (r.item) await this.one(r.item);
      else this.o.log.warn({ seq: r.seq }, 'downlink: an item of a kind this edge does not know: skipped');
      this.applied = r.seq;
      await this.o.store.state.save(STATE, r.seq, { applied: r.seq });
    }
  }

  private async one(i: DownItem): Promise<void> {
    if (!this.o.enterprises.has(i.enterprise)) {
      this.o.log.warn({ enterprise: i.enterprise, kind: i.kind }, 'downlink: an item for an enterprise this edge does not forward: skipped');
      return;
    }
    if (i.kind === 'declare') {
      await this.o.declare(i.enterprise, i.status, i.from, i.reason, i.actor);
      this.o.log.info({ enterprise: i.enterprise, status: i.status, actor: i.actor }, 'downlink: declared status from the centre');
      return;
    }
    const a = this.o.alarms.get(i.alarmId);
    if (!a || a.enterprise !== i.enterprise) return; // closed since, or not ours: nothing to do
    if (i.kind === 'ack' && (a.state === 'active_unacked' || a.state === 'cleared_unacked')) this.o.alarms.ack(a.id, i.actor, i.note);
    if (i.kind === 'shelve' && a.state !== 'shelved' && a.state !== 'suppressed') this.o.alarms.shelve(a.id, i.actor, i.until, i.reason);
  }
}
