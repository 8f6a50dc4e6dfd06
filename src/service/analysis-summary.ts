// The shape of `summary.json`: every aggregate `loyals analyze` computes, as plain JSON values.
// Types only, so the report renderer can depend on it without depending on the analysis code.
// Later issues extend it (predictions, value): add optional fields, never change existing ones.

import type { TimeUnit } from '../data/queries/customer-summary.ts'
import type { InsightsSummary } from './insights/types.ts'
import type { PredictionSummary } from './prediction-summary.ts'
import type { ValueSummary } from './value-summary.ts'

export type { TimeUnit }

/** Share of the value held by the top `percent` % of customers (ranked by that value). */
export interface TopShare {
  readonly percent: number
  readonly customers: number
  readonly value: number
  /** null when the total is 0; above 1 when some customers have negative values. */
  readonly share: number | null
}

/** One tenth of the customers, decile 1 = the most valuable tenth. */
export interface DecileRow {
  readonly decile: number
  readonly customers: number
  /** Sum of the ranked value (revenue or margin) in the decile. */
  readonly value: number
  readonly share: number | null
  readonly cumulativeShare: number | null
  readonly revenue: number
  readonly orders: number
  readonly ordersPerCustomer: number
  readonly averageOrderValue: number | null
  readonly minValue: number
  readonly maxValue: number
}

/** A point of the Lorenz curve: the bottom `customers` share of customers holds `value` share. */
export interface LorenzPoint {
  readonly customers: number
  /** null when the total (negative values counted as 0) is 0. */
  readonly value: number | null
}

export interface ConcentrationSummary {
  readonly value: 'revenue' | 'margin'
  /** Customers with a known value. */
  readonly customers: number
  readonly total: number
  readonly negativeCustomers: number
  /** Sum of the negative values (0 when none): how far net refunds pull the total down. */
  readonly negativeTotal: number
  readonly topShares: readonly TopShare[]
  readonly deciles: readonly DecileRow[]
  readonly lorenz: readonly LorenzPoint[]
  /** Gini of values clamped at 0 (0 equal .. 1 one customer); null when that total is 0. */
  readonly gini: number | null
}

export interface SegmentRow {
  readonly segment: string
  readonly description: string | null
  readonly customers: number
  readonly share: number
  readonly revenue: number
  readonly revenueShare: number | null
  /** Mean days since the last purchase, as of the as-of date. */
  readonly avgRecencyDays: number
  /** Mean number of orders. */
  readonly avgFrequency: number
  /** Mean revenue per customer. */
  readonly avgMonetary: number
}

/**
 * Customers of one segment in one cell of the 5x5 grid of recency score by combined
 * frequency-monetary score (1-5, 5 = best), the grid the segment rules are drawn on.
 */
export interface RfmCell {
  readonly r: number
  readonly fm: number
  readonly segment: string
  readonly customers: number
  readonly revenue: number
}

export interface TopCustomer {
  readonly rank: number
  readonly customerId: string
  readonly revenue: number
  readonly share: number | null
  readonly cumulativeShare: number | null
  readonly margin: number | null
  readonly orders: number
  readonly repeatPurchases: number
  readonly averageOrderValue: number | null
  readonly firstPurchase: string
  readonly lastPurchase: string
  readonly daysSinceLast: number
  readonly segment: string
  readonly r: number
  readonly f: number
  /** null when the orders carry no amounts (no monetary score). */
  readonly m: number | null
}

export interface QualityNote {
  readonly level: 'info' | 'warning'
  readonly message: string
}

export interface AnalysisSummary {
  readonly schemaVersion: 1
  readonly generatedAt: string
  /** The file or workspace analyzed, as the user named it. */
  readonly source: string
  readonly asOf: string
  readonly unit: TimeUnit
  /** The single currency of the orders, when the data names exactly one. */
  readonly currency: string | null
  readonly period: { readonly firstPurchase: string | null; readonly lastPurchase: string | null }
  readonly counts: {
    readonly customers: number
    readonly orders: number
    readonly repeatCustomers: number
    readonly oneTimeCustomers: number
    /** Orders dated after the as-of date: ignored here, kept as holdout for models. */
    readonly ordersAfterAsOf: number
    /** Their amount, new customers' orders included (`revenue.holdout` is the customers' above). */
    readonly amountAfterAsOf: number
  }
  readonly revenue: {
    /**
     * false when no order carries an amount (a transaction log of customer and date): revenue
     * figures are 0, shares undefined, there is no monetary score and no value in money.
     */
    readonly measured: boolean
    readonly total: number
    readonly margin: number | null
    /**
     * The net revenue of the orders whose margin is known: what `margin` was earned on, so the
     * margin rate is margin / marginRevenue (revenue with no known cost is not margin 0).
     */
    readonly marginRevenue: number | null
    readonly perCustomer: number
    readonly averageOrderValue: number
    readonly holdout: number
  }
  readonly concentration: {
    readonly revenue: ConcentrationSummary
    readonly margin: ConcentrationSummary | null
  }
  readonly rfm: {
    readonly segments: readonly SegmentRow[]
    readonly grid: readonly RfmCell[]
  }
  readonly topCustomers: readonly TopCustomer[]
  readonly quality: readonly QualityNote[]
  /** Purchase, spend and value predictions (absent when turned off). */
  readonly predictions?: PredictionSummary
  /** Whole-customer value: profit, cost to serve, referrals, loyalty types, tiers. */
  readonly value?: ValueSummary
  /** What the best customers have in common (docs/insights.md; absent when turned off). */
  readonly insights?: InsightsSummary
}
