// Customers' places from an orders file that says where each order went (Country, Billing City):
// the latest order's country, region and city fill what the customers table does not say, so an
// orders export alone (the UCI Online Retail data) shows where the best customers are. A customers
// file's own values are never overwritten, a place an earlier orders file gave follows a later
// order whichever file comes first, and re-importing the same orders changes nothing.
import type { Dialect, Query } from '../engine.ts'
import { createTempTableAs } from './dialect-sql.ts'
import { LINE, lit } from './import-stage.ts'

export const PLACE_FIELDS = ['country', 'region', 'city'] as const

/**
 * TEMP table `import_order_places` (customer_id, country, region, city, line, ordered_at): per
 * customer of `rows` (validated order rows with ordered_at and the place fields), the place of the
 * latest order that has one (ties: the later line), with `fields` the place fields the file has.
 */
export function importOrderPlaces(
  d: Dialect,
  args: { rows: string; fields: readonly (typeof PLACE_FIELDS)[number][] },
): Query {
  const has = (f: string) => args.fields.includes(f as (typeof PLACE_FIELDS)[number])
  const value = (f: string) => (has(f) ? f : 'CAST(NULL AS VARCHAR)')
  const any = args.fields.map((f) => `${f} IS NOT NULL`).join(' OR ')
  const where = `WHERE customer_id IS NOT NULL AND (${any})`
  if (d === 'postgres') {
    return {
      sql: `${createTempTableAs(d, 'import_order_places')}
SELECT DISTINCT ON (customer_id) customer_id,
  ${PLACE_FIELDS.map((f) => `${value(f)} AS ${f}`).join(', ')}, ${LINE} AS line, ordered_at
FROM (${args.rows}) r
${where}
ORDER BY customer_id, ordered_at DESC, ${LINE} DESC`,
    }
  }
  // DuckDB: one hash aggregate; DISTINCT ON sorted all 10M rows of an orders file (4.9 s vs ~1 s)
  const place = `{${PLACE_FIELDS.map((f) => `'${f}': ${value(f)}`).join(', ')}, 'line': ${LINE}, 'at': ordered_at}`
  return {
    sql: `${createTempTableAs(d, 'import_order_places')}
SELECT customer_id, ${PLACE_FIELDS.map((f) => `p.${f} AS ${f}`).join(', ')}, p.line AS line,
  p.at AS ordered_at
FROM (
  SELECT customer_id, arg_max(${place}, {'t': ordered_at, 'l': ${LINE}}) AS p
  FROM (${args.rows}) r
  ${where}
  GROUP BY customer_id
)`,
  }
}

/**
 * A stored customer whose record says no place at all: the order's place fills it as a whole. A
 * place is one unit: a customers file's "Paris, France" with no region must not take the region
 * of a billing address in Massachusetts.
 */
const fillable = PLACE_FIELDS.map((f) => `c.${f} IS NULL`).join(' AND ')

/**
 * A stored customer whose place an orders file gave (the row's source is a file imported as
 * orders: addOrderPlaces, or this) and whose order that said it is no longer stored or is older
 * than the one in `import_order_places`, which says another place: the later order's place is
 * theirs, whichever of the two files was imported first.
 */
const movable = `EXISTS (SELECT 1 FROM imports i WHERE i.kind = 'orders' AND i.file = c.source)
  AND NOT EXISTS (
    SELECT 1 FROM orders o
    WHERE o.customer_id = c.customer_id AND o.source = c.source
      AND o.source_line = c.source_line AND o.ordered_at >= p.ordered_at
  )
  AND (${PLACE_FIELDS.map((f) => `c.${f} IS DISTINCT FROM p.${f}`).join(' OR ')})`

/**
 * Columns added (customers not stored yet), filled (stored, with an empty place field known) and
 * moved (stored with an orders file's place, which a later order of this file changes).
 */
export function countOrderPlaces(_d: Dialect, args: { moving?: boolean } = {}): Query {
  // `moving: false` (ordersPlaced found none): no stored place can move, and the joins of
  // `movable` with every stored order (~0.4-1.1 s at 10M orders) are not made
  const moved =
    args.moving === false
      ? '0'
      : `count(*) FILTER (WHERE c.customer_id IS NOT NULL AND NOT (${fillable}) AND ${movable})`
  return {
    sql: `SELECT count(*) FILTER (WHERE c.customer_id IS NULL) AS added,
  count(*) FILTER (WHERE c.customer_id IS NOT NULL AND (${fillable})) AS filled,
  ${moved} AS moved
FROM import_order_places p
LEFT JOIN customers c ON c.customer_id = p.customer_id`,
  }
}

/** Column n: 1 when a stored customer's place came from an orders file (one may move), else 0. */
export function ordersPlaced(_d: Dialect): Query {
  return {
    sql: `SELECT count(*) AS n FROM (
  SELECT 1 FROM customers c
  WHERE EXISTS (SELECT 1 FROM imports i WHERE i.kind = 'orders' AND i.file = c.source)
  LIMIT 1
) x`,
  }
}

/**
 * Give the customers of {@link movable} the place of `import_order_places`, with its file and
 * line as the row's source: the order a later import compares with.
 */
export function moveOrderPlaces(_d: Dialect, args: { source: string }): Query {
  return {
    sql: `UPDATE customers AS c SET
  ${PLACE_FIELDS.map((f) => `${f} = p.${f}`).join(',\n  ')},
  source = ${lit(args.source)}, source_line = p.line
FROM import_order_places p
WHERE c.customer_id = p.customer_id AND NOT (${fillable}) AND ${movable}`,
  }
}

/** Fill the place of stored customers who have none from `import_order_places`. */
export function fillOrderPlaces(_d: Dialect): Query {
  return {
    sql: `UPDATE customers AS c SET
  ${PLACE_FIELDS.map((f) => `${f} = p.${f}`).join(',\n  ')}
FROM import_order_places p
WHERE c.customer_id = p.customer_id AND (${fillable})`,
  }
}

/**
 * Add the customers of `import_order_places` not stored yet: their source is the orders file and
 * the line of the order that said the place.
 */
export function addOrderPlaces(_d: Dialect, args: { source: string }): Query {
  return {
    sql: `INSERT INTO customers (customer_id, ${PLACE_FIELDS.join(', ')}, source, source_line)
SELECT p.customer_id, ${PLACE_FIELDS.map((f) => `p.${f}`).join(', ')}, ${lit(args.source)}, p.line
FROM import_order_places p
WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = p.customer_id)`,
  }
}
