// The reference: a fresh DuckDB reads the orders CSV and groups it by customer (count, sum,
// first and last date). Run as its own process so its wall time and peak RSS compare fairly
// with the CLI's. Usage: node bench/bare-scan.js FILE  -> prints one JSON line.
import { DuckDBInstance } from '@duckdb/node-api'

const file = process.argv[2]
if (!file) {
  console.error('usage: node bench/bare-scan.js FILE')
  process.exit(2)
}
const t0 = performance.now()
const db = await DuckDBInstance.create(':memory:')
const conn = await db.connect()
const esc = file.replaceAll("'", "''")
const reader = await conn.runAndReadAll(`
  WITH per_customer AS (
    SELECT customer_id, count(*) AS orders, sum(amount) AS revenue,
           min(ordered_at) AS first_at, max(ordered_at) AS last_at
    FROM read_csv('${esc}', header = true)
    GROUP BY customer_id
  )
  SELECT count(*)::BIGINT AS customers, sum(orders)::BIGINT AS orders, sum(revenue) AS revenue
  FROM per_customer`)
const [row] = reader.getRowObjectsJson()
conn.closeSync()
db.closeSync()
console.log(JSON.stringify({ ...row, ms: performance.now() - t0 }))
