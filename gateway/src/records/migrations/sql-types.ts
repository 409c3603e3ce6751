// Column types per dialect for the migrations. A migration is a function of these types so that
// one file describes both databases; the few differences are here: 64-bit integers (epoch ms,
// sequence numbers) are BIGINT in PostgreSQL and INTEGER (8-byte) in SQLite, booleans are
// BOOLEAN / INTEGER 0-1, floats DOUBLE PRECISION / REAL (8-byte in SQLite).
import type { ColumnDefinitionBuilder, CreateTableBuilder } from 'kysely';
import type { Migration } from 'kysely';
import type { Flavor } from '../schema.ts';

export interface SqlTypes {
  flavor: Flavor;
  int64: 'bigint' | 'integer';
  bool: 'boolean' | 'integer';
  float: 'double precision' | 'real';
}

/** A records migration: built for one dialect's column types. Released migrations never change. */
export type RecordsMigration = (t: SqlTypes) => Migration;

export function sqlTypes(flavor: Flavor): SqlTypes {
  return flavor === 'postgres'
    ? { flavor, int64: 'bigint', bool: 'boolean', float: 'double precision' }
    : { flavor, int64: 'integer', bool: 'integer', float: 'real' };
}

/** An auto-increment 64-bit primary key `id`: its order is insertion order. */
export function withAutoId<T extends string, C extends string>(table: CreateTableBuilder<T, C>, t: SqlTypes): CreateTableBuilder<T, C | 'id'> {
  return t.flavor === 'postgres'
    ? table.addColumn('id', 'bigserial', (c: ColumnDefinitionBuilder) => c.primaryKey())
    : table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement());
}
