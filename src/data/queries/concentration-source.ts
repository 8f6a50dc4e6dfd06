// Shared guard for the concentration queries: which value column, and from which table.
import { UsageError } from '../../errors.ts'
import { sqlIdent } from './customer-summary.ts'

export type ConcentrationValue = 'revenue' | 'margin'

export interface ConcentrationArgs {
  /** Summary table: customer_id, revenue, margin, orders. */
  readonly table: string
  readonly value: ConcentrationValue
}

/** `(SELECT customer_id, <value> AS value, revenue, orders FROM t WHERE <value> IS NOT NULL)`. */
export function valueSource(args: ConcentrationArgs): string {
  if (args.value !== 'revenue' && args.value !== 'margin') {
    throw new UsageError(`invalid concentration value ${JSON.stringify(args.value)}`)
  }
  return `(SELECT customer_id, CAST(${args.value} AS DOUBLE) AS value, revenue, orders
    FROM ${sqlIdent(args.table)} WHERE ${args.value} IS NOT NULL)`
}
