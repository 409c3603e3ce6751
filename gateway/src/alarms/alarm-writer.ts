// Group commit of alarm changes to the records database: every change queued while the previous
// transaction ran goes in the next one, so a flood of alarms costs one fsync per batch, not one
// per alarm (SQLite commits block the event loop). Order is kept; an alarm never changes without
// its transition, and every transition also goes to the audit chain in the same transaction.
import type { AuditEntry } from '../audit/chain.ts';
import type { Logger } from '../log.ts';
import type { RecordStore } from '../records/record-store.ts';
import type { Alarm, AlarmTransition } from './types.ts';

export class AlarmWriter {
  private chain: Promise<void> = Promise.resolve();
  private readonly queue: { alarm: Alarm; transition: AlarmTransition | null; insert: boolean }[] = [];
  /** alarms whose only change since their last queued write is value or peak (coalesced) */
  private readonly dirty = new Map<string, Alarm>();
  private writing = false;
  writeFailures = 0;
  writesRefused = 0;

  constructor(private readonly o: { store: RecordStore; log: Logger; maxPending?: number }) {}

  /** A change with its transition (kept), or without (`transition` null: the row only). */
  write(alarm: Alarm, transition: AlarmTransition | null, insert: boolean): void {
    if (this.queue.length >= (this.o.maxPending ?? 50_000)) {
      // the records database is down or far behind: refuse to grow without bound, loudly
      this.writesRefused++;
      this.o.log.error({ alarm: alarm.id, action: transition?.action }, 'records database not keeping up: alarm change kept in memory only');
      return;
    }
    this.dirty.delete(alarm.id); // this change's row is newer than any pending peak update
    this.queue.push({ alarm, transition, insert });
    this.kick();
  }

  /** A new peak or value only: the latest row is enough, written with the next batch. */
  update(alarm: Alarm): void {
    this.dirty.set(alarm.id, alarm);
    this.kick();
  }

  private kick(): void {
    if (!this.writing) this.chain = this.writeQueued();
  }

  /** Waits for every accepted change to be in the records database. */
  async flush(): Promise<void> {
    while (this.writing || this.queue.length > 0 || this.dirty.size > 0) {
      if (!this.writing) this.chain = this.writeQueued();
      await this.chain;
    }
  }

  private async writeQueued(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0 || this.dirty.size > 0) {
        const batch = this.queue.splice(0, 1000);
        const updates = batch.length < 1000 ? [...this.dirty.values()] : [];
        for (const u of updates) this.dirty.delete(u.id);
        try {
          await this.o.store.transaction(async (tx) => {
            for (const w of batch) {
              if (w.transition) await tx.saveAlarmWithTransition(w.alarm, w.transition, w.insert);
              else if (w.insert) await tx.insertAlarm(w.alarm);
              else await tx.updateAlarm(w.alarm);
            }
            for (const u of updates) await tx.updateAlarm(u);
            await tx.appendAudit(batch.filter((w) => w.transition).map((w) => auditEntry(w.alarm, w.transition!)));
          });
        } catch (err) {
          this.writeFailures += batch.length + updates.length;
          this.o.log.error({ err, changes: batch.length + updates.length }, 'alarm write to the records database failed');
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

function auditEntry(a: Alarm, t: AlarmTransition): AuditEntry {
  return {
    kind: 'alarm',
    ref: a.id,
    action: t.action,
    actor: t.actor,
    at: t.ts,
    payload: { rule: a.rule, enterprise: a.enterprise, site: a.site, zone: a.zone, device: a.device, severity: t.severity, from: t.fromState, to: t.toState, note: t.note, value: t.value },
  };
}
