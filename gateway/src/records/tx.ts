// One Kysely handle shared by every record repository, and the one way to run several writes
// as a unit: a repository that must write two tables calls inTransaction; a caller that already
// holds a transaction (RecordStore.transaction) passes its handle and the inner call joins it
// (SQLite has one connection, which the outer transaction holds).
import type { Kysely } from 'kysely';
import type { RecordsDb } from './schema.ts';

export type Db = Kysely<RecordsDb>;

export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
