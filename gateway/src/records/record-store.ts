// The records database (CONTRACT §2 `storage.records`): alarms and their transitions (§6),
// rule-engine state snapshots and declared enterprise status, in SQLite or PostgreSQL through
// one Kysely query layer. One class, methods grouped by aggregate; a new aggregate adds its
// tables in a numbered migration (migrations/), its rows in schema.ts and a method group here.
// Every backend passes the same contract suite (test/records-contract.ts).
import { Migrator, sql, type Kysely } from 'kysely';
import { canonicalJson, chain, GENESIS_HASH, verifyChain, type AuditEntry, type ChainedEntry, type ChainProblem } from '../audit/chain.ts';
import { declarationPayload, describeDiff, hazardPayloadFields, rewardPayload, ROW_KINDS } from '../audit/row-payloads.ts';
import type { DeclaredStatus } from '../model/assets.ts';
import { OPEN_STATES, type Alarm, type AlarmFilter, type AlarmState, type AlarmTransition } from '../alarms/types.ts';
import { ConfigError, HazardlineError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { alarmToRow, rowToAlarm, rowToTransition, transitionToRow } from './alarm-rows.ts';
import { CONFIG_KEY, openPostgres, openSqlite, type OpenedDb } from './dialects.ts';
import { recordsMigrationProvider } from './migrations/index.ts';
import type { Flavor, RecordsDb } from './schema.ts';

export const DEFAULT_ALARM_LIST_LIMIT = 1000;
const OPEN = OPEN_STATES as AlarmState[];

/** One entry of an enterprise's declared status history. */
export interface StatusDeclaration {
  enterprise: string;
  status: DeclaredStatus;
  /** the status holds from this time (epoch ms) until the next declaration's `from` */
  from: number;
  reason: string | null;
  actor: string;
  /** when it was declared (epoch ms) */
  at: number;
}

/** A row that no longer matches the latest audit entry for it (`audit verify`). */
export interface RowMismatch {
  /** e.g. `reward ledger row 3 (hazard hz_…)` */
  what: string;
  /** the chained entry it was compared with (null: none, the row was added outside the gateway) */
  seq: number | null;
  detail: string;
}

export interface RuleStateSnapshot {
  /** the last WAL sequence number folded into `state` */
  seq: number;
  state: unknown;
}

export interface OpenRecordStoreOptions {
  /** gateway.dataDir: SQLite keeps `records.db` here */
  dataDir: string;
  /** PostgreSQL schema for every table (created if missing); default `public`. Ignored for SQLite. */
  schema?: string;
  /** PostgreSQL pool size; default 10 */
  poolSize?: number;
  log?: Logger;
}

/** What the records layer needs of a hazard document (gateway/src/hazards/types.ts has the whole). */
export interface HazardDoc {
  id: string;
  enterprise: string;
  jurisdiction: string;
  site?: string;
  state: string;
  level: string;
  source: string;
  reportCode?: string;
  reportedAt: number;
}

export class RecordStore {
  constructor(
    private readonly db: Kysely<RecordsDb>,
    readonly flavor: Flavor,
    /** file path or `PostgreSQL at host:port/db`, for logs and /healthz (no credentials) */
    readonly target: string,
    /** the PostgreSQL schema holding the tables */
    readonly schema?: string,
  ) {}

  /**
   * Runs `fn` in one transaction, with a store bound to it: use `tx`, not this store, inside
   * (SQLite has one connection, which the transaction holds). Nested calls join the outer one.
   */
  async transaction<T>(fn: (tx: RecordStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new RecordStore(trx, this.flavor, this.target, this.schema)));
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  /** Names of the migrations applied to this database, in order (for /healthz, support). */
  async appliedMigrations(): Promise<string[]> {
    const infos = await migrator({ db: this.db, flavor: this.flavor, target: this.target, schema: this.schema }).getMigrations();
    return infos.filter((m) => m.executedAt !== undefined).map((m) => m.name);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // ── alarms (CONTRACT §6) ──────────────────────────────────────────────────────────────

  async insertAlarm(a: Alarm): Promise<void> {
    await this.db.insertInto('alarms').values(alarmToRow(a, this.flavor)).execute();
  }

  /** Replaces the whole row of `a.id`; throws HL_ERR_NOT_FOUND when there is none. */
  async updateAlarm(a: Alarm): Promise<void> {
    const { id, ...row } = alarmToRow(a, this.flavor);
    const r = await this.db.updateTable('alarms').set(row).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new HazardlineError('HL_ERR_NOT_FOUND', `alarm ${id} not found`, 404);
  }

  /** Inserts or replaces the row of `a.id` (the alarm writer's resync after an overflow). */
  async upsertAlarm(a: Alarm): Promise<void> {
    const { id, ...row } = alarmToRow(a, this.flavor);
    await this.db
      .insertInto('alarms')
      .values({ id, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async getAlarm(id: string): Promise<Alarm | undefined> {
    const r = await this.db.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst();
    return r && rowToAlarm(r);
  }

  /**
   * Newest raisedAt first (then id). `open: true` only open alarms (state in OPEN_STATES),
   * `open: false` only closed ones, absent both. `enterprises: []` matches nothing (an empty
   * scope), absent matches all. `since` is raisedAt >= since. `limit` defaults to 1000.
   */
  async listAlarms(f: AlarmFilter = {}): Promise<Alarm[]> {
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
  async openAlarms(): Promise<Alarm[]> {
    const rows = await this.db.selectFrom('alarms').selectAll().where('state', 'in', OPEN).orderBy('raised_at').orderBy('id').execute();
    return rows.map(rowToAlarm);
  }

  /** The open alarm of one rule+subject key (at most one by CONTRACT §6; the newest if not). */
  /** the alarm mirrored from this edge alarm id (stored under the edge's id, or adopted under ours) */
  async alarmByOrigin(origin: string, originId: string): Promise<Alarm | undefined> {
    const byId = await this.getAlarm(originId);
    if (byId && byId.origin === origin) return byId;
    const r = await this.db.selectFrom('alarms').selectAll().where('origin', '=', origin).where('origin_id', '=', originId).executeTakeFirst();
    return r ? rowToAlarm(r) : undefined;
  }

  async openAlarmByKey(key: string): Promise<Alarm | undefined> {
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

  /** The newest `limit` transitions with ts >= since, returned oldest first (alarm-health figures). */
  async recentTransitions(since: number, limit: number): Promise<AlarmTransition[]> {
    const rows = await this.db
      .selectFrom('alarm_transitions')
      .selectAll()
      .where('ts', '>=', since)
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.max(0, Math.floor(limit)))
      .execute();
    return rows.reverse().map(rowToTransition);
  }

  /** The alarm row and its transition in one transaction: an alarm never changes without its transition. */
  async saveAlarmWithTransition(a: Alarm, t: AlarmTransition, insert: boolean): Promise<void> {
    if (t.alarmId !== a.id) throw new Error(`transition of alarm ${t.alarmId} saved with alarm ${a.id}`);
    await this.transaction(async (tx) => {
      if (insert) await tx.insertAlarm(a);
      else await tx.updateAlarm(a);
      await tx.addTransition(t);
    });
  }

  // ── audit chain (全程留痕) ──────────────────────────────────────────────────────────────

  /** Appends entries to the chain; call inside the transaction that makes the change they record. */
  async appendAudit(entries: AuditEntry[]): Promise<ChainedEntry[]> {
    if (entries.length === 0) return [];
    return this.transaction(async (tx) => {
      const head = await tx.auditHead();
      const chained = chain(entries, head.seq, head.hash);
      await tx.db
        .insertInto('audit_log')
        .values(chained.map((e) => ({ seq: e.seq, at: e.at, kind: e.kind, ref: e.ref, action: e.action, actor: e.actor, payload: e.payload, prev_hash: e.prevHash, hash: e.hash })))
        .execute();
      return chained;
    });
  }

  /** The latest entry's seq and hash (seq 0 and the genesis hash when empty). */
  async auditHead(): Promise<{ seq: number; hash: string }> {
    const r = await this.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return r ? { seq: Number(r.seq), hash: r.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** Entries with seq > `after`, in order, at most `limit`. */
  async auditEntries(after: number, limit: number, ref?: { kind: string; ref: string }): Promise<ChainedEntry[]> {
    let q = this.db.selectFrom('audit_log').selectAll().where('seq', '>', after);
    if (ref) q = q.where('kind', '=', ref.kind).where('ref', '=', ref.ref);
    const rows = await q.orderBy('seq', 'asc').limit(limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), at: Number(r.at), kind: r.kind, ref: r.ref, action: r.action, actor: r.actor, payload: r.payload, prevHash: r.prev_hash, hash: r.hash }));
  }

  /** Walks the whole chain in pages; the first problem found, or the head when intact. */
  async verifyAudit(pageSize = 10_000): Promise<{ ok: true; entries: number; head: { seq: number; hash: string } } | { ok: false; entries: number; problem: ChainProblem }> {
    let after = { seq: 0, hash: GENESIS_HASH };
    for (;;) {
      const page = await this.auditEntries(after.seq, pageSize);
      // a gap right after the page boundary shows as the next page starting past seq + 1
      const problem = verifyChain(page, after);
      if (problem) return { ok: false, entries: problem.seq - 1, problem };
      if (page.length === 0) return { ok: true, entries: after.seq, head: after };
      const last = page[page.length - 1];
      after = { seq: last.seq, hash: last.hash };
    }
  }

  /**
   * The rows a regulator relies on, as they are now, against the latest chained entry for each
   * (issue 12 item 9): reward ledger rows, declared-status rows, and each hazard's state, level,
   * assignment and reward. The first mismatch, a chained row that is gone, or a row added after
   * chaining began that has no entry. Rows written before this check existed have no entry and
   * are counted as `unchained`, not reported.
   */
  async verifyRows(pageSize = 10_000): Promise<{ ok: true; checked: number; unchained: number } | { ok: false; mismatch: RowMismatch }> {
    const latest = new Map<string, ChainedEntry>();
    let after = 0;
    for (;;) {
      const page = await this.db.selectFrom('audit_log').selectAll().where('seq', '>', after).where('kind', 'in', [ROW_KINDS.reward, ROW_KINDS.declaration, 'hazard']).orderBy('seq', 'asc').limit(pageSize).execute();
      if (page.length === 0) break;
      for (const r of page) {
        // hazard steps chained before the assignment was in the payload (and photo entries) carry nothing to compare
        if (r.kind === 'hazard') {
          const p = JSON.parse(r.payload) as unknown;
          if (!p || typeof p !== 'object' || !('rectification' in p)) continue;
        }
        latest.set(`${r.kind}|${r.ref}`, { seq: Number(r.seq), at: Number(r.at), kind: r.kind, ref: r.ref, action: r.action, actor: r.actor, payload: r.payload, prevHash: r.prev_hash, hash: r.hash });
      }
      after = Number(page[page.length - 1].seq);
    }
    let checked = 0;
    let unchained = 0;
    const tables = [
      {
        kind: ROW_KINDS.reward,
        name: 'reward ledger row',
        rows: (await this.db.selectFrom('reward_ledger').selectAll().orderBy('id').execute()).map((r) => ({
          id: Number(r.id),
          label: `(hazard ${r.hazard_id})`,
          payload: rewardPayload({ id: Number(r.id), hazardId: r.hazard_id, reporterId: r.reporter_id, amount: Number(r.amount), tier: r.tier, payer: r.payer, paidAt: Number(r.paid_at) }),
        })),
      },
      {
        kind: ROW_KINDS.declaration,
        name: 'declared-status row',
        rows: (await this.db.selectFrom('status_declarations').selectAll().orderBy('id').execute()).map((r) => ({
          id: Number(r.id),
          label: `(enterprise ${r.enterprise})`,
          payload: declarationPayload({ enterprise: r.enterprise, status: r.status, from: Number(r.valid_from), reason: r.reason, actor: r.actor, at: Number(r.at) }),
        })),
      },
    ];
    for (const t of tables) {
      const chainedIds = [...latest.keys()].filter((k) => k.startsWith(`${t.kind}|`)).map((k) => Number(k.slice(t.kind.length + 1)));
      const firstChained = chainedIds.length ? Math.min(...chainedIds) : Infinity;
      const present = new Set<number>();
      for (const row of t.rows) {
        present.add(row.id);
        const e = latest.get(`${t.kind}|${row.id}`);
        if (!e) {
          if (row.id > firstChained) return { ok: false, mismatch: { what: `${t.name} ${row.id} ${row.label}`, seq: null, detail: 'not in the audit chain (added outside the gateway)' } };
          unchained++;
          continue;
        }
        checked++;
        if (e.payload !== canonicalJson(row.payload)) return { ok: false, mismatch: { what: `${t.name} ${row.id} ${row.label}`, seq: e.seq, detail: describeDiff(JSON.parse(e.payload) as Record<string, unknown>, row.payload) } };
      }
      for (const id of chainedIds) if (!present.has(id)) return { ok: false, mismatch: { what: `${t.name} ${id}`, seq: latest.get(`${t.kind}|${id}`)!.seq, detail: 'deleted from the table' } };
    }
    for (const [key, e] of latest) {
      if (!key.startsWith('hazard|')) continue;
      const p = JSON.parse(e.payload) as Record<string, unknown>;
      const chained = { state: p.to, level: p.level, rectification: p.rectification, reward: p.reward };
      const doc = await this.getHazard<HazardDoc & { rectification?: unknown; reward?: unknown }>(e.ref);
      if (!doc) return { ok: false, mismatch: { what: `hazard ${e.ref}`, seq: e.seq, detail: 'deleted from the table' } };
      checked++;
      const now = hazardPayloadFields(doc) as unknown as Record<string, unknown>;
      if (canonicalJson(chained) !== canonicalJson(now)) return { ok: false, mismatch: { what: `hazard ${e.ref}`, seq: e.seq, detail: describeDiff(chained, now) } };
    }
    return { ok: true, checked, unchained };
  }

  // ── hazards (CONTRACT §8) ──────────────────────────────────────────────────────────────

  /** Inserts or replaces a hazard document (columns for lists and scoping are taken from it). */
  async saveHazard<T extends HazardDoc>(h: T, updatedAt: number, insert: boolean): Promise<void> {
    const row = { enterprise: h.enterprise, jurisdiction: h.jurisdiction, site: h.site ?? null, state: h.state, level: h.level, source: h.source, report_code: h.reportCode ?? null, reported_at: h.reportedAt, updated_at: updatedAt, doc: JSON.stringify(h) };
    if (insert) await this.db.insertInto('hazards').values({ id: h.id, ...row }).execute();
    else {
      const r = await this.db.updateTable('hazards').set(row).where('id', '=', h.id).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new HazardlineError('HL_ERR_NOT_FOUND', `hazard ${h.id} not found`, 404);
    }
  }

  async getHazard<T extends HazardDoc>(id: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('hazards').select('doc').where('id', '=', id).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  async hazardByCode<T extends HazardDoc>(reportCode: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('hazards').select('doc').where('report_code', '=', reportCode).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  /** Newest first; `enterprises` / `jurisdictions` scope the list (empty = nothing). */
  async listHazards<T extends HazardDoc>(f: { enterprises?: string[]; jurisdictions?: string[]; states?: string[]; level?: string; since?: number; limit?: number } = {}): Promise<T[]> {
    let q = this.db.selectFrom('hazards').select('doc');
    if (f.enterprises) {
      if (f.enterprises.length === 0) return [];
      q = q.where('enterprise', 'in', f.enterprises);
    }
    if (f.jurisdictions) {
      if (f.jurisdictions.length === 0) return [];
      q = q.where('jurisdiction', 'in', f.jurisdictions);
    }
    if (f.states) {
      if (f.states.length === 0) return [];
      q = q.where('state', 'in', f.states);
    }
    if (f.level) q = q.where('level', '=', f.level);
    if (f.since !== undefined) q = q.where('reported_at', '>=', f.since);
    const rows = await q.orderBy('reported_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? DEFAULT_ALARM_LIST_LIMIT).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }

  async addHazardHistory(e: { hazardId: string; at: number; action: string; fromState: string | null; toState: string; actor: string; entry: unknown }): Promise<void> {
    await this.db.insertInto('hazard_history').values({ hazard_id: e.hazardId, at: e.at, action: e.action, from_state: e.fromState, to_state: e.toState, actor: e.actor, entry: JSON.stringify(e.entry) }).execute();
  }

  /** The history entries of a hazard, in the order recorded. */
  async hazardHistory<E = unknown>(hazardId: string): Promise<E[]> {
    const rows = await this.db.selectFrom('hazard_history').select('entry').where('hazard_id', '=', hazardId).orderBy('id', 'asc').execute();
    return rows.map((r) => JSON.parse(r.entry) as E);
  }

  /** Reporter identities, apart from the hazards (CONTRACT §8: visible to the accepting officer and regulators only). */
  async addReporter(r: { id: string; name: string | null; phone: string | null; createdAt: number }): Promise<void> {
    await this.db.insertInto('reporters').values({ id: r.id, name: r.name, phone: r.phone, created_at: r.createdAt }).execute();
  }

  async getReporter(id: string): Promise<{ id: string; name: string | null; phone: string | null; createdAt: number } | undefined> {
    const r = await this.db.selectFrom('reporters').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, name: r.name, phone: r.phone, createdAt: Number(r.created_at) } : undefined;
  }

  /** The reward ledger (奖励兑现): who paid how much to whom, when; chained in the audit log with its amount. */
  async addReward(r: { hazardId: string; reporterId: string | null; amount: number; tier: string; payer: string; paidAt: number }): Promise<void> {
    await this.transaction(async (tx) => {
      const { id } = await tx.db.insertInto('reward_ledger').values({ hazard_id: r.hazardId, reporter_id: r.reporterId, amount: r.amount, tier: r.tier, payer: r.payer, paid_at: r.paidAt }).returning('id').executeTakeFirstOrThrow();
      await tx.appendAudit([{ kind: ROW_KINDS.reward, ref: String(id), action: 'reward', actor: r.payer, at: r.paidAt, payload: rewardPayload({ id: Number(id), ...r }) }]);
    });
  }

  async rewards(hazardId?: string): Promise<{ hazardId: string; reporterId: string | null; amount: number; tier: string; payer: string; paidAt: number }[]> {
    let q = this.db.selectFrom('reward_ledger').selectAll();
    if (hazardId) q = q.where('hazard_id', '=', hazardId);
    const rows = await q.orderBy('id', 'asc').execute();
    return rows.map((r) => ({ hazardId: r.hazard_id, reporterId: r.reporter_id, amount: Number(r.amount), tier: r.tier, payer: r.payer, paidAt: Number(r.paid_at) }));
  }

  // ── offline verification tasks (CONTRACT §7) ──────────────────────────────────────────

  async saveVerification<T extends { id: string; enterprise: string; jurisdiction: string; state: string; createdAt: number }>(v: T, insert: boolean): Promise<void> {
    const row = { enterprise: v.enterprise, jurisdiction: v.jurisdiction, state: v.state, created_at: v.createdAt, doc: JSON.stringify(v) };
    if (insert) await this.db.insertInto('verifications').values({ id: v.id, ...row }).execute();
    else await this.db.updateTable('verifications').set(row).where('id', '=', v.id).execute();
  }

  async getVerification<T>(id: string): Promise<T | undefined> {
    const r = await this.db.selectFrom('verifications').select('doc').where('id', '=', id).executeTakeFirst();
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  /** Newest first, within the given jurisdictions (empty = nothing). */
  async listVerifications<T>(f: { jurisdictions: string[]; enterprise?: string; state?: string; since?: number; limit?: number }): Promise<T[]> {
    if (f.jurisdictions.length === 0) return [];
    let q = this.db.selectFrom('verifications').select('doc').where('jurisdiction', 'in', f.jurisdictions);
    if (f.enterprise) q = q.where('enterprise', '=', f.enterprise);
    if (f.state) q = q.where('state', '=', f.state);
    if (f.since !== undefined) q = q.where('created_at', '>=', f.since);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 1000).execute();
    return rows.map((r) => JSON.parse(r.doc) as T);
  }

  // ── rule-engine state ─────────────────────────────────────────────────────────────────

  /** Upserts the JSON snapshot `name`; `state` must be JSON-serialisable. */
  async saveState(name: string, seq: number, state: unknown): Promise<void> {
    const json = JSON.stringify(state);
    if (json === undefined) throw new TypeError(`rule state ${name}: not JSON-serialisable`);
    await this.db
      .insertInto('rule_state')
      .values({ name, seq, state: json })
      .onConflict((oc) => oc.column('name').doUpdateSet({ seq, state: json }))
      .execute();
  }

  async loadState(name: string): Promise<RuleStateSnapshot | undefined> {
    const r = await this.db.selectFrom('rule_state').select(['seq', 'state']).where('name', '=', name).executeTakeFirst();
    return r && { seq: r.seq, state: JSON.parse(r.state) as unknown };
  }

  // ── declared enterprise status ────────────────────────────────────────────────────────

  /** Appends a declaration, chained in the audit log (enterprise, status, from, reason, actor) in the same transaction. */
  async addDeclaration(d: StatusDeclaration): Promise<void> {
    await this.transaction(async (tx) => {
      const { id } = await tx.db
        .insertInto('status_declarations')
        .values({ enterprise: d.enterprise, status: d.status, valid_from: d.from, reason: d.reason, actor: d.actor, at: d.at })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.appendAudit([{ kind: ROW_KINDS.declaration, ref: String(id), action: 'declare', actor: d.actor, at: d.at, payload: declarationPayload(d) }]);
    });
  }

  /** Declarations of one enterprise (or all), by `from`, then in the order they were made. */
  async declarations(enterprise?: string): Promise<StatusDeclaration[]> {
    let q = this.db.selectFrom('status_declarations').select(['enterprise', 'status', 'valid_from', 'reason', 'actor', 'at']);
    if (enterprise !== undefined) q = q.where('enterprise', '=', enterprise);
    const rows = await q.orderBy('valid_from').orderBy('id').execute();
    return rows.map((r) => ({ enterprise: r.enterprise, status: r.status as DeclaredStatus, from: r.valid_from, reason: r.reason, actor: r.actor, at: r.at }));
  }
}

/**
 * Opens the records store of `storage.records` (`sqlite` or `postgres://...`) and brings its
 * schema to the latest migration. A PostgreSQL server that cannot be reached fails with
 * StoreUnavailableError naming `storage.records` and host:port (never the password).
 */
export async function openRecordStore(spec: string, opts: OpenRecordStoreOptions): Promise<RecordStore> {
  let opened: OpenedDb;
  if (spec === 'sqlite') opened = openSqlite(opts.dataDir);
  else if (/^postgres(ql)?:\/\//.test(spec)) opened = await openPostgres(spec, opts);
  else throw new ConfigError([`${CONFIG_KEY}: expected "sqlite" or a postgres://... URL`]);
  try {
    await migrate(opened);
  } catch (err) {
    await opened.db.destroy().catch(() => {});
    throw err;
  }
  return new RecordStore(opened.db, opened.flavor, opened.target, opened.schema);
}

function migrator(o: OpenedDb): Migrator {
  return new Migrator({ db: o.db, provider: recordsMigrationProvider(o.flavor), migrationTableSchema: o.schema });
}

async function migrate(o: OpenedDb): Promise<void> {
  const { error, results } = await migrator(o).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`${CONFIG_KEY}: migration ${failed ?? '(setup)'} failed on ${o.target}: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}
