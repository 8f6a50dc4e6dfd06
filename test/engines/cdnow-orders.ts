// Load the bundled CDNOW orders through the Engine interface with positional parameters: the
// same statements on every engine (DuckDB's read_csv is not PostgreSQL's).
import { readFileSync } from 'node:fs'
import type { Engine } from '../../src/data/engine.ts'
import { CDNOW_ORDERS, parseCsv } from '../summary/load-orders.ts'

const BATCH = 1000

/** Insert all 6,919 CDNOW order rows into `orders`; returns the row count. */
export async function insertCdnowOrders(engine: Engine): Promise<number> {
  // the bundled file has CRLF line ends
  const rows = parseCsv(readFileSync(CDNOW_ORDERS, 'utf8').replaceAll('\r', ''))
  for (let start = 0; start < rows.length; start += BATCH) {
    const params: unknown[] = []
    const values = rows.slice(start, start + BATCH).map((r, i) => {
      const p = params.length
      const line = start + i + 2
      params.push(`cdnow:${line}`, r.customer_id, r.ordered_at, Number(r.amount), line)
      return `($${p + 1}, $${p + 2}, CAST($${p + 3} AS TIMESTAMP), CAST($${p + 3} AS DATE),
        $${p + 4}, 'cdnow', $${p + 5})`
    })
    await engine.exec({
      sql: `INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount, source,
        source_line) VALUES ${values.join(',\n')}`,
      params,
    })
  }
  return rows.length
}
