// A refund naming no stored order takes back the customer's own margin rate: with its margin
// unknown, a customer who paid -20 net kept a margin of 60, and the revenue "with a known cost"
// (100) stood above their revenue.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { freshWorkspace, write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
let engine: Engine
let dir: string

beforeEach(async () => {
  ;({ engine, dir } = await freshWorkspace())
})
afterEach(async () => {
  await engine.close()
})

async function rows(): Promise<Record<string, unknown>[]> {
  const info = await buildCustomerSummary(engine, { unit: 'day' })
  return engine.query(
    `SELECT customer_id, CAST(revenue AS DOUBLE) AS revenue, round(margin, 2) AS margin,
       CAST(margin_revenue AS DOUBLE) AS margin_revenue FROM ${info.table} ORDER BY 1`,
  )
}

describe('a refund that names no stored order', () => {
  test("takes back the customer's margin rate when every order of theirs has one", async () => {
    const f = write(
      dir,
      'o.csv',
      [
        'customer_id,order_id,ordered_at,amount,cost',
        // H: 100 at cost 40 (rate 0.6) and 50 at cost 20 (0.6); a refund of 120 on an unknown O14
        'H,O13,2024-01-05,100,40',
        'H,O15,2024-01-20,50,20',
        'H,O14,2024-02-01,-120,',
        // K: one order without a cost: its unlinked refund's margin stays unknown
        'K,O20,2024-01-05,80,30',
        'K,O21,2024-01-06,40,',
        'K,O99,2024-02-01,-10,',
      ].join('\n'),
    )
    await importFile(engine, f, { kind: 'orders', now: NOW })
    expect(await rows()).toEqual([
      { customer_id: 'H', revenue: 30, margin: 18, margin_revenue: 30 },
      { customer_id: 'K', revenue: 110, margin: 50, margin_revenue: 80 },
    ])
  })
})
