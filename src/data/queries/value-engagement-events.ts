// Engagement events of the analysed customers as three numeric columns (customer idx, type code,
// age in days at the as-of date): the recency weighting happens in the pure core.
import { ENGAGEMENT_EVENT_TYPES } from '../../core/value/config.ts'
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'

/** Rows (idx, type, age_days) of events on or before the as-of date. */
export function valueEngagementEvents(_d: Dialect, args: { asOf: string }): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const code = ENGAGEMENT_EVENT_TYPES.map((t, i) => `WHEN '${t}' THEN ${i}`).join(' ')
  return {
    sql: `SELECT CAST(v.idx AS DOUBLE PRECISION) AS idx,
  CAST(CASE e.event ${code} END AS DOUBLE PRECISION) AS type,
  CAST(${asOf} - CAST(e.occurred_at AS DATE) AS DOUBLE PRECISION) AS age_days
FROM engagement_events e JOIN value_nodes v ON v.customer_id = e.customer_id
WHERE v.buyer AND CAST(e.occurred_at AS DATE) <= ${asOf}`,
  }
}
