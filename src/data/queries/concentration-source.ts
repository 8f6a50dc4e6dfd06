// Shared guard for the concentration queries: which value column, and from which table.
// Portable SQL: DOUBLE PRECISION is DuckDB's DOUBLE and PostgreSQL's float8.
import { UsageError } from '../../errors.ts'
import type { Dialect } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'
import { byteOrder } from './dialect-sql.ts'

export type ConcentrationValue = 'revenue' | 'margin'

export interface ConcentrationArgs {
  /** Summary table: customer_id, revenue, margin, orders. */
  readonly table: string
  readonly value: ConcentrationValue
}

/** The value's column name, checked before it is spliced into SQL. Throws UsageError. */
export function valueColumn(value: ConcentrationValue): ConcentrationValue {
  if (value !== 'revenue' && value !== 'margin') {
    throw new UsageError(`invalid concentration value ${JSON.stringify(value)}`)
  }
  return value
}

/** `(SELECT customer_id, <value> AS value, revenue, orders FROM t WHERE <value> IS NOT NULL)`. */
export function valueSource(args: ConcentrationArgs): string {
  const v = valueColumn(args.value)
  return `(SELECT customer_id, CAST(${v} AS DOUBLE PRECISION) AS value, revenue, orders
    FROM ${sqlIdent(args.table)} WHERE ${v} IS NOT NULL)`
}

/**
 * ORDER BY for ranking customers by value; ties by orders (more first when ranking highest
 * first: among equal spenders the more frequent buyer, and the only order an export without
 * amounts has), then by customer_id in byte order on every engine, so the same customer lands in
 * the same decile on DuckDB and PostgreSQL (and in the analysis table's revenue_rank order).
 */
export function valueOrder(dialect: Dialect, direction: 'ASC' | 'DESC'): string {
  return `value ${direction}, orders ${direction}, ${byteOrder(dialect, 'customer_id')}`
}
