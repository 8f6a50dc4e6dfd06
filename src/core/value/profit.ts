// Cost to serve and profit per customer, from per-customer aggregates computed in SQL. Costs are
// kept apart (tickets, returns, shipping, fees, discounts) so reasons can name the one that hurts,
// and each customer's own service cost per order is projected onto their expected future orders.
import { DataError } from '../../errors.ts'
import { roundDecimalHalfAway, roundHalfAway } from '../round.ts'
import type { CostRates } from './config.ts'

type Column = Float64Array | Int32Array | Uint32Array

/** Per-customer aggregates (parallel columns, one entry per customer). Missing columns count as 0. */
export interface ProfitInputs {
  /** Net revenue (refunds already netted). */
  readonly revenue: Float64Array
  /** Gross margin in money; NaN (or no column) where unknown: revenue * defaultMarginRate is used. */
  readonly margin?: Float64Array
  readonly orders: Column
  /**
   * Orders with an amount above 0, which paid a fixed payment fee (a free order paid none); no
   * column: every order.
   */
  readonly paidOrders?: Column
  readonly ticketMinutes?: Float64Array
  readonly returns?: Column
  /** Value of the goods returned. */
  readonly returnAmount?: Float64Array
  /** Discounts granted. */
  readonly discount?: Float64Array
}

/** A model's forecast per customer over the prediction horizon. */
export interface ProfitPrediction {
  readonly revenue: Float64Array
  readonly orders: Float64Array
}

export interface ProfitResult {
  readonly grossMargin: Float64Array
  /**
   * grossMargin / revenue, or defaultMarginRate when the margin or revenue is unknown or <= 0, as
   * the data gives it; the projection takes at most 1 of it (predictedMargin).
   */
  readonly marginRate: Float64Array
  readonly ticketCost: Float64Array
  readonly returnCost: Float64Array
  readonly shippingCost: Float64Array
  readonly feeCost: Float64Array
  /** 0 unless `discountAsCost`. */
  readonly discountCost: Float64Array
  /** ticket + return + shipping + fee + discount cost. */
  readonly costToServe: Float64Array
  /** grossMargin - costToServe. */
  readonly historicalProfit: Float64Array
  readonly predictedMargin: Float64Array
  readonly predictedCost: Float64Array
  /** predictedMargin - predictedCost; all 0 without a prediction. */
  readonly predictedProfit: Float64Array
}

function col(c: Column | undefined, n: number, name: string): Column | undefined {
  if (c !== undefined && c.length !== n) {
    throw new DataError(`profit input "${name}" has ${c.length} values for ${n} customers`, {
      column: name,
    })
  }
  return c
}

/**
 * Cost to serve, historical profit and predicted profit of every customer.
 *
 * cost to serve = ticketMinutes * perTicketMinute + returns * perReturn
 *   + returnAmount * returnWriteOffRate + orders * shippingPerOrder
 *   + revenue * paymentFeeRate + paid orders * paymentFeeFixed + (discountAsCost ? discount : 0)
 * historical profit = margin (or revenue * defaultMarginRate) - cost to serve
 * predicted profit = predicted revenue * min(marginRate, 1) - predicted revenue * paymentFeeRate
 *   - expected orders * (shippingPerOrder + paymentFeeFixed + own past ticket/return/discount cost
 *   per order, when projectServiceCosts)
 * @example // revenue 300, 3 orders, 360 ticket minutes, 3 returns; defaults (30 % margin, $1/min,
 * // $10/return, 2.9 % + $0.30 fees): 90 - (360 + 30 + 8.70 + 0.90) = -309.60
 * @throws DataError when a column's length differs from revenue's
 */
export function computeProfit(
  inputs: ProfitInputs,
  rates: CostRates,
  prediction?: ProfitPrediction,
): ProfitResult {
  const n = inputs.revenue.length
  const margin = col(inputs.margin, n, 'margin')
  const orders = col(inputs.orders, n, 'orders') as Column
  const paid = col(inputs.paidOrders, n, 'paidOrders') ?? orders
  const minutes = col(inputs.ticketMinutes, n, 'ticketMinutes')
  const returns = col(inputs.returns, n, 'returns')
  const returnAmount = col(inputs.returnAmount, n, 'returnAmount')
  const discount = col(inputs.discount, n, 'discount')
  const predRevenue = col(prediction?.revenue, n, 'predicted revenue')
  const predOrders = col(prediction?.orders, n, 'predicted orders')

  const grossMargin = new Float64Array(n)
  const marginRate = new Float64Array(n)
  const ticketCost = new Float64Array(n)
  const returnCost = new Float64Array(n)
  const shippingCost = new Float64Array(n)
  const feeCost = new Float64Array(n)
  const discountCost = new Float64Array(n)
  const costToServe = new Float64Array(n)
  const historicalProfit = new Float64Array(n)
  const predictedMargin = new Float64Array(n)
  const predictedCost = new Float64Array(n)
  const predictedProfit = new Float64Array(n)
  const perOrderFixed = rates.shippingPerOrder + rates.paymentFeeFixed

  for (let i = 0; i < n; i++) {
    const rev = inputs.revenue[i] as number
    const k = orders[i] as number
    const m = margin === undefined ? Number.NaN : (margin[i] as number)
    const gm = Number.isFinite(m) ? m : rev * rates.defaultMarginRate
    const rate = Number.isFinite(m) && rev > 0 ? m / rev : rates.defaultMarginRate
    const tc = minutes === undefined ? 0 : (minutes[i] as number) * rates.perTicketMinute
    const rc =
      (returns === undefined ? 0 : (returns[i] as number) * rates.perReturn) +
      (returnAmount === undefined ? 0 : (returnAmount[i] as number) * rates.returnWriteOffRate)
    const sc = k * rates.shippingPerOrder
    const fc = Math.max(0, rev) * rates.paymentFeeRate + (paid[i] as number) * rates.paymentFeeFixed
    const dc = rates.discountAsCost && discount !== undefined ? (discount[i] as number) : 0
    const cost = tc + rc + sc + fc + dc
    grossMargin[i] = gm
    marginRate[i] = rate
    ticketCost[i] = tc
    returnCost[i] = rc
    shippingCost[i] = sc
    feeCost[i] = fc
    discountCost[i] = dc
    costToServe[i] = cost
    historicalProfit[i] = gm - cost
    if (predRevenue !== undefined && predOrders !== undefined) {
      const pr = predRevenue[i] as number
      const po = predOrders[i] as number
      const service = rates.projectServiceCosts && k > 0 ? (tc + rc + dc) / k : 0
      // a margin above revenue (a negative cost, as the prediction step says of such data) is not
      // carried forward: 150 % of future spend made predicted profit exceed predicted value
      const pm = pr * Math.min(rate, 1)
      const pc = pr * rates.paymentFeeRate + po * (perOrderFixed + service)
      predictedMargin[i] = pm
      predictedCost[i] = pc
      predictedProfit[i] = pm - pc
    }
  }
  return {
    grossMargin,
    marginRate,
    ticketCost,
    returnCost,
    shippingCost,
    feeCost,
    discountCost,
    costToServe,
    historicalProfit,
    predictedMargin,
    predictedCost,
    predictedProfit,
  }
}

/** Total value and its parts, in money, per customer. */
export interface ValueBreakdown {
  readonly pastProfit: Float64Array
  readonly predictedProfit: Float64Array
  readonly referralValue: Float64Array
  /** pastProfit + predictedProfit + referralValue. */
  readonly total: Float64Array
}

/**
 * Total value = past profit + predicted future profit + referral value.
 * @example totalValue(p.historicalProfit, p.predictedProfit, referrals.value).total
 * @throws DataError when the columns differ in length
 */
export function totalValue(
  pastProfit: Float64Array,
  predictedProfit: Float64Array,
  referralValue: Float64Array = new Float64Array(pastProfit.length),
): ValueBreakdown {
  const n = pastProfit.length
  if (predictedProfit.length !== n || referralValue.length !== n) {
    throw new DataError('value columns differ in length', {
      pastProfit: n,
      predictedProfit: predictedProfit.length,
      referralValue: referralValue.length,
    })
  }
  const total = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    // to the micro-unit amounts are stored in: two customers worth 31.92 each, one as 31.92 and
    // one as 21.38 + 10.54 = 31.919999999999998, are tied at a tier's line and a percentile, and
    // a total of 999.9999999999999 reaches a 1000 threshold
    total[i] = roundHalfAway(
      (pastProfit[i] as number) + (predictedProfit[i] as number) + (referralValue[i] as number),
      6,
    )
  }
  return { pastProfit, predictedProfit, referralValue, total }
}

/** Customers with negative profit, worst first (ties: lower index first). */
export function lossCustomers(profit: Float64Array): Int32Array {
  const idx: number[] = []
  for (let i = 0; i < profit.length; i++) if ((profit[i] as number) < 0) idx.push(i)
  idx.sort((a, b) => (profit[a] as number) - (profit[b] as number) || a - b)
  return Int32Array.from(idx)
}

export interface ProfitConcentration {
  readonly percent: number
  /** ceil(percent / 100 * customers): the top customers counted. */
  readonly customers: number
  readonly topProfit: number
  readonly totalProfit: number
  /**
   * topProfit / totalProfit. Above 1 when the other customers lose money in total (customers served
   * at a loss subtract from the total but not from the top); null when total profit is <= 0.
   */
  readonly share: number | null
  readonly lossCustomers: number
  /** Sum of the negative profits (<= 0). */
  readonly lossTotal: number
}

/**
 * Share of total profit held by the top `percent` % of customers ranked by that profit.
 * @example // profits 100, 50, -60, -10, 20: top 20 % (1 customer) holds 100 / 100 = 100 %
 */
export function profitConcentration(profit: Float64Array, percent = 20): ProfitConcentration {
  const n = profit.length
  const sorted = Float64Array.from(profit).sort()
  let total = 0
  let lossCount = 0
  let lossTotal = 0
  for (let i = 0; i < n; i++) {
    const p = sorted[i] as number
    total += p
    if (p < 0) {
      lossCount++
      lossTotal += p
    }
  }
  const k = Math.min(n, Math.ceil((percent / 100) * n - 1e-9))
  let top = 0
  for (let i = n - k; i < n; i++) top += sorted[i] as number
  return {
    percent,
    customers: k,
    topProfit: top,
    totalProfit: total,
    share: total > 0 ? top / total : null,
    lossCustomers: lossCount,
    lossTotal,
  }
}

/** A customer's value as the files and the breakdown show it: each figure to the minor unit. */
export interface ShownValue {
  readonly costToServe: number
  readonly pastProfit: number
  readonly predictedProfit: number
  readonly referralValue: number
  readonly total: number
}

/**
 * Customer `i`'s value the way customers.csv and `loyals customer` show it (value-join.ts): each
 * part rounded to `digits` places (the currency's minor unit, core/round.ts minorDigits) and each
 * sum the sum of its rounded parts, so that the reasons cite the total the breakdown beside them
 * adds up to (393.50, not 393.498 worded as 393).
 * @example shownValue(profit, referrals, 0, 2).total
 */
export function shownValue(
  p: ProfitResult,
  referralValue: Float64Array,
  i: number,
  digits: number,
): ShownValue {
  const { costToServe, pastProfit, predictedProfit } = shownProfit(p, i, digits)
  // a sum of own values (minor units) times the decay's powers: rounded as the decimal it is
  const referral = roundDecimalHalfAway(referralValue[i] as number, digits)
  return {
    costToServe,
    pastProfit,
    predictedProfit,
    referralValue: referral,
    total: roundHalfAway(pastProfit + predictedProfit + referral, digits),
  }
}

/** {@link ShownValue} of every customer, as columns. */
export interface ShownValues {
  readonly costToServe: Float64Array
  readonly pastProfit: Float64Array
  readonly predictedProfit: Float64Array
  readonly referralValue: Float64Array
  readonly total: Float64Array
}

/**
 * {@link shownValue} of customers 0..n-1 (n = referralValue.length), computed once: the reasons,
 * the losses and the summary's breakdown all read these figures, and each took them afresh.
 */
export function shownValues(
  p: ProfitResult,
  referralValue: Float64Array,
  digits: number,
): ShownValues {
  const n = referralValue.length
  const out: ShownValues = {
    costToServe: new Float64Array(n),
    pastProfit: new Float64Array(n),
    predictedProfit: new Float64Array(n),
    referralValue: new Float64Array(n),
    total: new Float64Array(n),
  }
  for (let i = 0; i < n; i++) {
    const v = shownValue(p, referralValue, i, digits)
    out.costToServe[i] = v.costToServe
    out.pastProfit[i] = v.pastProfit
    out.predictedProfit[i] = v.predictedProfit
    out.referralValue[i] = v.referralValue
    out.total[i] = v.total
  }
  return out
}

/**
 * Customer `i`'s cost to serve, past and predicted profit as {@link shownValue} shows them: the
 * own value a referrer's tree quotes for a customer is the same sum of minor units.
 */
export function shownProfit(
  p: ProfitResult,
  i: number,
  digits: number,
): Pick<ShownValue, 'costToServe' | 'pastProfit' | 'predictedProfit'> {
  const unit = (x: number) => roundHalfAway(x, digits)
  const costToServe = unit(
    unit(p.ticketCost[i] as number) +
      unit(p.returnCost[i] as number) +
      unit(p.shippingCost[i] as number) +
      unit(p.feeCost[i] as number) +
      unit(p.discountCost[i] as number),
  )
  const pastProfit = unit(unit(p.grossMargin[i] as number) - costToServe)
  return { costToServe, pastProfit, predictedProfit: unit(p.predictedProfit[i] as number) }
}
