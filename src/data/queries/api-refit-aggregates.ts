// Per-customer order aggregates for the full refit, from every order (imported or from events).
// A purchase day is a calendar day with an order that was not refunded in full (docs/summary.md);
// refunds lower revenue only.
// The same for some customers: the counters of those a file import corrected an order of. With
// `connection`, also the counters the loyalty rules read from the value inputs.
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'
import { exactSum, toDecimal } from './customer-summary.ts'
import { byteOrder } from './dialect-sql.ts'

/**
 * SQL: the rows of `orders` (customer_id, order_date, ordered_at, amount) with `kept`: an order
 * (amount >= 0) its refunds do not take back in full. An order refunded in full was cancelled or
 * returned: no order, and no purchase day of its own, as the analysis counts them
 * (docs/summary.md); refunds lower revenue only. `where` filters the orders (alias o). `until`
 * (a SQL timestamp): only the orders and refunds placed by then count, as if read at that moment.
 */
export function keptOrders(where = '', until?: string): string {
  const by = (alias: string) => (until ? ` AND ${alias}ordered_at <= ${until}` : '')
  const placed = by('o.')
  return `SELECT o.customer_id, o.order_date, o.ordered_at, o.amount,
    o.amount >= 0 AND coalesce(${toDecimal('o.amount')} + r.back > 0, true) AS kept
  FROM orders o
  LEFT JOIN (
    SELECT customer_id, order_id, sum(${toDecimal('amount')}) AS back FROM orders
    WHERE amount < 0 AND order_id IS NOT NULL${by('')} GROUP BY customer_id, order_id
  ) r ON o.amount >= 0 AND r.customer_id = o.customer_id AND r.order_id = o.order_id
  ${where ? `${where}${placed}` : placed ? `WHERE ${placed.slice(5)}` : ''}`
}

/** The counters {@link connectionJoins} joins in, as columns referrals, reviews, nps and ces. */
export const CONNECTION_COLUMNS =
  'coalesce(rf.referrals, 0) AS referrals, coalesce(rv.reviews, 0) AS reviews, sv.nps, sv.ces'

/**
 * LEFT JOINs onto `alias`.customer_id of the signs of connection the value inputs hold, imported
 * or from events (both write them): referrals made (not of oneself), reviews, and the latest NPS
 * and CES answers ({@link CONNECTION_COLUMNS}). `keys`: a query of the ids wanted, so a lookup
 * does not count every customer's events. `until` (a SQL timestamp): only what had happened by
 * then (a referral without a date counts).
 */
export function connectionJoins(alias: string, keys?: string, until?: string): string {
  const only = (col: string, and: boolean) =>
    keys === undefined ? '' : `${and ? ' AND' : ' WHERE'} ${col} IN (${keys})`
  const by = (col: string) => (until ? ` AND ${col} <= ${until}` : '')
  const latest = (col: string) =>
    `(array_agg(${col} ORDER BY responded_at DESC, response_key DESC) FILTER (WHERE ${col} IS NOT NULL))[1] AS ${col}`
  return `
LEFT JOIN (SELECT referrer_id, count(*) AS referrals FROM referrals
  WHERE referred_id <> referrer_id${only('referrer_id', true)}${until ? ` AND coalesce(referred_at <= ${until}, true)` : ''} GROUP BY referrer_id) rf
  ON rf.referrer_id = ${alias}.customer_id
LEFT JOIN (SELECT customer_id, count(*) AS reviews FROM engagement_events
  WHERE event = 'review'${only('customer_id', true)}${by('occurred_at')} GROUP BY customer_id) rv
  ON rv.customer_id = ${alias}.customer_id
LEFT JOIN (SELECT customer_id, ${latest('nps')}, ${latest('ces')} FROM survey_responses
  WHERE true${only('customer_id', true)}${by('responded_at')}
  GROUP BY customer_id) sv ON sv.customer_id = ${alias}.customer_id`
}

/** SQL: the UTC instant `ms` (epoch milliseconds) as a TIMESTAMP literal, as orders store it. */
export function utcTimestamp(ms: number): string {
  return `TIMESTAMP '${new Date(ms).toISOString().slice(0, 23).replace('T', ' ')}'`
}

/**
 * `until` (epoch ms): the refit's now; orders, refunds and signs of connection after it are not
 * known yet (a refit as of a past moment, `loyals refit --now`, would have counted them).
 */
export function refitAggregates(
  dialect: Dialect,
  customers?: readonly string[],
  opts: { connection?: boolean; until?: number } = {},
): Query {
  const only = customers ? `WHERE o.customer_id IN (${jsonKeyList(dialect)})` : ''
  const until = opts.until === undefined ? undefined : utcTimestamp(opts.until)
  const connection = opts.connection ? `, ${CONNECTION_COLUMNS}` : ''
  const joins = opts.connection
    ? connectionJoins('a', customers ? jsonKeyList(dialect) : undefined, until)
    : ''
  return {
    ...(customers ? { params: [JSON.stringify(customers)] } : {}),
    // with the email, name and signup time of an imported customers file (a profile's own,
    // from identify calls, win over them in the refit)
    sql: `SELECT a.*, c.email, c.name, c.signup_at, c.marketing_consent AS imported_consent${connection} FROM (
SELECT customer_id,
  sum(CASE WHEN kept THEN 1 ELSE 0 END) AS orders_count,
  count(DISTINCT CASE WHEN kept THEN order_date END) AS purchase_days,
  -- exact: a sum of doubles depends on the order the engine adds them in (124.5 on one store,
  -- 124.49999999999999 on the other), and so would the reasons' rounded money
  ${exactSum('amount')} AS revenue,
  -- orders with an amount: none in the whole workspace is a transaction log (no money measured)
  sum(CASE WHEN amount <> 0 THEN 1 ELSE 0 END) AS priced,
  min(CASE WHEN kept THEN ordered_at END) AS first_order_at,
  max(CASE WHEN kept THEN ordered_at END) AS last_order_at,
  -- the days they were placed on where they were placed, as the summary counts days
  CAST(min(CASE WHEN kept THEN order_date END) AS VARCHAR) AS first_order_day,
  CAST(max(CASE WHEN kept THEN order_date END) AS VARCHAR) AS last_order_day
FROM (${keptOrders(only, until)}) o
GROUP BY customer_id) a
LEFT JOIN customers c ON c.customer_id = a.customer_id${joins}
ORDER BY ${byteOrder(dialect, 'a.customer_id')}`,
  }
}
