// Test helper: put orders straight into a workspace with SQL, without the importer.
import type { Engine } from '../../src/data/engine.ts'
import { ROOT } from '../helpers/cli.ts'

export const CDNOW_ORDERS = `${ROOT}/data/cdnow/cdnow_sample_orders.csv`
export const CDNOW_SUMMARY = `${ROOT}/test/fixtures/cdnow/cdnow_calibration_summary.csv`

/** One order row: [order_key, order_id, customer_id, YYYY-MM-DD, amount, margin]. */
export type OrderRow = readonly [string, string | null, string, string, number, number | null]

const lit = (v: string | number | null): string =>
  v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`

export async function insertOrders(engine: Engine, rows: readonly OrderRow[]): Promise<void> {
  const values = rows
    .map(
      ([key, id, cust, day, amount, margin], i) =>
        `(${lit(key)}, ${lit(id)}, ${lit(cust)}, TIMESTAMP '${day} 12:00:00', DATE '${day}', ` +
        `${amount}, ${lit(margin)}, 'test', ${i + 2})`,
    )
    .join(',\n')
  await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date,
    amount, margin, source, source_line) VALUES ${values}`)
}

/** Load the CDNOW sample (no order ids: each row is its own order) into `orders`. */
export async function loadCdnow(engine: Engine): Promise<void> {
  await engine.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount,
      quantity, source, source_line)
    SELECT 'cdnow:' || line, CAST(customer_id AS VARCHAR), CAST(ordered_at AS TIMESTAMP),
      CAST(ordered_at AS DATE), amount, quantity, 'cdnow', line
    FROM (SELECT *, row_number() OVER () + 1 AS line
          FROM read_csv('${CDNOW_ORDERS}', header = true,
            columns = {'customer_id': 'BIGINT', 'ordered_at': 'DATE', 'quantity': 'DOUBLE',
                       'amount': 'DOUBLE'}))`)
}

/** Parse a simple CSV (no quoted commas) into header-keyed rows. */
export function parseCsv(text: string): Record<string, string>[] {
  const lines = text.trim().split(/\r?\n/)
  const header = (lines.shift() ?? '').split(',')
  return lines.map((l) => {
    const cells = l.split(',')
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']))
  })
}
