// Gamma-Gamma spend model (Fader & Hardie 2013 note; Fader, Hardie & Lee 2005 "RFM and CLV").
// The likelihood is split into per-x sums (lgamma/digamma once per distinct x) and two per-customer
// sums of log(x m_x + γ) and 1/(x m_x + γ), so a fit on a million customers costs a few logs each.
import { type ConvergenceDetails, ConvergenceError, DataError } from '../../errors.ts'
import type { Rng } from '../random.ts'
import { createRng } from '../random.ts'
import { digamma, lgamma, trigamma } from '../special.ts'
import { checkParams, EXTREME_LOG, sampleByWeight } from './common.ts'
import { fitOnLogScale } from './mle-result.ts'
import type { FitResult } from './types.ts'

// a type, not an interface, as BgParams (bg-family.ts) says why
/** p: shape of each transaction's spend; q, γ: shape and rate of the spend-rate heterogeneity. */
export type GammaGammaParams = {
  readonly p: number
  readonly q: number
  readonly gamma: number
}

/** Spend histories: repeat transactions x and their mean value m_x, optionally weighted. */
export interface SpendData {
  readonly x: ArrayLike<number>
  readonly mx: ArrayLike<number>
  readonly weight?: ArrayLike<number>
}

export interface GammaGammaFit extends FitResult<GammaGammaParams> {
  /** Weighted Pearson correlation of x and m_x among repeaters (the model assumes 0). */
  readonly correlation: number
  /** Customers with x > 0 left out because m_x <= 0 (only with `excludeNonPositive`). */
  readonly excluded: number
  /** Plain-words caveats (e.g. a strong frequency-spend correlation). */
  readonly warnings: readonly string[]
}

/** |corr(x, m_x)| above this gets a warning: the independence assumption is doubtful. */
export const CORRELATION_WARNING = 0.3

/**
 * Why (x, m_x) cannot be scored: x must be a finite count >= 0; a repeater (x > 0) needs a finite
 * mean spend m_x > 0, since the model's transaction values are gamma, hence positive.
 */
function spendInputError(x: number, mx: number, row: number | null): DataError {
  const at = row === null ? '' : `customer ${row + 1}: `
  const details = row === null ? { x, mx } : { row: row + 1, x, mx }
  if (!(x >= 0 && x < Number.POSITIVE_INFINITY)) {
    return new DataError(`${at}x must be a finite number >= 0 (got ${x})`, details)
  }
  return new DataError(
    `${at}m_x must be a finite number > 0 for a customer with repeat purchases (got ${mx} with x = ${x}): Gamma-Gamma spend is positive; give x = 0 for the population mean`,
    details,
  )
}

/**
 * The message for `bad` repeaters (customers, weighted) without a positive mean spend. `none`:
 * nobody has one, so excluding them is no advice. `which` (e.g. " (customers 7, 12)") goes after
 * the count, for a caller that knows where the customers are (a file line, a customer id).
 */
export function nonPositiveSpendMessage(bad: number, none: boolean, which = ''): string {
  // excluding them would leave nobody: the spend is missing, not a few odd customers
  if (none) {
    return `no customer with repeat purchases has a positive mean spend (all ${bad} have zero, negative or missing spend; orders without amounts?)${which}: the Gamma-Gamma spend model has nothing to fit`
  }
  const one = bad === 1
  return `${bad} customer${one ? '' : 's'} with repeat purchases ha${one ? 's' : 've'} a zero, negative or missing mean spend${which}; the Gamma-Gamma model needs positive spend (exclude them, e.g. with --exclude-nonpositive; excludeNonPositive in the library)`
}

const infinitePopulationMean = (): DataError =>
  new DataError('Gamma-Gamma q <= 1: the mean spend of a customer without repeats is infinite')

// Integer counts below this are tallied in an array instead of a Map (a million Map updates cost more
// than the whole likelihood pass).
const SMALL_X = 4096

interface Prepared {
  readonly xs: Float64Array // distinct x
  readonly wx: Float64Array // weight per distinct x
  readonly x: Float64Array
  readonly xm: Float64Array
  readonly w: Float64Array
  readonly n: number
  readonly sumWLogM: number
  readonly sumWXLogM: number
  readonly excluded: number
  readonly correlation: number
}

/** A short description of a value for a message: its type, or its length for an array. */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  if (Array.isArray(v) || ArrayBuffer.isView(v))
    return `an array of ${(v as ArrayLike<unknown>).length}`
  return `a ${typeof v}`
}

const arrayLike = (v: unknown): v is ArrayLike<number> =>
  typeof v === 'object' && v !== null && typeof (v as { length?: unknown }).length === 'number'

/**
 * DataError unless `data` has the fields the spend model reads: called from JavaScript with
 * another shape ({x, monetary}) it otherwise failed as a TypeError deep in the fit.
 */
function checkSpendData(data: unknown): asserts data is SpendData {
  const fields = 'x (repeat purchases per customer), mx (their mean spend) and optionally weight'
  if (typeof data !== 'object' || data === null) {
    throw new DataError(`spend data must be an object with ${fields} (got ${describe(data)})`)
  }
  const d = data as Record<string, unknown>
  for (const k of ['x', 'mx', 'weight'] as const) {
    if (k === 'weight' && d[k] === undefined) continue
    if (!arrayLike(d[k])) {
      const other = Object.keys(d).filter((n) => n !== 'x' && n !== 'weight')
      const hint = k === 'mx' && other.length ? ` (found ${other.join(', ')})` : ''
      throw new DataError(
        `spend data: ${k} must be an array of numbers (got ${describe(d[k])})${hint}; the fields are ${fields}`,
        { field: k },
      )
    }
  }
}

function prepare(data: SpendData, excludeNonPositive: boolean): Prepared {
  checkSpendData(data)
  const len = data.x.length
  if (data.mx.length !== len || (data.weight && data.weight.length !== len)) {
    throw new DataError('x, m_x (and weight) must have the same length', {
      x: len,
      mx: data.mx.length,
    })
  }
  const X = data.x
  const M = data.mx
  const Wt = data.weight
  const x = new Float64Array(len)
  const xm = new Float64Array(len)
  const w = new Float64Array(len)
  const byX = new Map<number, number>()
  const smallX = new Float64Array(SMALL_X)
  let bad = 0
  let k = 0
  let n = 0
  let sumWLogM = 0
  let sumWXLogM = 0
  let sx = 0
  let sm = 0
  for (let i = 0; i < len; i++) {
    const xi = +X[i]!
    const mi = +M[i]!
    const wi = Wt ? +Wt[i]! : 1
    if (!(xi >= 0 && wi >= 0 && xi < Number.POSITIVE_INFINITY && wi < Number.POSITIVE_INFINITY)) {
      throw new DataError(`customer ${i + 1}: x and weight must be finite and non-negative`, {
        row: i + 1,
        x: xi,
        weight: wi,
      })
    }
    if (xi === 0 || wi === 0) continue
    if (!(mi > 0 && mi < Number.POSITIVE_INFINITY)) {
      bad += wi // customers, not rows: a row of a compressed table stands for `weight` of them
      continue
    }
    x[k] = xi
    xm[k] = xi * mi
    w[k] = wi
    k++
    n += wi
    const lm = Math.log(mi)
    sumWLogM += wi * lm
    sumWXLogM += wi * xi * lm
    sx += wi * xi
    sm += wi * mi
    if (xi < SMALL_X && Number.isInteger(xi)) smallX[xi]! += wi
    else byX.set(xi, (byX.get(xi) ?? 0) + wi)
  }
  if (bad > 0 && (k === 0 || !excludeNonPositive)) {
    throw new DataError(nonPositiveSpendMessage(bad, k === 0), { nonPositive: bad })
  }
  for (let v = 1; v < SMALL_X; v++) if (smallX[v]! > 0) byX.set(v, smallX[v]!)
  if (n === 0) {
    throw new DataError(
      'no customer with repeat purchases and positive spend: the Gamma-Gamma model has nothing to fit',
    )
  }
  const mxBar = sm / n
  const xBar = sx / n
  let cxx = 0
  let cmm = 0
  let cxm = 0
  for (let i = 0; i < k; i++) {
    const dx = x[i]! - xBar
    const dm = xm[i]! / x[i]! - mxBar
    cxx += w[i]! * dx * dx
    cmm += w[i]! * dm * dm
    cxm += w[i]! * dx * dm
  }
  const correlation = cxx > 0 && cmm > 0 ? cxm / Math.sqrt(cxx * cmm) : 0
  const xs = Float64Array.from(byX.keys())
  const wx = Float64Array.from(byX.values())
  return {
    xs,
    wx,
    x: x.subarray(0, k),
    xm: xm.subarray(0, k),
    w: w.subarray(0, k),
    n,
    sumWLogM,
    sumWXLogM,
    excluded: bad,
    correlation,
  }
}

/** LL and d LL / d(p, q, γ) in one pass (the optimizer asks for both at the same point). */
function llAndGrad(d: Prepared, p: number, q: number, g: number): [number, number, number, number] {
  let s0 = 0 // Σ w log(x m + γ)
  let s1 = 0 // Σ w x log(x m + γ)
  let i0 = 0 // Σ w / (x m + γ)
  let i1 = 0 // Σ w x / (x m + γ)
  const { x, xm, w } = d
  for (let i = 0; i < x.length; i++) {
    const v = xm[i]! + g
    const wi = w[i]!
    const l = Math.log(v)
    const inv = wi / v
    s0 += wi * l
    s1 += wi * x[i]! * l
    i0 += inv
    i1 += inv * x[i]!
  }
  let ll = -d.n * lgamma(q) + d.n * q * Math.log(g) + p * d.sumWXLogM - d.sumWLogM - p * s1 - q * s0
  let dp = d.sumWXLogM - s1
  let dq = -d.n * digamma(q) + d.n * Math.log(g) - s0
  const dg = (d.n * q) / g - (p * i1 + q * i0)
  for (let j = 0; j < d.xs.length; j++) {
    const xj = d.xs[j]!
    const wj = d.wx[j]!
    const px = p * xj
    const lx = Math.log(xj)
    ll += wj * (lgamma(px + q) - lgamma(px) + px * lx)
    const dpq = digamma(px + q)
    dp += wj * xj * (dpq - digamma(px) + lx)
    dq += wj * dpq
  }
  return [ll, dp, dq, dg]
}

/**
 * Gamma-Gamma log-likelihood of mean repeat spend (Fader & Hardie 2013, eq. 4):
 * Σ_i w_i log[ Γ(px+q)/(Γ(px)Γ(q)) γ^q m_x^(px-1) x^(px) / (γ + x m_x)^(px+q) ], over x > 0.
 * Throws DataError on non-positive spend among repeaters, or p, q, γ not finite and > 0.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendData): number {
  checkParams('Gamma-Gamma', params)
  return llAndGrad(prepare(data, false), params.p, params.q, params.gamma)[0]
}

/** Gradient of {@link gammaGammaLogLikelihood} in (p, q, γ); exported for tests. */
export function gammaGammaGradient(params: GammaGammaParams, data: SpendData): number[] {
  checkParams('Gamma-Gamma', params)
  return llAndGrad(prepare(data, false), params.p, params.q, params.gamma).slice(1)
}

/**
 * Weighted Pearson correlation of x and m_x among customers with x > 0 and m_x > 0. The
 * Gamma-Gamma model assumes spend is independent of frequency; |corr| > 0.3 deserves a look.
 */
export function spendFrequencyCorrelation(data: SpendData): number {
  return prepare(data, true).correlation
}

/**
 * Fit the Gamma-Gamma model by maximum likelihood on log-parameters with the analytic gradient.
 * Only customers with x > 0 enter. Reproduces p 6.2488, q 3.7446, γ 15.4477, LL -4055.92 on the
 * 946 CDNOW repeaters.
 * Needs at least 3 repeaters, and enough of them for the spread between customers to show.
 * @example
 * const x = new Float64Array(20000).fill(3)
 * fitGammaGamma({ x, mx: simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, x, 5) }) // p ≈ 6, q ≈ 4
 * // with 500 such customers only the mean spend p γ / (q − 1) ≈ 30 is pinned down: p and γ
 * // trade off (p 297, γ 0.24 fit that sample as well), so read their standard errors
 * @throws DataError when a repeater has m_x <= 0 (unless `excludeNonPositive`), or nobody repeated.
 * @throws ConvergenceError when the optimizer does not converge.
 */
export function fitGammaGamma(
  data: SpendData,
  opts: { excludeNonPositive?: boolean } = {},
): GammaGammaFit {
  const d = prepare(data, opts.excludeNonPositive ?? false)
  if (d.xs.length < 1 || d.n < 3) {
    throw new DataError(
      `only ${d.n} customer${d.n === 1 ? '' : 's'} with repeat purchases: too few to fit the Gamma-Gamma spend model`,
    )
  }
  // The model is scale-free (spend times c: the same p and q, γ times c, LL minus n log c), so it is
  // fitted on spend in units of γ's moment estimate: γ then starts at 1 whatever the currency, and
  // the optimum lies near it, far from the optimizer's run-off bound on |log γ|. The mean spend,
  // the unit before, failed both ways: a shop in dong had its fit refused as running off at the
  // first step, and under heavy-tailed spend (q < 1, log-uniform over eight decades) the optimum's
  // γ was e^-15 of the mean, past the bound, refused as a run-off although it is interior.
  let tried: readonly (readonly number[])[]
  let unit: number
  // Large inputs: fit a sample first, so the full-data BFGS starts next to the optimum and needs
  // a handful of passes over the million rows instead of dozens (the sample's fit tries every
  // start; the full fit polishes its optimum only). Drawn by weight, as the repeat-purchase fits'
  // warm start (sampleByWeight): analyze groups the repeaters by (x, m_x), and every k-th row with
  // its own weight left out or took whole the heavy rows (one price bought once by a fifth of the
  // repeaters). A sample too small or too odd to fit (a few heavy rows) leaves the usual starts,
  // and so does a full fit that gets nowhere from the sample's optimum.
  const moments = momentStarts(d)
  tried = moments
  unit = moments[0]![2]!
  let warm = false
  if (d.x.length > 100_000) {
    const drawn = sampleByWeight(d.w, 20_000)
    if (drawn) {
      const sx = Float64Array.from(drawn.rows, (i) => d.x[i]!)
      try {
        const sub = fitGammaGamma({
          x: sx,
          mx: Float64Array.from(drawn.rows, (i, j) => d.xm[i]! / sx[j]!),
          weight: drawn.weight,
        })
        tried = [[sub.params.p, sub.params.q, sub.params.gamma]]
        unit = sub.params.gamma
        warm = true
      } catch (e) {
        if (!(e instanceof DataError || e instanceof ConvergenceError)) throw e
      }
    }
  }
  let fit: FitResult<GammaGammaParams>
  try {
    fit = fitFrom(d, unit, tried)
  } catch (e) {
    // the sample's optimum as the one start led nowhere: the full data from the usual starts
    if (!warm || !(e instanceof ConvergenceError)) throw e
    fit = fitFrom(d, moments[0]![2]!, moments)
  }
  const warnings: string[] = []
  if (Math.abs(d.correlation) > CORRELATION_WARNING) {
    warnings.push(
      `frequency and mean spend are correlated (r = ${d.correlation.toFixed(2)}); the Gamma-Gamma model assumes they are independent, so predicted spend may be biased`,
    )
  }
  if (d.excluded > 0) {
    warnings.push(
      `${d.excluded} repeat customer${d.excluded === 1 ? ' with a zero or negative mean spend was' : 's with zero or negative mean spend were'} left out`,
    )
  }
  if (fit.params.q <= 1) {
    warnings.push(
      'q <= 1: the population mean spend is infinite, and so is the expected spend of a repeater with p·x + q <= 1; analyze gives those repeaters their own mean spend m_x and customers without repeats the mean repeat spend',
    )
  }
  return { ...fit, correlation: d.correlation, excluded: d.excluded, warnings }
}

/**
 * The best fit from `starts` (p, q, γ in the currency) with spend in units of `unit`, in the
 * currency. γ is a pure scale, so its run-off bound is about the unit, not the data: a run-off of
 * γ is tried again in the unit where it stopped (γ back at 1 there). A real run-off keeps raising
 * the likelihood and runs off again, 15 more e-folds out; an interior optimum that lay past the
 * bound (γ e^-15 of the mean spend under heavy-tailed spend) converges there.
 */
function fitFrom(
  d: Prepared,
  unit: number,
  starts: readonly (readonly number[])[],
): FitResult<GammaGammaParams> {
  try {
    return inCurrency(fitInUnit(d, unit, starts), unit, d.n)
  } catch (e) {
    if (!(e instanceof ConvergenceError)) throw e
    const det = e.details as ConvergenceDetails
    if (det.diverged !== 'gamma') throw inSpendUnits(e, Math.log(unit))
    const last = det.lastParams.map(Math.exp)
    const again = unit * last[2]!
    try {
      return inCurrency(fitInUnit(d, again, [[last[0]!, last[1]!, again]]), again, d.n)
    } catch (e2) {
      throw e2 instanceof ConvergenceError ? inSpendUnits(e2, Math.log(again)) : e2
    }
  }
}

/**
 * {@link fitGammaGamma} from one start with spend in units of `unit` (no moment starts, no
 * subsample); exported for tests of the run-off check.
 */
export function fitGammaGammaFrom(
  data: SpendData,
  start: GammaGammaParams,
  unit: number,
): FitResult<GammaGammaParams> {
  return fitFrom(prepare(data, false), unit, [[start.p, start.q, start.gamma]])
}

/**
 * Maximize the likelihood of `d` with spend in units of `unit`, from each start (p, q, γ in the
 * currency); the best converged fit wins, in those units (see {@link inCurrency}).
 */
function fitInUnit(
  d: Prepared,
  unit: number,
  starts: readonly (readonly number[])[],
): FitResult<GammaGammaParams> {
  const s = unitScaled(d, unit)
  let cache: { key: string; v: [number, number, number, number] } | null = null
  const at = (t: readonly number[]): [number, number, number, number] => {
    const key = t.join(',')
    if (cache?.key !== key) cache = { key, v: llAndGrad(s, t[0]!, t[1]!, t[2]!) }
    return cache.v
  }
  const inUnit = starts.map(([p, q, g]) => [p!, q!, g! / unit])
  const fit = fitOnLogScale<GammaGammaParams>({
    model: 'gg',
    names: ['p', 'q', 'gamma'],
    logLikelihood: (t) => at(t)[0],
    gradientLog: (th) => {
      const t = th.map(Math.exp)
      const v = at(t)
      return [v[1] * t[0]!, v[2] * t[1]!, v[3] * t[2]!]
    },
    start: inUnit[0]!,
    moreStarts: inUnit.slice(1),
    customers: d.n,
    explainBoundary: explainSpendBoundary,
    // a flat optimum far out (p e^11, γ e^-15 on 300 log-uniform spends, the likelihood still
    // rising by 1e-5 an e-fold) is the run-off's limit reached before the bound: the same meaning
    explainFlat: ([lp, lq]) =>
      lp! > EXTREME_LOG
        ? explainSpendBoundary('p', 'high')
        : lq! > EXTREME_LOG
          ? explainSpendBoundary('q', 'high')
          : undefined,
  })
  checkRidge(fit, (t) => at(t)[0])
  return fit
}

/**
 * ConvergenceError when a converged fit lies far out on one of the model's two limits and the
 * likelihood still rises along it: p → ∞ with p γ fixed (every customer's transactions alike) or
 * q, γ → ∞ with q / γ fixed (customers alike). BFGS stops there once the gradient is below its
 * tolerance (on 300 log-uniform spends the LL gains 1e-5 from p e^11 to e^14), so a fit at p 3.6e5
 * came back, or a run-off error, depending on the start; the supremum is the limit either way.
 * An optimum far out but interior (the LL falls further along) stays a fit.
 */
function checkRidge(fit: FitResult<GammaGammaParams>, ll: (t: readonly number[]) => number): void {
  const { p, q, gamma } = fit.params
  const step = Math.exp(3)
  const ridges = [
    { name: 'p', log: Math.log(p), further: [p * step, q, gamma / step], why: 'p·gamma' },
    { name: 'q', log: Math.log(q), further: [p, q * step, gamma * step], why: 'q/gamma' },
  ]
  for (const r of ridges) {
    if (!(r.log > EXTREME_LOG)) continue
    const gain = ll(r.further) - fit.logLikelihood
    if (!(gain > 1e-12 * Math.abs(fit.logLikelihood))) continue
    const th = [p, q, gamma].map(Math.log)
    throw new ConvergenceError(
      `parameter ${r.name} runs off to infinity (the likelihood still rises past log ${r.name} = ${r.log.toFixed(1)}, ${r.why} fixed): ${explainSpendBoundary(r.name, 'high')}`,
      fit.iterations,
      th,
      { diverged: r.name, direction: 'high', gain },
    )
  }
}

/** Shapes p of the moment starts: the spend of one transaction from nearly exponential to tight. */
const START_P = [2, 0.5, 8, 32] as const

/**
 * Starting points (p, q, γ) that match the weighted mean and variance of log m_x, one per p in
 * {@link START_P} that leaves some of that variance to the spread between customers. Given ν,
 * m_x ~ Gamma(px, xν), so E log m_x = ψ(px) − log x − ψ(q) + log γ and Var log m_x = ψ'(px) +
 * ψ'(q) + the spread of ψ(px) − log x over x: the variance left after p's share gives q, the mean
 * then gives γ. The likelihood can have separate local maxima (300 log-uniform spends: q 8.9 at
 * p 0.03 beside the global q 0.12 at p 3.3), so one fixed start, (2, 3, mean spend) before, can
 * climb the wrong one; starts that already fit the spread of log spend sit on the right slope,
 * and the spread of p covers the ridge along which p and γ trade off.
 */
function momentStarts(d: Prepared): number[][] {
  const { x, xm, w, n } = d
  let mean = 0
  for (let i = 0; i < x.length; i++) mean += w[i]! * Math.log(xm[i]! / x[i]!)
  mean /= n
  let v = 0
  for (let i = 0; i < x.length; i++) v += w[i]! * (Math.log(xm[i]! / x[i]!) - mean) ** 2
  v /= n
  const starts: number[][] = []
  for (const p of START_P) {
    let tri = 0
    let dig = 0
    let dig2 = 0
    for (let j = 0; j < d.xs.length; j++) {
      const px = p * d.xs[j]!
      const e = digamma(px) - Math.log(d.xs[j]!)
      tri += d.wx[j]! * trigamma(px)
      dig += d.wx[j]! * e
      dig2 += d.wx[j]! * e * e
    }
    dig /= n
    // no variance left for ν: this p is too small for the data (or every spend is alike)
    const left = v - tri / n - Math.max(dig2 / n - dig * dig, 0)
    if (!(left > 0)) continue
    const q = inverseTrigamma(left)
    const g = Math.exp(mean - dig + digamma(q))
    // spends spread over the whole double range put γ out of it: no start there
    if (g > 1e-300 && g < 1e300) starts.push([p, q, g])
  }
  if (starts.length > 0) return starts
  // log spend varies less than any of these p allow: the fixed start (2, 3) with the mean spend
  // p γ / (q − 1) matching the data's
  let sm = 0
  for (let i = 0; i < x.length; i++) sm += (w[i]! * xm[i]!) / x[i]!
  return [[2, 3, sm / n]]
}

/** The q in [1e-3, 1e4] with ψ'(q) = y (ψ' falls from ~1/q² near 0 to ~1/q): bisection on log q. */
function inverseTrigamma(y: number): number {
  let lo = Math.log(1e-3)
  let hi = Math.log(1e4)
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2
    if (trigamma(Math.exp(mid)) > y) lo = mid
    else hi = mid
  }
  return Math.exp((lo + hi) / 2)
}

/** The prepared data with every spend divided by `unit` (the sums of log m_x moved to match). */
function unitScaled(d: Prepared, unit: number): Prepared {
  if (unit === 1) return d
  const logUnit = Math.log(unit)
  let sx = 0
  for (let i = 0; i < d.x.length; i++) sx += d.w[i]! * d.x[i]!
  return {
    ...d,
    xm: d.xm.map((v) => v / unit),
    sumWLogM: d.sumWLogM - d.n * logUnit,
    sumWXLogM: d.sumWXLogM - sx * logUnit,
  }
}

/**
 * A fit on spend in units of `unit` taken back to the currency: γ, its standard error and interval
 * times `unit`; the log-likelihood of the spend densities minus n log(unit) (AIC and BIC with it).
 */
function inCurrency(
  fit: FitResult<GammaGammaParams>,
  unit: number,
  n: number,
): FitResult<GammaGammaParams> {
  if (unit === 1) return fit
  const shift = n * Math.log(unit)
  const [lo, hi] = fit.confidenceIntervals.gamma
  return {
    ...fit,
    params: { ...fit.params, gamma: fit.params.gamma * unit },
    standardErrors: { ...fit.standardErrors, gamma: fit.standardErrors.gamma * unit },
    confidenceIntervals: { ...fit.confidenceIntervals, gamma: [lo * unit, hi * unit] },
    logLikelihood: fit.logLikelihood - shift,
    aic: fit.aic + 2 * shift,
    bic: fit.bic + 2 * shift,
  }
}

/**
 * A ConvergenceError of the fit in spend units, said in the currency: log γ moved by log(unit) in
 * the message and in `lastParams` (log-parameters where the optimizer stopped, natural ones of a
 * flat optimum: γ times unit).
 */
function inSpendUnits(e: ConvergenceError, logUnit: number): ConvergenceError {
  if (logUnit === 0) return e
  const { iterations, lastParams, ...rest } = e.details as ConvergenceDetails
  // the optimizer's own errors (a run-off, no convergence, its budget spent) stop at
  // log-parameters and count their likelihood evaluations; a flat optimum gives natural ones
  const onLogScale = rest.diverged !== undefined || rest.evaluations !== undefined
  const last = lastParams.map((v, i) =>
    i !== 2 ? v : onLogScale ? v + logUnit : v * Math.exp(logUnit),
  )
  const message = e.message.replace(
    /\(log gamma = (-?[0-9.]+)\)/,
    (_, v: string) => `(log gamma = ${(Number(v) + logUnit).toFixed(1)})`,
  )
  // the mean negative log-likelihood where it stopped, of spend in the currency: + log(unit) (the
  // density of m is that of m / unit over unit); the start, log-parameters, as lastParams
  const moved: Record<string, unknown> = { ...rest }
  if (typeof rest.value === 'number') moved.value = rest.value + logUnit
  if (Array.isArray(rest.start) && rest.start.length === 3) {
    moved.start = rest.start.map((v: number, i: number) => (i === 2 ? v + logUnit : v))
  }
  return new ConvergenceError(message, iterations, last, moved)
}

/** Plain-words meaning of a Gamma-Gamma parameter running off to a boundary. */
function explainSpendBoundary(name: string, dir: 'high' | 'low'): string | undefined {
  if (name === 'p' && dir === 'high')
    return 'the transaction values of each customer do not vary (every mean spend looks like a fixed price), so the within-customer spread cannot be estimated'
  if (name === 'q' || name === 'gamma')
    return 'customers do not differ in average spend (q and gamma grow together), so the spread between customers cannot be estimated'
  return undefined
}

/**
 * Conditional expected average spend E[M | x, m_x] = (q-1)/(px+q-1) · pγ/(q-1) + px/(px+q-1) · m_x
 * = p(γ + x m_x)/(px + q - 1) (Fader & Hardie 2013, eq. 5). For x = 0 it is the population mean
 * pγ/(q-1), whatever m_x is (a customer without repeats has no mean repeat spend). Infinity for a
 * repeater with px + q <= 1 (the posterior mean of 1/ν diverges there; the formula's negative
 * value would be meaningless).
 * @example expectedSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, 2, 30) // ≈ 30.94
 * @throws DataError when p, q or γ is not a finite number > 0; x is not a finite number >= 0; a
 *   repeater's m_x is not a finite number > 0; or the population mean is needed and infinite
 *   (q <= 1 and x = 0).
 */
export function expectedSpend(params: GammaGammaParams, x: number, mx: number): number {
  checkParams('Gamma-Gamma', params)
  const { p, q, gamma } = params
  if (x > 0 && mx > 0 && x < Number.POSITIVE_INFINITY && mx < Number.POSITIVE_INFINITY) {
    return p * x + q - 1 > 0 ? (p * (gamma + x * mx)) / (p * x + q - 1) : Number.POSITIVE_INFINITY
  }
  if (x !== 0) throw spendInputError(x, mx, null)
  if (q <= 1) throw infinitePopulationMean()
  return (p * gamma) / (q - 1)
}

/**
 * {@link expectedSpend} for every customer into `out` (typed arrays; no allocation per row).
 * @throws DataError as {@link expectedSpend}, naming the first bad customer; or when the lengths of
 *   x, m_x and `out` differ.
 */
export function expectedSpendAll(
  params: GammaGammaParams,
  x: ArrayLike<number>,
  mx: ArrayLike<number>,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  checkParams('Gamma-Gamma', params)
  if (mx.length !== x.length || out.length !== x.length) {
    throw new DataError(
      `x, m_x and out must have the same length (got ${x.length}, ${mx.length}, ${out.length})`,
    )
  }
  const { p, q, gamma } = params
  const pop = (p * gamma) / (q - 1)
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!
    const mi = mx[i]!
    if (xi > 0 && mi > 0 && xi < Number.POSITIVE_INFINITY && mi < Number.POSITIVE_INFINITY) {
      const d = p * xi + q - 1
      out[i] = d > 0 ? (p * (gamma + xi * mi)) / d : Number.POSITIVE_INFINITY
    } else if (xi !== 0) throw spendInputError(xi, mi, i)
    else if (q > 1) out[i] = pop
    else throw infinitePopulationMean()
  }
  return out
}

/**
 * Simulate mean spend m_x for customers with the given repeat counts: ν ~ Gamma(q, 1/γ), each
 * transaction ~ Gamma(p, 1/ν); m_x is their mean (0 when x = 0). Seeded and reproducible.
 * @example simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, [0, 3], 1) // [0, ≈ 30]
 * @throws DataError when p, q or γ is not a finite number > 0, a count is not an integer >= 0, or
 *   the seed is not a finite number.
 */
export function simulateGammaGamma(
  params: GammaGammaParams,
  x: ArrayLike<number>,
  seed: number | Rng,
): Float64Array {
  checkParams('Gamma-Gamma', params)
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new DataError(`seed must be a finite number (got ${seed})`)
  }
  const rng = typeof seed === 'number' ? createRng(seed) : seed
  const out = new Float64Array(x.length)
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!
    if (!(xi >= 0 && Number.isInteger(xi))) {
      throw new DataError(`customer ${i + 1}: x must be an integer >= 0 (got ${xi})`, {
        row: i + 1,
        x: xi,
      })
    }
    if (xi === 0) continue
    const nu = rng.gamma(params.q, 1 / params.gamma)
    // The sum of x Gamma(p, 1/ν) draws is Gamma(px, 1/ν).
    out[i] = rng.gamma(params.p * xi, 1 / nu) / xi
  }
  return out
}
