// Order lines ready to store. line_key = order id + content hash + occurrence, so a re-import
// matches the same lines even if the file's rows were reordered.
import type { Dialect, Query } from '../engine.ts'
import { goodRows } from './import-order-rows.ts'
import { ident, LINE, lineContent, lit, withOrderRuns } from './import-stage.ts'

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

/**
 * TEMP table `import_line_rows` from validated `import_typed` (kind order-lines). `unitPrice`: the
 * rows have a unit_price column, and a line without an amount is worth it times its quantity (1
 * when none is given), rounded as an orders file's line items are.
 */
export function importLineRows(
  _d: Dialect,
  args: { source: string; hasProblems: boolean; unitPrice?: boolean },
): Query {
  const rows = goodRows(args.hasProblems)
  const from = args.unitPrice
    ? `SELECT ${LINE}, order_id, product_id, product_name, category, quantity,
    coalesce(amount, round(unit_price * coalesce(quantity, 1), 9)) AS amount
  FROM (${rows}) g`
    : rows
  return { sql: `CREATE OR REPLACE TEMP TABLE import_line_rows AS ${keyed(args.source, from)}` }
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
    /**
     * SQL of a line number's text as the engine reads it as a number; default: commas between
     * thousands dropped. A file written with decimal commas passes its own rule (validate.ts
     * decimalCommaSql), so that a price of 10,00 is ten, not 1000.
     */
    readNumber?: (text: string) => string
  },
): Query {
  const t = (c: string | undefined) =>
    c ? `nullif(trim(${ident(c)}), '')` : 'CAST(NULL AS VARCHAR)'
  const read = args.readNumber ?? ((v: string) => `replace(${v}, ',', '')`)
  const n = (c: string | undefined) =>
    c ? `try_cast(${read(t(c))} AS DOUBLE)` : 'CAST(NULL AS DOUBLE)'
  // a line repeated further down (two exports pasted together) is stored once (withOrderRuns)
  const from = `SELECT ${LINE}, ${t(args.name)} AS order_id, ${t(args.sku)} AS product_id,
    ${t(args.title)} AS product_name, CAST(NULL AS VARCHAR) AS category, ${n(args.qty)} AS quantity,
    -- rounded: a float product (6 x 2.55) carries noise in its last bits
    round(${args.lineTotal ? n(args.price) : `${n(args.price)} * coalesce(${n(args.qty)}, 1)`}, 9) AS amount
  FROM (${withOrderRuns(t(args.name), 'import_raw', lineContent([args.sku, args.title, args.qty, args.price]))}) r
  WHERE __counted AND (${t(args.sku)} IS NOT NULL OR ${t(args.title)} IS NOT NULL)
    AND ${t(args.name)} IN (SELECT order_id FROM import_rows WHERE order_id IS NOT NULL)${
      args.hasProblems
        ? `
    AND ${LINE} NOT IN (SELECT line FROM import_problems)`
        : ''
    }`
  return { sql: `CREATE OR REPLACE TEMP TABLE import_line_rows AS ${keyed(args.source, from)}` }
}

/**
 * Stored lines of the orders whose lines the import carries (`import_line_rows`) that the file no
 * longer has: the lines a file carries for an order are that order's lines, so a corrected
 * re-export replaces them rather than adding its changed line beside the old one (lines are keyed
 * by content, and a line number, where a file has one, is no more stable across exports). An
 * order with a line left out as bad (`hasProblems`) keeps its stored lines: the file does not
 * have all of them.
 */
function replacedLines(hasProblems: boolean): string {
  const kept = hasProblems
    ? `
  AND order_id NOT IN (SELECT order_id FROM import_typed
    WHERE order_id IS NOT NULL AND ${LINE} IN (SELECT line FROM import_problems))`
    : ''
  return `FROM order_lines
WHERE order_id IN (SELECT order_id FROM import_line_rows)
  AND line_key NOT IN (SELECT line_key FROM import_line_rows)${kept}`
}

/** Stored lines the import replaces (see replacedLines): columns n (lines) and orders. */
export function countReplacedLines(_d: Dialect, args: { hasProblems: boolean }): Query {
  return {
    sql: `SELECT count(*) AS n, count(DISTINCT order_id) AS orders ${replacedLines(args.hasProblems)}`,
  }
}

/** DELETE the stored lines the import replaces (see replacedLines); inside the write transaction. */
export function deleteReplacedLines(_d: Dialect, args: { hasProblems: boolean }): Query {
  return { sql: `DELETE ${replacedLines(args.hasProblems)}` }
}

/**
 * Lines of the import (`import_line_rows`) whose order is not in the workspace, after the write:
 * n (lines), orders, examples (up to 3 order ids, file order). They are stored, and count with
 * their order once it is imported.
 */
export function importLinesWithoutOrder(_d: Dialect): Query {
  return {
    sql: `SELECT count(*) AS n, count(DISTINCT order_id) AS orders,
  (SELECT string_agg(order_id, ', ' ORDER BY first) FROM (
     SELECT order_id, min(source_line) AS first FROM import_line_rows l
     WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = l.order_id)
     GROUP BY order_id ORDER BY first LIMIT 3)) AS examples
FROM import_line_rows l
WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = l.order_id)`,
  }
}
