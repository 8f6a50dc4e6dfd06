// BG/NBD and MBG/NBD differ only in k (whether a customer can drop out right after the first
// purchase), so both model objects are built here from the shared BG-family functions.
import {
  type BgFitOptions,
  type BgParams,
  bgConditionalProbabilityOfPurchases,
  bgExpectedNextPurchaseTime,
  bgExpectedPurchases,
  bgExpectedPurchasesNew,
  bgFit,
  bgGradient,
  bgLogLikelihood,
  bgLogLikelihoodPerHistory,
  bgProbabilityAlive,
  bgProbabilityAnyPurchase,
  bgProbabilityOfPurchases,
  bgScoreAll,
  bgSimulate,
  type SimulatedHistories,
} from './bg-family.ts'
import type { HistoryColumns, NextPurchase } from './common.ts'
import type { FitResult, Histories } from './types.ts'

type Scored = { pAlive: Float64Array; expected: Float64Array }

/** The model as one object, for callers that pick a model at run time. */
export function bgModel<N extends 'bgnbd' | 'mbgnbd'>(k: 0 | 1, name: N) {
  return {
    name,
    paramNames: ['r', 'alpha', 'a', 'b'] as const,
    /**
     * Maximum-likelihood fit on log-parameters (BFGS with analytic gradient, restarts, Nelder-Mead
     * fallback). Throws DataError when nobody repeat-purchased, UsageError for a maxIterations
     * that is not a whole number >= 1, ConvergenceError when no start converges (or the fit needs
     * more than maxIterations iterations).
     * @example fit(compressHistories(x, tx, T)).params // { r, alpha, a, b }
     */
    fit: (h: Histories, opts?: BgFitOptions): FitResult<BgParams> => bgFit(k, name, h, opts),
    /** Total weighted log-likelihood. Throws DataError on a row compressHistories would refuse. */
    logLikelihood: (p: BgParams, h: Histories): number => bgLogLikelihood(k, p, h),
    /** Log-likelihood of each (x, t_x, T) row (unweighted). */
    logLikelihoodPerHistory: (p: BgParams, h: Histories): Float64Array =>
      bgLogLikelihoodPerHistory(k, p, h),
    /** Gradient of the total log-likelihood w.r.t. [log r, log alpha, log a, log b]. */
    gradient: (p: BgParams, h: Histories): number[] => bgGradient(k, p, h),
    /** P(alive at T | x, t_x, T). */
    probabilityAlive: (p: BgParams, x: number, tx: number, T: number): number =>
      bgProbabilityAlive(k, p, x, tx, T),
    /** Expected purchases in (T, T+t] given the history. */
    expectedPurchases: (p: BgParams, t: number, x: number, tx: number, T: number): number =>
      bgExpectedPurchases(k, p, t, x, tx, T),
    /** E[X(t)]: expected repeat purchases of a new customer by time t (DataError for t NaN or < 0). */
    expectedPurchasesNew: (p: BgParams, t: number): number => bgExpectedPurchasesNew(k, p, t),
    /** P(X(t) = n) for a new customer; t = ∞ gives lifetime purchases (DataError for t NaN or < 0). */
    probabilityOfPurchases: (p: BgParams, n: number, t: number): number =>
      bgProbabilityOfPurchases(k, p, n, t),
    /**
     * P(exactly n purchases in (T, T+t] | x, t_x, T): P(alive) times a new customer's P(X(t) = n)
     * under the alive posterior, plus 1 − P(alive) at n = 0; t = ∞: purchases left in the lifetime.
     */
    conditionalProbabilityOfPurchases: (
      p: BgParams,
      n: number,
      t: number,
      x: number,
      tx: number,
      T: number,
    ): number => bgConditionalProbabilityOfPurchases(k, p, n, t, x, tx, T),
    /** P(at least one purchase in (T, T+window] | history) = P(alive) · (1 - ((α+T)/(α+T+window))^(r+x)). */
    probabilityAnyPurchase: (p: BgParams, window: number, x: number, tx: number, T: number) =>
      bgProbabilityAnyPurchase(k, p, window, x, tx, T),
    /** Median (and mean when finite) waiting time to the next purchase given one happens. */
    expectedNextPurchaseTime: (p: BgParams, x: number, tx: number, T: number): NextPurchase =>
      bgExpectedNextPurchaseTime(k, p, x, tx, T),
    /**
     * Seeded simulation of n customers observed for T; `resolution` floors times to a grid. Throws
     * DataError unless n is an integer >= 0 and T (each T) and resolution are finite and >= 0.
     */
    simulate: (
      p: BgParams,
      n: number,
      T: number | ArrayLike<number>,
      seed: number,
      resolution?: number,
    ): SimulatedHistories => bgSimulate(k, p, n, T, seed, resolution),
    /**
     * P(alive) and expected purchases over `horizon` for every customer (typed arrays). Throws
     * DataError when x, tx and T differ in length or a history or the horizon is invalid.
     */
    scoreAll: (p: BgParams, h: HistoryColumns, horizon: number): Scored =>
      bgScoreAll(k, p, h, horizon),
  } as const
}
