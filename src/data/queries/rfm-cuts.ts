// The values at the quintile cut positions of the three RFM measures, so that scores become plain
// comparisons with four constants (rfm-scores.ts) instead of three window sorts of every customer.
// Recency and frequency are whole numbers with few distinct values: their value counts are read
// (the caller accumulates them); revenue is nearly unique per customer: one narrow sort of it,
// keeping only the rows at the cut positions.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'
import { intDiv } from './dialect-sql.ts'

/**
 * Rows (measure, value, n): for measure 'r' and 'f' one row per distinct non-NULL
 * days_since_last / purchase_days with its count n; for 'm' the revenue at each position
 * ceil(k n_all / 5), k = 1..4, of the non-NULL revenues in ascending order (n = that position);
 * one row ('n', NULL, customers) and one ('mn', NULL, customers with a revenue).
 */
export function rfmCuts(dialect: Dialect, args: { summary: string }): Query {
  const s = sqlIdent(args.summary)
  const positions = [1, 2, 3, 4]
    .map((k) => intDiv(dialect, `${k} * (SELECT count(*) FROM ${s}) + 4`, '5'))
    .join(', ')
  return {
    sql: `
SELECT 'n' AS measure, CAST(NULL AS DOUBLE PRECISION) AS value, count(*) AS n FROM ${s}
UNION ALL
SELECT 'mn', NULL, count(revenue) FROM ${s}
UNION ALL
SELECT 'r', CAST(days_since_last AS DOUBLE PRECISION), count(*) FROM ${s}
WHERE days_since_last IS NOT NULL GROUP BY days_since_last
UNION ALL
SELECT 'f', CAST(purchase_days AS DOUBLE PRECISION), count(*) FROM ${s}
WHERE purchase_days IS NOT NULL GROUP BY purchase_days
UNION ALL
SELECT 'm', v, i FROM (
  SELECT CAST(revenue AS DOUBLE PRECISION) AS v, row_number() OVER (ORDER BY revenue) AS i
  FROM ${s} WHERE revenue IS NOT NULL
) ranked
WHERE i IN (${positions})
`,
  }
}
