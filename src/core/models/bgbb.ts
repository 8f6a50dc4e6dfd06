// BG/BB model for discrete transaction opportunities (Fader, Hardie & Shang 2010). Works on
// compressed (x, t_x, n) rows; each row's likelihood is a sum of beta-function terms, so its
// analytic gradient is the softmax-weighted sum of digamma differences.
import { DataError } from '../../errors.ts'
import {
  discountedSurvivalSum,
  type GammaRatioSeries,
  gammaRatioSeriesSplit,
  gammaRatioSeriesTail,
  logGammaRatioStep,
  sumGammaRatioSeries,
  survivalSumAhead,
} from '../gamma-ratio-series.ts'
import type { Rng } from '../random.ts'
import { createRng } from '../random.ts'
import { digamma, lgamma, logSumExp } from '../special.ts'
import { betaBoundary, checkParams, givenAlive, type NextPurchase } from './common.ts'
import { fitOnLogScale } from './mle-result.ts'
import type { FitResult, Histories } from './types.ts'

// a type, not an interface, as BgParams (bg-family.ts) says why
/** Beta(α, β) transaction probability, Beta(γ, δ) dropout probability per opportunity. */
export type BgbbParams = {
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

/**
 * log L and d log L / d(α, β, γ, δ) for one row (FHS 2010 eq. 5), without large log-betas
 * cancelling (see {@link logLikelihoodRow}). The gradient is the weighted mean of the
 * terms' digamma differences, weights A_0/L and G_i/L: the G_i by their ratio to G_0, and each
 * digamma by ψ(z+1) = ψ(z) + 1/z from the one before, so a term costs a few divisions instead of
 * eight log-betas and digammas (a fit of 3,000 histories over 300 opportunities took 8.6 s).
 */
function rowLL(
  a: number,
  b: number,
  g: number,
  d: number,
  x: number,
  tx: number,
  n: number,
  grad: Float64Array | null,
): number {
  if (!grad) return logLikelihoodRow(a, b, g, d, x, tx, n)
  const [logHead, logG0] = headAndFirstGone(a, b, g, d, x, tx, n)
  const psiAx = digamma(a + x)
  const psiAlive = digamma(a + b + n)
  const psiGdn = digamma(g + d + n)
  // alive after n opportunities: B(α+x, β+n-x)/B(α,β) · B(γ, δ+n)/B(γ,δ), weight A_0/L
  let ga = psiAx - psiAlive
  let gb = digamma(b + n - x) - psiAlive
  let gg = digamma(g) - psiGdn
  let gd = digamma(d + n) - psiGdn
  let ll = logHead
  const m = n - tx
  if (m > 0) {
    // gone after opportunity t_x + i: B(α+x, β+t_x-x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)
    let u1 = a + b + tx
    let u2 = b + (tx - x)
    let u3 = g + d + 1 + tx
    let u4 = d + tx
    let p1 = digamma(u1)
    let p2 = digamma(u2)
    let p3 = digamma(u3)
    let p4 = digamma(u4)
    let t = 1
    let s0 = 0
    let s1 = 0
    let s2 = 0
    let s3 = 0
    let s4 = 0
    for (let i = 0; i < m && t > 0; i++) {
      s0 += t
      s1 += t * p1
      s2 += t * p2
      s3 += t * p3
      s4 += t * p4
      t *= (u2 / u1) * (u4 / u3)
      p1 += 1 / u1
      p2 += 1 / u2
      p3 += 1 / u3
      p4 += 1 / u4
      u1 += 1
      u2 += 1
      u3 += 1
      u4 += 1
    }
    // the same sum as logGoneSum's (here always term by term: the terms are needed one by one)
    ll = logSumExp(logHead, logG0 + Math.log(s0))
    const w0 = Math.exp(logHead - ll)
    const c = Math.exp(logG0 - ll)
    ga = w0 * ga + c * (s0 * psiAx - s1)
    gb = w0 * gb + c * (s2 - s1)
    gg = w0 * gg + c * (s0 * digamma(g + 1) - s3)
    gd = w0 * gd + c * (s4 - s3)
  }
  // -log B(α,β) - log B(γ,δ), common to every term (the weights add up to 1)
  const dab = digamma(a + b)
  const dgd = digamma(g + d)
  grad[0] = ga - (digamma(a) - dab)
  grad[1] = gb - (digamma(b) - dab)
  grad[2] = gg - (digamma(g) - dgd)
  grad[3] = gd - (digamma(d) - dgd)
  return ll
}

function total(p: readonly number[], h: Histories, grad: number[] | null): number {
  const [a, b, g, d] = p as [number, number, number, number]
  const gr = grad ? new Float64Array(4) : null
  let ll = 0
  if (grad) grad.fill(0)
  for (let i = 0; i < h.x.length; i++) {
    const w = h.weight[i]!
    ll += w * rowLL(a, b, g, d, h.x[i]!, h.tx[i]!, h.T[i]!, gr)
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
 * @throws DataError on invalid rows or when nobody transacted; ConvergenceError if the fit stalls,
 * or runs off to (or stops flat near) a boundary, saying what the histories show (everyone
 * transacting at every opportunity, no sign of dropout, no spread in either probability, ...).
 */
export function fitBgbb(h: Histories): FitResult<BgbbParams> {
  validateBgbb(h)
  let repeaters = 0
  for (let i = 0; i < h.x.length; i++) if (h.x[i]! > 0) repeaters += h.weight[i]!
  if (repeaters === 0) {
    throw new DataError('nobody transacted in any opportunity: BG/BB cannot be fitted')
  }
  const explain = (name: string, _: 'high' | 'low', theta: readonly number[]) =>
    explainBgbbBoundary(h, name, theta)
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
    explainBoundary: explain,
    explainFlat: (th) => explainBgbbBoundary(h, '', th),
    // the dropout pair at a boundary with a mean below RARE: nobody drops out
    limitAt: (th) => {
      const b = betaBoundary(th[2]!, th[3]!)
      return b?.kind === 'to-zero' && b.mean < RARE ? 'no-dropout' : undefined
    },
  })
}

/**
 * Plain words for a BG/BB fit stopped at a boundary (theta: log α, β, γ, δ), about the histories:
 * each Beta pair at a boundary (see {@link betaBoundary}) said as what it means for transactions
 * (α, β) or dropout (γ, δ), the pair of the parameter that ran off (`name`) first.
 */
function explainBgbbBoundary(
  h: Histories,
  name: string,
  theta: readonly number[],
): string | undefined {
  let customers = 0
  let every = 0 // transacted at every opportunity: x = n
  let buyers = 0
  let noGaps = 0 // transacted at every opportunity up to the last transaction: x = t_x
  let atEnd = 0 // transacted at the last opportunity: t_x = n
  for (let i = 0; i < h.x.length; i++) {
    const w = h.weight[i]!
    const [x, tx, n] = [h.x[i]!, h.tx[i]!, h.T[i]!]
    customers += w
    if (x === n && n > 0) every += w
    if (x === 0) continue
    buyers += w
    if (x === tx) noGaps += w
    if (tx === n) atEnd += w
  }
  const share = (v: number, of: number) => `${((100 * v) / Math.max(of, 1)).toPrecision(3)} %`
  const transaction = betaBoundary(theta[0]!, theta[1]!)
  const dropout = betaBoundary(theta[2]!, theta[3]!)
  const said: string[] = []
  if (transaction) {
    const p = transaction.mean.toPrecision(3)
    said.push(
      {
        shared: `customers do not differ in transaction probability: one probability shared by all, ${p} per opportunity (alpha and beta grow together)`,
        'zero-one': `customers either transact at every opportunity while active or never (${share(noGaps, buyers)} of those who transacted did so at every opportunity up to their last): every transaction probability goes to 0 or 1 (alpha and beta go to 0 together)`,
        'to-one': `${share(noGaps, buyers)} of the customers who transacted did so at every opportunity up to their last: the transaction probability goes to 1 for everyone`,
        'to-zero': `transactions are too rare to tell how customers differ in them (mean transaction probability ${p} per opportunity)`,
      }[transaction.kind],
    )
  }
  if (dropout) {
    const p = dropout.mean.toPrecision(3)
    said.push(
      {
        shared: `customers do not differ in dropout probability: one probability shared by all, ${p} per opportunity (gamma and delta grow together)`,
        'zero-one': `customers either drop out at once or never (${share(customers - buyers, customers)} never transacted; ${share(atEnd, buyers)} of the others transacted at the last opportunity): every dropout probability goes to 0 or 1 (gamma and delta go to 0 together)`,
        'to-zero':
          dropout.mean < RARE
            ? `no sign of customers dropping out (${share(atEnd, buyers)} of the customers who transacted did so at the last opportunity): the dropout probability goes to 0`
            : `too little dropout to tell how customers differ in it (${share(atEnd, buyers)} of the customers who transacted did so at the last opportunity; mean dropout probability ${p} per opportunity)`,
        'to-one': `customers drop out at once: the dropout probability goes to 1 (${p} per opportunity)`,
      }[dropout.kind],
    )
  }
  if (name === 'gamma' || name === 'delta') said.reverse()
  if (every === customers && said.length > 0) {
    return `every customer transacted at every opportunity (frequency = opportunities for all ${customers}): the transaction probability goes to 1 and the dropout probability to 0 for everyone, so the data say nothing of how customers differ in either`
  }
  return said.length > 0 ? said.join('; ') : undefined
}

/** A mean dropout probability below which a run-off of γ or δ is "nobody drops out". */
const RARE = 1e-3

/**
 * The likelihood of a history (FHS 2010 eq. 5), L = A_0 + Σ_{i<m} G_i, m = n - t_x, a = α+x,
 * b = β+n-x, e = δ+n, with every beta ratio a sum of log-gamma second differences D =
 * logGammaRatioStep, each exact to ~1e-16 of itself: the log-betas of eq. 5, ~1e9 each at
 * α = β = 1e8, left 1e-8 of their difference. A_0 = B(a, b)/B(α,β) · B(γ, e)/B(γ,δ) (alive after
 * n opportunities) = exp(D(α, x, β) + D(β, n-x, a) + D(δ, n, γ)); G_i (gone after opportunity
 * t_x+i) = B(a, β+t_x-x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ), G_0 = exp(D(α, x, β) + D(β, t_x-x, a)
 * + D(δ, t_x, γ)) · γ/(γ+δ+t_x). Both are taken from their own D's, so log L keeps its precision
 * whichever of them is most of it (the two are e^±12000 apart at α = 1e-3, β = γ = 1e8).
 */
function logLikelihoodRow(
  al: number,
  be: number,
  ga: number,
  de: number,
  x: number,
  tx: number,
  n: number,
): number {
  const [logHead, logG0] = headAndFirstGone(al, be, ga, de, x, tx, n)
  if (n === tx) return logHead
  return logSumExp(logHead, logG0 + logGoneSum(al, be, ga, de, x, tx, n))
}

/** [log A_0, log G_0] of {@link logLikelihoodRow}. */
function headAndFirstGone(
  al: number,
  be: number,
  ga: number,
  de: number,
  x: number,
  tx: number,
  n: number,
): [number, number] {
  const a = al + x
  const first = logGammaRatioStep(al, x, be)
  const logHead = first + logGammaRatioStep(be, n - x, a) + logGammaRatioStep(de, n, ga)
  const logG0 =
    first +
    logGammaRatioStep(be, tx - x, a) +
    logGammaRatioStep(de, tx, ga) +
    Math.log(ga / (ga + de + tx))
  return [logHead, logG0]
}

/**
 * log(L / A_0) = log(1 + Σ_i R_i) >= 0 (see {@link logLikelihoodRow}), R_i = G_i/A_0 =
 * γ/(γ+δ+t_x+i) · exp(-D(β+t_x-x+i, m-i, a) - D(δ+t_x+i, m-i, γ)): all that the per-customer
 * formulas need, their own beta ratios being A_0 times O(1) factors.
 */
function logRestOf(p: BgbbParams, x: number, tx: number, n: number): number {
  const m = n - tx
  if (m === 0) return 0
  const a = p.alpha + x
  const y0 = p.beta + (tx - x)
  const z0 = p.delta + tx
  const logR0 =
    Math.log(p.gamma / (p.gamma + z0)) -
    logGammaRatioStep(y0, m, a) -
    logGammaRatioStep(z0, m, p.gamma)
  return logSumExp(0, logR0 + logGoneSum(p.alpha, p.beta, p.gamma, p.delta, x, tx, n))
}

/**
 * Histories with n - t_x above this have the likelihood's sum taken as a gamma-ratio series. Term
 * by term is a multiply and two divisions a term, ~2 ns: cheaper than the series (~15 us a row)
 * up to thousands of terms, and within 5e-16 of mpmath at 4,096 (test/models/bgbb-long-gradient).
 * At 64, a fit of 100,000 customers over 365 daily opportunities spent most of its time in the
 * series.
 */
const DIRECT_GONE = 4096

/**
 * log Σ_{i<m} G_i/G_0 (see {@link logLikelihoodRow}), whose terms fall by (β+t_x-x+i)/(a+β+t_x-x+i)
 * · (δ+t_x+i)/(γ+1+δ+t_x+i). Up to {@link DIRECT_GONE} terms by that ratio (the running product
 * drifts by ~1e-16 a term); beyond, as {@link goneSeries} with a finite end, summed directly only
 * while its terms are rough.
 */
function logGoneSum(
  al: number,
  be: number,
  ga: number,
  de: number,
  x: number,
  tx: number,
  n: number,
): number {
  const m = n - tx
  if (m > DIRECT_GONE) {
    return Math.log(sumGammaRatioSeries(goneSeries(al, be, ga, de, x, tx), undefined, m - 1))
  }
  const a = al + x
  let sum = 0
  let t = 1
  for (let i = 0; i < m; i++) {
    sum += t
    t *=
      ((be + (tx - x + i)) / (a + be + (tx - x + i))) * ((de + (tx + i)) / (ga + 1 + de + (tx + i)))
  }
  return Math.log(sum)
}

/**
 * Σ_i G_i/G_0 of {@link logLikelihoodRow} as a {@link GammaRatioSeries} from i = 0: f(i) =
 * Γ(i+y0)/Γ(i+y0+a) · Γ(i+z0)/Γ(i+z0+γ+1) over the same at i = 0, y0 = β+t_x-x, z0 = δ+t_x.
 * Exported for tests (the number of terms summed directly).
 */
export function goneSeries(
  al: number,
  be: number,
  ga: number,
  de: number,
  x: number,
  tx: number,
): GammaRatioSeries {
  return {
    logC: 0,
    u: [be + (tx - x), de + tx],
    v: [al + x, ga + 1],
    kappa: 0,
    delta: 0,
    start: 0,
  }
}

/**
 * P(alive at opportunity n+1 | x, t_x, n) (FHS 2010 eq. 11):
 * B(α+x, β+n-x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L = (δ+n)/(γ+δ+n) / (1 + Σ R_i)
 * (see {@link logRestOf}).
 */
export function bgbbProbabilityAlive(p: BgbbParams, x: number, tx: number, n: number): number {
  checkRow(p, x, tx, n)
  const e = p.delta + n
  return (e / (p.gamma + e)) * Math.exp(-logRestOf(p, x, tx, n))
}

/**
 * Expected transactions in the next `nStar` opportunities for a customer with history (x, t_x, n)
 * (FHS 2010 eq. 13): B(α+x+1, β+n-x)/B(α,β) / L · Σ_{t=n+1}^{n+n*} B(γ, δ+t)/B(γ, δ)
 * = (α+x)/(α+β+n) / (1 + Σ R_i) · Σ_{j=1}^{n*} B(γ, δ+n+j)/B(γ, δ+n) (see {@link logRestOf};
 * the last sum is {@link survivalSumAhead}'s, O(1) in n*). Every factor is at most n*, so nothing
 * overflows however small the likelihood.
 */
export function bgbbExpectedPurchases(
  p: BgbbParams,
  nStar: number,
  x: number,
  tx: number,
  n: number,
): number {
  checkRow(p, x, tx, n, nStar)
  const share = (p.alpha + x) / (p.alpha + p.beta + n)
  const alive = survivalSumAhead(p.gamma, p.delta + n, nStar)
  // one rounding at the end: a product of subnormal factors lost their digits (1.6e-2 at 6e-322)
  return Math.exp(Math.log(share) - logRestOf(p, x, tx, n) + Math.log(alive))
}

/**
 * A new customer's n opportunities, said as the argument they are: checked as a history's
 * (checkRow), a bad one read "row 1: BG/BB needs whole numbers with 0 <= frequency <= recency".
 */
function checkNewRow(p: BgbbParams, n: number): void {
  checkParams('bgbb', p)
  if (!(n >= 0 && Number.isInteger(n)))
    throw new DataError(`opportunities must be a whole number >= 0 (got ${n})`)
  checkRow(p, 0, 0, n)
}

/** E[X(n)] for a customer just acquired (FHS 2010 eq. 8): α/(α+β) · Σ_{t=1}^{n} B(γ,δ+t)/B(γ,δ). */
export function bgbbExpectedPurchasesNew(p: BgbbParams, n: number): number {
  checkNewRow(p, n)
  return (p.alpha / (p.alpha + p.beta)) * survivalSumAhead(p.gamma, p.delta, n)
}

/**
 * P(X(n) = x) for a new customer (FHS 2010 eq. 7):
 * C(n,x) B(α+x,β+n-x)/B(α,β) B(γ,δ+n)/B(γ,δ) + Σ_{i=x}^{n-1} C(i,x) B(α+x,β+i-x)/B(α,β) B(γ+1,δ+i)/B(γ,δ).
 * 0 for x > n (more transactions than opportunities).
 * @throws DataError unless n and x are whole numbers >= 0 and the parameters finite and > 0.
 */
export function bgbbProbabilityPurchases(p: BgbbParams, n: number, x: number): number {
  checkNewRow(p, n)
  if (!(x >= 0 && Number.isInteger(x))) {
    throw new DataError(`number of transactions must be a whole number >= 0 (got ${x})`)
  }
  if (x > n) return 0
  const { alpha: al, beta: be, gamma: ga, delta: de } = p
  const lchoose = (a: number, k: number): number =>
    lgamma(a + 1) - lgamma(k + 1) - lgamma(a - k + 1)
  // B(α+x, β+i-x)/B(α,β) = exp(D(α, x, β) + D(β, i-x, α+x)) and B(γ, δ+i)/B(γ,δ) = exp(D(δ, i, γ)),
  // D = logGammaRatioStep: differences of log-betas of 1e9 left 1e-8 of each term at α = β = 1e8
  const headX = logGammaRatioStep(al, x, be)
  const logBeta = (i: number): number => headX + logGammaRatioStep(be, i - x, al + x)
  let s = Math.exp(lchoose(n, x) + logBeta(n) + logGammaRatioStep(de, n, ga))
  for (let i = x; i < n; i++) {
    s += Math.exp(
      lchoose(i, x) + logBeta(i) + Math.log(ga / (ga + de + i)) + logGammaRatioStep(de, i, ga),
    )
  }
  return s
}

/**
 * P(exactly `count` transactions in the next `nStar` opportunities | x, t_x, n): a customer alive
 * at opportunity n (B(α+x, β+n-x)/B(α,β) · B(γ, δ+n)/B(γ,δ) / L = 1 / (1 + Σ R_i), see
 * {@link logRestOf}) meets the next ones as a new customer would under the posterior p ~ Beta(α+x,
 * β+n-x), θ ~ Beta(γ, δ+n): P(alive at n) · {@link bgbbProbabilityPurchases} there, plus
 * 1 − P(alive at n) at count = 0. Its mean is {@link bgbbExpectedPurchases}.
 * @throws DataError for an invalid history, nStar or count.
 */
export function bgbbConditionalProbabilityPurchases(
  p: BgbbParams,
  nStar: number,
  count: number,
  x: number,
  tx: number,
  n: number,
): number {
  checkRow(p, x, tx, n, nStar)
  if (!(count >= 0 && Number.isInteger(count))) {
    throw new DataError(`number of transactions must be a whole number >= 0 (got ${count})`)
  }
  const alive = Math.exp(-logRestOf(p, x, tx, n))
  const after = { alpha: p.alpha + x, beta: p.beta + n - x, gamma: p.gamma, delta: p.delta + n }
  const future = bgbbProbabilityPurchases(after, nStar, count)
  return givenAlive(count, alive, future)
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
  // the beta ratios are A_0 of logLikelihoodRow times (α+x)/(α+β+n) and (δ+n)/(γ+δ+n)
  const e = p.delta + n
  const logHead =
    Math.log((p.alpha + x) / (p.alpha + p.beta + n)) +
    Math.log(e / (p.gamma + e)) -
    logRestOf(p, x, tx, n)
  // in logs to one rounding at the end, as in bgbbExpectedPurchases
  return Math.exp(logHead - Math.log1p(d) + Math.log(discountedSurvivalSum(p.gamma, e + 1, d)))
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
 * log P(next at n+1) = log[B(a+1, b) B(γ, e+1) / (B(α,β) B(γ,δ) L)] = log[a/(a+b) · e/(γ+e)] -
 * log(1 + Σ R_i) (see {@link logRestOf}), a = α+x, b = β+n-x, e = δ+n.
 */
function logFirstNext(p: BgbbParams, x: number, tx: number, n: number): number {
  const e = p.delta + n
  const share = Math.log((p.alpha + x) / (p.alpha + p.beta + n)) + Math.log(e / (p.gamma + e))
  return share - logRestOf(p, x, tx, n)
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
 * θ ~ Beta(γ, δ); before each opportunity, the first included, a customer dies w.p. θ, and one
 * still alive transacts there w.p. p (FHS 2010 §2: P(alive at opportunity t) = (1 - θ)^t, the
 * likelihood's assumption; checked against bgbbExpectedPurchasesNew in bgbb tests).
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
