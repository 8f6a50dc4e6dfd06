// The NBD (gamma-Poisson) purchase model without dropout (Ehrenberg 1959; Morrison & Schmittlein
// 1988). It is the limit of BG/NBD as the dropout probability goes to zero, so it is the simpler
// estimate used when a BG-family fit finds no sign of customers dropping out.

import { ConvergenceError, DataError } from '../../errors.ts'
import { digamma, lgamma } from '../special.ts'
import { checkHistories, checkHistory, checkParams, indexHistories } from './common.ts'
import { fitOnLogScale } from './mle-result.ts'
import type { FitResult, Histories } from './types.ts'

// a type, not an interface, as BgParams (bg-family.ts) says why
export type NbdParams = {
  /** Shape of the gamma distribution of purchase rates. */
  readonly r: number
  /** Scale (in time units) of the gamma distribution of purchase rates. */
  readonly alpha: number
}

/** DataError unless the span t is >= 0; t = ∞ is allowed (the limit is meaningful). */
function checkSpan(t: number): void {
  if (!(t >= 0)) throw new DataError(`t must be a number >= 0 (got ${t})`)
}

/** DataError unless x >= 0 and T >= 0 are finite (the scores that need no t_x). */
function checkCountAndAge(x: number, T: number): void {
  if (!(x >= 0 && T >= 0 && x < Number.POSITIVE_INFINITY && T < Number.POSITIVE_INFINITY)) {
    throw new DataError(`invalid history x=${x}, T=${T}: need finite numbers x >= 0 and T >= 0`, {
      x,
      T,
    })
  }
}

/** Per unique x and per unique T sums of the weights, so an evaluation costs O(distinct values). */
interface Prepared {
  readonly xs: Float64Array
  /** Weight per unique x. */
  readonly wx: Float64Array
  readonly ts: Float64Array
  /** Weight per unique T, and Σ w x per unique T. */
  readonly wt: Float64Array
  readonly wxt: Float64Array
  readonly total: number
}

function prepare(h: Histories): Prepared {
  const ix = indexHistories(h)
  const wx = new Float64Array(ix.xs.length)
  const wt = new Float64Array(ix.ts.length)
  const wxt = new Float64Array(ix.ts.length)
  let total = 0
  for (let i = 0; i < h.x.length; i++) {
    const w = h.weight[i]!
    wx[ix.ix[i]!]! += w
    wt[ix.iT[i]!]! += w
    wxt[ix.iT[i]!]! += w * h.x[i]!
    total += w
  }
  return { xs: ix.xs, wx, ts: ix.ts, wt, wxt, total }
}

/**
 * Σ w [lnΓ(r+x) − lnΓ(r) + r ln α − (r+x) ln(α+T)] and (with g) its gradient in (log r, log α):
 * the lgamma terms summed per unique x, the ln(α+T) terms per unique T.
 */
function evalLL(q: Prepared, r: number, alpha: number, g: number[] | null): number {
  const lr = lgamma(r)
  const la = Math.log(alpha)
  const pr = g ? digamma(r) : 0
  let ll = q.total * (r * la - lr)
  let gr = q.total * (la - pr)
  let ga = (q.total * r) / alpha
  for (let j = 0; j < q.xs.length; j++) {
    const w = q.wx[j]!
    if (w === 0) continue
    ll += w * lgamma(r + q.xs[j]!)
    if (g) gr += w * digamma(r + q.xs[j]!)
  }
  for (let j = 0; j < q.ts.length; j++) {
    const w = q.wt[j]!
    if (w === 0) continue
    const aT = alpha + q.ts[j]!
    const l = Math.log(aT)
    const rx = r * w + q.wxt[j]!
    ll -= rx * l
    gr -= w * l
    ga -= rx / aT
  }
  if (g) {
    g[0] = gr * r
    g[1] = ga * alpha
  }
  return ll
}

/**
 * Log-likelihood of x repeat purchases in (0, T] for every history (the timing within the window
 * carries no information on λ beyond x and T): Σ w [lnΓ(r+x) − lnΓ(r) + r ln α − (r+x) ln(α+T)],
 * dropping the constant Σ w [x ln(...) terms free of (r, α)].
 * @throws DataError when r or α is not a finite number > 0, or a history or weight is invalid.
 */
export function logLikelihood(p: NbdParams, h: Histories): number {
  checkParams('NBD', p)
  checkHistories(h)
  return evalLL(prepare(h), p.r, p.alpha, null)
}

/** d LL / d log r and d LL / d log α (analytic). Throws as {@link logLikelihood}. */
export function gradientLog(p: NbdParams, h: Histories): [number, number] {
  checkParams('NBD', p)
  checkHistories(h)
  const g = [0, 0]
  evalLL(prepare(h), p.r, p.alpha, g)
  return [g[0]!, g[1]!]
}

/**
 * Maximum-likelihood fit of (r, α) on log-parameters with the analytic gradient. Each evaluation
 * costs O(distinct x + distinct T), not O(histories).
 * @throws DataError when nobody made a repeat purchase (r is not identified);
 *   ConvergenceError when purchase rates do not differ between customers (r and α grow together:
 *   a plain Poisson model fits better).
 * @example fit(compressHistories(x, tx, T)).params // { r, alpha }
 */
export function fit(h: Histories): FitResult<NbdParams> {
  checkHistories(h)
  let sx = 0
  let sT = 0
  for (let i = 0; i < h.x.length; i++) {
    sx += h.weight[i]! * h.x[i]!
    sT += h.weight[i]! * h.T[i]!
  }
  if (!(sx > 0)) {
    throw new DataError('NBD: nobody made a repeat purchase, so the purchase rate cannot be fitted')
  }
  const q = prepare(h)
  const together = `r and alpha grow together, so purchase rates do not differ between customers (too few customers, or rates alike): the Poisson limit, where every customer buys at one shared rate, ${formatRate(sx / sT)} per period (repeat purchases over the time observed), which analyze and the library's nbd.fitNoDropout use in the NBD's place`
  // Start at the method-of-moments mean rate r/α = Σx/ΣT with r = 1.
  const f = fitOnLogScale<NbdParams>({
    model: 'nbd',
    names: ['r', 'alpha'],
    logLikelihood: ([r, alpha]) => evalLL(q, r!, alpha!, null),
    gradientLog: ([lr, la]) => {
      const g = [0, 0]
      evalLL(q, Math.exp(lr!), Math.exp(la!), g)
      return g
    },
    start: [1, Math.max(sT / sx, 1e-6)],
    customers: h.customers,
    // r and α up together (one customer, or rates alike): say what that is, and what to use; the
    // error alone ("alpha ran off to infinity") left a user sent here by a dropout model stranded
    explainBoundary: (name, dir) =>
      dir === 'high' && (name === 'r' || name === 'alpha') ? together : undefined,
    // stopped flat far up that ridge (which of the two the optimizer meets depends on the
    // order of the histories): the same limit
    explainFlat: ([lr, la]) => (lr! > 0 && la! > 0 ? together : undefined),
  })
  // The likelihood rises along that ridge to the Poisson limit's: a stop on it below the limit
  // (r = 6e5 with -101977.7515 against the limit's -101977.7497, on histories that in another
  // order ran off to it) is no maximum, and the limit is the fit
  const limit = poissonLogLikelihood(h, sx / sT)
  if (f.logLikelihood <= limit + 1e-12 * Math.abs(f.logLikelihood)) {
    throw new ConvergenceError(
      `NBD: the likelihood rises to the Poisson limit (log-likelihood ${f.logLikelihood.toFixed(4)} at r = ${f.params.r.toPrecision(4)} against ${limit.toFixed(4)}): ${together}`,
      f.iterations,
      [f.params.r, f.params.alpha],
      { poissonLogLikelihood: limit },
    )
  }
  return f
}

/**
 * The Poisson limit's log-likelihood, on the scale of {@link logLikelihood} (its limit as r, α → ∞
 * with r/α = λ): Σ w [x ln λ − λ T].
 */
export function poissonLogLikelihood(h: Histories, lambda: number): number {
  let ll = 0
  for (let i = 0; i < h.x.length; i++) {
    const x = h.x[i]!
    ll += h.weight[i]! * ((x > 0 ? x * Math.log(lambda) : 0) - lambda * h.T[i]!)
  }
  return ll
}

/** A rate for a message: four significant digits, no exponent for the usual sizes. */
const formatRate = (v: number): string =>
  v >= 1e-4 && v < 1e6 ? String(Number(v.toPrecision(4))) : v.toExponential(3)

/** The no-dropout model fitted by {@link fitNoDropout}. */
export interface NoDropoutFit {
  /** 'nbd', or 'poisson' when the NBD could not be fitted because rates do not differ. */
  readonly model: 'nbd' | 'poisson'
  readonly params: NbdParams
  /** The NBD fit (standard errors, log-likelihood); null for the Poisson limit. */
  readonly fit: FitResult<NbdParams> | null
  /** Why the NBD could not be fitted (model 'poisson'), else null. */
  readonly nbdError: string | null
}

/**
 * The model a dropout model (BG/NBD, Pareto/NBD) tends to when nobody drops out: the NBD
 * ({@link fit}), or, when its r and α grow together (ConvergenceError: rates do not differ), the
 * Poisson limit ({@link poissonLimit}). Used by the service refit and by analyze's predictions.
 * @throws DataError when nobody made a repeat purchase.
 * @example fitNoDropout(h).params // { r, alpha }
 */
export function fitNoDropout(h: Histories): NoDropoutFit {
  try {
    // biome-ignore lint/suspicious/noFocusedTests: the NBD's fit, not a focused test
    const f = fit(h)
    return { model: 'nbd', params: f.params, fit: f, nbdError: null }
  } catch (e) {
    if (!(e instanceof ConvergenceError)) throw e
    return { model: 'poisson', params: poissonLimit(h), fit: null, nbdError: e.message }
  }
}

/** With no dropout every customer is alive. */
export function probabilityAlive(): number {
  return 1
}

/**
 * E[X(t) | x, T] = t (r + x) / (α + T): the posterior mean rate times the window (Morrison &
 * Schmittlein 1988). t = ∞ gives ∞: without dropout purchases never stop.
 * @example expectedPurchases({ r: 0.4, alpha: 12 }, 52, 2, 30, 39) // 52 · 2.4 / 51
 * @throws DataError when r or α is not a finite number > 0, t < 0 or NaN, or the history is
 *   invalid.
 */
export function expectedPurchases(
  p: NbdParams,
  t: number,
  x: number,
  _tx: number,
  T: number,
): number {
  checkParams('NBD', p)
  checkSpan(t)
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
  const { purchases, exposure } = poissonFit(h)
  return { r: POISSON_SHAPE, alpha: (POISSON_SHAPE * exposure) / purchases }
}

/** The Poisson model's fit: the rate, its standard error and the log-likelihood. */
export interface PoissonFit {
  /** Σx and ΣT, weighted: the repeat purchases and the time observed. */
  readonly purchases: number
  readonly exposure: number
  /** λ̂ = Σx / ΣT, the maximum-likelihood shared rate per period. */
  readonly lambda: number
  /** √(λ̂ / ΣT), from the Fisher information ΣT / λ. */
  readonly standardError: number
  /** {@link poissonLogLikelihood} at λ̂: on the NBD's scale, so AIC and BIC compare with its. */
  readonly logLikelihood: number
}

/**
 * The Poisson model fitted in closed form: every customer buys at one shared rate (the NBD's
 * limit when rates do not differ; `loyals fit --model nbd` reports it then).
 * @throws DataError when nobody made a repeat purchase.
 * @example poissonFit(h).lambda // Σx / ΣT
 */
export function poissonFit(h: Histories): PoissonFit {
  checkHistories(h)
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
  const lambda = sx / sT
  return {
    purchases: sx,
    exposure: sT,
    lambda,
    standardError: Math.sqrt(lambda / sT),
    logLikelihood: poissonLogLikelihood(h, lambda),
  }
}

/**
 * P(at least one purchase in (T, T + t] | x, T) = 1 − ((α+T)/(α+T+t))^(r+x) (gamma-Poisson).
 * @throws DataError when r or α is not a finite number > 0, t < 0 or NaN, or x, T are not finite
 *   numbers >= 0.
 */
export function probabilityAnyPurchase(p: NbdParams, t: number, x: number, T: number): number {
  checkParams('NBD', p)
  checkSpan(t)
  checkCountAndAge(x, T)
  if (t === 0) return 0
  return -Math.expm1(-(p.r + x) * Math.log1p(t / (p.alpha + T)))
}

/**
 * Median waiting time from T to the next purchase: P(none in w) = ((α+T)/(α+T+w))^(r+x) = 1/2
 * gives w = (α+T)(2^(1/(r+x)) − 1). Without dropout a next purchase always comes.
 * @throws DataError when r or α is not a finite number > 0, or x, T are not finite numbers >= 0.
 */
export function medianNextPurchase(p: NbdParams, x: number, T: number): number {
  checkParams('NBD', p)
  checkCountAndAge(x, T)
  return (p.alpha + T) * Math.expm1(Math.LN2 / (p.r + x))
}

/**
 * E[X(t)] of a new customer: r t / α (∞ for t = ∞).
 * @throws DataError when r or α is not a finite number > 0, or t < 0 or NaN.
 */
export function expectedPurchasesNew(p: NbdParams, t: number): number {
  checkParams('NBD', p)
  checkSpan(t)
  return (p.r * t) / p.alpha
}
