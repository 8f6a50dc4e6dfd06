// The `predictions` block of summary.json: which model, why, how well it predicted the holdout, and
// the aggregates the report draws. Types only (the report depends on them, not on the analysis).
import type { TimeUnit } from '../data/queries/customer-summary.ts'

/**
 * Model keys as `loyals fit --model` names them; 'nbd' is the no-dropout limit used when every
 * dropout model finds no sign of dropout; 'baseline' is the historical-rate fallback.
 */
export type PredictionModelKey = 'bgnbd' | 'mbgnbd' | 'pareto' | 'nbd' | 'baseline'

/** Mean predicted vs actual holdout purchases per customer, by calibration repeat purchases. */
export interface PredictionFrequencyBucket {
  /** '0' .. '6', '7+' */
  readonly frequency: string
  readonly customers: number
  /** Mean holdout purchases per customer; null for a bucket without customers. */
  readonly predicted: number | null
  readonly actual: number | null
}

export interface PredictionHoldoutMetrics {
  readonly customers: number
  /** Mean absolute error of holdout repeat purchases per customer. */
  readonly mae: number
  readonly rmse: number
  readonly totalPredicted: number
  readonly totalActual: number
  /** (predicted - actual) / actual; null when the holdout has no repeat purchase. */
  readonly relativeError: number | null
  readonly byFrequency: readonly PredictionFrequencyBucket[]
}

/** One fitted (or failed) candidate model, on the calibration period. */
export interface PredictionCandidate {
  readonly key: PredictionModelKey
  /** Display name, e.g. 'BG/NBD'. */
  readonly name: string
  /** null when the fit failed (see `error`). */
  readonly params: Readonly<Record<string, number>> | null
  readonly standardErrors: Readonly<Record<string, number>> | null
  readonly logLikelihood: number | null
  readonly aic: number | null
  readonly bic: number | null
  /** Holdout accuracy; null without a holdout period or when the fit failed. */
  readonly holdout: PredictionHoldoutMetrics | null
  readonly error: string | null
}

export interface SpendPrediction {
  /**
   * 'gamma-gamma' (Fader & Hardie 2013), 'mean' (mean repeat spend: too few repeaters, or the Gamma-Gamma fit failed) or 'none'
   * (the orders carry no amounts: spend is unknown).
   */
  readonly model: 'gamma-gamma' | 'mean' | 'none'
  readonly params: Readonly<Record<string, number>> | null
  readonly standardErrors: Readonly<Record<string, number>> | null
  readonly logLikelihood: number | null
  /** Repeaters with positive spend the model was fitted on. */
  readonly customers: number
  /** Correlation of frequency and mean spend among repeaters (the model assumes 0); null if n/a. */
  readonly correlation: number | null
  /** Expected spend per purchase of a customer without repeat purchases; null when unknown. */
  readonly populationMean: number | null
}

export interface TrackingPointSummary {
  /** Period 1 .. periods from `start` (period = one unit: week, day or month). */
  readonly period: number
  /**
   * Model: cumulative repeat purchases of the cohort expected by the end of the period (of the
   * data, for a last period the data ends inside, as `actual` counts).
   */
  readonly predicted: number
  /** Observed cumulative repeat purchases (repeat purchase days) by the end of the period. */
  readonly actual: number
}

export interface PredictionSummary {
  readonly model: PredictionModelKey
  /** Display name of the chosen model ('Historical rate' for the baseline). */
  readonly modelName: string
  /** How it was chosen: holdout accuracy, BIC (no holdout), or the baseline (degenerate data). */
  readonly basis: 'holdout' | 'bic' | 'baseline'
  /** Why, in plain words. */
  readonly reason: string
  /** Predictions are made as of this date from the calibration fit (the analysis as-of date). */
  readonly asOf: string
  readonly unit: TimeUnit
  /** Horizon of expected purchases and predicted value, in units. */
  readonly horizon: number
  readonly annualDiscountRate: number
  /** Share of spend counted as value, and where it came from. */
  readonly margin: { readonly value: number; readonly source: 'option' | 'data' | 'default' }
  /** The holdout period (orders after asOf up to the last order day), when there is one. */
  readonly holdout: {
    readonly from: string
    readonly to: string
    /** Length in units. */
    readonly periods: number
  } | null
  readonly candidates: readonly PredictionCandidate[]
  readonly spend: SpendPrediction
  /** Cohort tracking: weekly cumulative repeat purchases (whatever the unit), predicted vs actual. */
  readonly tracking: {
    /** Day the cohort's first purchase falls on (period 1 starts here). */
    readonly start: string
    /** Weeks up to the as-of date (the calibration/holdout divider). */
    readonly calibrationPeriods: number
    readonly points: readonly TrackingPointSummary[]
  }
  /** Holdout predicted vs actual by calibration frequency for the chosen model (null: no holdout). */
  readonly byFrequency: readonly PredictionFrequencyBucket[] | null
  /** Customers by P(alive) in ten bins [0, 0.1) .. [0.9, 1]; empty for the baseline. */
  readonly pAliveHistogram: readonly {
    readonly from: number
    readonly to: number
    readonly customers: number
  }[]
  readonly totals: {
    readonly customers: number
    /** Σ expected purchases over the horizon. */
    readonly expectedPurchases: number
    /** Σ predicted (discounted) value over the horizon; null when the orders carry no amounts. */
    readonly predictedValue: number | null
    /** Mean P(alive); null for the baseline. */
    readonly meanPAlive: number | null
    /** Σ P(at least one purchase within the horizon): expected customers who buy again. */
    readonly expectedActiveCustomers: number
    /** Customers with an expected next purchase date (the others are unlikely to buy again). */
    readonly withNextPurchase: number
  }
  /** The customers with the highest predicted value (without amounts: most expected purchases). */
  readonly topCustomers: readonly {
    readonly customerId: string
    readonly revenue: number
    readonly orders: number
    readonly pAlive: number | null
    readonly expectedPurchases: number
    /** null when the orders carry no amounts (as in customers.csv) */
    readonly expectedSpend: number | null
    readonly predictedValue: number | null
    readonly expectedNextPurchase: string | null
  }[]
  /** Warnings and fallbacks, in plain words. */
  readonly notes: readonly { readonly level: 'info' | 'warning'; readonly message: string }[]
}
