// Orders ready to store, from the validated rows: keys, UTC instants, local calendar days, netted
// refunds and collapsed identical duplicates. The key rules make re-importing a file a no-op.
import type { Dialect, Query } from '../engine.ts'
import { LINE, lit } from './import-stage.ts'

export const ORDER_COLUMNS = [
  'order_key',
  'order_id',
  'customer_id',
  'ordered_at',
  'order_date',
  'amount',
  'currency',
  'quantity',
  'cost',
  'margin',
  'discount',
  'channel',
  'campaign',
  'source',
  'source_line',
] as const

/**
 * SQL: the calendar day in time zone `tz` of the UTC instant `instant` (a TIMESTAMP column), as
 * an import stores an order's order_date and a value input's day (portable to PostgreSQL).
 * @example localDay('Europe/Berlin', 'ordered_at') // 2024-03-10 23:30 UTC -> DATE '2024-03-11'
 */
export const localDay = (tz: string, instant: string): string =>
  tz === 'UTC'
    ? `CAST(${instant} AS DATE)`
    : `CAST(timezone(${lit(tz)}, timezone('UTC', ${instant})) AS DATE)`

/**
 * The refund row of an unpaid order of 0 (cancelled before anything was paid): below 0, so the
 * summary reads it as a refund and its order as refunded in full (its order's day is then no
 * purchase day, as for a cancelled order of 10), yet 0 to the millionth money is summed to, so it
 * takes nothing off revenue. Large enough to survive import-refunded-rest's rounding to 1e-9.
 */
export const ZERO_REFUND = '-1e-9'

/** SQL: `amount` is the ZERO_REFUND mark of a cancelled order of 0 (no refund of money). */
export const isZeroRefundMark = (amount: string): string =>
  `(${amount} < 0 AND ${amount} > -0.0000005)`

/**
 * `net` in SQL: the amount less what was refunded on the same row (Shopify's Refunded Amount). A
 * refund row (amount < 0) is the refund itself: a status saying "refunded" on it (WooCommerce's
 * refund lines), or a refunded column restating it, takes nothing more (it had netted the row to
 * an order of 0, or taken the refund twice).
 */
export const NET_AMOUNT =
  // round away float noise of Total - Refunded (25.880000000000003)
  'CASE WHEN refunded IS NULL OR amount < 0 THEN amount ELSE round(amount - refunded, 9) END'

/**
 * `net` for rows that have a refunded amount or not (`refunded` false: a file without one). Without
 * one it is the amount itself: the engine does not fold the CASE over an all-NULL column, which
 * costs a pass over every row and keeps a filter on it from being decided by statistics.
 */
export const netAmount = (refunded: boolean | undefined): string =>
  refunded === false ? 'amount' : NET_AMOUNT

/**
 * TEMP table `import_rows` in the column order of `orders`.
 * order_key: the order id; without one md5(customer|instant|amount|quantity|occurrence);
 * refunds (amount < 0): `<order id>:refund:<content hash prefix>:<n>` (`<content hash>:refund:<n>`
 * without an id), n counting identical refunds of the file; the refunded amount of an
 * order's own row (Shopify): a refund row `<order id>:refunded` (an order without an id gets its
 * row key as its id, so that the two link).
 * `plain`: the caller knows every row has an order id seen once and is no refund, so the key is
 * the id and no row needs numbering: a projection, made a view with `asView` (a first import into
 * an empty table then reads the rows once, straight into `orders`, instead of copying them twice).
 * `scratchFrom` (plain rows only): a scratch store's `orders` itself becomes a view over this typed
 * table (rows with `__line`), so the validated rows are never copied at all.
 */
export function importOrderRows(
  _d: Dialect,
  args: {
    tz: string
    source: string
    hasProblems: boolean
    plain?: boolean
    asView?: boolean
    scratchFrom?: string
    /**
     * The rows have a refunded amount (Shopify's Refunded Amount). Without one, net is the amount
     * itself: the engine does not fold the CASE over an all-NULL view column, and evaluating it
     * for every row of a 10M-order summary cost ~0.5 s.
     */
    refunded?: boolean
    /**
     * The rows have a margin or a cost. Without either, margin is NULL written as such: a filter
     * on it (the summary's "any margin?") is then decided without reading a row, which the engine
     * does not do for `net - cost` over an all-NULL view column (~0.2 s per ten million rows).
     */
    costs?: boolean
    /** The validated rows when they are not `import_typed` (line items summed into orders). */
    rows?: string
    /**
     * The currency of rows that name none: the one the file's amounts were marked in ("$10.50"
     * is USD, "€5" EUR), an ISO code of import-currency-marks.ts.
     */
    currency?: string
    /**
     * The rows have an `unpaid` column ('yes': the status says never paid or paid back in full).
     * An unpaid order of 0 has no amount to refund, and kept as it is it would read as a free
     * sample (a purchase): it is stored with a refund row of ZERO_REFUND instead.
     */
    unpaid?: boolean
  },
): Query {
  if (args.currency !== undefined && !/^[A-Z]{3}$/.test(args.currency)) {
    throw new Error(`not a currency code: ${args.currency}`)
  }
  const currency = args.currency ? `coalesce(currency, ${lit(args.currency)})` : 'currency'
  const net = netAmount(args.refunded)
  // to six decimals, as money is kept (README) and the server stores it: 116 - 0.000...03 of
  // float noise (115.99999999999997) was the stored margin of an amount of 129.99 at cost 13.99
  const margin =
    args.costs === false ? 'CAST(NULL AS DOUBLE)' : 'coalesce(margin, round(net - cost, 6))'
  const day = localDay(args.tz, 'ordered_at')
  // Plain orders (an id seen once, not a refund) need no window; only the rest are numbered.
  const simple = `order_id IS NOT NULL AND NOT is_refund AND order_id NOT IN (SELECT k FROM import_dupkeys)`
  const columns = `order_id, customer_id, ordered_at, ${day} AS order_date, net AS amount, ${currency} AS currency,
  quantity, cost, ${margin} AS margin, discount, channel, campaign,
  ${lit(args.source)} AS source, ${LINE} AS source_line`
  if (args.plain || args.scratchFrom) {
    const create = args.scratchFrom
      ? 'CREATE VIEW orders'
      : `CREATE OR REPLACE TEMP ${args.asView ? 'VIEW' : 'TABLE'} import_rows`
    const rows = args.scratchFrom
      ? `SELECT * FROM ${args.scratchFrom}`
      : (args.rows ?? goodRows(args.hasProblems))
    return {
      sql: `${create} AS
SELECT order_id AS order_key, ${columns}
FROM (SELECT *, ${net} AS net FROM (${rows}))`,
    }
  }
  // An order with an id and a refunded amount on its own row (Shopify's Refunded Amount, all of
  // it when voided) is stored as what was paid plus a refund row of the same order and day, so
  // the summary nets them by its refund rule: a day refunded in full is no purchase day.
  const zero = args.unpaid ? " OR (unpaid = 'yes' AND amount = 0)" : ''
  const split =
    args.refunded === false && !args.unpaid
      ? 'false'
      : `coalesce((refunded > 0${zero}) AND amount >= 0, false)`
  const refundRows = `
UNION ALL
SELECT order_id || ':refunded' AS order_key, order_id, customer_id, ordered_at, ${day} AS order_date,
  CASE WHEN refunded > 0 THEN -round(refunded, 9) ELSE ${ZERO_REFUND} END AS amount, ${currency} AS currency, CAST(NULL AS DOUBLE) AS quantity,
  CAST(NULL AS DOUBLE) AS cost,
  -- no margin of its own: the summary takes back the order's margin rate, as for a refund row of
  -- the file (a full refund of 100 bought at cost 60 takes back 40, not 100)
  CAST(NULL AS DOUBLE) AS margin,
  CAST(NULL AS DOUBLE) AS discount, channel, campaign, ${lit(args.source)} AS source,
  ${LINE} AS source_line
FROM k WHERE split AND (occ = 1 OR own_id)`
  return {
    sql: `CREATE OR REPLACE TEMP TABLE import_rows AS
WITH good AS (
  ${args.rows ?? goodRows(args.hasProblems)}
), h AS (
  SELECT *, net < 0 AS is_refund,
    CASE WHEN order_id IS NULL OR net < 0 THEN
      md5(concat_ws('|', customer_id, CAST(ordered_at AS VARCHAR), CAST(net AS VARCHAR),
                    coalesce(CAST(quantity AS VARCHAR), ''))) END AS ch
  FROM (SELECT *, ${split} AS split, CASE WHEN ${split} THEN amount ELSE ${net} END AS net FROM good)
), n AS (
  SELECT *, 1 AS occ FROM h WHERE ${simple}
  UNION ALL
  SELECT *, row_number() OVER (PARTITION BY coalesce(order_id, ch), is_refund, CASE WHEN is_refund THEN ch END ORDER BY ${LINE}) AS occ
  FROM h WHERE NOT (${simple})
), k AS (
  -- an order split from its refunded amount without an id of its own takes its row key as its
  -- id, so that the refund row finds it (a failed payment in a file without ids is no purchase)
  SELECT * REPLACE (CASE WHEN split AND order_id IS NULL THEN md5(ch || '|' || occ) ELSE order_id END AS order_id),
    split AND order_id IS NULL AS own_id
  FROM n
)
SELECT
  -- a refund of an order is keyed by its content too: another refund of the same order (next
  -- month's export) is added, the same refund imported again is found
  CASE WHEN is_refund THEN coalesce(order_id || ':refund:' || left(ch, 10), ch || ':refund') || ':' || occ
       WHEN order_id IS NOT NULL THEN order_id
       ELSE md5(ch || '|' || occ) END AS order_key,
  ${columns}
FROM k
WHERE is_refund OR order_id IS NULL OR own_id OR occ = 1${refundRows}`,
  }
}

/** The validated rows without a problem; the anti-join is skipped when there are none. */
export function goodRows(hasProblems: boolean): string {
  return hasProblems
    ? `SELECT * FROM import_typed t WHERE NOT EXISTS (SELECT 1 FROM import_problems p WHERE p.line = t.${LINE})`
    : 'SELECT * FROM import_typed'
}
