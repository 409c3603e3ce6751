// Rule-engine state snapshots (the evaluator's windows and timers with the WAL sequence they
// cover) in the records database. Every backend passes test/contracts/records/rule-state.ts.
import type { Db } from './tx.ts';

export interface RuleStateSnapshot {
  /** the last WAL sequence number folded into `state` */
  seq: number;
  state: unknown;
}

export class RuleStateRecords {
  constructor(private readonly db: Db) {}

  /** Upserts the JSON snapshot `name`; `state` must be JSON-serialisable. */
  async save(name: string, seq: number, state: unknown): Promise<void> {
    const json = JSON.stringify(state);
    if (json === undefined) throw new TypeError(`rule state ${name}: not JSON-serialisable`);
    await this.db
      .insertInto('rule_state')
      .values({ name, seq, state: json })
      .onConflict((oc) => oc.column('name').doUpdateSet({ seq, state: json }))
      .execute();
  }

  async load(name: string): Promise<RuleStateSnapshot | undefined> {
    const r = await this.db.selectFrom('rule_state').select(['seq', 'state']).where('name', '=', name).executeTakeFirst();
    return r && { seq: r.seq, state: JSON.parse(r.state) as unknown };
  }
}
