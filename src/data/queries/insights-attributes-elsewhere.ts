// How many customer records hold each attribute the over-index reads from the customers table,
// whoever they are: an attribute no analyzed customer has, but some record does, belongs to
// customers with no orders here (a customers file keyed by email beside orders keyed by number).
import type { Dialect, Query } from '../engine.ts'
import { OVER_INDEX_ATTRIBUTES } from './insights-attribute-counts.ts'

/**
 * The customers table's column of each over-index attribute it holds: those insights_base reads
 * as `b.<column>` of the customers table, by the same name (insights-base.ts).
 */
export const RECORD_ATTRIBUTES: Readonly<Record<string, string>> = Object.fromEntries(
  OVER_INDEX_ATTRIBUTES.filter((a) => a.sql.startsWith('b.')).map((a) => [a.name, a.sql.slice(2)]),
)

/** One row: per attribute name, the customer records with a value for it. */
export function insightsAttributesElsewhere(_dialect: Dialect): Query {
  const counts = Object.entries(RECORD_ATTRIBUTES).map(
    ([name, column]) => `CAST(count(${column}) AS INTEGER) AS "${name}"`,
  )
  return { sql: `SELECT ${counts.join(', ')} FROM customers` }
}
