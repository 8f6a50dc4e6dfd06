// The NBD (gamma-Poisson) purchase model without dropout (Ehrenberg 1959; Morrison & Schmittlein
// 1988). It is the limit of BG/NBD as the dropout probability goes to zero, so it is the simpler
// estimate used when a BG-family fit finds no sign of customers dropping out.

import { DataError } from '../../errors.ts'
import { digamma, lgamma } from '../special.ts'
import { checkHistory } from './common.ts'
import { fitOnLogScale } from './mle-result.ts'
import type { FitResult, Histories } from './types.ts'

export interface NbdParams extends Record<string, number> {
  /** Shape of the gamma distribution of purchase rates. */
  readonly r: number
  /** Scale (in time units) of the gamma distribution of purchase rates. */
  readonly alpha: number
}

/**
 * Log-likelihood of x repeat purchases in (0, T] for every history (the timing within the window
 * carries no information on λ beyond x and T): Σ w [lnΓ(r+x) − lnΓ(r) + r ln α − (r+x) ln(α+T)],
 * dropping the constant Σ w [x ln(...) terms free of (r, α)].
 */
export function logLikelihood(p: NbdParams, h: Histories): number {
  const { r, alpha } = p
  const lr = lgamma(r)
  const la = Math.log(alpha)
  let ll = 0
  for (let i = 0; i < h.x.length; i++) {
    const x = h.x[i]!
    ll += h.weight[i]! * (lgamma(r + x) - lr + r * la - (r + x) * Math.log(alpha + h.T[i]!))
  }
  return ll
}

/** d LL / d log r and d LL / d log α (analytic). */
export function gradientLog(p: NbdParams, h: Histories): [number, number] {
  const { r, alpha } = p
  const pr = digamma(r)
  const la = Math.log(alpha)
  let gr = 0
  let ga = 0
  for (let i = 0; i < h.x.length; i++) {
    const x = h.x[i]!
    const aT = alpha + h.T[i]!
    const w = h.weight[i]!
    gr += w * (digamma(r + x) - pr + la - Math.log(aT))
    ga += w * (r / alpha - (r + x) / aT)
  }
  return [gr * r, ga * alpha]
}

/**
 * Maximum-likelihood fit of (r, α) on log-parameters with the analytic gradient.
 * @throws DataError when nobody made a repeat purchase (r is not identified);
 *   ConvergenceError when purchase rates do not differ between customers (r and α grow together:
 *   a plain Poisson model fits better).
 * @example fit(compressHistories(x, tx, T)).params // { r, alpha }
 */
export function fit(h: Histories): FitResult<NbdParams> {
  let sx = 0
  let sT = 0
  for (let i = 0; i < h.x.length; i++) {
    checkHistory(h.x[i]!, h.tx[i]!, h.T[i]!)
    sx += h.weight[i]! * h.x[i]!
    sT += h.weight[i]! * h.T[i]!
  }
  if (!(sx > 0)) {
    throw new DataError('NBD: nobody made a repeat purchase, so the purchase rate cannot be fitted')
  }
  // Start at the method-of-moments mean rate r/α = Σx/ΣT with r = 1.
  return fitOnLogScale<NbdParams>({
    model: 'nbd',
    names: ['r', 'alpha'],
    logLikelihood: ([r, alpha]) => logLikelihood({ r: r!, alpha: alpha! }, h),
    gradientLog: ([lr, la]) => gradientLog({ r: Math.exp(lr!), alpha: Math.exp(la!) }, h),
    start: [1, Math.max(sT / sx, 1e-6)],
    customers: h.customers,
  })
}

/** With no dropout every customer is alive. */
export function probabilityAlive(): number {
  return 1
}

/** E[X(t) | x, T] = t (r + x) / (α + T): the posterior mean rate times the window. */
export function expectedPurchases(
  p: NbdParams,
  t: number,
  x: number,
  _tx: number,
  T: number,
): number {
  checkHistory(x, _tx, T)
  return (t * (p.r + x)) / (p.alpha + T)
}

/** r of {@link poissonLimit}: large enough that (r + x) / (α + T) equals the shared rate to 1e-9. */
const POISSON_SHAPE = 1e9

/**
 * The Poisson model (every customer buys at one shared rate λ̂ = Σx / ΣT, the MLE), written as the
 * NBD limit r, α → ∞ with r/α = λ̂ so the NBD scoring functions apply unchanged. It is the fallback
 * when {@link fit} finds that purchase rates do not differ between customers.
 * @throws DataError when nobody made a repeat purchase.
 * @example expectedPurchases(poissonLimit(h), 52, x, tx, T) // ≈ 52 λ̂ for every customer
 */
export function poissonLimit(h: Histories): NbdParams {
  let sx = 0
  let sT = 0
  for (let i = 0; i < h.x.length; i++) {
    sx += h.weight[i]! * h.x[i]!
    sT += h.weight[i]! * h.T[i]!
  }
  if (!(sx > 0) || !(sT > 0)) {
    throw new DataError(
      'Poisson: nobody made a repeat purchase, so no purchase rate can be estimated',
    )
  }
  return { r: POISSON_SHAPE, alpha: (POISSON_SHAPE * sT) / sx }
}
