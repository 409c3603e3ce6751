// The one edge-triggered state machine behind every rule: a target severity (or none) computed
// from the data, turned into raise / severity change / clear with an on-delay (none → active),
// an upgrade delay (active → higher) and an off-delay (down or clear), all in event time.
// DOMAIN.md §1: "alarms clear with a deadband and an off-delay so that a reading hovering at
// the setpoint does not chatter" — the deadband lives in the caller's target, the delays here.
import { severityRank, type Severity } from './types.ts';

export class Gate {
  /** the active severity, null when normal */
  sev: Severity | null = null;
  upSince = NaN;
  downSince = NaN;
  /** event time of the latest change */
  changedAt = NaN;
  /** when the current activation was raised */
  raisedAt = NaN;

  get pending(): boolean {
    return this.upSince === this.upSince || this.downSince === this.downSince;
  }

  /** Feeds the target at event time ts; true when `sev` changed (see `changedAt`). */
  update(target: Severity | null, ts: number, onDelayMs: number, offDelayMs: number, upgradeDelayMs = 0): boolean {
    const tr = target === null ? -1 : severityRank(target);
    const cr = this.sev === null ? -1 : severityRank(this.sev);
    if (tr > cr) {
      this.downSince = NaN;
      if (this.upSince !== this.upSince) this.upSince = ts;
      const delay = cr < 0 ? onDelayMs : upgradeDelayMs;
      if (ts - this.upSince >= delay) {
        this.changedAt = Math.min(ts, this.upSince + delay);
        if (cr < 0) this.raisedAt = this.changedAt;
        this.sev = target;
        this.upSince = NaN;
        return true;
      }
      return false;
    }
    if (tr < cr) {
      this.upSince = NaN;
      if (this.downSince !== this.downSince) this.downSince = ts;
      if (ts - this.downSince >= offDelayMs) {
        this.changedAt = Math.min(ts, this.downSince + offDelayMs);
        this.sev = target;
        this.downSince = NaN;
        return true;
      }
      return false;
    }
    this.upSince = NaN;
    this.downSince = NaN;
    return false;
  }

  save(): [Severity | null, number, number, number, number] {
    return [this.sev, this.upSince, this.downSince, this.changedAt, this.raisedAt];
  }

  load(s: unknown): void {
    if (!Array.isArray(s)) return;
    const n = (x: unknown) => (typeof x === 'number' ? x : NaN);
    this.sev = (s[0] as Severity | null) ?? null;
    this.upSince = n(s[1]);
    this.downSince = n(s[2]);
    this.changedAt = n(s[3]);
    this.raisedAt = n(s[4]);
  }
}
