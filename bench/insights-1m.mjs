// Benchmark: `loyals insights` work on 1M customers / 10M orders / ~15M lines built in SQL
// (skewed order counts, 15 categories, 4 regions). Every customer orders: the first C orders go
// one to each, the rest by a skewed draw (alone, the draw reached only ~750k of the 1M). Run after `npx tsc -p tsconfig.build.json`:
//   node bench/insights-1m.mjs [/tmp/bench-insights.duckdb] [customers] [orders]
import { existsSync } from 'node:fs'
import { openWorkspace } from '../dist/data/workspace.js'
import { computeAnalysis } from '../dist/service/analyze.js'
import { computeInsights } from '../dist/service/insights/index.js'

const path = process.argv[2] ?? '/tmp/bench-insights.duckdb'
const C = Number(process.argv[3] ?? 1_000_000)
const O = Number(process.argv[4] ?? 10_000_000)
const fresh = !existsSync(path)
const e = await openWorkspace(path)
let t = performance.now()
const lap = (label) => {
  const now = performance.now()
  console.log(`${label}: ${((now - t) / 1000).toFixed(1)} s`)
  t = now
}
if (fresh) {
  await e.exec(`INSERT INTO customers (customer_id, country, region, industry, channel, campaign)
SELECT 'C' || lpad(i::VARCHAR, 7, '0'), ['DE','US','GB','FR'][CAST(1 + hash(i) % 4 AS BIGINT)],
  ['North','South','East','West'][CAST(1 + hash(i * 7) % 4 AS BIGINT)], 'Consumer',
  ['organic','paid_search','social','email'][CAST(1 + hash(i * 3) % 4 AS BIGINT)],
  ['spring','summer', NULL][CAST(1 + hash(i * 5) % 3 AS BIGINT)]
FROM range(${C}) t(i)`)
  await e.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount,
  quantity, discount, channel)
SELECT 'O' || j, 'O' || j, 'C' || lpad(c::VARCHAR, 7, '0'), d + INTERVAL (hash(j * 17) % 86400) SECOND, d,
  20 + (hash(j * 11) % 20000) / 100.0, 1 + hash(j * 19) % 3,
  CASE WHEN hash(j * 23) % 5 = 0 THEN 5 ELSE 0 END, ['web','app','store'][CAST(1 + hash(j * 29) % 3 AS BIGINT)]
FROM (SELECT j, CASE WHEN j < ${C} THEN j
    ELSE CAST(floor(pow(CAST(hash(j) % 1000000 AS DOUBLE) / 1e6, 2) * ${C}) AS BIGINT) END AS c,
  DATE '2023-01-01' + CAST(hash(j * 13) % 1095 AS INTEGER) AS d FROM range(${O}) t(j))`)
  await e.exec(`INSERT INTO order_lines (line_key, order_id, product_id, product_name, category, quantity, amount)
SELECT 'O' || j || ':' || k, 'O' || j, 'P' || (hash(j * 31 + k) % 200), 'Product ' || (hash(j * 31 + k) % 200),
  ['Sunglasses','Lenses','Frames','Eye Care','Cases','Straps','Cleaning','Kids','Sport','Reading',
   'Contact','Gift','Outlet','Premium','Accessories'][CAST(1 + hash(j * 37 + k) % 15 AS BIGINT)], 1, 10
FROM range(${O}) t(j), range(2) s(k) WHERE k = 0 OR hash(j * 41) % 2 = 0`)
  lap('build workspace')
}
const [n] = await e.query(
  'SELECT (SELECT count(*) FROM customers) c, (SELECT count(DISTINCT customer_id) FROM orders) buyers, (SELECT count(*) FROM orders) o, (SELECT count(*) FROM order_lines) l',
)
console.log(n)
t = performance.now()
const a = await computeAnalysis(e, { source: 'bench', predictions: false, value: false })
lap('analyze (summary, RFM, concentration; no predictions)')
// CPU time (all DuckDB threads are in this process) next to wall time: on a shared machine the
// wall clock measures the neighbours too.
const progress = {
  step: async (label, fn) => {
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    const r = await fn()
    const c = process.cpuUsage(c0)
    console.log(
      `  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU`,
    )
    return r
  },
}
const cpu0 = process.cpuUsage()
const r = await computeInsights(e, { asOf: a.asOf }, progress)
lap('insights (all analyses)')
const cpu = process.cpuUsage(cpu0)
console.log(`insights CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`)
console.log(
  'top cohort',
  r.summary.cohort.top,
  'itemsets',
  r.summary.pathToBest?.tested,
  'AUC',
  r.summary.risingStars?.validation.auc,
  'lapsed',
  r.summary.lapsedBest.customers,
)
console.log('rss MB', Math.round(process.memoryUsage().rss / 2 ** 20))
await e.close()
