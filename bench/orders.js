// Seeded synthetic orders file, generated inside DuckDB (COPY ... FROM range(N)) so 10M rows take
// seconds. Randomness comes from hash(i, seed, k), not random(), so the file is identical for a
// given (orders, customers, seed) whatever the thread count.
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'

export const OUT_DIR = join(import.meta.dirname, 'out')

/** Uniform in (0, 1) from a hash of (row, seed, stream k). */
const u = (k, seed) => `((hash(i, ${seed}, ${k}) % 1000000007)::DOUBLE + 0.5) / 1000000007`

/**
 * SQL that writes `orders` rows for `customers` customers over 2023-01-01 .. 2025-12-31:
 * - every customer has at least one order (rows 0..customers-1 are first orders),
 * - the remaining orders go to customers with a skewed weight (u^2 -> low ids buy more),
 * - order time uniform over 3 years, amount lognormal exp(3.7 + 0.9 z) rounded to cents.
 */
export function ordersSql({ orders, customers, seed, file }) {
  const z = `sqrt(-2 * ln(${u(3, seed)})) * cos(2 * pi() * ${u(4, seed)})`
  return `COPY (
    SELECT
      'o' || lpad(i::VARCHAR, 9, '0') AS order_id,
      'c' || lpad((CASE WHEN i < ${customers} THEN i
                        ELSE floor(${customers} * pow(${u(1, seed)}, 2))::BIGINT END)::VARCHAR,
                  7, '0') AS customer_id,
      strftime(TIMESTAMP '2023-01-01 00:00:00'
               + to_seconds(floor(${u(2, seed)} * 94608000)::BIGINT), '%Y-%m-%dT%H:%M:%SZ')
        AS ordered_at,
      round(exp(3.7 + 0.9 * ${z}), 2) AS amount
    FROM range(${orders}) t(i)
    ORDER BY i
  ) TO '${file.replaceAll("'", "''")}' (FORMAT csv, HEADER true)`
}

/** Make (or reuse) bench/out/orders-<orders>-<customers>-s<seed>.csv; returns its path. */
export async function ensureOrdersFile({ orders, customers, seed = 42 }) {
  mkdirSync(OUT_DIR, { recursive: true })
  const file = join(OUT_DIR, `orders-${orders}-${customers}-s${seed}.csv`)
  if (existsSync(file) && statSync(file).size > 0) return { file, generatedMs: 0, reused: true }
  const tmp = `${file}.tmp`
  const t0 = performance.now()
  const db = await DuckDBInstance.create(':memory:')
  const conn = await db.connect()
  await conn.run(ordersSql({ orders, customers, seed, file: tmp }))
  conn.closeSync()
  db.closeSync()
  renameSync(tmp, file)
  return { file, generatedMs: performance.now() - t0, reused: false }
}

// `node bench/orders.js ORDERS CUSTOMERS [SEED]` writes the file and prints its path.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [orders = '1000000', customers = '100000', seed = '42'] = process.argv.slice(2)
  const r = await ensureOrdersFile({
    orders: Number(orders),
    customers: Number(customers),
    seed: Number(seed),
  })
  console.log(r.file)
}
