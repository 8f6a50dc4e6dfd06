// Pareto/NBD (Schmittlein, Morrison & Colombo 1987; likelihood as in Fader, Hardie & Lee 2005):
// Poisson purchases at λ ~ Gamma(r, α), exponential lifetime at μ ~ Gamma(s, β). The likelihood's
// 2F1 term is evaluated once per distinct (x, t) pair in log space; the gradient is numeric.
import { ConvergenceError, DataError } from '../../errors.ts'
import { createRng } from '../random.ts'
import { digamma, lgamma, log1pExp, logDiffExp, logSumExp, softplusWeight } from '../special.ts'
import { type BgParams, bgFit, NO_DROPOUT_MEAN, splitDropoutAtNbd } from './bg-family.ts'
import {
  checkColumnLengths,
  checkHistories,
  checkHistory,
  checkParams,
  checkStart,
  EXTREME_LOG,
  FLAT_LOG_SE,
  fitLimit,
  fitObjectives,
  fitTimeScale,
  fitWithRestarts,
  givenAlive,
  type HistoryColumns,
  indexHistories,
  indexPairs,
  type LimitOf,
  logHyp2f1One,
  logHyp2f1OneDerivs,
  logTailIntegral,
  NBD_ADVICE,
  type NextPurchase,
  purchaseRateRidgeError,
  purchaseRateRidgeGain,
  requireIdentifiable,
  rescaleHistories,
  SMALL_DATA_HISTORIES,
  STAGE_ITERATIONS,
  solveMonotone,
  summarizeFit,
  unscaleFit,
  withIterationCap,
} from './common.ts'
import { fit as nbdFit } from './nbd.ts'
import { commonDropoutObjective } from './pareto-limit.ts'
import { probabilityOfPurchases } from './pareto-pmf.ts'
import type { FitResult, Histories } from './types.ts'

// the logistic weight softplusWeight hands back (one per module: the loops are synchronous)
const SHARE = new Float64Array(1)

export { probabilityOfPurchases }

// a type, not an interface, as BgParams (bg-family.ts) says why
export type ParetoParams = {
  readonly r: number
  readonly alpha: number
  readonly s: number
  readonly beta: number
}

export interface SimulatedHistories {
  readonly x: Float64Array
  readonly tx: Float64Array
  readonly T: Float64Array
}

/** Distinct (x, t) pairs the likelihood needs, with per-row indexes for t = T and t = t_x. */
interface Prepared {
  readonly h: Histories
  readonly xs: Float64Array
  readonly ix: Int32Array
  readonly ts: Float64Array
  readonly pairX: Int32Array
  readonly pairT: Int32Array
  readonly pT: Int32Array
  readonly pTx: Int32Array
  readonly totalWeight: number
  readonly wx: Float64Array
  // work buffers: per x, per t, per pair (value and d/dr, dα, ds, dβ on the natural scale)
  readonly cx: Float64Array
  readonly dcx: Float64Array
  readonly la: Float64Array
  readonly lb: Float64Array
  readonly lG: Float64Array
  readonly lA: Float64Array
  readonly dG: Float64Array
  readonly dA: Float64Array
}

function prepare(h: Histories): Prepared {
  checkHistories(h)
  const ix = indexHistories(h)
  const pairs = indexPairs(ix)
  const np = pairs.pairX.length
  const nt = ix.ts.length
  const wx = new Float64Array(ix.xs.length)
  for (let i = 0; i < h.x.length; i++) wx[ix.ix[i]!]! += h.weight[i]!
  return {
    h,
    xs: ix.xs,
    ix: ix.ix,
    ts: ix.ts,
    ...pairs,
    totalWeight: ix.totalWeight,
    wx,
    cx: new Float64Array(ix.xs.length),
    dcx: new Float64Array(ix.xs.length),
    la: new Float64Array(nt),
    lb: new Float64Array(nt),
    lG: new Float64Array(np),
    lA: new Float64Array(np),
    dG: new Float64Array(np * 4),
    dA: new Float64Array(np * 4),
  }
}

const F = new Float64Array(4)
const DI = new Float64Array(4)

/**
 * LL_i = log Γ(r+x) - log Γ(r) + r log α + s log β
 *        + logSumExp(-(r+x) log(α+T) - s log(β+T), log s + log ∫_{t_x}^T (α+τ)^-(r+x) (β+τ)^-(s+1) dτ)
 * The integral is G(t_x) - G(T) with G the tail integral (a 2F1, see logTailIntegral), computed with
 * its parameter derivatives once per distinct (x, t) pair; `g` receives the gradient w.r.t. log-params.
 */
function evalLL(w: Prepared, p: ParetoParams, g: number[] | null, perRow?: Float64Array): number {
  const { r, alpha, s, beta } = p
  const { xs, ts } = w
  const need = g !== null
  const lal = Math.log(alpha)
  const lbe = Math.log(beta)
  // large s with β > α: the integral per history by quadrature (logSpanIntegral), only the
  // alive term per pair; s log β (1e6 at s = 1e5) then goes into each term as -s log(1 + t/β),
  // as adding it here and taking s log(β + t) off each history leaves ~1e-10 of rounding noise
  // per history, which stalls the line search
  const large = onQuadrature(p)
  const base = -lgamma(r) + r * lal + (large ? 0 : s * lbe)
  const psr = need ? digamma(r) : 0
  let ll = 0
  const gs = [0, 0, 0, 0]
  for (let j = 0; j < xs.length; j++) {
    w.cx[j] = lgamma(r + xs[j]!) + base
    ll += w.wx[j]! * w.cx[j]!
    if (need) {
      const wj = w.wx[j]!
      gs[0]! += wj * (digamma(r + xs[j]!) - psr + lal)
    }
  }
  if (need) {
    gs[1]! += w.totalWeight * (r / alpha)
    gs[2]! += w.totalWeight * lbe
    gs[3]! += w.totalWeight * (s / beta)
  }
  for (let j = 0; j < ts.length; j++) {
    w.la[j] = Math.log(alpha + ts[j]!)
    w.lb[j] = Math.log(beta + ts[j]!)
  }
  const np = w.pairX.length
  const aGe = alpha >= beta
  const d = Math.abs(alpha - beta)
  const big = aGe ? alpha : beta
  const { dG, dA } = w
  for (let k = 0; k < np; k++) {
    const x = xs[w.pairX[k]!]!
    const ti = w.pairT[k]!
    const t = ts[ti]!
    const rx = r + x
    const la = w.la[ti]!
    const lb = w.lb[ti]!
    const z = d / (big + t)
    const ic = 1 / (rx + s)
    w.lA[k] = -rx * la - s * (large ? Math.log1p(t / beta) : lb)
    const k4 = 4 * k
    if (need) {
      dA[k4] = -la
      dA[k4 + 1] = -rx / (alpha + t)
      dA[k4 + 2] = -lb
      dA[k4 + 3] = -s / (beta + t)
    }
    if (large) continue
    if (aGe) {
      // 1 - z = (β+t)/(α+t) exactly, which z in doubles loses when β is a tiny share of α
      const y = (beta + t) / (alpha + t)
      if (need) logHyp2f1OneDerivs(rx, rx + s + 1, z, F, y)
      else F[0] = logHyp2f1One(rx, rx + s + 1, z, y)
      w.lG[k] = -rx * la - s * lb - Math.log(rx + s) + F[0]!
      if (need) {
        const at = alpha + t
        dG[k4] = -la - ic + F[1]! + F[2]!
        dG[k4 + 1] = -rx / at + (F[3]! * (beta + t)) / (at * at)
        dG[k4 + 2] = -lb - ic + F[2]!
        dG[k4 + 3] = -s / (beta + t) - F[3]! / at
      }
    } else {
      const y = (alpha + t) / (beta + t)
      if (need) logHyp2f1OneDerivs(s + 1, rx + s + 1, z, F, y)
      else F[0] = logHyp2f1One(s + 1, rx + s + 1, z, y)
      w.lG[k] = -(s + 1) * lb - (rx - 1) * la - Math.log(rx + s) + F[0]!
      if (need) {
        const bt = beta + t
        dG[k4] = -la - ic + F[2]!
        dG[k4 + 1] = -(rx - 1) / (alpha + t) - F[3]! / bt
        dG[k4 + 2] = -lb - ic + F[1]! + F[2]!
        dG[k4 + 3] = -(s + 1) / bt + (F[3]! * (alpha + t)) / (bt * bt)
      }
    }
  }
  const ls = Math.log(s)
  const { h, ix, pT, pTx } = w
  const W = h.weight
  let g0 = 0
  let g1 = 0
  let g2 = 0
  let g3 = 0
  const dI = need ? DI : null
  for (let i = 0; i < W.length; i++) {
    const qT = pT[i]!
    const qX = pTx[i]!
    const a = w.lA[qT]!
    const gtx = w.lG[qX]!
    const gT = w.lG[qT]!
    const wi = W[i]!
    let lI = Number.NEGATIVE_INFINITY
    let rho = 0
    if (large) {
      const tx = h.tx[i]!
      if (h.T[i]! > tx) {
        lI =
          logSpanIntegral(r + xs[ix[i]!]!, s + 1, alpha + tx, beta + tx, h.T[i]! - tx, dI) -
          s * Math.log1p(tx / beta) -
          Math.log(beta + tx)
      }
    } else if (gtx > gT) {
      rho = Math.exp(gT - gtx)
      lI = gtx + Math.log1p(-rho)
    }
    if (lI > Number.NEGATIVE_INFINITY) {
      // lI = log(G(t_x) - G(T)); u = log s + lI; LL adds logSumExp(a, u).
      const u = ls + lI
      const dd = u - a
      const sp = softplusWeight(dd, SHARE)
      const wu = SHARE[0]!
      const li = a + sp
      if (perRow) perRow[i] = w.cx[ix[i]!]! + li
      ll += wi * li
      if (need && large) {
        const wa = wi * (1 - wu)
        const wb = wi * wu
        const q4 = 4 * qT
        g0 += wa * dA[q4]! + wb * DI[0]!
        g1 += wa * dA[q4 + 1]! + wb * DI[1]!
        g2 += wa * dA[q4 + 2]! + wb * DI[2]! + wb / s
        g3 += wa * dA[q4 + 3]! + wb * DI[3]!
      } else if (need) {
        const wa = wi * (1 - wu)
        const wb = (wi * wu) / (1 - rho)
        const q4 = 4 * qT
        const x4 = 4 * qX
        g0 += wa * dA[q4]! + wb * (dG[x4]! - rho * dG[q4]!)
        g1 += wa * dA[q4 + 1]! + wb * (dG[x4 + 1]! - rho * dG[q4 + 1]!)
        g2 += wa * dA[q4 + 2]! + wb * (dG[x4 + 2]! - rho * dG[q4 + 2]!) + (wi * wu) / s
        g3 += wa * dA[q4 + 3]! + wb * (dG[x4 + 3]! - rho * dG[q4 + 3]!)
      }
    } else {
      if (perRow) perRow[i] = w.cx[ix[i]!]! + a
      ll += wi * a
      if (need) {
        const q4 = 4 * qT
        g0 += wi * dA[q4]!
        g1 += wi * dA[q4 + 1]!
        g2 += wi * dA[q4 + 2]!
        g3 += wi * dA[q4 + 3]!
      }
    }
  }
  if (g) {
    g[0] = (gs[0]! + g0) * r
    g[1] = (gs[1]! + g1) * alpha
    g[2] = (gs[2]! + g2) * s
    g[3] = (gs[3]! + g3) * beta
  }
  return ll
}

// 10-point Gauss-Legendre on [-1, 1] (symmetric half) for logSpanIntegral's panels.
const GL10_X = [
  0.14887433898163122, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845,
  0.9739065285171717,
]
const GL10_W = [
  0.2955242247147528, 0.2692667193099965, 0.219086362515982, 0.1494513491505804,
  0.06667134430868814,
]

/**
 * s at and above which (with β > α) the likelihood's integral is taken by {@link logSpanIntegral}:
 * there 2F1(1, s+1; r+x+s+1; z) has z near 1 and its series or continued fraction needs a number
 * of terms growing with s (0.8 s per evaluation of 7,000 histories at s = 1,100, unbounded as s and
 * β run off together), while the quadrature's cost does not depend on s or β.
 */
const LARGE_S = 3

/** Whether `p`'s integrals are taken by quadrature (see LARGE_S). */
const onQuadrature = (p: ParetoParams): boolean => p.s >= LARGE_S && p.beta > p.alpha

/**
 * log of b0^q ∫_0^span (a0+u)^-p (b0+u)^-q du (span may be Infinity; b0 >= a0 > 0, p, q > 0,
 * p + q > 1; the factor b0^q is left for the caller to cancel against its own) and, when `d` is
 * given, the derivatives of log ∫ in p, a0, q, b0 (d[0..3]), by 10-point Gauss-Legendre in
 * ℓ = log(1 + u/a0), where the integrand is e^{(1-p)ℓ - q log(1 + u/b0)}: panels at most 1 long in
 * ℓ, short enough that each factor varies by at most e^2 on one (the rule is then exact to ~1e-15),
 * and the range cut where what is left is below 1e-17 of the sum (past the integrand's peak its log
 * falls at least as fast as there). The panel count is bounded (~25 for an infinite span) whatever
 * q and b0, unlike the 2F1 series at q, b0 → ∞ with q/b0 fixed (a dropout rate shared by all).
 * `moment`, when given, receives the mean of u/a0 under the integrand (moment[0]), summed beside
 * it: no difference of two such logs, which cancels (see expectedNextPurchaseTime's mean).
 */
export function logSpanIntegral(
  p: number,
  q: number,
  a0: number,
  b0: number,
  span: number,
  d: Float64Array | null,
  moment?: Float64Array,
): number {
  return (1 - p) * Math.log(a0) + logSpanShape(p, q, a0, b0, span, d, moment)
}

/**
 * {@link logSpanIntegral} without its (1-p) log a0: log ∫_0^ℓ(span) e^{(1-p)ℓ - q log(1 + u/b0)}
 * dℓ, of the order of its own value. A caller whose answer carries a0^(p-1) cancels that factor
 * exactly here, where adding (1-p) log a0 and taking it off again would lose its rounding (5e6 at
 * p = 1e6).
 */
function logSpanShape(
  p: number,
  q: number,
  a0: number,
  b0: number,
  span: number,
  d: Float64Array | null,
  moment?: Float64Array,
): number {
  const lEnd = Math.log1p(span / a0)
  const omp = 1 - p
  const k = b0 - a0
  let shift = 0
  let s0 = 0
  let sl = 0
  let sa = 0
  let sL = 0
  let sb = 0
  let sm = 0
  let l = 0
  for (let panel = 0; panel < 400 && l < lEnd; panel++) {
    // L'(ℓ) = a0 e^ℓ / (b0 + u), the slope of log(1 + u/b0), grows by at most e over a panel
    const el = Math.exp(l)
    const slopeL = (a0 * el) / (k + a0 * el)
    let D = Math.min(1, lEnd - l)
    if (Math.abs(omp) * D > 2) D = 2 / Math.abs(omp)
    if (q * slopeL * Math.E * D > 2) D = 2 / (q * slopeL * Math.E)
    const h0 = omp * l - q * Math.log1p((a0 * Math.expm1(l)) / b0)
    if (h0 > shift + 300) {
      const f = Math.exp(shift - h0)
      s0 *= f
      sl *= f
      sa *= f
      sL *= f
      sb *= f
      sm *= f
      shift = h0
    }
    const c = l + D / 2
    const hw = D / 2
    for (let j = 0; j < 10; j++) {
      const lj = j < 5 ? c - hw * GL10_X[j]! : c + hw * GL10_X[j - 5]!
      const E = Math.expm1(lj)
      const u = a0 * E
      const L = Math.log1p(u / b0)
      const we = GL10_W[j < 5 ? j : j - 5]! * hw * Math.exp(omp * lj - q * L - shift)
      s0 += we
      if (moment) sm += we * E
      if (d) {
        sl += we * lj
        sa += we / (1 + E)
        sL += we * L
        sb += we / (b0 + u)
      }
    }
    l += D
    // past the peak the log-integrand h falls at least as fast as its slope here (h is concave
    // for b0 >= a0), so what is left is below e^h / |h'|
    const el2 = Math.exp(l)
    const slope = omp - (q * a0 * el2) / (k + a0 * el2)
    if (slope < 0 && l < lEnd) {
      const h = omp * l - q * Math.log1p((a0 * Math.expm1(l)) / b0) - shift
      // the moment's integrand, u/a0 = e^ℓ - 1 times it, falls more slowly: its own bound too
      const slopeM = slope + el2 / Math.expm1(l)
      const past =
        !moment ||
        (slopeM < 0 && h + Math.log(Math.expm1(l)) - Math.log(-slopeM) < Math.log(sm) - 40)
      if (past && h - Math.log(-slope) < Math.log(s0) - 40) break
    }
  }
  if (moment) moment[0] = sm / s0
  if (d) {
    d[0] = -Math.log(a0) - sl / s0
    d[1] = (-p / a0) * (sa / s0)
    d[2] = -Math.log(b0) - sL / s0
    d[3] = -q * (sb / s0)
  }
  return Math.log(s0) + shift
}

const toParams = (t: readonly number[]): ParetoParams => ({
  r: Math.exp(t[0]!),
  alpha: Math.exp(t[1]!),
  s: Math.exp(t[2]!),
  beta: Math.exp(t[3]!),
})
const NAMES = ['r', 'alpha', 's', 'beta'] as const

/** Total weighted log-likelihood. */
export function logLikelihood(p: ParetoParams, h: Histories): number {
  checkParams('pareto', p)
  return evalLL(prepare(h), p, null)
}

/** Log-likelihood of each (x, t_x, T) row (unweighted). */
export function logLikelihoodPerHistory(p: ParetoParams, h: Histories): Float64Array {
  checkParams('pareto', p)
  const out = new Float64Array(h.x.length)
  evalLL(prepare(h), p, null, out)
  return out
}

/** Analytic gradient of the total log-likelihood w.r.t. [log r, log alpha, log s, log beta]. */
export function gradient(p: ParetoParams, h: Histories): number[] {
  checkParams('pareto', p)
  const g = [0, 0, 0, 0]
  evalLL(prepare(h), p, g)
  return g
}

export interface ParetoFitOptions {
  readonly start?: Partial<ParetoParams>
  /**
   * The most optimizer iterations the whole fit may take (FitResult.iterations), a whole number
   * >= 1: a fit that needs more throws ConvergenceError; one within it is the fit without it.
   * Default: no cap. The same in every model (withIterationCap).
   */
  readonly maxIterations?: number
}

/**
 * Maximum-likelihood fit on log-parameters (BFGS with a central-difference gradient, restarts,
 * Nelder-Mead fallback). Throws DataError when nobody repeat-purchased, UsageError for a
 * maxIterations that is not a whole number >= 1, ConvergenceError when the fit does not converge
 * (or needs more than maxIterations iterations).
 * @example fit(compressHistories(x, tx, T)).params // { r, alpha, s, beta }
 */
export function fit(h: Histories, opts: ParetoFitOptions = {}): FitResult<ParetoParams> {
  return withIterationCap('pareto', opts.maxIterations, () => {
    try {
      return fitUncapped(h, opts)
    } catch (e) {
      throw splitNotNoDropout(e, h)
    }
  })
}

/**
 * Twice this gain in log-likelihood is the 5 % point of a chi-square of one degree of freedom:
 * less than it, a share leaving at once is no finding over the NBD.
 */
const SPLIT_GAIN = 1.92

/**
 * a + b of an MBG/NBD fit taken as its split-dropout limit or near it: a Beta(a, b) this sharp puts
 * nearly all customers at a dropout probability of 0 or 1.
 */
const SPLIT_NEAR = 0.1

/**
 * A fit that ran to s → 0, the no-dropout limit, may have passed by the other end of that edge:
 * s and β → 0 together with β^s = 1 - p, a share p of customers gone right after their first
 * purchase (a dropout rate of infinity) and the rest never (of 0). That is MBG/NBD's split
 * limit, whose likelihood it is: when the slope toward it at the NBD says it is likelier
 * (splitDropoutAtNbd, k = 1), MBG/NBD is fitted and its limit, if that is where it goes, said with
 * its share; no finite Pareto/NBD reaches it (β = (1 - p)^(1/s) underflows long before). 3,000 customers of whom
 * 30 % bought once and left were called "no sign of customers dropping out" 82 below that limit
 * in log-likelihood. Any other error is handed back as it is.
 */
function splitNotNoDropout(e: unknown, h: Histories): unknown {
  if (fitLimit(e) !== 'no-dropout' || !(e instanceof ConvergenceError)) return e
  let nbd: FitResult<{ r: number; alpha: number }>
  try {
    nbd = nbdFit(h)
  } catch {
    return e
  }
  // the slope at the NBD first (one pass): most data without dropout stop here
  const near = splitDropoutAtNbd(1, h, nbd.params)
  if (!(near.share >= NO_DROPOUT_MEAN && near.gain >= SPLIT_GAIN)) return e
  let split: FitResult<BgParams>
  try {
    split = bgFit(1, 'mbgnbd', h)
  } catch {
    return e
  }
  const { a, b } = split.params
  const share = a / (a + b)
  const gain = split.logLikelihood - nbd.logLikelihood
  // at the limit, or a little way in (a + b of 0.004: U-shaped, its mass at 0 and 1 all the same)
  if (!(a + b <= SPLIT_NEAR && share >= NO_DROPOUT_MEAN && gain >= SPLIT_GAIN)) return e
  const { limit: _, ...details } = e.details as { limit?: string }
  return new ConvergenceError(
    `pareto: the fit runs to s → 0, Pareto/NBD's no-dropout limit, but these data show dropout of another kind: a share ${share.toPrecision(3)} of customers gone right after their first purchase and the rest staying, ${gain.toFixed(1)} more likely in log-likelihood than no dropout (MBG/NBD's fit, at or near its split-dropout limit). Pareto/NBD comes near that only as s and beta go to 0 together, which cannot be fitted: fit it with --model mbgnbd`,
    Number((e.details as { iterations?: number }).iterations ?? 0),
    (e.details as { lastParams?: readonly number[] }).lastParams ?? [],
    details,
  )
}

function fitUncapped(h: Histories, opts: ParetoFitOptions): FitResult<ParetoParams> {
  checkStart('pareto', opts.start, NAMES)
  checkHistories(h)
  requireIdentifiable(h, 'pareto')
  // α and β are time scales: in seconds or in millennia they leave the optimizer's bounds, so such
  // data is fitted in a unit near its own time scale and mapped back (the model is equivariant)
  const c = fitTimeScale(h)
  if (c === 1) return fitScaled(h, opts, 1)
  const st = opts.start
  const start = st && {
    ...st,
    ...(st.alpha !== undefined ? { alpha: st.alpha / c } : {}),
    ...(st.beta !== undefined ? { beta: st.beta / c } : {}),
  }
  const o = start ? { ...opts, start } : opts
  return unscaleFit(fitScaled(rescaleHistories(h, c), o, c), h, c, ['alpha', 'beta'])
}

/**
 * {@link fit} on histories whose times were divided by `c` (the data's own unit is c of theirs:
 * the common-dropout note says its rate in that unit).
 */
function fitScaled(h: Histories, opts: ParetoFitOptions, c: number): FitResult<ParetoParams> {
  const {
    obj,
    warm,
    totalWeight: tw,
    rateScale: a0,
  } = fitObjectives(h, (data) => {
    const w = prepare(data)
    return { totalWeight: w.totalWeight, ll: (theta, g) => evalLL(w, toParams(theta), g) }
  })
  const st = opts.start
  const starts = [
    [st?.r ?? 1, st?.alpha ?? a0, st?.s ?? 1, st?.beta ?? a0],
    [0.5, a0 / 2, 0.5, a0 * 2],
    [2, a0 * 2, 1, a0 * 5],
    [0.3, a0 / 5, 0.3, a0 / 2],
  ].map((v) => v.map(Math.log))
  const base = {
    maxIterations: STAGE_ITERATIONS,
    gradientTolerance: 1e-6,
    names: NAMES,
    explainBoundary: explainBoundary,
    limitOf: paretoLimit,
  }
  // accepted BFGS iterates (one gradient each) before a RidgeStop, for `iterations`
  const seen = { iterations: 0 }
  // the limit's likelihood on the full data, built on first use (see risesToLimit)
  let limitLL: ((theta: readonly number[], g: null) => number) | null = null
  const risesToLimit = (t: readonly number[]): boolean => {
    limitLL ??= commonDropoutObjective(h)
    const here = -obj.f(t) * tw
    const up = -obj.f([t[0]!, t[1]!, t[2]! + 2, t[3]! + 2]) * tw
    return here < up && up < limitLL([t[0]!, t[1]!, t[2]! - t[3]!], null)
  }
  const plain = (from: readonly (readonly number[])[], stop: boolean, budget?: number) =>
    fitWithRestarts(obj.f, stop ? stopOnRidge(obj.grad, seen, risesToLimit) : obj.grad, from, {
      ...base,
      ...(budget ? { maxEvaluations: budget } : {}),
      ...(warm
        ? {
            warm: stop && warm.grad ? { f: warm.f, grad: stopOnRidge(warm.grad, seen) } : warm,
          }
        : {}),
    })
  let opt: ReturnType<typeof fitWithRestarts>
  try {
    opt = plain(starts, true)
  } catch (e) {
    const from = e instanceof RidgeStop ? e.theta : commonDropoutStop(e)
    if (!from) throw e
    const prior =
      e instanceof RidgeStop
        ? seen.iterations
        : Number((e as ConvergenceError).details.iterations ?? 0)
    const limit = fitCommonDropout(obj, tw, h.customers, from, prior)
    if (limit) return checkRateRidge(orSmallDataStarts(limit))
    if (!(e instanceof RidgeStop)) throw e
    // the limit could not be fitted: the ordinary fit, to wherever it goes
    opt = plain(starts, false)
  }
  // converged far out on the ridge: the limit, where it is at least as likely
  if (opt.x[2]! > EXTREME_LOG && opt.x[3]! > EXTREME_LOG) {
    const limit = fitCommonDropout(obj, tw, h.customers, opt.x, opt.iterations)
    if (limit && limit.logLikelihood >= -opt.value * tw) {
      return checkRateRidge(orSmallDataStarts(limit))
    }
  }
  return checkRateRidge(
    unlessAdriftToNoDropout(
      orSmallDataStarts(
        summarizeFit<ParetoParams>('pareto', NAMES, opt, obj, tw, h.customers, paretoLimit),
      ),
    ),
  )

  /**
   * The fit, unless it stopped short of the no-dropout limit on a slope too flat for the optimizer
   * to follow: a parameter past e^±7 toward that limit (s → 0, or β → ∞ with s kept) whose 95 %
   * interval spans more than e^±20 (a log-scale standard error past {@link FLAT_LOG_SE}), and the
   * NBD, the limit itself, at least as likely. Then the no-dropout ConvergenceError, as when the
   * Hessian there says flat outright. (3,000 customers of one Poisson rate, never dropping out:
   * the fit stopped at s = 1.2e-4 with s's interval 1.7e-170 to 7.9e161, 0.0021 below the NBD in
   * log-likelihood, and was returned as a fit.)
   */
  function unlessAdriftToNoDropout(f: FitResult<ParetoParams>): FitResult<ParetoParams> {
    const th = NAMES.map((n) => Math.log(f.params[n]))
    const adrift = NAMES.filter(
      (n, i) =>
        Math.abs(th[i]!) > EXTREME_LOG &&
        f.standardErrors[n] / f.params[n] > FLAT_LOG_SE &&
        paretoLimit(n, th[i]! > 0 ? 'high' : 'low', th) === 'no-dropout',
    )
    if (adrift.length === 0) return f
    let nbdLL: number
    try {
      nbdLL = nbdFit(h).logLikelihood
    } catch {
      return f
    }
    if (!(nbdLL >= f.logLikelihood - 1e-6)) return f
    // said in the data's own time unit (this fit's may be rescaled: fitTimeScale)
    const u = unscaleFit(f, h, c, ['alpha', 'beta'])
    const nbdShown = nbdLL + (u.logLikelihood - f.logLikelihood)
    const n = adrift[0]!
    const [lo, hi] = u.confidenceIntervals[n]
    throw new ConvergenceError(
      `pareto: no sign of customers dropping out: the fit runs to the model's no-dropout limit, stopping at ${adrift.map((a) => `${a} = ${u.params[a].toPrecision(3)}`).join(', ')} where the likelihood is too flat to follow (the 95 % interval of ${n} runs from ${lo.toPrecision(2)} to ${hi.toPrecision(2)}) and the NBD's is as high (log-likelihood ${nbdShown.toFixed(4)} against ${u.logLikelihood.toFixed(4)}); the NBD (no dropout)${NBD_ADVICE}`,
      f.iterations,
      NAMES.map((a) => u.params[a]),
      {
        limit: 'no-dropout',
        logLikelihood: u.logLikelihood,
        nbdLogLikelihood: nbdShown,
        confidenceIntervals: { [n]: [lo, hi] },
      },
    )
  }

  /**
   * On small data the likelihood can have a second maximum that the starts do not reach:
   * - beside the common-dropout limit they climb to, an interior one with dropout rates that
   *   differ widely (200 simulated customers: the limit at -773.416, s = 0.058 and β = 0.146 at
   *   -773.181; scripts/fixtures/pareto_two_maxima.py);
   * - beside an interior one, another where a share of the customers leaves almost at once (a
   *   small s with a tiny β: 100 simulated customers, 74 without a repeat purchase, reached
   *   s = 0.27, β = 12.8 at -311.304, where s = 0.077, β = 5e-6 is at -310.023;
   *   scripts/fixtures/pareto_early_dropout.py).
   * Up to {@link SMALL_DATA_HISTORIES} distinct histories, where a fit costs milliseconds, two
   * more fits start from the fit's purchase rates with s = {@link WIDE_DROPOUT_S}: one at the fit's
   * mean dropout rate, one at β = {@link EARLY_DROPOUT_BETA} of the data's time scale; an interior
   * optimum they reach that is more likely than the fit is returned.
   */
  function orSmallDataStarts(f: FitResult<ParetoParams>): FitResult<ParetoParams> {
    if (h.x.length > SMALL_DATA_HISTORIES) return f
    const { r, alpha, s, beta } = f.params
    const wide = WIDE_DROPOUT_S
    const from = [
      [r, alpha, wide, (wide * beta) / s],
      [r, alpha, wide, EARLY_DROPOUT_BETA * a0],
    ]
    let best = f
    // the fit's iterations count every start's (FitResult.iterations, what maxIterations caps)
    let extra = 0
    for (const start of from) {
      try {
        const o = plain([start.map(Math.log)], false, 400)
        extra += o.iterations
        if (o.x[2]! > EXTREME_LOG && o.x[3]! > EXTREME_LOG) continue
        if (!(-o.value * tw > best.logLikelihood + 1e-6)) continue
        best = summarizeFit<ParetoParams>('pareto', NAMES, o, obj, tw, h.customers, paretoLimit)
      } catch (e) {
        // no optimum there (a run-off or a non-convergence): the fit stands
        extra += e instanceof ConvergenceError ? Number(e.details.iterations ?? 0) : 0
      }
    }
    return { ...best, iterations: f.iterations + extra }
  }

  /**
   * The fit, unless it stopped far out toward r, α → ∞ with the likelihood still rising there
   * (purchaseRateRidgeGain): then the ConvergenceError of α running off, as the optimizer gives
   * when it reaches its bound. The common-dropout limit is checked on its own likelihood.
   */
  function checkRateRidge(f: FitResult<ParetoParams>): FitResult<ParetoParams> {
    const { r, alpha, s, beta } = f.params
    const th = [r, alpha, s, beta].map(Math.log)
    const isLimit = s === COMMON_DROPOUT_SIZE && Number.isNaN(f.standardErrors.s)
    let gain: number | null
    if (isLimit) {
      limitLL ??= commonDropoutObjective(h)
      const ll = limitLL
      gain = purchaseRateRidgeGain([th[0]!, th[1]!, th[2]! - th[3]!], (t) => ll(t, null))
    } else {
      gain = purchaseRateRidgeGain(th, (t) => -obj.f(t) * tw)
    }
    if (gain === null) return f
    throw purchaseRateRidgeError(
      'pareto',
      th,
      gain,
      f.iterations,
      explainBoundary('alpha', 'high', th),
    )
  }

  /**
   * The common-dropout limit, unless the four-parameter likelihood is higher at a finite s
   * beside it (heterogeneity in dropout that the data do see, past e^7): then that optimum.
   */
  function fitCommonDropout(
    o: typeof obj,
    totalWeight: number,
    customers: number,
    from: readonly number[],
    prior: number,
  ): FitResult<ParetoParams> | null {
    const limit = fitCommonDropoutLimit(h, totalWeight, customers, from, prior, c)
    if (!limit) return null
    const { r, alpha, beta } = limit.params
    const mu = limit.params.s / beta
    const finite = [Math.log(r), Math.log(alpha), EXTREME_LOG, EXTREME_LOG - Math.log(mu)]
    if (!(-o.f(finite) * totalWeight > limit.logLikelihood)) return limit
    try {
      // from where the climb was stopped when that was short of e^7 (the optimum lies above it)
      const inner = plain([from[2]! < EXTREME_LOG ? from : finite], false, 200)
      const ll = -inner.value * totalWeight
      if (ll > limit.logLikelihood) {
        return summarizeFit<ParetoParams>(
          'pareto',
          NAMES,
          inner,
          o,
          totalWeight,
          customers,
          paretoLimit,
        )
      }
    } catch {
      // the limit stands
    }
    return limit
  }
}

/** s of the extra starts on small data: dropout rates that differ widely. */
const WIDE_DROPOUT_S = 0.1

/**
 * β of the early-dropout start on small data, as a share of the data's time scale (the mean T per
 * repeat purchase): with s = 0.1, a share of the customers gone almost at once.
 */
const EARLY_DROPOUT_BETA = 1e-3

/** Thrown by {@link stopOnRidge}: where the fit reached the common-dropout ridge. */
class RidgeStop extends Error {
  constructor(readonly theta: readonly number[]) {
    super('pareto: s and beta ran off together')
  }
}

/**
 * The gradient, stopping the fit (RidgeStop) at the first accepted BFGS iterate (where the gradient
 * is asked for) with s and β both past e^7: the likelihood rises along the ridge s, β → ∞ with
 * s/β fixed, and following it there costs hundreds of evaluations (135 iterations and 5 minutes on
 * 50,000 customers) for a gain below 1e-4; the limit is fitted directly instead.
 * With `rises` (the full data's objective; the subsample's is cheap to run out) it also stops at
 * the second step in a row up the ridge inside the quadrature region (s >= LARGE_S, β > α: log s
 * and log β each up by more than 0.2, by the same amount within a tenth, i.e. s/β kept) where
 * `rises` finds the likelihood rising along the ridge to the limit (at s and β times e^2, and the
 * limit above that). Each step there costs a quadrature per history: a million generated customers
 * whose subsample's fit ended at s = 12 climbed 9 such steps (10 s) to e^7. A climb toward a
 * finite optimum (the likelihood higher at e^2 times s than at the limit) goes on.
 */
function stopOnRidge(
  grad: (t: readonly number[]) => number[],
  seen: { iterations: number },
  rises?: (t: readonly number[]) => boolean,
): (t: readonly number[]) => number[] {
  let prev: readonly number[] | null = null
  let climbs = 0
  return (t) => {
    if (t[2]! > EXTREME_LOG && t[3]! > EXTREME_LOG) throw new RidgeStop([...t])
    seen.iterations++
    const g = grad(t)
    if (rises && prev) {
      const ds = t[2]! - prev[2]!
      const db = t[3]! - prev[3]!
      const up = ds > 0.2 && db > 0.2 && Math.abs(ds - db) < 0.1 * ds
      const quadrature = t[2]! >= Math.log(LARGE_S) && t[3]! > t[1]!
      // the same point asked again (memoized objective) neither adds to nor breaks a run
      if (ds !== 0 || db !== 0) climbs = up && quadrature ? climbs + 1 : 0
      if (climbs >= 2) {
        if (rises(t)) throw new RidgeStop([...t])
        climbs = 0
      }
    }
    prev = [...t]
    return g
  }
}

/** log s and log β where a fit ran off with both high (a dropout rate shared by all), else null. */
function commonDropoutStop(e: unknown): readonly number[] | null {
  if (!(e instanceof ConvergenceError)) return null
  const d = e.details as { diverged?: string; direction?: string; lastParams?: readonly number[] }
  const theta = d.lastParams ?? []
  if (d.direction !== 'high' || (d.diverged !== 's' && d.diverged !== 'beta')) return null
  if (theta.length !== 4 || !(theta[2]! > EXTREME_LOG && theta[3]! > EXTREME_LOG)) return null
  return theta
}

/**
 * s of the common-dropout fit, β = s/μ. The likelihood rises toward s → ∞ along the ridge like c/s,
 * c growing with the customers and their μT: 0.1 for 50,000 customers with weak dropout, but 28
 * for the 600 apparel customers over seven years, where 1e5 stopped 2.8e-4 short of the limit.
 * At 1e7 that is 3e-6, and each history's log-likelihood still matches mpmath to 1e-11
 * (pareto_limit.json).
 */
export const COMMON_DROPOUT_SIZE = 1e7

/**
 * Every customer drops out at the same rate μ: the limit of Pareto/NBD with s, β → ∞ and s/β = μ
 * (NBD purchases, exponential lifetime at the common rate). Fitted on (log r, log α, log μ) with
 * the limit's own likelihood in closed form (pareto-limit.ts: one incomplete gamma per distinct
 * (x, t) pair, where the four-parameter likelihood at huge s needs a quadrature per history), and
 * given as s = {@link COMMON_DROPOUT_SIZE}, β = s/μ, an ordinary parameter set for every scoring
 * function. The log-likelihood is the limit's; the four-parameter one at that s is below it by
 * ~c/s (see COMMON_DROPOUT_SIZE). s and β get no standard error (only their ratio is
 * identified); AIC and BIC count three parameters. Null when this fit fails too.
 */
function fitCommonDropoutLimit(
  h: Histories,
  totalWeight: number,
  customers: number,
  from: readonly number[],
  prior: number,
  unit = 1,
): FitResult<ParetoParams> | null {
  const { obj: o3, warm } = fitObjectives(h, (data) => ({
    totalWeight: indexHistories(data).totalWeight,
    ll: commonDropoutObjective(data),
  }))
  const start = [from[0]!, from[1]!, from[2]! - from[3]!]
  let fit3: FitResult<{ r: number; alpha: number; mu: number }>
  let iterations: number
  try {
    const opt = fitWithRestarts(o3.f, o3.grad, [start], {
      maxIterations: 300,
      gradientTolerance: 1e-6,
      names: ['r', 'alpha', 'mu'],
      ...(warm ? { warm } : {}),
    })
    iterations = prior + opt.iterations
    fit3 = summarizeFit('pareto', ['r', 'alpha', 'mu'], opt, o3, totalWeight, customers)
  } catch {
    return null
  }
  const { r, alpha, mu } = fit3.params
  const [lo, hi] = fit3.confidenceIntervals.mu
  // the rate in the data's own time unit (`unit` of the fitted times)
  const [muU, loU, hiU] = [mu / unit, lo / unit, hi / unit]
  const ll = fit3.logLikelihood
  const K = COMMON_DROPOUT_SIZE
  const nan = [Number.NaN, Number.NaN] as const
  return {
    model: 'pareto',
    params: { r, alpha, s: K, beta: K / mu },
    standardErrors: {
      r: fit3.standardErrors.r,
      alpha: fit3.standardErrors.alpha,
      s: Number.NaN,
      beta: Number.NaN,
    },
    confidenceIntervals: {
      r: fit3.confidenceIntervals.r,
      alpha: fit3.confidenceIntervals.alpha,
      s: nan,
      beta: nan,
    },
    logLikelihood: ll,
    customers,
    iterations,
    aic: 2 * 3 - 2 * ll,
    bic: 3 * Math.log(customers) - 2 * ll,
    converged: true,
    note: `s and beta ran off together: customers do not differ in dropout rate, so every customer drops out at the same rate ${muU.toPrecision(3)} per period (95 % interval ${loU.toPrecision(3)} to ${hiU.toPrecision(3)}; the limit s, beta → ∞ with s/beta = ${muU.toPrecision(3)}, given as s = ${K}; s and beta have no standard errors)`,
  }
}

/**
 * Whether s (log scale, theta[2]) stayed moderate while beta ran off: the mean dropout rate s/β
 * then goes to zero. s running off beside β keeps s/β: a dropout rate shared by all instead.
 */
const sStays = (theta: readonly number[]): boolean => (theta[2] ?? 0) < EXTREME_LOG

/** β → ∞ (s staying) or s → 0: the dropout rate goes to zero, the NBD limit. */
const paretoLimit: LimitOf = (name, dir, theta) =>
  (name === 'beta' && dir === 'high' && sStays(theta)) || (name === 's' && dir === 'low')
    ? 'no-dropout'
    : undefined

/** Plain-words meaning of a Pareto/NBD parameter running off to a boundary. */
function explainBoundary(name: string, dir: 'high' | 'low', theta: readonly number[]): string {
  if (paretoLimit(name, dir, theta) === 'no-dropout')
    return 'no sign of customers dropping out: the dropout rate is not identified'
  if (name === 's' || name === 'beta')
    return 'customers do not differ in dropout rate (s and beta grow together), so the heterogeneity is not identified'
  // alpha → 0 is the opposite of a common rate: purchases in next to no time (a history of
  // repeat purchases with T near 0) make the rate grow without bound
  if (name === 'alpha' && dir === 'low')
    return 'the purchase rate grows without bound: some history has repeat purchases in next to no time (x above 0 with T near 0)'
  return 'customers do not differ in purchase rate (r and alpha grow together), or the rate is not identified'
}

/** log of s · ∫_{t_x}^T ... minus the "alive" term: P(alive) = 1 / (1 + exp(this)). */
function logOddsDead(p: ParetoParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p
  if (!(T > tx)) return Number.NEGATIVE_INFINITY
  const rx = r + x
  if (onQuadrature(p)) {
    // both terms times (β + t_x)^s, which cancels: s log(1 + (T - t_x)/(β + t_x)) keeps the
    // digits that s log(β + T) loses, and that s log(1 + T/β) - s log(1 + t_x/β) lost when β
    // is small (6e5 each at s = 1e5, β = 0.5, T = 200: 1.5e-10 of P(alive))
    const lI = logSpanIntegral(rx, s + 1, alpha + tx, beta + tx, T - tx, null) - Math.log(beta + tx)
    return Math.log(s) + lI + rx * Math.log(alpha + T) + s * Math.log1p((T - tx) / (beta + tx))
  }
  const lA = -rx * Math.log(alpha + T) - s * Math.log(beta + T)
  const gtx = logTailIntegral(rx, s + 1, alpha, beta, tx)
  const gT = logTailIntegral(rx, s + 1, alpha, beta, T)
  if (!(gtx > gT)) return Number.NEGATIVE_INFINITY
  return Math.log(s) + logDiffExp(gtx, gT) - lA
}

function sigmoidNeg(l: number): number {
  return l > 0 ? Math.exp(-l) / (1 + Math.exp(-l)) : 1 / (1 + Math.exp(l))
}

/**
 * P(alive | x, t_x, T) = (α+T)^-(r+x) (β+T)^-s / [(α+T)^-(r+x) (β+T)^-s + s ∫_{t_x}^T (α+τ)^-(r+x) (β+τ)^-(s+1) dτ].
 */
export function probabilityAlive(p: ParetoParams, x: number, tx: number, T: number): number {
  checkParams('pareto', p)
  checkHistory(x, tx, T)
  return sigmoidNeg(logOddsDead(p, x, tx, T))
}

/** E[(1 - e^{-μ t}) / μ] for μ ~ Gamma(s, rate B): B · (1 - (B/(B+t))^(s-1)) / (s-1), = B log(1+t/B) at s = 1. */
function meanLifetimeWithin(s: number, B: number, t: number): number {
  // the whole remaining lifetime: E[1/μ] = B/(s-1), infinite for s <= 1 (0 · ∞ below at s = 1)
  if (t === Number.POSITIVE_INFINITY) return s > 1 ? B / (s - 1) : t
  const L = Math.log1p(t / B)
  const sm1 = s - 1
  if (Math.abs(sm1 * L) < 1e-10) return B * L
  return (B * -Math.expm1(-sm1 * L)) / sm1
}

/**
 * E[Y(t) | history] = P(alive) · (r+x)/(α+T) · E[(1 - e^{-μt})/μ], μ ~ Gamma(s, β+T)
 * = P(alive) · (r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)] (SMC 1987). At t = Infinity
 * with s <= 1 it is Infinity, as P(alive) > 0 however far it underflows.
 */
export function expectedPurchases(
  p: ParetoParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  checkParams('pareto', p)
  checkHistory(x, tx, T)
  if (!(t >= 0)) throw new DataError(`horizon t must be >= 0 (got ${t})`)
  const lodd = logOddsDead(p, x, tx, T)
  return expectedAlive(sigmoidNeg(lodd), lodd, (p.r + x) / (p.alpha + T), p.s, p.beta + T, t)
}

/**
 * P(alive) · rate · E[(1 - e^{-μt})/μ], μ ~ Gamma(s, B), given P(alive) = pa and its log-odds of
 * death lodd. P(alive) is a ratio of positive terms, never 0 in exact arithmetic, but it underflows
 * past log-odds 745 (x in the hundreds with t_x far before T): then 0 · ∞ was NaN where s <= 1
 * makes the lifetime infinite, and 0 where the product is a representable number (4e-54 at
 * t = 1e300). Such a product is formed in logs.
 */
function expectedAlive(
  pa: number,
  lodd: number,
  rate: number,
  s: number,
  B: number,
  t: number,
): number {
  const life = meanLifetimeWithin(s, B, t)
  if (pa > 1e-250 && life < 1e250) return pa * rate * life
  if (life === Number.POSITIVE_INFINITY && t === Number.POSITIVE_INFINITY) return life
  return Math.exp(-log1pExp(lodd) + Math.log(rate) + logMeanLifetimeWithin(s, B, t))
}

/** log of {@link meanLifetimeWithin}, finite where the lifetime is past the largest double. */
function logMeanLifetimeWithin(s: number, B: number, t: number): number {
  if (t === Number.POSITIVE_INFINITY) return Math.log(B) - Math.log(s - 1)
  const L = Math.log1p(t / B)
  const y = (1 - s) * L
  if (Math.abs(y) < 1e-10) return Math.log(B) + Math.log(L)
  // B (e^y - 1)/(1 - s): for s < 1, y > 0 and e^y may overflow; log(e^y - 1) = y + log(1 - e^-y)
  if (y > 0) return Math.log(B) + y + Math.log(-Math.expm1(-y)) - Math.log(1 - s)
  return Math.log(B) + Math.log(-Math.expm1(y)) - Math.log(s - 1)
}

/**
 * E[X(t)] = r β / (α (s-1)) · [1 - (β/(β+t))^(s-1)] for a new customer (= r β/α · log(1 + t/β) at
 * s = 1; t = Infinity gives r β / (α (s-1)), infinite for s <= 1).
 * @throws DataError unless t >= 0.
 */
export function expectedPurchasesNew(p: ParetoParams, t: number): number {
  checkParams('pareto', p)
  if (!(t >= 0)) throw new DataError(`t must be a number >= 0 (got ${t})`)
  return (p.r / p.alpha) * meanLifetimeWithin(p.s, p.beta, t)
}

/** log of C · ∫_w^∞ (A+τ)^-(r+x+1) (B+τ)^-s dτ where C makes it P(first purchase after w, before death | alive). */
function logFirstPurchaseTail(p: ParetoParams, x: number, T: number, w: number): number {
  const rx = p.r + x
  const A = p.alpha + T
  const B = p.beta + T
  const lc = Math.log(rx) + rx * Math.log(A) + p.s * Math.log(B)
  return lc + logTail(rx + 1, p.s, A, B, w)
}

/** logTailIntegral, by quadrature where its 2F1 is slow (q large with B > A, see LARGE_S). */
function logTail(p: number, q: number, A: number, B: number, t: number): number {
  return q >= LARGE_S && B > A
    ? logSpanIntegral(p, q, A + t, B + t, Number.POSITIVE_INFINITY, null) - q * Math.log(B + t)
    : logTailIntegral(p, q, A, B, t)
}

/**
 * The first-purchase waiting time's density (A+τ)^-(k+1) (B+τ)^-s on τ > 0 (k = r+x, A = α+T,
 * B = β+T), named by its bases: `lo` = min(A, B) with exponent `eLo`, `hi` = max(A, B) with `eHi`
 * (the integral is symmetric in the two pairs), and `lr` = log of k A^k B^s lo^(1-eLo) hi^-eHi, so
 * that P(a purchase in (0, w] | alive) = e^lr · J(w), J(w) = ∫_0^ℓ(w) e^{(1-eLo)ℓ} (1 + u/hi)^-eHi
 * dℓ with ℓ = log(1 + u/lo): the k log A of size 5e6 at a million purchases cancels in lr, not in
 * a sum of logs. `eLoM1` = eLo - 1 (k itself, not (k + 1) - 1) and `z0` = (hi - lo)/hi, from
 * |α - β| rather than from A - B, which carries the rounding of adding T.
 */
interface Wait {
  readonly k: number
  readonly s: number
  readonly lo: number
  readonly hi: number
  readonly eLo: number
  readonly eLoM1: number
  readonly eHi: number
  readonly lr: number
  readonly z0: number
}

function waitOf(p: ParetoParams, x: number, T: number): Wait {
  const k = p.r + x
  const A = p.alpha + T
  const B = p.beta + T
  const z0 = Math.abs(p.alpha - p.beta) / Math.max(A, B)
  return A >= B
    ? {
        k,
        s: p.s,
        lo: B,
        hi: A,
        eLo: p.s,
        eLoM1: p.s - 1,
        eHi: k + 1,
        lr: Math.log(k) - Math.log(A / B),
        z0,
      }
    : { k, s: p.s, lo: A, hi: B, eLo: k + 1, eLoM1: k, eHi: p.s, lr: Math.log(k), z0 }
}

/** waitSeries' sums: 2F1 at z0, Σ n u_n z0^n, and the window's change Σ u_n (zw^n - z0^n). */
const SUMS = new Float64Array(3)

/**
 * The series 2F1(a, b; c; z0) = Σ u_n z0^n (u_0 = 1, u_{n+1}/u_n = (a+n)(b+n)/((c+n)(n+1)) <= 1,
 * so each term is at most z0 times the last) into SUMS with Σ n u_n z0^n and Σ u_n (zw^n - z0^n),
 * 0 <= zw <= z0 < 1, dz = zw - z0 and y0 = 1 - z0 given exactly. Every sum's terms share one sign:
 * each keeps its relative precision, where the difference of two 2F1s (a short window's change)
 * or of a ratio of two and a constant (the mean wait) does not. zw^n - z0^n is carried by its own
 * recurrence, e_{n+1} = zw e_n + z0^n dz. The tails past term n are below (n+1) t_n / y0^2 (and
 * |dz|/z0 times that for the change). False when 1,000 terms do not reach 1e-17 (z0 near 1).
 */
function waitSeries(
  a: number,
  b: number,
  c: number,
  z0: number,
  zw: number,
  dz: number,
  y0: number,
): boolean {
  const slack = 1 / (y0 * y0)
  let u = 1
  let zn = 1
  let e = 0
  let f = 1
  let nf = 0
  let df = 0
  for (let n = 0; n < 1000; n++) {
    e = zw * e + zn * dz
    zn *= z0
    u *= ((a + n) * (b + n)) / ((c + n) * (n + 1))
    const t = u * zn
    f += t
    nf += (n + 1) * t
    df += u * e
    const rest = (n + 2) * t * slack
    if (2 * rest <= 1e-17 * (f + nf) && rest * -dz <= 1e-17 * -df * z0) {
      SUMS[0] = f
      SUMS[1] = nf
      SUMS[2] = df
      return true
    }
  }
  return false
}

/**
 * P(a purchase in (0, window] | alive) on the 2F1 path. The tail from t is (Gradshteyn & Ryzhik
 * 3.197.1) G(t) = (hi+t)^-eHi (lo+t)^-eLoM1 / (k+s) · 2F1(1, eHi; k+s+1; z_t), with
 * z_t = (hi-lo)/(hi+t), and the answer is P0 (1 - G(w)/G(0)), the second factor as -expm1 of
 * its log, whose parts all fall with w when eLo >= 1. With eLo < 1 the (lo+t) factor rises
 * against the others (5e-13 of the answer at s = 0.048, hi/lo = 22), so there Euler's transform,
 * 2F1(1, eHi; c; z) = (1-z)^(eLo-1) 2F1(c-1, eLo; c; z), takes it in (3e-15):
 * G(t) = (hi+t)^-(k+s) / (k+s) · 2F1(k+s, eLo; k+s+1; z_t). Where the series is slow (z0 near
 * 1), J(w) by quadrature.
 */
function windowPurchase(w: Wait, window: number): number {
  const { k, s, lo, hi, z0 } = w
  const y0 = lo / hi
  const euler = w.eLo < 1
  const a = euler ? k + s : 1
  const b = euler ? w.eLo : w.eHi
  const inf = window === Number.POSITIVE_INFINITY
  const zw = inf ? 0 : z0 * (hi / (hi + window))
  const dz = inf ? -z0 : (-z0 * window) / (hi + window)
  if (!waitSeries(a, b, k + s + 1, z0, zw, dz, y0)) {
    return Math.exp(w.lr + logWaitQuadrature(w, window))
  }
  const f = SUMS[0]!
  // log P0 = lr + log J(∞), J(∞) = 2F1(1, eHi; k+s+1; z0) / (k+s)
  const lp0 = w.lr + Math.log(f) - Math.log(k + s) + (euler ? w.eLoM1 * Math.log(y0) : 0)
  if (inf) return Math.exp(lp0)
  const lSurvive =
    (euler
      ? -(k + s) * Math.log1p(window / hi)
      : -w.eHi * Math.log1p(window / hi) - w.eLoM1 * Math.log1p(window / lo)) +
    Math.log1p(SUMS[2]! / f)
  return Math.exp(lp0) * -Math.expm1(lSurvive)
}

/**
 * Mean first-purchase wait, r + x + s > 1: ∫ τ f / ∫ f = lo/(k+s-1) · 2F1(2, eHi; c; z0) /
 * 2F1(1, eHi; c; z0) (Gradshteyn & Ryzhik 3.197.1 at ν = 2 over ν = 1), c = k+s+1, and
 * 2F1(2, ...) = Σ (n+1) u_n z0^n: a ratio of two positive sums, where ∫ (A+τ) f / ∫ f - A
 * subtracted A from a number near it (up to 8e-2 of the mean at a million purchases, 2.7e-4 at
 * A/mean = 2e8). Where the series is slow, or on the quadrature path, the mean of u/lo summed
 * beside J by quadrature.
 */
function meanWait(w: Wait, quadrature: boolean): number {
  const { k, s, lo, hi, z0 } = w
  if (!quadrature && waitSeries(1, w.eHi, k + s + 1, z0, z0, 0, lo / hi)) {
    return (lo / (k + s - 1)) * (1 + SUMS[1]! / SUMS[0]!)
  }
  const mom = new Float64Array(1)
  if (quadrature) logSpanShape(w.eLo, w.eHi, lo, hi, Number.POSITIVE_INFINITY, null, mom)
  else logWaitQuadrature(w, Number.POSITIVE_INFINITY, mom)
  return lo * mom[0]!
}

/**
 * log J(span) (see Wait) where waitSeries is slow (hi/lo above ~20), and with `mom` (span = ∞) the
 * mean of u/lo beside it. Past u = 4 (hi - lo), at ℓ = L, the integrand is (hi/lo)^eHi v^(k+s)
 * (1 + κv)^-eHi in v = e^-ℓ, κ = hi/lo - 1: it falls as slowly as e^-(k+s)ℓ, and the moment's as
 * e^-(k+s-1)ℓ, past logSpanShape's 400 panels at k + s = 1.09 (2e-6 of the mean lost). There the
 * rest is ∫_0^V v^(j-1) (1 + κv)^-eHi dv (j = k+s, and k+s-1 for the moment's e^ℓ), a series.
 */
function logWaitQuadrature(w: Wait, span: number, mom?: Float64Array): number {
  const { lo, hi, eLo, eHi } = w
  const kappa = (hi - lo) / lo
  const uL = lo * (4 * kappa - 1)
  if (!(kappa > 1 && span > uL)) return logSpanShape(eLo, eHi, lo, hi, span, null, mom)
  const m = w.k + w.s
  const lL = -Math.log(4 * kappa)
  const lead = eHi * Math.log(hi / lo)
  const lS = logSpanShape(eLo, eHi, lo, hi, uL, null, mom)
  let lT = lead + logPowerTail(m, eHi, lL, kappa)
  if (span < Number.POSITIVE_INFINITY) {
    // less the part past the span: -expm1 of its log ratio to the whole tail from L
    const rest = lead + logPowerTail(m, eHi, -Math.log1p(span / lo), kappa)
    lT += Math.log(Math.max(0, -Math.expm1(rest - lT)))
  }
  if (mom) {
    // ∫_L^∞ (e^ℓ - 1) g dℓ = (hi/lo)^eHi ∫_0^V (v^(j-2) - v^(j-1)) (1 + κv)^-eHi dv, relative to S
    const tm = Math.exp(lead + logPowerTail(m - 1, eHi, lL, kappa) - lS) - Math.exp(lT - lS)
    mom[0] = (mom[0]! + tm) / (1 + Math.exp(lT - lS))
  }
  return logSumExp(lS, lT)
}

/**
 * log ∫_0^V v^(j-1) (1 + κv)^-q dv = log [V^j/j (1+y)^-q 2F1(1, q; j+1; y/(1+y))], y = κV <= 1/4
 * (Euler's integral, then Pfaff's transform to a series of positive terms; each at most
 * (q+n)/(j+1+n) · y/(1+y) of the last, below 2/5 here: q - (j + 1) < 1 <= j + 1).
 */
function logPowerTail(j: number, q: number, logV: number, kappa: number): number {
  const y = kappa * Math.exp(logV)
  const x = y / (1 + y)
  let term = 1
  let sum = 1
  for (let n = 0; n < 1000 && term > 1e-17 * sum; n++) {
    term *= ((q + n) / (j + 1 + n)) * x
    sum += term
  }
  return j * logV - Math.log(j) - q * Math.log1p(y) + Math.log(sum)
}

/**
 * The median w of a waiting time with density ∝ (A+τ)^-p (B+τ)^-q on τ > 0 (p > 1, q >= LARGE_S,
 * B > A: the quadrature's domain), i.e. ∫_0^w = half of ∫_0^∞. Newton in ℓ = log(1 + w/A) on
 * G(ℓ) = log ∫_0^w, whose slope is the integrand over the integral so far: G is concave (the
 * integrand falls in ℓ), so a step from either side lands at or left of the root and the steps
 * from there climb to it. It starts at the median without dropout, ℓ = log 2 / (p - 1), which is
 * right of the root. ~6 quadratures over [0, w] where solving the tail equation took ~15 over
 * [w, ∞).
 */
function medianWait(p: number, q: number, A: number, B: number): number {
  const goal = logSpanIntegral(p, q, A, B, Number.POSITIVE_INFINITY, null) - Math.LN2
  const la = (1 - p) * Math.log(A)
  let l = Math.LN2 / (p - 1)
  let last = Number.POSITIVE_INFINITY
  for (let i = 0; i < 100; i++) {
    const w = A * Math.expm1(l)
    const part = logSpanIntegral(p, q, A, B, w, null)
    // G'(ℓ): the integrand at ℓ on logSpanIntegral's scale, over the integral so far
    const slope = Math.exp(la + (1 - p) * l - q * Math.log1p(w / B) - part)
    const next = l - (part - goal) / slope
    // a first step from far right can fall past 0: an eighth of the way there instead (either
    // side of the root will do)
    const step = Math.abs((next > 0 ? next : l / 8) - l)
    // converged, or at the quadrature's rounding floor: steps near it that stop shrinking (the
    // steps from far left grow at first, so only small ones are judged so)
    if (!(step > 1e-13 * l) || (step < 1e-9 * l && step >= last)) {
      return A * Math.expm1(next > 0 ? next : l)
    }
    last = step
    l = next > 0 ? next : l / 8
  }
  return A * Math.expm1(l)
}

/**
 * P(X(T, T+t] = n | x, t_x, T) (Fader & Hardie's conditional PMF): a customer alive at T buys from
 * T on as a new customer would under the alive posterior λ ~ Gamma(r+x, α+T), μ ~ Gamma(s, β+T)
 * (the lifetime is memoryless), so P(alive) · P_new(n; t) there ({@link probabilityOfPurchases}),
 * plus 1 − P(alive) at n = 0. t = ∞ gives the purchases left in the customer's lifetime.
 * @throws DataError for an invalid history, n or t.
 */
export function conditionalProbabilityOfPurchases(
  p: ParetoParams,
  n: number,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const alive = probabilityAlive(p, x, tx, T)
  const after = { r: p.r + x, alpha: p.alpha + T, s: p.s, beta: p.beta + T }
  const future = probabilityOfPurchases(after, n, t)
  return givenAlive(n, alive, future)
}

/**
 * P(at least one purchase in (T, T+window] | history) = P(alive) · E[λ/(λ+μ) (1 - e^{-(λ+μ) window})]
 * under the alive posterior λ ~ Gamma(r+x, α+T), μ ~ Gamma(s, β+T); the expectation is
 * (r+x)(α+T)^(r+x)(β+T)^s ∫_0^window (α+T+τ)^-(r+x+1) (β+T+τ)^-s dτ, taken as the window's
 * own integral (quadrature) or as one series for the tail's change (windowPurchase): its
 * relative precision holds for the shortest windows, where 1 - a ratio of two tails lost it.
 */
export function probabilityAnyPurchase(
  p: ParetoParams,
  window: number,
  x: number,
  tx: number,
  T: number,
): number {
  checkParams('pareto', p)
  checkHistory(x, tx, T)
  if (!(window >= 0)) throw new DataError(`window must be >= 0 (got ${window})`)
  if (window === 0) return 0
  const pa = sigmoidNeg(logOddsDead(p, x, tx, T))
  const w = waitOf(p, x, T)
  // on the quadrature path the window's own integral: the difference of the two tails, each
  // carrying -s log B (-1.6e6 at s = 1e5), lost ~4e-10 of the log to rounding and 4e-8 of the
  // answer at window 1 (and its A^-k now cancels in lr, see Wait, not beside a sum of logs)
  const q = onQuadrature(p)
    ? Math.exp(w.lr + logSpanShape(w.eLo, w.eHi, w.lo, w.hi, window, null))
    : windowPurchase(w, window)
  return pa * Math.min(1, q)
}

/**
 * Waiting time W from T to the next purchase among futures where one happens (alive and buys
 * before dying). median solves P(W > w | purchase) = 1/2; mean = ∫ P(W > w | purchase) dw, finite
 * when r + x + s > 1, from a ratio of positive sums or integrals (meanWait), never as a
 * difference from α + T, which it may be 1e8 times below. `probability` = P(alive) ·
 * P(purchase before death | alive). The tail falls like w^-(r+x+s): with r + x + s below ~0.0014
 * the median is past the largest double, and is then null with the reason saying so.
 */
export function expectedNextPurchaseTime(
  p: ParetoParams,
  x: number,
  tx: number,
  T: number,
): NextPurchase {
  checkParams('pareto', p)
  checkHistory(x, tx, T)
  const l0 = logFirstPurchaseTail(p, x, T, 0)
  const prob = sigmoidNeg(logOddsDead(p, x, tx, T)) * Math.min(1, Math.exp(l0))
  const large = onQuadrature(p)
  const median = medianOf(p, x, T, large ? null : l0)
  const rx = p.r + x
  let mean: number | null = null
  const reasons: string[] = []
  if (median === null) {
    reasons.push(
      `the median waiting time is beyond the largest double (${Number.MAX_VALUE.toPrecision(2)} time units): the chance of a purchase fades like w^-(r+x+s), r + x + s = ${(rx + p.s).toPrecision(3)}`,
    )
  }
  const useMedian = median === null ? '' : '; use the median'
  if (rx + p.s > 1) {
    const m = meanWait(waitOf(p, x, T), large)
    if (m > 0 && Number.isFinite(m)) mean = m
    else reasons.push(`mean waiting time lost to rounding${useMedian}`)
  } else {
    reasons.push(`mean waiting time is infinite when r + x + s <= 1${useMedian}`)
  }
  return {
    median,
    mean,
    probability: prob,
    reason: reasons.length > 0 ? reasons.join('; ') : null,
  }
}

/**
 * The median of {@link expectedNextPurchaseTime} alone, the same number: scoring a million
 * customers wants only it, and on the quadrature path the mean and the probability took two
 * thirds of a call (~30 of 46 µs).
 */
export function medianNextPurchaseTime(
  p: ParetoParams,
  x: number,
  tx: number,
  T: number,
): number | null {
  checkParams('pareto', p)
  checkHistory(x, tx, T)
  return medianOf(p, x, T, onQuadrature(p) ? null : logFirstPurchaseTail(p, x, T, 0))
}

/** The median wait; `l0` = logFirstPurchaseTail(p, x, T, 0), needed off the quadrature path only. */
function medianOf(p: ParetoParams, x: number, T: number, l0: number | null): number | null {
  if (l0 === null) return medianWait(p.r + x + 1, p.s, p.alpha + T, p.beta + T)
  const scale = (p.alpha + T) / (p.r + x)
  return solveMonotone((w) => l0 - logFirstPurchaseTail(p, x, T, w), Math.LN2, scale)
}

/**
 * Simulates n customers observed for T (number or per-customer array) from the model.
 * `resolution` > 0 floors event times and T to multiples of it (e.g. 1/7 for days in weeks) and
 * counts x as `loyals summary` counts repeat purchase days (periods after the first's with a
 * purchase: x > 0 always has t_x > 0).
 * @throws DataError unless n is a non-negative integer, every T finite and >= 0 and resolution
 * finite and >= 0.
 */
export function simulate(
  p: ParetoParams,
  n: number,
  T: number | ArrayLike<number>,
  seed: number,
  resolution = 0,
): SimulatedHistories {
  checkParams('pareto', p)
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new DataError(`n (customers) must be a non-negative integer (got ${n})`)
  }
  if (!(resolution >= 0 && resolution < Infinity)) {
    throw new DataError(`resolution must be a finite number >= 0 (got ${resolution})`)
  }
  if (typeof T !== 'number' && T.length < n) {
    throw new DataError(`T has ${T.length} values for ${n} customers`)
  }
  const rng = createRng(seed)
  const X = new Float64Array(n)
  const TX = new Float64Array(n)
  const TT = new Float64Array(n)
  const snap = (v: number): number => (resolution > 0 ? Math.floor(v / resolution) * resolution : v)
  for (let i = 0; i < n; i++) {
    const Traw = typeof T === 'number' ? T : T[i]!
    if (!(Traw >= 0 && Traw < Infinity)) {
      throw new DataError(`T must be a finite number >= 0 (got ${Traw} for customer ${i})`)
    }
    const Ti = snap(Traw)
    const lambda = rng.gamma(p.r, 1 / p.alpha)
    const mu = rng.gamma(p.s, 1 / p.beta)
    const end = Math.min(Ti, rng.exponential(mu))
    let x = 0
    let tx = 0
    let t = rng.exponential(lambda)
    while (t <= end) {
      // on a grid, purchases count as the summary counts them: once per period after the first's
      if (resolution === 0 || snap(t) > tx) {
        x++
        tx = snap(t)
      }
      t += rng.exponential(lambda)
    }
    X[i] = x
    TX[i] = Math.min(tx, Ti)
    TT[i] = Ti
  }
  return { x: X, tx: TX, T: TT }
}

/**
 * P(alive) and expected purchases over `horizon` for every customer; the 2F1 terms are computed once
 * per distinct (x, t) pair.
 * @throws DataError when x, tx and T differ in length, for an invalid history (x >= 0,
 *   0 <= t_x <= T, all finite) or horizon < 0.
 */
export function scoreAll(
  p: ParetoParams,
  h: HistoryColumns,
  horizon: number,
): { pAlive: Float64Array; expected: Float64Array } {
  checkParams('pareto', p)
  if (!(horizon >= 0)) throw new DataError(`horizon must be a number >= 0 (got ${horizon})`)
  const n = checkColumnLengths(h, 'paretoNbd.scoreAll')
  const X = Float64Array.from(h.x)
  const TX = Float64Array.from(h.tx)
  const TT = Float64Array.from(h.T)
  for (let i = 0; i < n; i++) {
    // one combined test on the fast path (NaN fails every comparison; t_x <= T bounds t_x)
    if (!(X[i]! >= 0 && TX[i]! >= 0 && TT[i]! >= TX[i]! && X[i]! + TT[i]! < Infinity))
      checkHistory(X[i]!, TX[i]!, TT[i]!)
  }
  const pAlive = new Float64Array(n)
  const expected = new Float64Array(n)
  // large s with β > α: the integral per history by quadrature (logOddsDead), so the 2F1 terms
  // per (x, t) pair are not needed
  const large = onQuadrature(p)
  const w = large
    ? null
    : prepare({ x: X, tx: TX, T: TT, weight: new Float64Array(n).fill(1), customers: n })
  if (w) evalLL(w, p, null)
  const ls = Math.log(p.s)
  for (let i = 0; i < n; i++) {
    let lodd = Number.NEGATIVE_INFINITY
    if (!w) lodd = logOddsDead(p, X[i]!, TX[i]!, TT[i]!)
    else {
      const gtx = w.lG[w.pTx[i]!]!
      const gT = w.lG[w.pT[i]!]!
      if (gtx > gT) lodd = ls + logDiffExp(gtx, gT) - w.lA[w.pT[i]!]!
    }
    const pa = sigmoidNeg(lodd)
    pAlive[i] = pa
    expected[i] = expectedAlive(
      pa,
      lodd,
      (p.r + X[i]!) / (p.alpha + TT[i]!),
      p.s,
      p.beta + TT[i]!,
      horizon,
    )
  }
  return { pAlive, expected }
}

/** The model as one object, for callers that pick a model at run time. */
export const paretoNbd = {
  name: 'pareto',
  paramNames: NAMES,
  fit,
  logLikelihood,
  logLikelihoodPerHistory,
  gradient,
  probabilityAlive,
  expectedPurchases,
  expectedPurchasesNew,
  probabilityOfPurchases,
  conditionalProbabilityOfPurchases,
  probabilityAnyPurchase,
  expectedNextPurchaseTime,
  simulate,
  scoreAll,
} as const
