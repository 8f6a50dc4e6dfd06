// The demo company's cost rates (costs.json) must not count a discount twice: the generator's
// order amounts are already net of the discount, so the discount lowers revenue and margin once.
import { describe, expect, test } from 'vitest'
import { parseValueConfig } from '../../src/core/value/config.ts'
import { computeProfit } from '../../src/core/value/profit.ts'
import { generateCompany } from '../../src/service/generate/company.ts'
import { COST_RATES } from '../../src/service/generate/params.ts'
import { valueConfigFromCosts } from '../../src/service/value-config.ts'

describe('generator costs.json', () => {
  test('amounts are net of discount and the rates do not charge the discount again', async () => {
    const c = await generateCompany({ customers: 300, seed: 3 })
    // amount = sum of the lines' net amounts (gross - discount), so the discount is already out
    const lines = new Map<string, number>()
    for (const l of c.order_lines) {
      const id = String(l.order_id)
      lines.set(id, (lines.get(id) ?? 0) + Number(l.amount))
    }
    const discounted = c.orders.filter((o) => Number(o.discount) > 0)
    expect(discounted.length).toBeGreaterThan(10)
    for (const o of discounted) {
      expect(Number(o.amount)).toBeCloseTo(lines.get(String(o.order_id)) ?? Number.NaN, 2)
    }

    // one discounted order valued with the generator's own rates: profit = amount - cost - fees -
    // shipping, with no discount term
    const o = discounted[0] as (typeof discounted)[number]
    const amount = Number(o.amount)
    const cost = Number(o.cost)
    const rates = parseValueConfig(valueConfigFromCosts(COST_RATES)).costs
    expect(rates.discountAsCost).toBe(false)
    const p = computeProfit(
      {
        revenue: Float64Array.of(amount),
        margin: Float64Array.of(amount - cost),
        orders: Float64Array.of(1),
        discount: Float64Array.of(Number(o.discount)),
      },
      rates,
    )
    const byHand =
      amount -
      cost -
      COST_RATES.shipping_per_order -
      amount * COST_RATES.payment_fee_rate -
      COST_RATES.payment_fee_fixed
    expect(p.discountCost[0]).toBe(0)
    expect(p.historicalProfit[0]).toBeCloseTo(byHand, 9)
  })
})
