// Per-customer inputs of the value step in ONE statement, in the analysis table's row order: the
// analysis row (orders, revenue, margin, cadence, predictions) and aggregates of discounts, tickets,
// returns, the latest NPS answer and the recency-weighted engagement score (aggregated here:
// reading 6M events to JS cost 6x more than 1M customers). Only what JS needs, all numeric: each
// column moved to JS costs ~0.15 s of CPU per million rows.
import { ENGAGEMENT_EVENT_TYPES, type EngagementConfig } from '../../core/value/config.ts'
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent, toDecimal } from './customer-summary.ts'

/** A finite number as an exact SQL double literal. */
const num = (v: number): string => `CAST(${String(v)} AS DOUBLE PRECISION)`

/**
 * SQL: a margin with the revenue whose margin is unknown priced at `rate`: the known margins plus
 * (revenue - margin_revenue) x rate; NULL when no margin is known (the value step prices it all).
 */
export const pricedMarginSql = (
  margin: string,
  revenue: string,
  marginRevenue: string,
  rate: number,
): string => `${margin} + (${revenue} - coalesce(${marginRevenue}, 0)) * ${num(rate)}`

/** Columns of value_facts that every run reads into JS, in this order. */
export const VALUE_FACT_COLUMNS = [
  'orders',
  'paid_orders',
  'revenue',
  'margin',
  'x',
  'usual_gap_days',
  'days_since_last',
  'tenure_days',
  'segment',
  'discount',
  'price_share',
  'tickets',
  'ticket_minutes',
  'returns',
  'return_amount',
  'nps',
  'engagement_score',
  'reviews',
  'switching_cost',
] as const

/** Events of each type per customer in value_facts (not read to JS: summed by valueEventCounts). */
const eventCount = (t: string): string => `events_${t}`

/** Columns read only when the analysis has predictions (NULL otherwise). */
export const VALUE_PREDICTION_COLUMNS = [
  'p_alive',
  'expected_purchases',
  'predicted_revenue',
] as const

/**
 * FROM-clause body: returns `r` with `o`.customer_id, the customer of the return's order, for
 * returns without a customer of their own; coalesce(r.customer_id, o.customer_id) is the owner.
 */
export const RETURNS_WITH_OWNER = `returns r
  LEFT JOIN (
    SELECT DISTINCT order_id, customer_id FROM orders
    WHERE order_id IN (SELECT order_id FROM returns WHERE customer_id IS NULL)
  ) o ON r.customer_id IS NULL AND o.order_id = r.order_id`

/** SQL body: (customer_id, tickets, minutes) of the tickets opened by `asOf` (a SQL date). */
export const ticketsByCustomer = (asOf: string): string => `
  SELECT customer_id, count(*) AS tickets, sum(coalesce(handling_minutes, 0)) AS minutes
  FROM tickets WHERE opened_date <= ${asOf} GROUP BY customer_id`

/**
 * SQL body: (customer_id, returns, amount) of the returns made by `asOf` (a SQL date), a return
 * without a customer counted for its order's ({@link RETURNS_WITH_OWNER}).
 */
export const returnsByCustomer = (asOf: string): string => `
  SELECT coalesce(r.customer_id, o.customer_id) AS customer_id, count(*) AS returns,
    sum(r.amount) AS amount
  FROM ${RETURNS_WITH_OWNER}
  WHERE r.returned_date <= ${asOf}
  GROUP BY 1`

export interface ValueFactsArgs {
  readonly analysis: string
  readonly asOf: string
  /**
   * The predictions' table (customer_id, p_alive, expected_purchases, predicted_revenue = the
   * discounted expected revenue, before any margin); null when the analysis has no predictions.
   */
  readonly predictions: string | null
  /** Engagement weights by type code and half-life (docs/value.md). */
  readonly engagement: EngagementConfig
  /** Days per unit of the analysis' t_x (7 for weeks): usual gap = t_x x unitDays / x. */
  readonly unitDays: number
  /**
   * Margin rate of the revenue whose margin is unknown: a customer with some orders' margins
   * known has margin = those margins + the rest of the revenue (revenue - margin_revenue) × this
   * rate; one with none known has NULL (the value step prices all of it).
   */
  readonly defaultMarginRate: number
  /**
   * Some order has a non-zero discount (value-discounts.ts; default true). When none has, the
   * orders are not aggregated: every analysed customer has a discount of 0 and a discounted
   * share of 0 (each has at least one order row up to the as-of date, amount >= 0: a purchase
   * day of the summary, whose rows are that table's).
   */
  readonly discounts?: boolean
  /**
   * Some order has an amount of 0 (a free order: no payment, so no fixed payment fee). When none
   * has, paid_orders is the orders count itself and no aggregate of the orders is needed for it;
   * else it is the order rows above 0 among the orders counted (an order refunded in full is not:
   * it pays no fee either way), so a customer's fee never depends on another customer's orders.
   */
  readonly freeOrders?: boolean
}

/**
 * CREATE TEMP TABLE value_facts with {@link VALUE_FACT_COLUMNS} and
 * {@link VALUE_PREDICTION_COLUMNS}, all DOUBLE PRECISION (so they move to JS as raw double
 * vectors), after `idx`: one row per analysis row in idx order (idx = the analysis table's rowid on
 * DuckDB, see value-nodes.ts), so JS arrays and a positional join line up with the table.
 * Unknown values are NULL (NaN in JS). `segment` is the 0-based position of the customer's RFM
 * segment among the distinct names in name order (see value-segments.ts); `price_share` the share
 * of the orders counted (`orders`: not those refunded in full) with a discount (NULL without); `usual_gap_days` the mean days between repeat
 * purchases (NULL for one purchase day). Tickets opened, returns made, answers given and events
 * after the as-of date (by their stored local day, as orders by order_date) are not yet known and
 * left out. A return without a customer is attributed through its order.
 */
export function valueFacts(d: Dialect, args: ValueFactsArgs): Query {
  const a = sqlIdent(args.analysis)
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const predictions = args.predictions === null ? null : sqlIdent(args.predictions)
  const pred =
    predictions === null
      ? 'NULL AS p_alive, NULL AS expected_purchases, NULL AS predicted_revenue'
      : 'p.p_alive, p.expected_purchases, p.predicted_revenue'
  const predJoin =
    predictions === null
      ? ''
      : `LEFT JOIN ${predictions} p ON p.customer_id = a.customer_id
`
  const w = args.engagement.weights
  const weights = ENGAGEMENT_EVENT_TYPES.map((t) => `WHEN '${t}' THEN ${num(w[t])}`).join(' ')
  const rate = num(-Math.LN2 / args.engagement.halfLifeDays)
  const idx = d === 'duckdb' ? 'a.rowid' : 'v.idx'
  const nodes = d === 'duckdb' ? '' : '\nJOIN value_nodes v ON v.customer_id = a.customer_id'
  const cols = [...VALUE_FACT_COLUMNS, ...VALUE_PREDICTION_COLUMNS]
  const counts = ENGAGEMENT_EVENT_TYPES.map(eventCount)
  const withDiscounts = args.discounts !== false
  const free = args.freeOrders === true
  const discounted = withDiscounts
    ? `coalesce(o.discount, 0) AS discount,
  CASE WHEN a.orders > 0
    THEN CAST(least(coalesce(o.discounted, 0), a.orders) AS DOUBLE PRECISION) / a.orders
  END AS price_share,`
    : `${num(0)} AS discount, ${num(0)} AS price_share,`
  // the orders the summary counts (a.orders) are at most as many as the order rows counted here:
  // least() keeps the rare order on a day that refunds of another order net to 0 out of it too.
  // The discounted share is over those same orders: an order refunded in full is in neither, and
  // its discount is no cost (the sale never happened).
  const paid = free ? 'least(coalesce(o.paid, 0), a.orders)' : 'a.orders'
  const ordersJoin =
    withDiscounts || free
      ? `LEFT JOIN (
  SELECT o.customer_id, sum(coalesce(o.discount, 0)) FILTER (WHERE c.order_id IS NULL) AS discount,
    count(*) FILTER (WHERE o.discount > 0 AND c.order_id IS NULL) AS discounted,
    count(*) FILTER (WHERE o.amount > 0 AND c.order_id IS NULL) AS paid
  FROM orders o
  LEFT JOIN (${refundedInFull(asOf)}) c ON c.customer_id = o.customer_id AND c.order_id = o.order_id
  WHERE o.amount >= 0 AND o.order_date <= ${asOf} GROUP BY o.customer_id
) o ON o.customer_id = a.customer_id
`
      : ''
  return {
    sql: `CREATE OR REPLACE TEMP TABLE value_facts AS
SELECT CAST(idx AS INTEGER) AS idx,
  ${cols.map((c) => `CAST(${c} AS DOUBLE PRECISION) AS ${c}`).join(', ')},
  ${counts.map((c) => `CAST(coalesce(${c}, 0) AS BIGINT) AS ${c}`).join(', ')}
FROM (
SELECT ${idx} AS idx, a.orders, ${paid} AS paid_orders, a.revenue,
  ${pricedMarginSql('a.margin', 'a.revenue', 'a.margin_revenue', args.defaultMarginRate)} AS margin,
  a.x,
  CASE WHEN a.x > 0 THEN a.t_x * ${num(args.unitDays)} / a.x END AS usual_gap_days,
  a.days_since_last, a.tenure_days,
  g.code AS segment,
  ${pred},
  ${discounted}
  coalesce(t.tickets, 0) AS tickets, coalesce(t.minutes, 0) AS ticket_minutes,
  coalesce(r.returns, 0) AS returns, coalesce(r.amount, 0) AS return_amount,
  s.nps,
  e.score AS engagement_score, coalesce(e.reviews, 0) AS reviews,
  CASE WHEN c.switching_cost THEN 1 ELSE 0 END AS switching_cost,
  ${counts.map((c) => `e.${c}`).join(', ')}
FROM ${a} a${nodes}
${predJoin}LEFT JOIN (
  SELECT rfm_segment, row_number() OVER (ORDER BY rfm_segment) - 1 AS code
  FROM (SELECT DISTINCT rfm_segment FROM ${a}) s
) g ON g.rfm_segment = a.rfm_segment
${ordersJoin}LEFT JOIN (${ticketsByCustomer(asOf)}) t ON t.customer_id = a.customer_id
LEFT JOIN (${returnsByCustomer(asOf)}) r ON r.customer_id = a.customer_id
LEFT JOIN (${latestNps(d, asOf)}) s ON s.customer_id = a.customer_id
LEFT JOIN (
  -- engagementScores (core/value/engagement.ts) in SQL: weight x exp(-ln 2 / half-life x age)
  SELECT customer_id,
    sum(CASE event ${weights} END * exp(${rate} * (${asOf} - occurred_date))) AS score,
    count(*) FILTER (WHERE event = 'review') AS reviews,
    -- the summary's events per type, counted in this scan rather than in a second one
    ${ENGAGEMENT_EVENT_TYPES.map((t) => `count(*) FILTER (WHERE event = '${t}') AS ${eventCount(t)}`).join(',\n    ')}
  FROM engagement_events WHERE occurred_date <= ${asOf} GROUP BY customer_id
) e ON e.customer_id = a.customer_id
-- held by a contract, subscription or stored balance, as the customers file says
LEFT JOIN customers c ON c.customer_id = a.customer_id
) f
ORDER BY idx`,
  }
}

/**
 * (customer_id, order_id) of the orders refunded in full by refunds dated on or before `asOf`:
 * the orders the summary does not count (customer-summary.ts, `cancelled`), so that they pay no
 * fixed payment fee here either, whether or not some other order in the workspace is free, and
 * are not in the discounted share (which is over the customer's `orders`).
 * Only orders that have a refund are grouped.
 */
export const refundedInFull = (asOf: string): string => `
    SELECT o.customer_id, o.order_id
    FROM orders o
    JOIN (
      SELECT DISTINCT customer_id, order_id FROM orders
      WHERE amount < 0 AND order_id IS NOT NULL AND order_date <= ${asOf}
    ) r ON r.customer_id = o.customer_id AND r.order_id = o.order_id
    GROUP BY o.customer_id, o.order_id
    HAVING count(*) FILTER (WHERE o.amount >= 0) > 0
      AND sum(${toDecimal('o.amount')}) FILTER (WHERE o.amount >= 0 OR o.order_date <= ${asOf}) <= 0
  `

/**
 * Each customer's latest NPS answer on or before `asOf` (DuckDB's arg_max: a quarter of the sort).
 */
const latestNps = (d: Dialect, asOf: string): string =>
  d === 'duckdb'
    ? `SELECT customer_id, arg_max(nps, responded_at) AS nps FROM survey_responses
  WHERE nps IS NOT NULL AND responded_date <= ${asOf} GROUP BY customer_id`
    : `SELECT DISTINCT ON (customer_id) customer_id, nps FROM survey_responses
  WHERE nps IS NOT NULL AND responded_date <= ${asOf}
  ORDER BY customer_id, responded_at DESC`

/**
 * Engagement events per type up to the as-of date, of the analysed customers (rows: event, n),
 * for the summary: summed from value_facts, whose engagement scan counted them per customer.
 */
export function valueEventCounts(_d: Dialect): Query {
  return {
    sql: ENGAGEMENT_EVENT_TYPES.map(
      (t) => `SELECT '${t}' AS event, sum(${eventCount(t)}) AS n FROM value_facts`,
    ).join('\nUNION ALL\n'),
  }
}
