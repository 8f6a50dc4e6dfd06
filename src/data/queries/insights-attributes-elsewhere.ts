// How many customer records hold each attribute the over-index reads from the customers table,
// whoever they are: an attribute no analyzed customer has, but some record does, belongs to
// customers with no orders here (a customers file keyed by email beside orders keyed by number).
import type { Dialect, Query } from '../engine.ts'

/** The customers table's column of each over-index attribute it holds (insights-attribute-counts.ts). */
export const RECORD_ATTRIBUTES: Readonly<Record<string, string>> = {
  country: 'country',
  region: 'region',
  city: 'city',
  industry: 'industry',
  'acquisition channel': 'channel',
  'acquisition campaign': 'campaign',
}

/** One row: per attribute name, the customer records with a value for it. */
export function insightsAttributesElsewhere(_dialect: Dialect): Query {
  const counts = Object.entries(RECORD_ATTRIBUTES).map(
    ([name, column]) => `CAST(count(${column}) AS INTEGER) AS "${name}"`,
  )
  return { sql: `SELECT ${counts.join(', ')} FROM customers` }
}
