// BG/NBD (Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2)): a customer buys at Poisson rate λ ~ Gamma(r, α) and drops out after each purchase with probability p ~ Beta(a, b).
// Thin wrapper over the shared BG-family implementation (k = 0).
import {
  type BgFitOptions,
  type BgParams,
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
import type { NextPurchase } from './common.ts'
import type { FitResult, Histories } from './types.ts'

const K = 0

export type { BgFitOptions, BgParams, SimulatedHistories }

/**
 * Maximum-likelihood fit on log-parameters (BFGS with analytic gradient, restarts, Nelder-Mead
 * fallback). Throws DataError when nobody repeat-purchased, ConvergenceError when no start converges.
 * @example fit(compressHistories(x, tx, T)).params // { r, alpha, a, b }
 */
export function fit(h: Histories, opts?: BgFitOptions): FitResult<BgParams> {
  return bgFit(K, 'bgnbd', h, opts)
}
/** Total weighted log-likelihood. */
export function logLikelihood(p: BgParams, h: Histories): number {
  return bgLogLikelihood(K, p, h)
}
/** Log-likelihood of each (x, t_x, T) row (unweighted). */
export function logLikelihoodPerHistory(p: BgParams, h: Histories): Float64Array {
  return bgLogLikelihoodPerHistory(K, p, h)
}
/** Gradient of the total log-likelihood w.r.t. [log r, log alpha, log a, log b]. */
export function gradient(p: BgParams, h: Histories): number[] {
  return bgGradient(K, p, h)
}
/** P(alive at T | x, t_x, T). */
export function probabilityAlive(p: BgParams, x: number, tx: number, T: number): number {
  return bgProbabilityAlive(K, p, x, tx, T)
}
/** Expected purchases in (T, T+t] given the history. */
export function expectedPurchases(
  p: BgParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  return bgExpectedPurchases(K, p, t, x, tx, T)
}
/** E[X(t)]: expected repeat purchases of a new customer by time t. */
export function expectedPurchasesNew(p: BgParams, t: number): number {
  return bgExpectedPurchasesNew(K, p, t)
}
/** P(X(t) = n) for a new customer. */
export function probabilityOfPurchases(p: BgParams, n: number, t: number): number {
  return bgProbabilityOfPurchases(K, p, n, t)
}
/** P(at least one purchase in (T, T+window] | history) = P(alive) · (1 - ((α+T)/(α+T+window))^(r+x)). */
export function probabilityAnyPurchase(
  p: BgParams,
  window: number,
  x: number,
  tx: number,
  T: number,
): number {
  return bgProbabilityAnyPurchase(K, p, window, x, tx, T)
}
/** Median (and mean when finite) waiting time to the next purchase given one happens. */
export function expectedNextPurchaseTime(
  p: BgParams,
  x: number,
  tx: number,
  T: number,
): NextPurchase {
  return bgExpectedNextPurchaseTime(K, p, x, tx, T)
}
/** Seeded simulation of n customers observed for T; `resolution` floors times to a grid. */
export function simulate(
  p: BgParams,
  n: number,
  T: number | ArrayLike<number>,
  seed: number,
  resolution?: number,
): SimulatedHistories {
  return bgSimulate(K, p, n, T, seed, resolution)
}
/** P(alive) and expected purchases over `horizon` for every customer (typed arrays in and out). */
export function scoreAll(
  p: BgParams,
  h: {
    readonly x: ArrayLike<number>
    readonly tx: ArrayLike<number>
    readonly T: ArrayLike<number>
  },
  horizon: number,
): { pAlive: Float64Array; expected: Float64Array } {
  return bgScoreAll(K, p, h, horizon)
}

/** The model as one object, for callers that pick a model at run time. */
export const bgnbd = {
  name: 'bgnbd',
  paramNames: ['r', 'alpha', 'a', 'b'],
  fit,
  logLikelihood,
  logLikelihoodPerHistory,
  gradient,
  probabilityAlive,
  expectedPurchases,
  expectedPurchasesNew,
  probabilityOfPurchases,
  probabilityAnyPurchase,
  expectedNextPurchaseTime,
  simulate,
  scoreAll,
} as const
