// Shifted-beta-geometric model of contractual retention (Fader & Hardie 2007), fitted from a
// survival curve (share of a cohort still active per period) turned into counts lost per period.
import { DataError } from '../../errors.ts'
import { discountedSurvivalSum, logGammaRatio, survivalSumAhead } from '../gamma-ratio-series.ts'
import type { Rng } from '../random.ts'
import { createRng } from '../random.ts'
import { digamma, lbeta } from '../special.ts'
import { betaBoundary, checkParams } from './common.ts'
import { fitOnLogScale } from './mle-result.ts'
import type { FitResult } from './types.ts'

// a type, not an interface, as BgParams (bg-family.ts) says why
/** Beta(α, β) heterogeneity of the per-period churn probability θ. */
export type SbgParams = {
  readonly alpha: number
  readonly beta: number
}

/** Cohort counts: lost[t-1] customers churned in period t (t = 1..T), `alive` still active at T. */
export interface SbgCounts {
  readonly lost: readonly number[]
  readonly alive: number
}

/** Cohort size assumed when the survival curve is given only as shares (as in FH 2007). */
export const DEFAULT_COHORT = 1000

/**
 * Turn a survival curve into counts. `survival[0]` is the start (100 % or 1); values above 1.5 are
 * read as percentages. Counts are cohort × share (not rounded: the likelihood accepts fractions).
 * @throws DataError when the curve does not start at 100 %, rises, or has fewer than 2 points.
 */
export function survivalToCounts(
  survival: readonly number[],
  cohort: number = DEFAULT_COHORT,
): SbgCounts {
  if (survival.length < 2) {
    throw new DataError('the survival curve needs the start and at least one later period')
  }
  const pct = survival.some((v) => v > 1.5)
  const s = survival.map((v) => (pct ? v / 100 : v))
  if (Math.abs(s[0]! - 1) > 1e-9) {
    throw new DataError(
      `the survival curve must start at 100 % of the cohort (got ${survival[0]}); give the share still active at the start of each period`,
    )
  }
  if (!(cohort > 0)) throw new DataError(`cohort size must be positive (got ${cohort})`)
  const lost: number[] = []
  for (let t = 1; t < s.length; t++) {
    const a = s[t - 1]!
    const b = s[t]!
    if (!Number.isFinite(b) || b < 0 || b > a + 1e-12) {
      throw new DataError(
        `period ${t}: share still active (${survival[t]}) must be between 0 and the previous period's (${survival[t - 1]})`,
        { period: t },
      )
    }
    lost.push(cohort * (a - b))
  }
  return { lost, alive: cohort * s[s.length - 1]! }
}

/** DataError unless every count is finite and >= 0 (fractions are allowed: see survivalToCounts). */
function checkCounts(c: SbgCounts): void {
  for (let i = 0; i < c.lost.length; i++) {
    const n = c.lost[i]!
    if (!(n >= 0 && Number.isFinite(n))) {
      throw new DataError(
        `lost[${i}] (customers lost in period ${i + 1}) must be a finite number >= 0 (got ${n})`,
      )
    }
  }
  if (!(c.alive >= 0 && Number.isFinite(c.alive))) {
    throw new DataError(
      `alive (customers still active) must be a finite number >= 0 (got ${c.alive})`,
    )
  }
}

function llAndGrad(c: SbgCounts, a: number, b: number): [number, number, number] {
  const lab = lbeta(a, b)
  const dab = digamma(a + b)
  const da0 = digamma(a) - dab
  const db0 = digamma(b) - dab
  let ll = 0
  let ga = 0
  let gb = 0
  c.lost.forEach((n, i) => {
    if (n === 0) return
    const t = i + 1
    // P(T = t) = B(α+1, β+t-1)/B(α,β)
    ll += n * (lbeta(a + 1, b + t - 1) - lab)
    const dk = digamma(a + b + t)
    ga += n * (digamma(a + 1) - dk - da0)
    gb += n * (digamma(b + t - 1) - dk - db0)
  })
  const T = c.lost.length
  if (c.alive > 0) {
    // S(T) = B(α, β+T)/B(α,β)
    ll += c.alive * (lbeta(a, b + T) - lab)
    const dk = digamma(a + b + T)
    ga += c.alive * (digamma(a) - dk - da0)
    gb += c.alive * (digamma(b + T) - dk - db0)
  }
  return [ll, ga, gb]
}

/**
 * sBG log-likelihood Σ_t n_t log P(T=t) + n_alive log S(T) (FH 2007, eq. 5).
 * @throws DataError when a parameter is not finite and > 0 or a count is not finite and >= 0.
 */
export function sbgLogLikelihood(p: SbgParams, c: SbgCounts): number {
  checkParams('sbg', p)
  checkCounts(c)
  return llAndGrad(c, p.alpha, p.beta)[0]
}

/** Gradient of {@link sbgLogLikelihood} in (α, β); exported for tests. */
export function sbgGradient(p: SbgParams, c: SbgCounts): number[] {
  checkParams('sbg', p)
  checkCounts(c)
  return llAndGrad(c, p.alpha, p.beta).slice(1)
}

/**
 * Fit the sBG model by maximum likelihood (analytic gradient, log-parameters). On the FH 2007
 * retention table (years 1-7, cohort 1000): regular α 0.704 β 1.182; high end α 0.668 β 3.806.
 * @example fitSbg(survivalToCounts([100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1]))
 * @throws DataError when a count is not finite and >= 0, or when nobody churned or nobody stayed
 * (the MLE is at the boundary); ConvergenceError when the fit runs off to (or stops flat near) a
 * boundary, saying what the curve shows (retention not rising, churn in period 1 only, ...).
 */
export function fitSbg(c: SbgCounts): FitResult<SbgParams> {
  checkCounts(c)
  const churned = c.lost.reduce((a, b) => a + b, 0)
  if (!(churned > 0)) {
    throw new DataError('nobody churned: the sBG churn probability is not identified (it is 0)')
  }
  // (trailing periods in which nobody was left to churn change nothing)
  if (c.alive <= 0 && c.lost.slice(1).every((n) => !(n > 0))) {
    throw new DataError('everyone churned in the first period: the sBG model is not identified')
  }
  if (c.lost.length < 2) {
    throw new DataError(
      `one period gives one number (the share churning in it, ${(churned / (churned + c.alive)).toFixed(3)}) for two parameters: the sBG model needs at least two periods`,
    )
  }
  const explain = (_: string, __: 'high' | 'low', th: readonly number[]) =>
    explainSbgBoundary(c, th)
  return fitOnLogScale<SbgParams>({
    model: 'sbg',
    names: ['alpha', 'beta'],
    logLikelihood: (p) => llAndGrad(c, p[0]!, p[1]!)[0],
    gradientLog: (th) => {
      const [a, b] = [Math.exp(th[0]!), Math.exp(th[1]!)]
      const v = llAndGrad(c, a, b)
      return [v[1] * a, v[2] * b]
    },
    start: [1, 1],
    customers: churned + c.alive,
    explainBoundary: explain,
    explainFlat: (th) => explainSbgBoundary(c, th),
  })
}

const pct = (v: number): string => `${(100 * v).toPrecision(3)} %`

/**
 * Plain words for an sBG fit stopped at a boundary (log α, log β = theta), about the cohort `c`.
 * Retention rises in the sBG model whenever customers differ (those likely to churn go first), so
 * a curve whose retention stays level or falls drives α and β to ∞ together (one churn
 * probability for all: a geometric lifetime); churn in period 1 only drives them to 0 together
 * (every churn probability 0 or 1).
 */
function explainSbgBoundary(c: SbgCounts, theta: readonly number[]): string | undefined {
  const at = betaBoundary(theta[0]!, theta[1]!)
  if (!at) return undefined
  const T = c.lost.length
  const cohort = c.lost.reduce((a, b) => a + b, c.alive)
  // observed retention r(t) = S(t)/S(t-1) of every period with anyone left to renew
  const renewed: number[] = []
  let left = cohort
  for (const n of c.lost) {
    if (left > 0) renewed.push((left - n) / left)
    left -= n
  }
  const first = renewed[0] ?? 0
  const last = renewed[renewed.length - 1] ?? 0
  const shared = `customers do not differ in churn probability: the best sBG is one churn probability shared by all, ${at.mean.toPrecision(3)} per period (alpha and beta grow together toward a plain geometric lifetime)`
  switch (at.kind) {
    case 'shared':
      if (c.alive <= 0) {
        return `everyone had churned by period ${renewed.length} (retention fell from ${pct(first)} in period 1 to 0 %), while in the sBG model retention rises whenever customers differ in churn probability; so ${shared}, which cannot fit a cohort that is all gone`
      }
      if (last <= first) {
        return `retention does not rise (${pct(first)} renewed in period 1, ${pct(last)} in period ${renewed.length}), while in the sBG model it rises whenever customers differ in churn probability; so ${shared}`
      }
      return shared
    case 'zero-one':
      if (c.lost.slice(1).some((n) => n > 0)) break
      return `everyone who churned did so in period 1 (${pct(1 - first)} of the cohort) and nobody in ${T === 2 ? 'period 2' : `periods 2 to ${T}`}: customers look either certain to churn at once or never to churn (alpha and beta go to 0 together), so the model cannot project any later churn`
    case 'to-zero':
      return `churn is too rare to tell how customers differ in it (${pct(1 - c.alive / cohort)} of the cohort churned in ${T} periods; mean churn probability ${at.mean.toPrecision(3)} per period)`
    default:
      return `the cohort churns almost entirely in period 1 (${pct(1 - first)} of it): the churn probability goes to 1`
  }
  return 'customers look either certain to churn at once or never to churn (alpha and beta go to 0 together)'
}

/** DataError unless `t` is a whole number >= `min`. */
function checkPeriod(t: number, min: 0 | 1, what = 'period'): void {
  if (!(t >= min && Number.isInteger(t))) {
    throw new DataError(`${what} must be a whole number >= ${min} (got ${t})`)
  }
}

/**
 * P(T = t): churn in period t = B(α+1, β+t-1)/B(α,β) (FH 2007, eq. 3). Period 0 is the
 * acquisition, in which nobody churns: P(T = 0) = 0.
 * @throws DataError unless t is a whole number >= 0.
 */
export function sbgChurnProbability(p: SbgParams, t: number): number {
  checkParams('sbg', p)
  checkPeriod(t, 0)
  if (t === 0) return 0
  return Math.exp(lbeta(p.alpha + 1, p.beta + t - 1) - lbeta(p.alpha, p.beta))
}

/**
 * S(t) = P(T > t) = B(α, β+t)/B(α,β) (FH 2007, eq. 4); S(0) = 1.
 * @throws DataError unless t is a whole number >= 0.
 */
export function sbgSurvival(p: SbgParams, t: number): number {
  checkParams('sbg', p)
  checkPeriod(t, 0)
  if (t === 0) return 1
  return Math.exp(lbeta(p.alpha, p.beta + t) - lbeta(p.alpha, p.beta))
}

/**
 * Retention rate r(t) = S(t)/S(t-1) = (β+t-1)/(α+β+t-1) (FH 2007, eq. 6): the share of customers
 * active in period t-1 who renew for period t. It needs a period before t, so t >= 1; r(1) =
 * β/(α+β) is the first renewal rate.
 * @throws DataError unless t is a whole number >= 1 (r(0) would divide by S(-1), which is undefined).
 */
export function sbgRetentionRate(p: SbgParams, t: number): number {
  checkParams('sbg', p)
  checkPeriod(t, 1)
  return retention(p, t - 1)
}

/**
 * r(m+1) = (β+m)/(α+β+m), the whole number m formed first: β + t - 1 from the left rounds a β of
 * 1e-9 to 1.00000008e-9.
 */
const retention = (p: SbgParams, m: number): number => (p.beta + m) / (p.alpha + p.beta + m)

/**
 * Expected lifetime in periods, E[T] = Σ_{t>=0} S(t) = (α+β-1)/(α-1) for α > 1 (the mean of the
 * shifted-beta-geometric; FH 2007 eq. 4 summed): Infinity for α <= 1, where the customers least
 * likely to churn (θ near 0) are common enough that the sum diverges.
 * @example sbgExpectedLifetime({ alpha: 3, beta: 8 }) // 5
 * @throws DataError when a parameter is not finite and > 0.
 */
export function sbgExpectedLifetime(p: SbgParams): number {
  checkParams('sbg', p)
  return p.alpha > 1 ? (p.alpha + p.beta - 1) / (p.alpha - 1) : Number.POSITIVE_INFINITY
}

/**
 * Discounted expected lifetime in payments, DEL(d) = Σ_{t>=0} S(t)/(1+d)^t = 2F1(1, β; α+β; 1/(1+d))
 * (Fader & Hardie 2010, Marketing Science 29(1), eq. 3). The first payment (t = 0) is undiscounted,
 * so expected CLV = margin per period × DEL. Accurate to ~1e-12 for every d > 0: the terms fall
 * only like t^-α (1+d)^-t, so the series is summed by {@link sumGammaRatioSeries}.
 * @example sbgDiscountedExpectedLifetime({ alpha: 0.704, beta: 1.182 }, 0.1) // 3.695...
 * @throws DataError when d <= 0 (the sum diverges when α <= 1) or a parameter is not finite and > 0.
 */
export function sbgDiscountedExpectedLifetime(p: SbgParams, d: number): number {
  checkParams('sbg', p)
  if (!(d > 0)) throw new DataError(`discount rate per period must be positive (got ${d})`)
  return discountedSurvivalSum(p.alpha, p.beta, d)
}

/**
 * Discounted expected residual lifetime of a customer who has made `renewals` renewals, evaluated
 * just before her next renewal decision (so that payment, if made, is undiscounted):
 * DERL = (β+n)/(α+β+n) · 2F1(1, β+n+1; α+β+n+1; 1/(1+d)) with n = renewals (Fader & Hardie 2010,
 * eq. 6 with n-1 renewals there). Note DEL = 1 + DERL(0)/(1+d). Accurate for every d > 0 (see
 * {@link sbgDiscountedExpectedLifetime}).
 * @throws DataError when d <= 0 or renewals is not a whole number >= 0.
 */
export function sbgDiscountedResidualLifetime(p: SbgParams, d: number, renewals: number): number {
  checkParams('sbg', p)
  if (!(d > 0)) throw new DataError(`discount rate per period must be positive (got ${d})`)
  checkRenewals(renewals)
  const n = renewals
  return ((p.beta + n) / (p.alpha + p.beta + n)) * discountedSurvivalSum(p.alpha, p.beta + n + 1, d)
}

// Per-customer predictions. In the contractual setting a "purchase" is a renewal: the customer
// pays at acquisition (period 0) and then at the start of each period t = 1, 2, ... while alive;
// she churns in period T (the first period she does not renew), so she makes T - 1 renewals and
// S(t) = P(T > t) is the probability of renewing at period t. Churn is observed, so a customer's
// history is the number of renewals n she has made while still a customer.

function checkRenewals(n: number, what = 'renewals'): void {
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new DataError(`${what} must be a whole number >= 0 (got ${n})`)
  }
}

/**
 * P(still a customer at period n + t | renewed at period n): S(n+t)/S(n). t = 0 gives 1: churn is
 * observed in a contractual setting, so a customer who just renewed is alive.
 * @throws DataError for n or t not a whole number >= 0.
 */
export function sbgProbabilityAlive(p: SbgParams, renewals: number, ahead = 0): number {
  checkParams('sbg', p)
  checkRenewals(renewals)
  checkRenewals(ahead, 'periods ahead')
  // Π r(n+1..n+ahead): as a difference of two log-betas it lost 2e-9 at α = β = 1e8 (2.6e-8 100
  // periods ahead). Far ahead, the same ratio as two Stirling-based log-gamma ratios.
  if (ahead <= 1000) {
    let s = 1
    for (let k = 0; k < ahead; k++) s *= retention(p, renewals + k)
    return s
  }
  // Γ(b+k)Γ(α+b) / (Γ(b)Γ(α+b+k)), b = β+n, k = ahead, shifting by the smaller of α and k: each
  // log ratio is about its shift times a log, and their difference is the answer's log
  const b = p.beta + renewals
  return p.alpha <= ahead
    ? Math.exp(logGammaRatio(b + ahead, p.alpha) - logGammaRatio(b, p.alpha))
    : Math.exp(logGammaRatio(p.alpha + b, ahead) - logGammaRatio(b, ahead))
}

/**
 * Expected renewals in the next `periods` periods of a customer who has made `renewals` renewals:
 * Σ_{k=1..periods} S(n+k)/S(n) = Σ_k B(α, β+n+k)/B(α, β+n), by {@link survivalSumAhead}: a
 * running product of retention rates for up to 64 periods, the telescoped closed form beyond
 * (O(1) in periods; the loop took 0.2 s at 1e7 periods).
 * @throws DataError for arguments that are not whole numbers >= 0.
 */
export function sbgExpectedPurchases(p: SbgParams, renewals: number, periods: number): number {
  checkParams('sbg', p)
  checkRenewals(renewals)
  checkRenewals(periods, 'periods')
  return survivalSumAhead(p.alpha, p.beta + renewals, periods)
}

/** Expected renewals of a new customer in periods 1..t: Σ_{k=1..t} S(k). */
export function sbgExpectedPurchasesNew(p: SbgParams, periods: number): number {
  return sbgExpectedPurchases(p, 0, periods)
}

/**
 * P(a new customer makes exactly x renewals in periods 1..t): P(T = x+1) for x < t, S(t) for
 * x = t, 0 above.
 * @throws DataError for arguments that are not whole numbers >= 0.
 */
export function sbgProbabilityPurchases(p: SbgParams, periods: number, x: number): number {
  checkRenewals(periods, 'periods')
  checkRenewals(x, 'the number of renewals')
  if (x > periods) return 0
  return x === periods ? sbgSurvival(p, periods) : sbgChurnProbability(p, x + 1)
}

/**
 * P(at least one renewal in the next `window` periods | n renewals made): the first one can only
 * be the next period's, so S(n+1)/S(n) = r(n+1) for any window >= 1 (0 for an empty window).
 */
export function sbgProbabilityAnyPurchase(p: SbgParams, renewals: number, window: number): number {
  checkParams('sbg', p)
  checkRenewals(renewals)
  checkRenewals(window, 'window')
  return window === 0 ? 0 : sbgRetentionRate(p, renewals + 1)
}

/**
 * The next renewal of a customer who has made n renewals: it falls at period n + 1 (renewals
 * are due each period) and happens with probability r(n+1); `expectedRenewals` over the next
 * `horizon` periods tells how long she is expected to stay.
 */
export function sbgExpectedNextPurchase(
  p: SbgParams,
  renewals: number,
  horizon = 12,
): { readonly period: number; readonly probability: number; readonly expectedRenewals: number } {
  return {
    period: renewals + 1,
    probability: sbgProbabilityAnyPurchase(p, renewals, 1),
    expectedRenewals: sbgExpectedPurchases(p, renewals, horizon),
  }
}

/**
 * Simulate a cohort: θ ~ Beta(α, β) per customer, lifetime T ~ Geometric(θ) periods. Returns counts
 * lost in periods 1..periods and still alive after them.
 * @throws DataError when a parameter is not finite and > 0 or customers / periods is not a whole
 * number >= 0.
 */
export function simulateSbg(
  p: SbgParams,
  customers: number,
  periods: number,
  seed: number | Rng,
): SbgCounts {
  checkParams('sbg', p)
  checkPeriod(customers, 0, 'customers')
  checkPeriod(periods, 0, 'periods')
  const rng = typeof seed === 'number' ? createRng(seed) : seed
  const lost = new Array<number>(periods).fill(0)
  let alive = 0
  for (let i = 0; i < customers; i++) {
    const t = rng.geometric(rng.beta(p.alpha, p.beta))
    if (t <= periods) lost[t - 1]!++
    else alive++
  }
  return { lost, alive }
}
