// Over-index input as counts, not rows: per attribute level, eligible customers and how many are in
// the top cohort. The JS side rebuilds exact per-customer codes from these counts (typed arrays).
import type { Dialect, Query } from '../engine.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_FIRST } from './insights-first-orders.ts'

/** Attributes compared, in output order: column of insights_base (or first-order) and name. */
export const OVER_INDEX_ATTRIBUTES = [
  { name: 'country', sql: 'b.country' },
  { name: 'region', sql: 'b.region' },
  { name: 'city', sql: 'b.city' },
  { name: 'industry', sql: 'b.industry' },
  { name: 'acquisition channel', sql: 'b.channel' },
  { name: 'acquisition campaign', sql: 'b.campaign' },
  { name: 'first order channel', sql: 'f.first_channel' },
  { name: 'first-purchase category', sql: 'f.main_category' },
] as const

/**
 * Rows (attr, level, customers, top) over every customer: customers and top count the eligible
 * ones (0 for a level only customers without the history have); level NULL counts customers with
 * the attribute missing. Every customer is grouped, not only the eligible, so that an attribute
 * imported but held by no eligible customer yet is told apart from one never imported. Ordered by
 * attribute, then customers descending.
 */
export function insightsAttributeCounts(_dialect: Dialect): Query {
  const parts = OVER_INDEX_ATTRIBUTES.map(
    (a, i) => `SELECT ${i} AS attr, CAST(${a.sql} AS VARCHAR) AS level,
  CAST(count(*) FILTER (WHERE b.eligible) AS INTEGER) AS customers,
  CAST(count(*) FILTER (WHERE b.top) AS INTEGER) AS top
FROM ${INSIGHTS_BASE} b LEFT JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx
GROUP BY 2`,
  )
  return { sql: `${parts.join('\nUNION ALL\n')}\nORDER BY attr, customers DESC, level` }
}
