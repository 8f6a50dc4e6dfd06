// What an import will change in a store table, computed before the write transaction: the staged
// rows whose key is new or whose content differs. Bookkeeping columns (source, source_line) are
// not content, so re-importing the same rows from another file name writes nothing; nor are the
// columns the file does not have (`keep`), so a file that leaves out an optional column neither
// erases what the store holds in it nor counts as a change.
import type { Dialect, Query } from '../engine.ts'
import { isZeroRefundMark } from './import-order-rows.ts'
import { ident } from './import-stage.ts'

const BOOKKEEPING = new Set(['source', 'source_line'])

export function differs(columns: readonly string[], key: string, a: string, b: string): string {
  return columns
    .filter((c) => c !== key && !BOOKKEEPING.has(c))
    .map((c) => `${a}.${ident(c)} IS DISTINCT FROM ${b}.${ident(c)}`)
    .join(' OR ')
}

/**
 * TEMP table `into` = rows of `staged` to write, with `__new` (key absent from `table`).
 * `keep`: columns the file has no column for (staged as NULL): a stored row keeps its own values
 * in them and they are not compared. `tableEmpty` skips the join (and the copy) on a first import.
 */
export function importChanges(
  _d: Dialect,
  args: {
    staged: string
    table: string
    key: string
    columns: readonly string[]
    into: string
    tableEmpty: boolean
    keep?: readonly string[]
  },
): Query {
  const k = ident(args.key)
  const keep = new Set(args.keep ?? [])
  const kept = args.columns.filter((c) => keep.has(c) && c !== args.key)
  const replace =
    kept.length === 0
      ? ''
      : ` REPLACE (${kept.map((c) => `CASE WHEN o.${k} IS NULL THEN r.${ident(c)} ELSE o.${ident(c)} END AS ${ident(c)}`).join(', ')})`
  const compared = args.columns.filter((c) => !keep.has(c))
  // every column kept: a stored row is never a change
  const changed = differs(compared, args.key, 'r', 'o') || 'false'
  const body = args.tableEmpty
    ? `SELECT r.*, true AS __new FROM ${args.staged} r`
    : `SELECT r.*${replace}, o.${k} IS NULL AS __new
FROM ${args.staged} r LEFT JOIN ${args.table} o ON o.${k} = r.${k}
WHERE o.${k} IS NULL OR ${changed}`
  // A first import writes everything: a view avoids copying millions of rows once more.
  const what = args.tableEmpty ? 'VIEW' : 'TABLE'
  return { sql: `CREATE OR REPLACE TEMP ${what} ${args.into} AS ${body}` }
}

/** How many replaced orders an import names (the count says the rest). */
export const CHANGED_SHOWN = 5

/**
 * The orders of the write set `import_write` that replace stored ones (a later export's version of
 * an order id wins), the first `CHANGED_SHOWN` in file order, each with what changed: amount,
 * date, customer ("customer C1 -> C9"), then the names of other changed fields. Run before the
 * write, while `orders` holds the old versions.
 */
export function importChangedOrders(_d: Dialect): Query {
  // the ZERO_REFUND mark of a cancelled order of 0 is said as what it means, not as -1e-09
  const num = (v: string) =>
    `CASE WHEN ${isZeroRefundMark(v)} THEN '0 (cancelled)' ELSE coalesce(regexp_replace(CAST(CAST(${v} AS DOUBLE) AS VARCHAR), '\\.0$', ''), 'none') END`
  const text = (v: string) => `coalesce(CAST(${v} AS VARCHAR), 'none')`
  const change = (label: string, col: string, show: (v: string) => string) =>
    `CASE WHEN r.${ident(col)} IS DISTINCT FROM o.${ident(col)}
      THEN '${label} ' || ${show(`o.${ident(col)}`)} || ' -> ' || ${show(`r.${ident(col)}`)} END`
  // the time of day changed on the same day: said as the instant
  const when = `CASE WHEN r.order_date IS DISTINCT FROM o.order_date
      THEN 'date ' || ${text('o.order_date')} || ' -> ' || ${text('r.order_date')}
    WHEN r.ordered_at IS DISTINCT FROM o.ordered_at
      THEN 'time ' || ${text('o.ordered_at')} || ' -> ' || ${text('r.ordered_at')} END`
  const others = ['currency', 'quantity', 'cost', 'margin', 'discount', 'channel', 'campaign']
    .map((c) => `CASE WHEN r.${ident(c)} IS DISTINCT FROM o.${ident(c)} THEN '${c}' END`)
    .join(', ')
  return {
    // a refund row (amount < 0) of an order is named as its refund: "#1002" twice, for the order
    // and its refund row, read as one order listed twice
    // a row without an order id by its line: its key is a content hash no one can look up
    sql: `SELECT coalesce(r.order_id, 'the ' || CASE WHEN r.amount < 0 THEN 'refund' ELSE 'order' END
      || ' on line ' || CAST(r.source_line AS VARCHAR))
    || CASE WHEN r.amount < 0 AND r.order_id IS NOT NULL THEN '''s refund' ELSE '' END AS order_id,
  concat_ws('; ', ${change('customer', 'customer_id', text)}, ${change('amount', 'amount', num)}, ${when},
    nullif(concat_ws(', ', ${others}), '')) AS what
FROM import_write r JOIN orders o ON o.order_key = r.order_key
WHERE NOT r.__new
ORDER BY r.source_line, r.order_key
LIMIT ${CHANGED_SHOWN}`,
  }
}
