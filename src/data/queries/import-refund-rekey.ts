// A refund row is keyed by its order and a hash of its content, the time of day included (two
// refunds of one order in one file must stay two rows). A later export that writes the same
// refund another way (a time where the first had only the date, another hour, a date-only file
// read in another --tz) gave it another key, and the refund was stored twice. The README's rule is
// that a refund is known by its order, day and amount: this rekeys such a row to the stored one.
import type { Dialect, Query } from '../engine.ts'

/**
 * UPDATE import_rows: an incoming refund of an order (amount < 0, key `<order id>:refund:...`)
 * whose key is not stored takes the key of a stored refund of the same order, customer, day,
 * amount and quantity whose key this import does not bring. Several such refunds on one day are
 * paired in order (the file's lines; the stored ones by time, then key), so two refunds of 10 on
 * one day stay two. Run after `import_rows` is built, before the write set.
 */
export function importRefundRekey(_d: Dialect): Query {
  const same = (a: string, b: string) =>
    ['order_id', 'customer_id', 'order_date', 'amount', 'quantity']
      .map((c) => `${a}.${c} IS NOT DISTINCT FROM ${b}.${c}`)
      .join(' AND ')
  const rank = (order: string) =>
    `row_number() OVER (PARTITION BY order_id, customer_id, order_date, amount, quantity ORDER BY ${order}) AS rk`
  return {
    sql: `UPDATE import_rows SET order_key = m.stored_key
FROM (
  WITH incoming AS (
    SELECT order_key, order_id, customer_id, order_date, amount, quantity, ${rank('source_line, order_key')}
    FROM import_rows r
    WHERE r.amount < 0 AND r.order_id IS NOT NULL AND starts_with(r.order_key, r.order_id || ':refund:')
      AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_key = r.order_key)
  ), stored AS (
    SELECT order_key, order_id, customer_id, order_date, amount, quantity, ${rank('ordered_at, order_key')}
    FROM orders o
    WHERE o.amount < 0 AND o.order_id IN (SELECT order_id FROM incoming)
      AND starts_with(o.order_key, o.order_id || ':refund:')
      AND NOT EXISTS (SELECT 1 FROM import_rows r WHERE r.order_key = o.order_key)
  )
  SELECT i.order_key AS incoming_key, s.order_key AS stored_key
  FROM incoming i JOIN stored s ON ${same('i', 's')} AND i.rk = s.rk
) m
WHERE import_rows.order_key = m.incoming_key`,
  }
}
