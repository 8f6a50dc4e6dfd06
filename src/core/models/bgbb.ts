// BG/BB model for discrete transaction opportunities (Fader, Hardie & Shang 2010). Works on
// compressed (x, t_x, n) rows; each row's likelihood is a log-sum-exp of beta-function terms, so its
// analytic gradient is the softmax-weighted sum of digamma differences.
import { DataError } from '../../errors.ts'
import {
  discountedSurvivalSum,
  type GammaRatioSeries,
  gammaRatioSeriesSplit,
  gammaRatioSeriesTail,
  logGammaRatio,
  logGammaRatioStep,
  sumGammaRatioSeries,
} from '../gamma-ratio-series.ts'
import type { Rng } from '../random.ts'
import { createRng } from '../random.ts'
import { digamma, lbeta, lgamma, logSumExp } from '../special.ts'
import { checkParams, type NextPurchase } from './common.ts'
import { fitOnLogScale } from './mle-result.ts'
import type { FitResult, Histories } from './types.ts'

/** Beta(α, β) transaction probability, Beta(γ, δ) dropout probability per opportunity. */
export interface BgbbParams extends Record<string, number> {
  readonly alpha: number
  readonly beta: number
  readonly gamma: number
  readonly delta: number
}

/**
 * Check BG/BB histories: in `Histories`, T holds n, the number of opportunities. x, t_x, n must be
 * integers with 0 <= x <= t_x <= n, x = 0 exactly when t_x = 0, and x >= 1 implies t_x >= x.
 */
export function validateBgbb(h: Histories): void {
  for (let i = 0; i < h.x.length; i++) {
    const x = h.x[i]!
    const tx = h.tx[i]!
    const n = h.T[i]!
    const ok =
      Number.isInteger(x) &&
      Number.isInteger(tx) &&
      Number.isInteger(n) &&
      x >= 0 &&
      tx >= x &&
      n >= tx &&
      (x === 0) === (tx === 0)
    if (!ok) {
      throw new DataError(
        `row ${i + 1}: BG/BB needs whole numbers with 0 <= frequency <= recency <= periods and recency 0 exactly when frequency is 0 (got frequency ${x}, recency ${tx}, periods ${n})`,
        { row: i + 1, x, tx, n },
      )
    }
  }
}

/**
 * DataError unless the parameters are finite and positive, (x, t_x, n) is a valid history and
 * `ahead` (opportunities to look ahead) a whole number >= 0.
 */
function checkRow(p: BgbbParams, x: number, tx: number, n: number, ahead = 0): void {
  checkParams('bgbb', p)
  if (!(ahead >= 0 && Number.isInteger(ahead)))
    throw new DataError(`opportunities ahead must be a whole number >= 0 (got ${ahead})`)
  const one = (v: number) => Float64Array.of(v)
  validateBgbb({ x: one(x), tx: one(tx), T: one(n), weight: one(1), customers: 1 })
}

/** log L and d log L / d(α, β, γ, δ) for one row (FHS 2010 eq. 5). */
function rowLL(
  a: number,
  b: number,
  g: number,
  d: number,
  x: number,
  tx: number,
  n: number,
  grad: Float64Array | null,
  terms: Float64Array,
): number {
  const lab = lbeta(a, b)
  const lgd = lbeta(g, d)
  const m = n - tx
  // term 0: still alive after n opportunities
  terms[0] = lbeta(a + x, b + n - x) - lab + lbeta(g, d + n) - lgd
  for (let i = 0; i < m; i++) {
    terms[i + 1] = lbeta(a + x, b + tx - x + i) - lab + lbeta(g + 1, d + tx + i) - lgd
  }
  let mx = Number.NEGATIVE_INFINITY
  for (let k = 0; k <= m; k++) if (terms[k]! > mx) mx = terms[k]!
  let s = 0
  for (let k = 0; k <= m; k++) s += Math.exp(terms[k]! - mx)
  const ll = mx + Math.log(s)
  if (grad) {
    const dab = digamma(a + b)
    const dgd = digamma(g + d)
    const base0 = -(digamma(a) - dab)
    const base1 = -(digamma(b) - dab)
    const base2 = -(digamma(g) - dgd)
    const base3 = -(digamma(d) - dgd)
    let ga = 0
    let gb = 0
    let gg = 0
    let gd = 0
    for (let k = 0; k <= m; k++) {
      const wk = Math.exp(terms[k]! - ll)
      const y = k === 0 ? n - x : tx - x + (k - 1)
      const c = k === 0 ? 0 : 1
      const z = k === 0 ? n : tx + k - 1
      const dabk = digamma(a + b + x + y)
      const dgdk = digamma(g + d + c + z)
      ga += wk * (digamma(a + x) - dabk)
      gb += wk * (digamma(b + y) - dabk)
      gg += wk * (digamma(g + c) - dgdk)
      gd += wk * (digamma(d + z) - dgdk)
    }
    grad[0] = ga + base0
    grad[1] = gb + base1
    grad[2] = gg + base2
    grad[3] = gd + base3
  }
  return ll
}

function maxGap(h: Histories): number {
  let m = 0
  for (let i = 0; i < h.x.length; i++) m = Math.max(m, h.T[i]! - h.tx[i]!)
  return m
}

function total(p: readonly number[], h: Histories, grad: number[] | null): number {
  const [a, b, g, d] = p as [number, number, number, number]
  const terms = new Float64Array(maxGap(h) + 1)
  const gr = grad ? new Float64Array(4) : null
  let ll = 0
  if (grad) grad.fill(0)
  for (let i = 0; i < h.x.length; i++) {
    const w = h.weight[i]!
    ll += w * rowLL(a, b, g, d, h.x[i]!, h.tx[i]!, h.T[i]!, gr, terms)
    if (grad && gr) for (let j = 0; j < 4; j++) grad[j]! += w * gr[j]!
  }
  return ll
}

/**
 * Weighted BG/BB log-likelihood (FHS 2010 eq. 5); `h.T` holds the opportunities n.
 * @throws DataError when a parameter is not finite and > 0 or a row is not a valid history.
 */
export function bgbbLogLikelihood(params: BgbbParams, h: Histories): number {
  checkParams('bgbb', params)
  validateBgbb(h)
  return total([params.alpha, params.beta, params.gamma, params.delta], h, null)
}

/** Gradient of {@link bgbbLogLikelihood} in (α, β, γ, δ); exported for tests. */
export function bgbbGradient(params: BgbbParams, h: Histories): number[] {
  checkParams('bgbb', params)
  validateBgbb(h)
  const g = [0, 0, 0, 0]
  total([params.alpha, params.beta, params.gamma, params.delta], h, g)
  return g
}

/**
 * Fit BG/BB by maximum likelihood on log-parameters with the analytic gradient. On the donations
 * data (11,104 donors, 6 opportunities) this gives α 1.2035, β 0.7497, γ 0.6567, δ 2.7834,
 * LL -33225.58.
 * @throws DataError on invalid rows or when nobody transacted; ConvergenceError if the fit stalls.
 */
export function fitBgbb(h: Histories): FitResult<BgbbParams> {
  validateBgbb(h)
  let repeaters = 0
  for (let i = 0; i < h.x.length; i++) if (h.x[i]! > 0) repeaters += h.weight[i]!
  if (repeaters === 0) {
    throw new DataError('nobody transacted in any opportunity: BG/BB cannot be fitted')
  }
  return fitOnLogScale<BgbbParams>({
    model: 'bgbb',
    names: ['alpha', 'beta', 'gamma', 'delta'],
    logLikelihood: (p) => total(p, h, null),
    gradientLog: (th) => {
      const p = th.map(Math.exp)
      const g = [0, 0, 0, 0]
      total(p, h, g)
      return g.map((v, i) => v * p[i]!)
    },
    start: [1, 1, 1, 1],
    // dropout rare but uneven (γ and δ small) lies past a ridge toward γ -> 0 from the first start
    moreStarts: [
      [1, 1, 0.01, 0.1],
      [1, 1, 0.1, 10],
    ],
    customers: h.customers,
  })
}

function logL(p: BgbbParams, x: number, tx: number, n: number): number {
  const terms = new Float64Array(n - tx + 1)
  return rowLL(p.alpha, p.beta, p.gamma, p.delta, x, tx, n, null, terms)
}

/**
 * P(alive at opportunity n+1 | x, t_x, n) (FHS 2010 eq. 11):
 * B(α+x, β+n-x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L.
 */
export function bgbbProbabilityAlive(p: BgbbParams, x: number, tx: number, n: number): number {
  checkRow(p, x, tx, n)
  const l =
    lbeta(p.alpha + x, p.beta + n - x) -
    lbeta(p.alpha, p.beta) +
    lbeta(p.gamma, p.delta + n + 1) -
    lbeta(p.gamma, p.delta)
  return Math.min(1, Math.exp(l - logL(p, x, tx, n)))
}

/**
 * log Σ_{t=n+1}^{n+k} B(γ, δ+t)/B(γ, δ), the log of the expected number of opportunities alive.
 * B(γ, y) = B(γ-1, y) - B(γ-1, y+1) telescopes the sum to Γ(γ+δ)/Γ(δ) R(y0) (1 - ρ)/(γ-1) with
 * y0 = δ+n+1, R(y) = Γ(y)/Γ(y+γ-1) and ρ = R(y0+k)/R(y0) (FHS 2010 eq. 8/13). 1 - ρ is -expm1 of
 * log ρ, whose two log-ratios carry no log-gamma of a large argument (logGammaRatio): the closed
 * form as a difference of two exponentials lost 8e-5 of the answer at γ = 1 + 1e-5. Summed term
 * by term near γ = 1, where (1 - ρ)/(γ-1) is 0/0, and for short windows. In logs, so that a head
 * of e^3000 times an alive count of e^-3000 is not ∞ · 0.
 */
function logAliveOpportunities(g: number, d: number, n: number, k: number): number {
  if (k <= 0) return Number.NEGATIVE_INFINITY
  if (Math.abs(g - 1) < 1e-6 || k <= 64) {
    const lgd = lbeta(g, d)
    let l = Number.NEGATIVE_INFINITY
    for (let t = n + 1; t <= n + k; t++) l = logSumExp(l, lbeta(g, d + t) - lgd)
    return l
  }
  const y0 = d + n + 1
  const v = g - 1
  // log R(y), R(y) = Γ(y)/Γ(y+v); for v < 0 the reciprocal of Γ(y+v)/Γ(y+v+|v|)
  const logR = (y: number): number => (v > 0 ? logGammaRatio(y, v) : -logGammaRatio(y + v, -v))
  const lr0 = logR(y0)
  const lrho = logR(y0 + k) - lr0
  // γ > 1: ρ < 1, (1 - ρ)/(γ - 1) > 0; γ < 1: ρ > 1, (ρ - 1)/(1 - γ) > 0
  const lfrac =
    g > 1
      ? Math.log(-Math.expm1(lrho)) - Math.log(g - 1)
      : Math.log(Math.expm1(lrho)) - Math.log(1 - g)
  return lgamma(g + d) - lgamma(d) + lr0 + lfrac
}

/**
 * Expected transactions in the next `nStar` opportunities for a customer with history (x, t_x, n)
 * (FHS 2010 eq. 13): B(α+x+1, β+n-x)/B(α,β) / L · Σ_{t=n+1}^{n+n*} B(γ, δ+t)/B(γ, δ).
 */
export function bgbbExpectedPurchases(
  p: BgbbParams,
  nStar: number,
  x: number,
  tx: number,
  n: number,
): number {
  checkRow(p, x, tx, n, nStar)
  const head = lbeta(p.alpha + x + 1, p.beta + n - x) - lbeta(p.alpha, p.beta) - logL(p, x, tx, n)
  return Math.exp(head + logAliveOpportunities(p.gamma, p.delta, n, nStar))
}

/** E[X(n)] for a customer just acquired (FHS 2010 eq. 8): α/(α+β) · Σ_{t=1}^{n} B(γ,δ+t)/B(γ,δ). */
export function bgbbExpectedPurchasesNew(p: BgbbParams, n: number): number {
  checkRow(p, 0, 0, n)
  return (p.alpha / (p.alpha + p.beta)) * Math.exp(logAliveOpportunities(p.gamma, p.delta, 0, n))
}

/**
 * P(X(n) = x) for a new customer (FHS 2010 eq. 7):
 * C(n,x) B(α+x,β+n-x)/B(α,β) B(γ,δ+n)/B(γ,δ) + Σ_{i=x}^{n-1} C(i,x) B(α+x,β+i-x)/B(α,β) B(γ+1,δ+i)/B(γ,δ).
 * 0 for x > n (more transactions than opportunities).
 * @throws DataError unless n and x are whole numbers >= 0 and the parameters finite and > 0.
 */
export function bgbbProbabilityPurchases(p: BgbbParams, n: number, x: number): number {
  checkRow(p, 0, 0, n)
  if (!(x >= 0 && Number.isInteger(x))) {
    throw new DataError(`number of transactions must be a whole number >= 0 (got ${x})`)
  }
  if (x > n) return 0
  const lab = lbeta(p.alpha, p.beta)
  const lgd = lbeta(p.gamma, p.delta)
  const lchoose = (a: number, k: number): number =>
    lgamma(a + 1) - lgamma(k + 1) - lgamma(a - k + 1)
  let s = Math.exp(
    lchoose(n, x) + lbeta(p.alpha + x, p.beta + n - x) - lab + lbeta(p.gamma, p.delta + n) - lgd,
  )
  for (let i = x; i < n; i++) {
    s += Math.exp(
      lchoose(i, x) +
        lbeta(p.alpha + x, p.beta + i - x) -
        lab +
        lbeta(p.gamma + 1, p.delta + i) -
        lgd,
    )
  }
  return s
}

/**
 * Discounted expected residual transactions with per-opportunity discount rate d (FHS 2010 eq. 14):
 * B(α+x+1, β+n-x)/B(α,β) / L · Σ_{t>n} B(γ, δ+t)/B(γ,δ) / (1+d)^(t-n)
 * = B(α+x+1, β+n-x)/B(α,β) / L · B(γ, δ+n+1)/B(γ,δ) / (1+d) · 2F1(1, δ+n+1; γ+δ+n+1; 1/(1+d)).
 * The series is the discounted lifetime of an sBG(γ, δ+n+1) dropout process, summed to ~1e-12 for
 * every d > 0 by {@link discountedSurvivalSum} (its terms fall only like t^-γ (1+d)^-t).
 * @example bgbbDiscountedResidualTransactions({ alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783 }, 0.1, 6, 6, 6)
 * @throws DataError when d <= 0 (the sum may diverge) or the row is invalid.
 */
export function bgbbDiscountedResidualTransactions(
  p: BgbbParams,
  d: number,
  x: number,
  tx: number,
  n: number,
): number {
  if (!(d > 0)) throw new DataError(`discount rate per opportunity must be positive (got ${d})`)
  checkRow(p, x, tx, n)
  const head =
    lbeta(p.alpha + x + 1, p.beta + n - x) -
    lbeta(p.alpha, p.beta) -
    logL(p, x, tx, n) +
    lbeta(p.gamma, p.delta + n + 1) -
    lbeta(p.gamma, p.delta)
  return (Math.exp(head) / (1 + d)) * discountedSurvivalSum(p.gamma, p.delta + n + 1, d)
}

/**
 * P(at least one transaction in opportunities n+1 .. n+k | x, t_x, n) = Σ_{m=1}^{k} P(next at n+m)
 * (see {@link bgbbExpectedNextPurchase}): positive terms, so the answer keeps its relative
 * precision and grows with k. P(alive at n) - P(alive and none in k), the two nearly equal when
 * a transaction is unlikely, lost 8e-4 of a 1e-12 answer and could shrink as k grew.
 */
export function bgbbProbabilityAnyPurchase(
  p: BgbbParams,
  k: number,
  x: number,
  tx: number,
  n: number,
): number {
  checkRow(p, x, tx, n, k)
  if (k === 0) return 0
  const { logP1, series } = nextSeries(p, x, tx, n)
  const sum = sumGammaRatioSeries(series, undefined, k)
  return Math.min(1, Math.exp(logP1 + Math.log(sum)))
}

/**
 * P(next at n+m) = P(1) f(m): log P(1) = log[B(a+1, b) B(g, e+1) / (B(α,β) B(γ,δ) L)] and f as a
 * {@link GammaRatioSeries} from m = 1, f(m) = Γ(m+b-1)/Γ(m+b+a) · Γ(m+e)/Γ(m+e+g) / [Γ(b)/Γ(b+a+1)
 * · Γ(e+1)/Γ(e+1+g)], with a = α+x, b = β+n-x, g = γ, e = δ+n. The shape is summed on its own, so
 * the median and mean survive a P(1) below the double range.
 */
function nextSeries(
  p: BgbbParams,
  x: number,
  tx: number,
  n: number,
): { logP1: number; series: GammaRatioSeries } {
  const a = p.alpha + x
  const b = p.beta + n - x
  const e = p.delta + n
  const series: GammaRatioSeries = {
    logC: 0,
    u: [b - 1, e],
    v: [a + 1, p.gamma],
    kappa: 0,
    delta: 0,
    start: 1,
  }
  return { logP1: logFirstNext(p, x, tx, n), series }
}

/**
 * log P(next at n+1) = -log Σ_k R_k, R_k = B(α+x, β+y_k) B(γ+c_k, δ+z_k) / [B(a+1, b) B(γ, e+1)]
 * over the terms of L (FHS 2010 eq. 5; B(α,β) B(γ,δ) cancels). Each R_k is a ratio of gamma
 * functions whose arguments differ by whole numbers, taken with logGammaRatioStep: the lbeta
 * differences of logL lose ~1e-16 of lbeta's size, 1e-8 of the answer at α = β = 1e8.
 * R_0 = (a+b)/a · (γ+e)/e (alive at n); for the customer gone after opportunity tx+i,
 * R = (a+b)/a · γ/(γ+δ+tx+i) · exp(-D(β+y, n-tx-i, a) - D(δ+tx+i, n-tx-i+1, γ)), y = tx-x+i,
 * D = logGammaRatioStep; the ratio of consecutive ones is (β+y)/(a+β+y) · (δ+z)/(γ+1+δ+z).
 */
function logFirstNext(p: BgbbParams, x: number, tx: number, n: number): number {
  const a = p.alpha + x
  const g = p.gamma
  const e = p.delta + n
  const gone = n - tx
  let logGone = Number.NEGATIVE_INFINITY
  if (gone > 0) {
    const logR = (i: number): number =>
      Math.log(g / (g + p.delta + tx + i)) -
      logGammaRatioStep(p.beta + tx - x + i, gone - i, a) -
      logGammaRatioStep(p.delta + tx + i, gone - i + 1, g)
    // the terms fall with i: sum them relative to the first, by their ratio, restarted from the
    // exact value every 512 terms against drift
    const log0 = logR(0)
    let sum = 0
    let t = 1
    for (let i = 0; i < gone; i++) {
      if (i % 512 === 0) t = Math.exp(logR(i) - log0)
      sum += t
      const y = p.beta + tx - x + i
      const z = p.delta + tx + i
      t *= (y / (a + y)) * (z / (g + 1 + z))
    }
    logGone = log0 + Math.log(sum)
  }
  const logAlive = Math.log((g + e) / e)
  return -(Math.log((a + p.beta + n - x) / a) + logSumExp(logAlive, logGone))
}

/**
 * Opportunities from n to the next transaction, among futures where there is one:
 * P(next at n+m) = E[(1-θ)^m (1-p)^(m-1) p | alive at n] = B(α+x+1, β+n-x+m-1)/B(α,β) ·
 * B(γ, δ+n+m)/B(γ,δ) / L. `probability` is the chance of any further transaction, Σ_m P(m);
 * `median` the first m where the cumulative share reaches 1/2; `mean` Σ_m m P(m) / Σ_m P(m).
 * The terms fall only like m^-(α+x+1+γ) (at α = γ = 0.001 half the probability lies beyond
 * m = 1e150), so the sums and the tail beyond the median are taken by
 * {@link sumGammaRatioSeries} (direct summation, then Euler-Maclaurin; ~1e-12 relative). The mean
 * is finite only when α+x+γ > 1; the median exists whenever a transaction can happen, and is
 * null only when it lies beyond 1e300 opportunities.
 */
export function bgbbExpectedNextPurchase(
  p: BgbbParams,
  x: number,
  tx: number,
  n: number,
): NextPurchase {
  checkRow(p, x, tx, n)
  const { logP1, series } = nextSeries(p, x, tx, n)
  const meanFinite = p.alpha + x + p.gamma > 1
  const split = gammaRatioSeriesSplit(series)
  // the direct part stops once the rest is negligible (a few thousand terms at most), long before
  // split when split is large: sized by split, this array took 8 GB at α = γ = 1e7
  const partial: number[] = []
  const shape = sumGammaRatioSeries(series, (_m, _t, sum) => {
    partial.push(sum)
  })
  const total = Math.exp(logP1 + Math.log(shape))
  const mean = meanFinite ? sumGammaRatioSeries({ ...series, kappa: 1 }) / shape : null
  const median = medianOpportunity(series, shape / 2, partial, split)
  const reasons: string[] = []
  if (!meanFinite) {
    reasons.push('the mean waiting time is infinite when alpha + x + gamma <= 1; use the median')
  }
  if (median === null) reasons.push('the median waiting time is beyond 1e300 opportunities')
  if (total === 0) {
    reasons.push('a further transaction is less likely than 1e-308 (median and mean assume one)')
  }
  return {
    median,
    mean: mean !== null && Number.isFinite(mean) ? mean : null,
    probability: Math.min(1, total),
    reason: reasons.length > 0 ? reasons.join('; ') : null,
  }
}

/**
 * Smallest m with Σ_{k<=m} P(k) >= half: among the directly summed terms from their partial sums,
 * else by bisection on the tail Σ_{k>m} P(k) <= half (taken directly, not as total - partial). When
 * the direct sum stopped early, the terms it skipped before `split` are below 1e-17 of the total,
 * so a median past the partial sums lies at split or beyond, where the tail is valid.
 */
function medianOpportunity(
  series: GammaRatioSeries,
  half: number,
  partial: readonly number[],
  split: number,
): number | null {
  for (let i = 0; i < partial.length; i++) if (partial[i]! >= half) return i + 1
  const tail = (m: number): number => gammaRatioSeriesTail(series, m + 1)
  let lo = Math.max(partial.length, split - 1) // tail(lo) > half
  let hi = Math.max(2 * lo, 2)
  while (tail(hi) > half) {
    lo = hi
    hi *= 64
    if (hi > 1e300) return null
  }
  while (hi - lo > 1 && hi - lo > 1e-15 * hi) {
    const mid = Math.floor(lo + (hi - lo) / 2)
    if (tail(mid) > half) lo = mid
    else hi = mid
  }
  return hi
}

/** Simulated BG/BB customers: calibration (x, t_x, n) and holdout transactions in `holdout` more. */
export interface BgbbSimulation {
  readonly x: Float64Array
  readonly tx: Float64Array
  readonly n: Float64Array
  readonly holdout: Float64Array
}

/**
 * Simulate `customers` customers over `n` opportunities (plus `holdout` more): p ~ Beta(α, β),
 * θ ~ Beta(γ, δ); at each opportunity an alive customer transacts w.p. p, then dies w.p. θ (a
 * customer alive at the start of opportunity 1 can transact there: FHS 2010 §2).
 * @throws DataError when a parameter is not finite and > 0 or a count is not a whole number >= 0.
 */
export function simulateBgbb(
  p: BgbbParams,
  customers: number,
  n: number,
  seed: number | Rng,
  holdout = 0,
): BgbbSimulation {
  checkParams('bgbb', p)
  for (const [name, v] of [
    ['customers', customers],
    ['opportunities n', n],
    ['holdout opportunities', holdout],
  ] as const) {
    if (!(v >= 0 && Number.isInteger(v))) {
      throw new DataError(`${name} must be a whole number >= 0 (got ${v})`)
    }
  }
  const rng = typeof seed === 'number' ? createRng(seed) : seed
  const x = new Float64Array(customers)
  const tx = new Float64Array(customers)
  const nn = new Float64Array(customers).fill(n)
  const ho = new Float64Array(customers)
  for (let i = 0; i < customers; i++) {
    const pi = rng.beta(p.alpha, p.beta)
    const th = rng.beta(p.gamma, p.delta)
    for (let t = 1; t <= n + holdout; t++) {
      // alive at t with probability (1-θ) from t-1 (dropout happens between opportunities)
      if (rng.uniform() < th) break
      if (rng.uniform() < pi) {
        if (t <= n) {
          x[i]!++
          tx[i] = t
        } else ho[i]!++
      }
    }
  }
  return { x, tx, n: nn, holdout: ho }
}
