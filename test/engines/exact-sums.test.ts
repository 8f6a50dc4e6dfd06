// Totals the outputs print (revenue, spend and margin shares, segment revenue, predicted totals)
// are added up exactly: a sum of doubles depends on the order parallel threads add them in, so
// two runs on the same data printed figures differing in their last digits. Here the values are
// chosen so that adding the doubles in row order does not give the exact total.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { analysisTotals } from '../../src/data/queries/analysis-totals.ts'
import { concentrationGini } from '../../src/data/queries/concentration-gini.ts'
import { exactSum } from '../../src/data/queries/customer-summary.ts'
import { createTempTableAs } from '../../src/data/queries/dialect-sql.ts'
import { spendFacts } from '../../src/data/queries/prediction-inputs.ts'
import { predictionTotals } from '../../src/data/queries/prediction-join.ts'
import { rfmSegmentCounts } from '../../src/data/queries/rfm-segment-counts.ts'
import { openStore, STORES, type TestStore } from './stores.ts'

// 0.1 + 0.2 + 0.3 in doubles is 0.6000000000000001; exactly, 0.6
const REVENUES = [0.1, 0.2, 0.3]

async function valuesTable(engine: Engine): Promise<void> {
  const rows = REVENUES.map(
    (r, i) =>
      `('c${i}', '${r}', '${r / 2}', '${r}', 1, 2, 1, 'Loyal', '${r}', '${r}', '${r / 10}')`,
  ).join(',\n')
  const dbl = (c: string) => `CAST(CAST(${c} AS VARCHAR) AS DOUBLE PRECISION) AS ${c}`
  await engine.exec(`${createTempTableAs(engine.dialect, 't')}
SELECT customer_id, ${dbl('revenue')}, ${dbl('margin')}, ${dbl('margin_revenue')},
  CAST(x AS INTEGER) AS x, CAST(purchase_days AS INTEGER) AS purchase_days,
  CAST(orders AS INTEGER) AS orders, CAST(rfm_segment AS VARCHAR) AS rfm_segment,
  ${dbl('monetary')}, ${dbl('predicted_value')}, ${dbl('p_alive')},
  CAST(NULL AS DOUBLE PRECISION) AS holdout_revenue, CAST('2024-01-01' AS DATE) AS first_purchase,
  CAST('2024-01-01' AS DATE) AS last_purchase, 0 AS days_since_last,
  CAST(1 AS DOUBLE PRECISION) AS expected_purchases,
  CAST(1 AS DOUBLE PRECISION) AS p_next_purchase_horizon,
  CAST(NULL AS DATE) AS expected_next_purchase
FROM (VALUES ${rows}) AS v(customer_id, revenue, margin, margin_revenue, x, purchase_days,
  orders, rfm_segment, monetary, predicted_value, p_alive)`)
}

describe.each(STORES)('exact sums on $name', (kind) => {
  let engine: Engine
  let store: TestStore
  beforeAll(async () => {
    ;({ engine, store } = await openStore(kind))
    await valuesTable(engine)
  })
  afterAll(async () => {
    await engine.close()
    await store.cleanup()
  })

  it('exactSum adds the values as decimals (row-order doubles would not give 0.6)', async () => {
    expect(REVENUES.reduce((a, b) => a + b, 0)).not.toBe(0.6)
    const [exact] = await engine.query<{ s: number }>(`SELECT ${exactSum('revenue')} AS s FROM t`)
    expect(Number(exact?.s)).toBe(0.6)
  })

  it('segment revenue and prediction totals are exact', async () => {
    const [seg] = await engine.query<{ revenue: number; share_revenue: number }>(
      rfmSegmentCounts(engine.dialect, { rfm: 't' }),
    )
    expect(Number(seg?.revenue)).toBe(0.6)
    expect(Number(seg?.share_revenue)).toBe(1)
    const [pred] = await engine.query<{ predicted_value: number; mean_p_alive: number }>(
      predictionTotals(engine.dialect, { table: 't' }),
    )
    expect(Number(pred?.predicted_value)).toBe(0.6)
    expect(Number(pred?.mean_p_alive)).toBe(0.06 / 3)
  })

  it('the Gini adds up its values exactly (rows in ascending order: 0.1 + 0.2 + 0.3)', async () => {
    // ranked by value, most first: 0.3 is rank 1, 0.1 rank 3
    await engine.exec(`${createTempTableAs(engine.dialect, 'ranked')}
SELECT CAST(CAST(v AS VARCHAR) AS DOUBLE PRECISION) AS value, CAST(rn AS BIGINT) AS rn
FROM (VALUES ('0.1', 3), ('0.2', 2), ('0.3', 1)) AS r(v, rn)`)
    const [g] = await engine.query<{ gini: number }>(
      concentrationGini(engine.dialect, { ranked: 'ranked' }),
    )
    // G = (n + 1) / n - 2 sum(rn x) / (n S), the sums exactly 1 and 0.6; in row order the
    // doubles give S = 0.6000000000000001 and G = 0.22222222222222232
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6)
    expect(Number(g?.gini)).toBe(4 / 3 - (2 * 1) / (3 * 0.6))
  })
})

// the analysis files are written by the embedded store only
describe('exact sums of the analysis (DuckDB)', () => {
  let engine: Engine
  let store: TestStore
  beforeAll(async () => {
    ;({ engine, store } = await openStore(STORES[0] as (typeof STORES)[number]))
    await valuesTable(engine)
  })
  afterAll(async () => {
    await engine.close()
    await store.cleanup()
  })

  it('analysis totals and the spend and margin facts of the predictions are exact', async () => {
    const [totals] = await engine.query<{ revenue: number; margin: number }>(
      analysisTotals(engine.dialect, { table: 't' }),
    )
    expect(Number(totals?.revenue)).toBe(0.6)
    expect(Number(totals?.margin)).toBe(0.3)
    const [facts] = await engine.query<Record<string, number>>(
      spendFacts(engine.dialect, { summary: 't' }),
    )
    expect(Number(facts?.mean_repeat_spend)).toBe(0.6 / 3)
    expect(Number(facts?.mean_day_spend)).toBe(0.6 / 6)
    expect(Number(facts?.margin_share)).toBe(0.3 / 0.6)
  })
})
