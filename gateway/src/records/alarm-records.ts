// Alarms and their transitions (CONTRACT §6) in the records database. The row mapping lives in
// alarm-rows.ts; every backend passes test/contracts/records/alarms.ts.
import { HazardlineError } from '../errors.ts';
import { OPEN_STATES, type Alarm, type AlarmFilter, type AlarmState, type AlarmTransition } from '../alarms/types.ts';
import { alarmToRow, rowToAlarm, rowToTransition, transitionToRow } from './alarm-rows.ts';
import type { Flavor } from './schema.ts';
import { inTransaction, type Db } from './tx.ts';

export const DEFAULT_ALARM_LIST_LIMIT = 1000;
const OPEN = OPEN_STATES as AlarmState[];

export class AlarmRecords {
  constructor(
    private readonly db: Db,
    private readonly flavor: Flavor,
  ) {}

  async insert(a: Alarm): Promise<void> {
    await this.db.insertInto('alarms').values(alarmToRow(a, this.flavor)).execute();
  }

  /** Replaces the whole row of `a.id`; throws HL_ERR_NOT_FOUND when there is none. */
  async update(a: Alarm): Promise<void> {
    const { id, ...row } = alarmToRow(a, this.flavor);
    const r = await this.db.updateTable('alarms').set(row).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new HazardlineError('HL_ERR_NOT_FOUND', `alarm ${id} not found`, 404);
  }

  /** Inserts or replaces the row of `a.id` (the alarm writer's resync after an overflow). */
  async upsert(a: Alarm): Promise<void> {
    const { id, ...row } = alarmToRow(a, this.flavor);
    await this.db
      .insertInto('alarms')
      .values({ id, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async get(id: string): Promise<Alarm | undefined> {
    const r = await this.db.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst();
    return r && rowToAlarm(r);
  }

  /**
   * Newest raisedAt first (then id). `open: true` only open alarms (state in OPEN_STATES),
   * `open: false` only closed ones, absent both. `enterprises: []` matches nothing (an empty
   * scope), absent matches all. `since` is raisedAt >= since. `limit` defaults to 1000.
   */
  async list(f: AlarmFilter = {}): Promise<Alarm[]> {
    if (f.enterprises && f.enterprises.length === 0) return [];
    let q = this.db.selectFrom('alarms').selectAll();
    if (f.open === true) q = q.where('state', 'in', OPEN);
    if (f.open === false) q = q.where('state', 'not in', OPEN);
    if (f.enterprises) q = q.where('enterprise', 'in', f.enterprises);
    if (f.severity !== undefined) q = q.where('severity', '=', f.severity);
    if (f.since !== undefined) q = q.where('raised_at', '>=', f.since);
    if (f.rule !== undefined) q = q.where('rule', '=', f.rule);
    const limit = Math.max(0, Math.floor(f.limit ?? DEFAULT_ALARM_LIST_LIMIT));
    const rows = await q.orderBy('raised_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(rowToAlarm);
  }

  /** Every open alarm, oldest first: the alarm manager's state at start. */
  async open(): Promise<Alarm[]> {
    const rows = await this.db.selectFrom('alarms').selectAll().where('state', 'in', OPEN).orderBy('raised_at').orderBy('id').execute();
    return rows.map(rowToAlarm);
  }

  /** the alarm mirrored from this edge alarm id (stored under the edge's id, or adopted under ours) */
  async byOrigin(origin: string, originId: string): Promise<Alarm | undefined> {
    const byId = await this.get(originId);
    if (byId && byId.origin === origin) return byId;
    const r = await this.db.selectFrom('alarms').selectAll().where('origin', '=', origin).where('origin_id', '=', originId).executeTakeFirst();
    return r ? rowToAlarm(r) : undefined;
  }

  /** The open alarm of one rule+subject key (at most one by CONTRACT §6; the newest if not). */
  async openByKey(key: string): Promise<Alarm | undefined> {
    const r = await this.db
      .selectFrom('alarms')
      .selectAll()
      .where('key', '=', key)
      .where('state', 'in', OPEN)
      .orderBy('raised_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return r && rowToAlarm(r);
  }

  async addTransition(t: AlarmTransition): Promise<void> {
    await this.db.insertInto('alarm_transitions').values(transitionToRow(t)).execute();
  }

  /** The transitions of one alarm in the order they were recorded. */
  async transitions(alarmId: string): Promise<AlarmTransition[]> {
    const rows = await this.db.selectFrom('alarm_transitions').selectAll().where('alarm_id', '=', alarmId).orderBy('id').execute();
    return rows.map(rowToTransition);
  }

  /**
   * The newest `limit` transitions with ts >= since (and < `until`, of `action`, when given),
   * returned oldest first (alarm-health figures; the statistics' raises, issue 15).
   */
  async recentTransitions(since: number, limit: number, f: { until?: number; action?: AlarmTransition['action'] } = {}): Promise<AlarmTransition[]> {
    let q = this.db.selectFrom('alarm_transitions').selectAll().where('ts', '>=', since);
    if (f.until !== undefined) q = q.where('ts', '<', f.until);
    if (f.action !== undefined) q = q.where('action', '=', f.action);
    const rows = await q
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.max(0, Math.floor(limit)))
      .execute();
    return rows.reverse().map(rowToTransition);
  }

  /** The alarm row and its transition in one transaction: an alarm never changes without its transition. */
  async saveWithTransition(a: Alarm, t: AlarmTransition, insert: boolean): Promise<void> {
    if (t.alarmId !== a.id) throw new Error(`transition of alarm ${t.alarmId} saved with alarm ${a.id}`);
    await inTransaction(this.db, async (trx) => {
      const tx = new AlarmRecords(trx, this.flavor);
      if (insert) await tx.insert(a);
      else await tx.update(a);
      await tx.addTransition(t);
    });
  }
}
