// Time to second purchase as grouped (days, event) counts: Kaplan-Meier needs every customer, and
// the JS side expands counts into typed arrays instead of reading a million rows.
import type { Dialect, Query } from '../engine.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_FIRST } from './insights-first-orders.ts'

/** Rows (days, event, n): days to the second purchase day (event 1) or censored at tenure (0). */
export function insightsSecondPurchase(_dialect: Dialect): Query {
  return {
    sql: `
SELECT CAST(coalesce(f.days_to_second, b.tenure_days) AS INTEGER) AS days,
  CAST(f.days_to_second IS NOT NULL AS INTEGER) AS event, CAST(count(*) AS INTEGER) AS n
FROM ${INSIGHTS_BASE} b JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx
GROUP BY 1, 2 ORDER BY 1, 2
`,
  }
}

/**
 * New-customer stickiness: rows (attribute, level, known, customers, sticky) over customers
 * observed at least `days` days, sticky = second purchase within `days` of the first; by
 * acquisition channel and campaign (customers table, else the first order's); known = the
 * level's customers with a value (0 for the '(none)' level of those without one).
 */
export function insightsStickiness(_dialect: Dialect, args: { days: number }): Query {
  const d = Math.max(1, Math.trunc(args.days))
  const part = (name: string, sql: string) => `
SELECT '${name}' AS attribute, coalesce(${sql}, '(none)') AS level,
  CAST(count(${sql}) AS INTEGER) AS known,
  CAST(count(*) AS INTEGER) AS customers,
  CAST(count(*) FILTER (WHERE f.days_to_second <= ${d}) AS INTEGER) AS sticky
FROM ${INSIGHTS_BASE} b JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx
WHERE b.tenure_days >= ${d} GROUP BY 2`
  return {
    sql: `${part('channel', 'coalesce(b.channel, f.first_channel)')}
UNION ALL ${part('campaign', 'coalesce(b.campaign, f.first_campaign)')}
ORDER BY attribute, customers DESC, level`,
  }
}
