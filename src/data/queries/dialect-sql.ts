// The few SQL fragments DuckDB and PostgreSQL spell differently, in one place, so query files stay
// one portable text with a fragment spliced in instead of two copies of the whole statement.
import type { Dialect } from '../engine.ts'

/**
 * Statement prefix that (re)creates a session-local table from a SELECT: DuckDB's
 * `CREATE OR REPLACE TEMP TABLE t AS`; PostgreSQL has no OR REPLACE for tables, so
 * `DROP TABLE IF EXISTS pg_temp.t; CREATE TEMP TABLE t AS` (pg_temp: never drop a real table).
 * `table` must already be checked with `sqlIdent`.
 * @example `${createTempTableAs(dialect, 'customer_rfm')} SELECT ...`
 */
export function createTempTableAs(dialect: Dialect, table: string): string {
  if (dialect !== 'postgres') return `CREATE OR REPLACE TEMP TABLE ${table} AS`
  return `DROP TABLE IF EXISTS ${table.includes('.') ? table : `pg_temp.${table}`};
CREATE TEMP TABLE ${table} AS`
}

/**
 * Integer quotient floor(a / b) of two NON-NEGATIVE integer expressions: DuckDB's `/` always
 * divides as DOUBLE (its integer division is `//`); PostgreSQL's `/` on integers truncates,
 * which equals floor for non-negative operands.
 */
export function intDiv(dialect: Dialect, a: string, b: string): string {
  return dialect === 'postgres' ? `(${a}) / (${b})` : `(${a}) // (${b})`
}

/**
 * A text expression for ORDER BY in byte order, DuckDB's order: PostgreSQL otherwise sorts by
 * the database's locale (e.g. 'b' before 'B' before 'c' under en_US).
 */
export function byteOrder(dialect: Dialect, expr: string): string {
  return dialect === 'postgres' ? `${expr} COLLATE "C"` : expr
}

/** A DATE expression as text YYYY-MM-DD, whatever PostgreSQL's DateStyle. */
export function isoDate(dialect: Dialect, expr: string): string {
  return dialect === 'postgres' ? `to_char(${expr}, 'YYYY-MM-DD')` : `strftime(${expr}, '%Y-%m-%d')`
}
