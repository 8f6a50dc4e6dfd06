// Order lines ready to store. line_key = order id + content hash + occurrence, so a re-import
// matches the same lines even if the file's rows were reordered.
import type { Dialect, Query } from '../engine.ts'
import { goodRows } from './import-order-rows.ts'
import { ident, LINE, lit, withOrderRuns } from './import-stage.ts'

export const LINE_COLUMNS = [
  'line_key',
  'order_id',
  'product_id',
  'product_name',
  'category',
  'quantity',
  'amount',
  'source',
  'source_line',
] as const

const keyed = (source: string, from: string): string => `
SELECT order_id || ':' || ch || ':' || row_number() OVER (PARTITION BY order_id, ch ORDER BY ${LINE}) AS line_key,
  order_id, product_id, product_name, category, quantity, amount,
  ${lit(source)} AS source, ${LINE} AS source_line
FROM (
  SELECT *, left(md5(concat_ws('|', coalesce(product_id, ''), coalesce(product_name, ''),
      coalesce(category, ''), coalesce(CAST(quantity AS VARCHAR), ''),
      coalesce(CAST(amount AS VARCHAR), ''))), 12) AS ch
  FROM (${from})
)`

/** TEMP table `import_line_rows` from validated `import_typed` (kind order-lines). */
export function importLineRows(_d: Dialect, args: { source: string; hasProblems: boolean }): Query {
  return {
    sql: `CREATE OR REPLACE TEMP TABLE import_line_rows AS ${keyed(
      args.source,
      goodRows(args.hasProblems),
    )}`,
  }
}

/**
 * TEMP table `import_line_rows` from an orders file with a line item on its rows (a Shopify orders
 * export, a file of line items): every row with a line item, for the orders accepted into
 * `import_rows`. Line amount = price x quantity (Lineitem price x Lineitem quantity), or the
 * price itself when it is the line's total (`lineTotal`: Amazon's item-price).
 */
export function importItemLineRows(
  _d: Dialect,
  args: {
    source: string
    name: string
    sku?: string
    title?: string
    qty?: string
    price?: string
    lineTotal?: boolean
    /** Some lines were rejected (import_problems): their items are left out with them. */
    hasProblems?: boolean
  },
): Query {
  const t = (c: string | undefined) =>
    c ? `nullif(trim(${ident(c)}), '')` : 'CAST(NULL AS VARCHAR)'
  const n = (c: string | undefined) =>
    c ? `try_cast(replace(${t(c)}, ',', '') AS DOUBLE)` : 'CAST(NULL AS DOUBLE)'
  // the lines of an order's first run of rows only (withOrderRuns), as the order is stored once
  const from = `SELECT ${LINE}, ${t(args.name)} AS order_id, ${t(args.sku)} AS product_id,
    ${t(args.title)} AS product_name, CAST(NULL AS VARCHAR) AS category, ${n(args.qty)} AS quantity,
    -- rounded: a float product (6 x 2.55) carries noise in its last bits
    round(${args.lineTotal ? n(args.price) : `${n(args.price)} * coalesce(${n(args.qty)}, 1)`}, 9) AS amount
  FROM (${withOrderRuns(t(args.name), 'import_raw')}) r
  WHERE __run = __first_run AND (${t(args.sku)} IS NOT NULL OR ${t(args.title)} IS NOT NULL)
    AND ${t(args.name)} IN (SELECT order_id FROM import_rows WHERE order_id IS NOT NULL)${
      args.hasProblems
        ? `
    AND ${LINE} NOT IN (SELECT line FROM import_problems)`
        : ''
    }`
  return { sql: `CREATE OR REPLACE TEMP TABLE import_line_rows AS ${keyed(args.source, from)}` }
}
