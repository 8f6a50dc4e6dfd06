// Per-customer inputs of the value step in ONE statement, in idx order: the analysis row (orders,
// revenue, margin, cadence, predictions) and aggregates of discounts, tickets, returns and the
// latest NPS answer, and the recency-weighted engagement score with event counts (aggregated here:
// reading 6M events to JS cost 6x more result chunks than 1M customers). All numeric, so it moves
// to JS as typed columns.
import { ENGAGEMENT_EVENT_TYPES, type EngagementConfig } from '../../core/value/config.ts'
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'

/** A finite number as an exact SQL double literal. */
const num = (v: number): string => `CAST(${String(v)} AS DOUBLE PRECISION)`

/** Column order of {@link valueFacts}' result. */
export const VALUE_FACT_COLUMNS = [
  'idx',
  'orders',
  'revenue',
  'margin',
  'x',
  't_x',
  'days_since_last',
  'tenure_days',
  'segment',
  'p_alive',
  'expected_purchases',
  'predicted_revenue',
  'discount',
  'discounted_orders',
  'order_rows',
  'tickets',
  'ticket_minutes',
  'satisfaction',
  'returns',
  'return_amount',
  'nps',
  'engagement_score',
  ...ENGAGEMENT_EVENT_TYPES.map((t) => `ev_${t}` as const),
] as const

export interface ValueFactsArgs {
  readonly analysis: string
  readonly asOf: string
  /**
   * Prediction columns on the analysis table: predicted revenue is predicted_value / margin (the
   * margin the predictions used); null when the analysis has no predictions.
   */
  readonly predictionMargin: number | null
  /** Engagement weights by type code and half-life (docs/value.md). */
  readonly engagement: EngagementConfig
}

/**
 * CREATE TEMP TABLE value_facts with {@link VALUE_FACT_COLUMNS}, all DOUBLE PRECISION (so they
 * move to JS as raw double vectors), in no particular order: the reader places rows by idx.
 * Unknown values are NULL (NaN in JS). `segment` is the 0-based position of the customer's RFM
 * segment among the distinct names in name order (see value-segments.ts). Tickets
 * opened, returns made and answers given after the as-of date are not yet known and left out.
 * A return without a customer is attributed through its order.
 */
export function valueFacts(_d: Dialect, args: ValueFactsArgs): Query {
  const a = sqlIdent(args.analysis)
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const m = args.predictionMargin
  const pred =
    m === null
      ? 'CAST(NULL AS DOUBLE PRECISION) AS p_alive, CAST(NULL AS DOUBLE PRECISION) AS expected_purchases, CAST(NULL AS DOUBLE PRECISION) AS predicted_revenue'
      : `a.p_alive, a.expected_purchases,
  ${m > 0 ? `a.predicted_value / ${m}` : 'a.expected_purchases * a.expected_spend'} AS predicted_revenue`
  const w = args.engagement.weights
  const weights = ENGAGEMENT_EVENT_TYPES.map((t) => `WHEN '${t}' THEN ${num(w[t])}`).join(' ')
  const rate = num(-Math.LN2 / args.engagement.halfLifeDays)
  return {
    sql: `CREATE OR REPLACE TEMP TABLE value_facts AS
SELECT ${VALUE_FACT_COLUMNS.map((c) => `CAST(${c} AS DOUBLE PRECISION) AS ${c}`).join(', ')}
FROM (
SELECT v.idx, a.orders, a.revenue, a.margin, a.x, a.t_x, a.days_since_last, a.tenure_days,
  g.code AS segment,
  ${pred},
  coalesce(d.discount, 0) AS discount, coalesce(d.discounted, 0) AS discounted_orders,
  coalesce(d.order_rows, 0) AS order_rows,
  coalesce(t.tickets, 0) AS tickets, coalesce(t.minutes, 0) AS ticket_minutes, t.satisfaction,
  coalesce(r.returns, 0) AS returns, coalesce(r.amount, 0) AS return_amount,
  s.nps,
  e.score AS engagement_score,
  ${ENGAGEMENT_EVENT_TYPES.map((t) => `coalesce(e.ev_${t}, 0) AS ev_${t}`).join(', ')}
FROM value_nodes v
JOIN ${a} a ON a.customer_id = v.customer_id
JOIN (
  SELECT rfm_segment, row_number() OVER (ORDER BY rfm_segment) - 1 AS code
  FROM (SELECT DISTINCT rfm_segment FROM ${a}) s
) g ON g.rfm_segment = a.rfm_segment
LEFT JOIN (
  SELECT customer_id, sum(coalesce(discount, 0)) AS discount,
    count(*) FILTER (WHERE discount > 0) AS discounted, count(*) AS order_rows
  FROM orders WHERE amount >= 0 AND order_date <= ${asOf} GROUP BY customer_id
) d ON d.customer_id = v.customer_id
LEFT JOIN (
  SELECT customer_id, count(*) AS tickets, sum(coalesce(handling_minutes, 0)) AS minutes,
    avg(satisfaction) AS satisfaction
  FROM tickets WHERE CAST(opened_at AS DATE) <= ${asOf} GROUP BY customer_id
) t ON t.customer_id = v.customer_id
LEFT JOIN (
  SELECT coalesce(r.customer_id, o.customer_id) AS customer_id, count(*) AS returns,
    sum(r.amount) AS amount
  FROM returns r
  LEFT JOIN (
    SELECT DISTINCT order_id, customer_id FROM orders
    WHERE order_id IN (SELECT order_id FROM returns WHERE customer_id IS NULL)
  ) o ON o.order_id = r.order_id
  WHERE CAST(r.returned_at AS DATE) <= ${asOf}
  GROUP BY 1
) r ON r.customer_id = v.customer_id
LEFT JOIN (
  SELECT DISTINCT ON (customer_id) customer_id, nps FROM survey_responses
  WHERE nps IS NOT NULL AND CAST(responded_at AS DATE) <= ${asOf}
  ORDER BY customer_id, responded_at DESC
) s ON s.customer_id = v.customer_id
LEFT JOIN (
  -- engagementScores (core/value/engagement.ts) in SQL: weight x exp(-ln 2 / half-life x age)
  SELECT customer_id,
    sum(CASE event ${weights} END * exp(${rate} * (${asOf} - CAST(occurred_at AS DATE)))) AS score,
    ${ENGAGEMENT_EVENT_TYPES.map((t) => `count(*) FILTER (WHERE event = '${t}') AS ev_${t}`).join(',\n    ')}
  FROM engagement_events WHERE CAST(occurred_at AS DATE) <= ${asOf} GROUP BY customer_id
) e ON e.customer_id = v.customer_id
WHERE v.buyer
) f`,
  }
}
