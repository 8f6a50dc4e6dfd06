// Path to best: the first-order value band keeps equal values together, so a common price point
// is never split over bands by customer order (which could make a band "predict" the top cohort).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { INSIGHTS_BASE } from '../../src/data/queries/insights-base.ts'
import {
  INSIGHTS_ITEMS,
  insightsBasketItems,
} from '../../src/data/queries/insights-basket-items.ts'
import { INSIGHTS_FIRST } from '../../src/data/queries/insights-first-orders.ts'
import { openWorkspace } from '../../src/data/workspace.ts'

let engine: Engine

beforeAll(async () => {
  engine = await openWorkspace(':memory:')
})
afterAll(async () => {
  await engine.close()
})

/** Bands of the eligible customers (cidx 0..n-1) with these first-order amounts. */
async function bands(amounts: readonly number[], ineligible = 0): Promise<string[]> {
  const rows = amounts.map((a, i) => `(${i}, ${i < amounts.length - ineligible}, ${a})`).join(', ')
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${INSIGHTS_BASE} AS
    SELECT CAST(cidx AS INTEGER) AS cidx, eligible FROM (VALUES ${rows}) t(cidx, eligible, a)`)
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${INSIGHTS_FIRST} AS
    SELECT CAST(cidx AS INTEGER) AS cidx, CAST(a AS DOUBLE) AS first_amount,
      CAST([] AS VARCHAR[]) AS first_categories, CAST([] AS VARCHAR[]) AS first_products,
      CAST(0 AS DOUBLE) AS first_discount, CAST(NULL AS VARCHAR) AS first_channel,
      CAST(NULL AS VARCHAR) AS first_campaign
    FROM (VALUES ${rows}) t(cidx, eligible, a)`)
  await engine.exec(insightsBasketItems(engine.dialect))
  const out = await engine.query<{ item: string }>(
    `SELECT item FROM ${INSIGHTS_ITEMS} WHERE item LIKE 'first order value:%' ORDER BY bidx`,
  )
  return out.map((r) => r.item.replace('first order value: ', ''))
}

describe('first-order value bands', () => {
  it('are quartiles of the eligible when the values differ', async () => {
    expect(await bands([8, 7, 6, 5, 4, 3, 2, 1])).toEqual([
      'top quarter',
      'top quarter',
      'third quarter',
      'third quarter',
      'second quarter',
      'second quarter',
      'lowest quarter',
      'lowest quarter',
    ])
  })

  it('put equal values in one band: 1 + floor(4 (rank - 1) / n), ties at the lowest rank', async () => {
    // six customers at 10 share rank 1; 20 has rank 7 and 30 rank 8 of n = 8: both band 4
    expect(await bands([10, 10, 10, 10, 10, 10, 20, 30])).toEqual([
      ...Array<string>(6).fill('lowest quarter'),
      'top quarter',
      'top quarter',
    ])
    // a log without amounts: one value for all has no quarters, and no band item at all (a
    // "lowest quarter" of everyone was tested as a first basket)
    expect(await bands(Array<number>(12).fill(0))).toEqual([])
  })

  it('rank among the eligible only', async () => {
    // the two ineligible customers (the highest values) are not in the baskets or the ranks
    expect(await bands([1, 2, 3, 4, 100, 200], 2)).toEqual([
      'lowest quarter',
      'second quarter',
      'third quarter',
      'top quarter',
    ])
  })
})
