// An order refunded in full is no order of the customer's (docs/summary.md): it pays no fixed
// payment fee, whether or not another customer's order is free, and it does not count in the
// share of discounted orders that makes a customer price-driven (docs/value.md).
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseValueConfig, type ValueConfigInput } from '../../src/core/value/config.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const open: Engine[] = []
afterEach(async () => {
  for (const e of open.splice(0)) await e.close()
})

async function analyzed(
  orders: string,
  asOf: string,
  config: ValueConfigInput = {},
): Promise<Record<string, Record<string, number | string>>> {
  const dir = tempDir('loyals-value-refunded-')
  const engine = await openWorkspace(join(dir, 'w.duckdb'))
  open.push(engine)
  await importFile(engine, write(dir, 'orders.csv', orders), { kind: 'orders', now: NOW })
  await computeAnalysis(engine, {
    source: 'test',
    asOf,
    predictions: false,
    value: { config: parseValueConfig(config) },
  })
  const rows = await engine.query<Record<string, number | string>>(
    `SELECT customer_id, orders, fee_cost, shipping_cost, loyalty_type, loyalty_rule
     FROM customer_analysis`,
  )
  return Object.fromEntries(rows.map((r) => [String(r.customer_id), r]))
}

describe('fixed payment fee of an order refunded in full', () => {
  const config: ValueConfigInput = {
    currency: { decimals: 2 },
    costs: { paymentFeeRate: 0.1, paymentFeeFixed: 1, shippingPerOrder: 2 },
  }
  const ref = `3,REF,2024-01-10,100
4,REF,2024-02-10,100
4,REF,2024-02-12,-100
`
  it('is not paid, and the fee does not depend on another customer having free orders', async () => {
    const withFree = await analyzed(
      `order_id,customer_id,ordered_at,amount
1,FREE,2024-01-10,0
2,FREE,2024-02-10,0
${ref}`,
      '2024-12-31',
      config,
    )
    const alone = await analyzed(
      `order_id,customer_id,ordered_at,amount\n${ref}`,
      '2024-12-31',
      config,
    )
    // one order counted (the refunded one is not): 100 x 0.1 + 1 x 1 = 11, shipping 1 x 2
    expect(alone.REF).toMatchObject({ orders: 1, fee_cost: 11, shipping_cost: 2 })
    expect(withFree.REF).toMatchObject({ orders: 1, fee_cost: 11, shipping_cost: 2 })
    // free orders pay no fee but are shipped
    expect(withFree.FREE).toMatchObject({ orders: 2, fee_cost: 0, shipping_cost: 4 })
  })
})

describe('discounted share of a customer with an order refunded in full', () => {
  it('is over the orders counted: 1 of 2, price-driven', async () => {
    const r = await analyzed(
      `order_id,customer_id,ordered_at,amount,discount
1,PD,2024-01-10,100,10
2,PD,2024-03-10,100,0
3,PD,2024-05-10,100,0
3,PD,2024-05-11,-100,
4,Q,2024-02-01,50,0
5,Q,2024-04-01,50,0
`,
      '2024-07-31',
    )
    expect(r.PD).toMatchObject({
      orders: 2,
      loyalty_type: 'lazy_loyal',
      loyalty_rule: 'price_driven',
    })
    expect(r.Q).toMatchObject({ orders: 2, loyalty_rule: 'repeat_transactional' })
  })
})
