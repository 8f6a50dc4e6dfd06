import { describe, expect, test } from 'vitest'
import { DataError } from '../../errors.ts'
import { DEFAULT_VALUE_CONFIG } from './config.ts'
import { rankShares } from './engagement.ts'
import { computeProfit, lossCustomers, profitConcentration, totalValue } from './profit.ts'
import { assignTiers } from './tiers.ts'

// $0.50 per ticket minute, $12 per return + 10 % of returned goods lost, $5 shipping per order,
// 2.9 % + $0.30 payment fees, 30 % default margin.
const rates = {
  ...DEFAULT_VALUE_CONFIG.costs,
  perTicketMinute: 0.5,
  perReturn: 12,
  returnWriteOffRate: 0.1,
  shippingPerOrder: 5,
  paymentFeeRate: 0.029,
  paymentFeeFixed: 0.3,
  defaultMarginRate: 0.3,
}

describe('computeProfit with margins above revenue', () => {
  test('past profit keeps them; the projection takes at most the whole of future spend', () => {
    // margin 150 on revenue 100 (a negative cost): 150 % of predicted spend was predicted margin
    const p = computeProfit(
      { revenue: Float64Array.of(100), margin: Float64Array.of(150), orders: Int32Array.of(2) },
      { ...rates, paymentFeeRate: 0, paymentFeeFixed: 0, shippingPerOrder: 0 },
      { revenue: Float64Array.of(40), orders: Float64Array.of(1) },
    )
    expect(p.grossMargin[0]).toBe(150)
    expect(p.historicalProfit[0]).toBe(150)
    expect(p.marginRate[0]).toBe(1.5)
    expect(p.predictedMargin[0]).toBe(40)
    expect(p.predictedProfit[0]).toBe(40)
  })
})

describe('computeProfit', () => {
  // customer 0 "G": revenue 1000, known margin 450, 10 orders, no tickets or returns
  // customer 1 "L": revenue 400, margin unknown, 4 orders, 14 tickets (360 min), 3 returns worth 150
  const inputs = {
    revenue: Float64Array.of(1000, 400),
    margin: Float64Array.of(450, Number.NaN),
    orders: Int32Array.of(10, 4),
    ticketMinutes: Float64Array.of(0, 360),
    returns: Int32Array.of(0, 3),
    returnAmount: Float64Array.of(0, 150),
    discount: Float64Array.of(0, 0),
  }
  const prediction = { revenue: Float64Array.of(500, 200), orders: Float64Array.of(5, 2) }
  const p = computeProfit(inputs, rates, prediction)

  test('a customer served at a loss', () => {
    // L: margin 400 * 0.30 = 120
    //    tickets 360 min * 0.50 = 180; returns 3 * 12 + 150 * 0.10 = 51; shipping 4 * 5 = 20;
    //    fees 400 * 0.029 + 4 * 0.30 = 12.80 -> cost to serve 263.80; profit 120 - 263.80 = -143.80
    expect(p.grossMargin[1]).toBeCloseTo(120, 10)
    expect(p.ticketCost[1]).toBeCloseTo(180, 10)
    expect(p.returnCost[1]).toBeCloseTo(51, 10)
    expect(p.shippingCost[1]).toBeCloseTo(20, 10)
    expect(p.feeCost[1]).toBeCloseTo(12.8, 10)
    expect(p.costToServe[1]).toBeCloseTo(263.8, 10)
    expect(p.historicalProfit[1]).toBeCloseTo(-143.8, 10)
    // its own service cost per order (180 + 51) / 4 = 57.75 is projected onto 2 expected orders:
    // predicted margin 200 * 0.30 = 60; cost 200 * 0.029 + 2 * (5 + 0.30 + 57.75) = 131.90
    expect(p.predictedMargin[1]).toBeCloseTo(60, 10)
    expect(p.predictedCost[1]).toBeCloseTo(131.9, 10)
    expect(p.predictedProfit[1]).toBeCloseTo(-71.9, 10)
  })

  test('a profitable customer with a known margin', () => {
    // G: margin 450; cost 10 * 5 + 1000 * 0.029 + 10 * 0.30 = 82 -> profit 368
    // predicted: 500 * 0.45 = 225 - (500 * 0.029 + 5 * 5.30) = 225 - 41 = 184
    expect(p.marginRate[0]).toBeCloseTo(0.45, 12)
    expect(p.historicalProfit[0]).toBeCloseTo(368, 10)
    expect(p.predictedProfit[0]).toBeCloseTo(184, 10)
    expect(Array.from(lossCustomers(p.historicalProfit))).toEqual([1])
  })

  test('discounts count as a cost only when configured', () => {
    // revenue 100, 1 order, discount 30: margin 30, cost 5 + 2.90 + 0.30 = 8.20 -> 21.80;
    // with discountAsCost the 30 is added: 30 - 38.20 = -8.20
    const d = {
      revenue: Float64Array.of(100),
      orders: Int32Array.of(1),
      discount: Float64Array.of(30),
    }
    expect(computeProfit(d, rates).historicalProfit[0]).toBeCloseTo(21.8, 10)
    const withDiscount = computeProfit(d, { ...rates, discountAsCost: true })
    expect(withDiscount.discountCost[0]).toBe(30)
    expect(withDiscount.historicalProfit[0]).toBeCloseTo(-8.2, 10)
    // without a prediction the predicted parts are zero
    expect(withDiscount.predictedProfit[0]).toBe(0)
  })

  test('the fixed payment fee is charged on paid orders only (a free order pays none)', () => {
    // G's 10 orders of which 2 were free: fees 1000 * 0.029 + 8 * 0.30 = 31.40; shipping stays 50
    const q = computeProfit({ ...inputs, paidOrders: Int32Array.of(8, 4) }, rates)
    expect(q.feeCost[0]).toBeCloseTo(31.4, 10)
    expect(q.shippingCost[0]).toBeCloseTo(50, 10)
    expect(q.feeCost[1]).toBeCloseTo(p.feeCost[1] as number, 12)
    expect(() => computeProfit({ ...inputs, paidOrders: Int32Array.of(1) }, rates)).toThrow(
      /paidOrders/,
    )
  })

  test('a column of the wrong length is a DataError', () => {
    expect(() =>
      computeProfit({ revenue: Float64Array.of(1, 2), orders: Int32Array.of(1) }, rates),
    ).toThrow(DataError)
  })
})

describe('totalValue and profit concentration', () => {
  test('total value = past + predicted + referral', () => {
    const v = totalValue(
      Float64Array.of(368, -143.8),
      Float64Array.of(184, -71.9),
      Float64Array.of(50, 0),
    )
    // 368 + 184 + 50 = 602; -143.8 - 71.9 + 0 = -215.7
    expect(v.total[0]).toBeCloseTo(602, 10)
    expect(v.total[1]).toBeCloseTo(-215.7, 10)
    expect(v.referralValue[0]).toBe(50)
  })

  test('equal totals reached by different sums tie at a tier line and a percentile', () => {
    // ten customers; F: 36 - (3.48 + 0.60) = 31.92 of own profit; D: 24 - 2.62 = 21.38 plus a
    // referred customer worth 12 - 1.46 = 10.54, which adds up to 31.919999999999998 in doubles.
    // Default tiers: Gold takes 1 customer (P), Silver the top 3: the Silver line falls on 31.92,
    // and "customers tied at a boundary all get the higher tier".
    const past = Float64Array.of(1000, 500, 36 - (3.48 + 0.6), 24 - 2.62, 12 - 1.46, 5, 5, 5, 5, 5)
    const referral = Float64Array.of(0, 0, 0, 12 - 1.46, 0, 0, 0, 0, 0, 0)
    const v = totalValue(past, new Float64Array(10), referral)
    expect(v.total[2]).toBe(31.92)
    expect(v.total[3]).toBe(31.92)
    const tiers = assignTiers(v.total, DEFAULT_VALUE_CONFIG.tiers)
    expect(tiers.tier[3]).toBe(tiers.tier[2])
    expect(Array.from(tiers.counts)).toEqual([0, 1, 3, 6])
    const { percentile } = rankShares(v.total)
    expect(percentile[2]).toBe(80)
    expect(percentile[3]).toBe(80)
  })

  test('the top 20 % can hold more than 100 % of profit', () => {
    // profits 368, -143.8, 21.8, 50, -10: total 286; top 20 % = ceil(0.2 * 5) = 1 customer (368)
    // share 368 / 286 = 1.2867...: the two loss-making customers take 153.8 off the total
    const c = profitConcentration(Float64Array.of(368, -143.8, 21.8, 50, -10), 20)
    expect(c.customers).toBe(1)
    expect(c.topProfit).toBeCloseTo(368, 10)
    expect(c.totalProfit).toBeCloseTo(286, 10)
    expect(c.share).toBeCloseTo(368 / 286, 12)
    expect(c.share).toBeGreaterThan(1)
    expect(c.lossCustomers).toBe(2)
    expect(c.lossTotal).toBeCloseTo(-153.8, 10)
    expect(Array.from(lossCustomers(Float64Array.of(368, -143.8, 21.8, 50, -10)))).toEqual([1, 4])
  })

  test('no share when total profit is not positive', () => {
    expect(profitConcentration(Float64Array.of(10, -20)).share).toBeNull()
  })
})
