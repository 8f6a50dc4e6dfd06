// BG/NBD and MBG/NBD share one implementation: they differ only in whether a customer can drop out
// right after the first purchase (k = 1 for MBG/NBD, which shifts b by one and keeps the second
// likelihood term for x = 0). Hot loops work on unique x and unique time values.
import { ConvergenceError, DataError } from '../../errors.ts'
import { createRng } from '../random.ts'
import {
  digamma,
  digammaDiff,
  lbeta,
  lgamma,
  lgammaDiff,
  logBetaIncReg,
  logSumExp,
  softplusWeight,
} from '../special.ts'
import {
  bgExpectedAlive,
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
  type Indexed,
  indexHistories,
  indexPairs,
  type LimitOf,
  logNbdCoef,
  type NextPurchase,
  type Pairs,
  purchaseRateRidgeError,
  purchaseRateRidgeGain,
  requireIdentifiable,
  rescaleHistories,
  SMALL_DATA_HISTORIES,
  STAGE_ITERATIONS,
  summarizeFit,
  unscaleFit,
  withIterationCap,
} from './common.ts'
import { type NbdParams, fit as nbdFit } from './nbd.ts'
import type { FitResult, Histories } from './types.ts'

// the logistic weight softplusWeight hands back (one per module: the loops are synchronous)
const SHARE = new Float64Array(1)

// a type, not an interface: it has no index signature (a typo such as params.rr does not
// compile), and a caller's own interface of these fields is accepted
export type BgParams = {
  readonly r: number
  readonly alpha: number
  readonly a: number
  readonly b: number
}

export const BG_PARAM_NAMES = ['r', 'alpha', 'a', 'b'] as const

/** Indexes and work buffers reused across likelihood evaluations (no allocation in the loop). */
interface Work {
  readonly ix: Indexed
  readonly pairs: Pairs
  readonly k: number
  /** Rows with a second likelihood term (x + k > 0); the others are handled per pair. */
  readonly active: Int32Array
  readonly wx: Float64Array // weight per unique x
  readonly wpT: Float64Array // weight per (x, T) pair
  readonly lgx: Float64Array // per x: lgamma(r+x) - lgamma(r) - x log α + log B(a, b+x+k) - log B(a, b)
  readonly la4: Float64Array // per x: log a - log(b+x+k-1), or -Infinity
  readonly drx: Float64Array // per x: ψ(r+x) - ψ(r)
  readonly dax: Float64Array // per x: ψ(a+b) - ψ(a+b+x+k)
  readonly dbx: Float64Array // per x: ψ(a+b) + ψ(b+x+k) - ψ(b) - ψ(a+b+x+k)
  readonly ibx: Float64Array // per x: 1/(b+x+k-1)
  readonly p1: Float64Array // per pair: -(r+x) log(1 + t/α)
  readonly plt: Float64Array // per pair: log(1 + t/α)
  readonly pz: Float64Array // per pair: (r+x) t/(α+t), the derivative of p1 in log α
}

function makeWork(ix: Indexed, k: number): Work {
  const nx = ix.xs.length
  const pairs = indexPairs(ix)
  const np = pairs.pairX.length
  const { h } = ix
  const wx = new Float64Array(nx)
  const wpT = new Float64Array(np)
  const n = h.x.length
  const act = new Int32Array(n)
  let na = 0
  const { x, weight } = h
  const rowX = ix.ix
  const rowPT = pairs.pT
  for (let i = 0; i < n; i++) {
    const w = weight[i]!
    wx[rowX[i]!]! += w
    wpT[rowPT[i]!]! += w
    if (x[i]! + k > 0) act[na++] = i
  }
  return {
    ix,
    pairs,
    k,
    active: act.slice(0, na),
    wx,
    wpT,
    lgx: new Float64Array(nx),
    la4: new Float64Array(nx),
    drx: new Float64Array(nx),
    dax: new Float64Array(nx),
    dbx: new Float64Array(nx),
    ibx: new Float64Array(nx),
    p1: new Float64Array(np),
    plt: new Float64Array(np),
    pz: new Float64Array(np),
  }
}

/**
 * Weighted log-likelihood and (if g is given) its gradient w.r.t. log-parameters, in one pass.
 * LL_i = log Γ(r+x) - log Γ(r) - x log α + log B(a, b+x+k) - log B(a, b)
 *        + logSumExp(-(r+x) log(1+T/α), [x+k > 0] (log a - log(b+x+k-1) - (r+x) log(1+t_x/α)))
 * (Fader, Hardie & Lee 2005 eq. 6 with r log α - (r+x) log(α+t) regrouped; Batislam et al. 2007
 * for k = 1). The regrouping and the gamma-function differences (lgammaDiff, digammaDiff) keep
 * every term O(x log r) or O(r t/α): in the textbook form each is a difference of numbers of size
 * r log r, which for r near e^35 (a fit heading for the no-heterogeneity limit) leaves no digit.
 * Everything but the logSumExp is summed per unique x or per (x, T) pair; the row loop only visits
 * rows with a second term and evaluates one softplus.
 */
function evalLL(w: Work, p: BgParams, g: number[] | null, perRow?: Float64Array): number {
  const { r, alpha, a, b } = p
  const { ix, pairs, k } = w
  const { xs, ts } = ix
  const la = Math.log(alpha)
  const ia = 1 / alpha
  const ab = a + b
  const lgr = lgamma(r)
  const lab = lgamma(ab)
  const lgb = lgamma(b)
  const la_ = Math.log(a)
  const need = g !== null
  const psr = need ? digamma(r) : 0
  const psab = need ? digamma(ab) : 0
  const psb = need ? digamma(b) : 0
  let ll = 0
  let gr = 0
  let gal = 0 // in log α throughout: α's scale is what cancels when r and α are both huge
  let ga = 0
  let gb = 0
  for (let j = 0; j < xs.length; j++) {
    const x = xs[j]!
    const xk = x + k
    const wj = w.wx[j]!
    w.lgx[j] = lgammaDiff(r, x, lgr) - x * la + lgammaDiff(b, xk, lgb) - lgammaDiff(ab, xk, lab)
    w.la4[j] = xk > 0 ? la_ - Math.log(b + xk - 1) : Number.NEGATIVE_INFINITY
    w.ibx[j] = xk > 0 ? 1 / (b + xk - 1) : 0
    ll += wj * w.lgx[j]!
    if (need) {
      const dabx = digammaDiff(ab, xk, psab)
      w.drx[j] = digammaDiff(r, x, psr)
      w.dax[j] = -dabx
      w.dbx[j] = digammaDiff(b, xk, psb) - dabx
      gr += wj * w.drx[j]!
      gal -= wj * x
      ga += wj * w.dax[j]!
      gb += wj * w.dbx[j]!
    }
  }
  const { pairX, pairT } = pairs
  for (let q = 0; q < pairX.length; q++) {
    const rx = r + xs[pairX[q]!]!
    const t = ts[pairT[q]!]!
    const u = t * ia
    // (u overflows only for α below t·1e-300, where log1p(u) = log u anyway)
    const lt = u < 1e300 ? Math.log1p(u) : Math.log(t) - la
    w.p1[q] = -rx * lt
    w.plt[q] = lt
    w.pz[q] = (rx * t) / (alpha + t)
    const wq = w.wpT[q]!
    ll += wq * w.p1[q]!
    gr -= wq * lt
    gal += wq * w.pz[q]!
  }
  const { pT, pTx } = pairs
  const { p1, plt, pz, la4, ibx, active } = w
  const ixs = ix.ix
  const W = ix.h.weight
  let sll = 0
  let sLT = 0
  let sRI = 0
  let sW4 = 0
  let sIb = 0
  for (let m = 0; m < active.length; m++) {
    const i = active[m]!
    const j = ixs[i]!
    const qT = pT[i]!
    const qX = pTx[i]!
    // d = A4 - A3; LL adds softplus(d), the second term's weight is sigmoid(d).
    const d = la4[j]! + p1[qX]! - p1[qT]!
    const sp = softplusWeight(d, SHARE)
    const w4 = SHARE[0]!
    const wi = W[i]!
    sll += wi * sp
    if (need) {
      const ww = wi * w4
      sLT += ww * (plt[qX]! - plt[qT]!)
      sRI += ww * (pz[qX]! - pz[qT]!)
      sW4 += ww
      sIb += ww * ibx[j]!
    }
  }
  ll += sll
  if (g) {
    g[0] = (gr - sLT) * r
    g[1] = gal + sRI
    g[2] = (ga + sW4 / a) * a
    g[3] = (gb - sIb) * b
  }
  if (perRow) {
    for (let i = 0; i < W.length; i++) {
      const j = ixs[i]!
      const A3 = p1[pT[i]!]!
      const A4 = la4[j]! + p1[pTx[i]!]!
      perRow[i] = w.lgx[j]! + logSumExp(A3, A4)
    }
  }
  return ll
}

/** The model's name in messages: k = 1 is MBG/NBD (drop out after any purchase), else BG/NBD. */
const bgName = (k: number): string => (k === 1 ? 'MBG/NBD' : 'BG/NBD')

const toParams = (t: readonly number[]): BgParams => ({
  r: Math.exp(t[0]!),
  alpha: Math.exp(t[1]!),
  a: Math.exp(t[2]!),
  b: Math.exp(t[3]!),
})

export function bgLogLikelihood(k: number, p: BgParams, h: Histories): number {
  checkParams(bgName(k), p)
  checkHistories(h)
  return evalLL(makeWork(indexHistories(h), k), p, null)
}

export function bgLogLikelihoodPerHistory(k: number, p: BgParams, h: Histories): Float64Array {
  checkParams(bgName(k), p)
  checkHistories(h)
  const out = new Float64Array(h.x.length)
  evalLL(makeWork(indexHistories(h), k), p, null, out)
  return out
}

export function bgGradient(k: number, p: BgParams, h: Histories): number[] {
  checkParams(bgName(k), p)
  checkHistories(h)
  const g = [0, 0, 0, 0]
  evalLL(makeWork(indexHistories(h), k), p, g)
  return g
}

export interface BgFitOptions {
  readonly start?: Partial<BgParams>
  /**
   * The most optimizer iterations the whole fit may take (FitResult.iterations), a whole number
   * >= 1: a fit that needs more throws ConvergenceError; one within it is the fit without it.
   * Default: no cap. The same in every model (withIterationCap).
   */
  readonly maxIterations?: number
}

export function bgFit(
  k: number,
  model: string,
  h: Histories,
  opts: BgFitOptions = {},
): FitResult<BgParams> {
  return withIterationCap(model, opts.maxIterations, () => {
    checkStart(model, opts.start, BG_PARAM_NAMES)
    checkHistories(h)
    requireIdentifiable(h, model)
    // α is a time scale: in seconds or in millennia it leaves the optimizer's bounds, so such data
    // is fitted in a unit near its own time scale and α mapped back (the model is equivariant)
    const c = fitTimeScale(h)
    if (c === 1) return bgFitScaled(k, model, h, opts)
    const alpha = opts.start?.alpha
    const o = alpha === undefined ? opts : { ...opts, start: { ...opts.start, alpha: alpha / c } }
    return unscaleFit(bgFitScaled(k, model, rescaleHistories(h, c), o), h, c, ['alpha'])
  })
}

/** {@link bgFit} on histories already in a unit near their time scale. */
function bgFitScaled(
  k: number,
  model: string,
  h: Histories,
  opts: BgFitOptions,
): FitResult<BgParams> {
  const {
    obj,
    warm,
    totalWeight: tw,
    rateScale: alpha0,
  } = fitObjectives(h, (data) => {
    const ix = indexHistories(data)
    const w = makeWork(ix, k)
    return { totalWeight: ix.totalWeight, ll: (theta, g) => evalLL(w, toParams(theta), g) }
  })
  const s = opts.start
  const starts = [
    [s?.r ?? 1, s?.alpha ?? alpha0, s?.a ?? 1, s?.b ?? 1],
    [0.5, alpha0 / 2, 0.5, 2],
    [2, alpha0 * 2, 2, 5],
    [0.2, alpha0 / 5, 0.8, 0.5],
  ].map((v) => v.map(Math.log))
  let opt: ReturnType<typeof fitWithRestarts>
  try {
    opt = fitWithRestarts(obj.f, obj.grad, starts, {
      maxIterations: STAGE_ITERATIONS,
      gradientTolerance: 1e-7,
      names: BG_PARAM_NAMES,
      explainBoundary: explainBgBoundary,
      limitOf: bgLimit,
      ...(warm ? { warm } : {}),
    })
  } catch (e) {
    // a and b ran off together, to one end of the ridge a/(a+b) = p: the other end may be the
    // more likely (the optimizer follows the slope where it starts), so both limits are fitted
    const apart = splitDropoutStop(e)
    const from = apart ?? sharedDropoutStop(e)
    if (!from) {
      const split = splitOverNoDropout(e, logStop(e))
      if (split) return checkRateRidge(interiorBesideSplit(split))
      const shared = sharedOverRateRidge(e)
      if (shared) return shared
      throw e
    }
    let limit: FitResult<BgParams>
    try {
      limit = bestDropoutLimit(
        (K) => fitSharedDropout(model, obj, tw, h.customers, from, e as ConvergenceError, K),
        apart ? SPLIT_DROPOUT_SIZE : SHARED_DROPOUT_SIZE,
      )
    } catch (e2) {
      throw rateRidgeToo(e2, from)
    }
    return checkRateRidge(interiorBesideSplit(limit))
  }
  // converged far out on the ridge (a and b both past e^7): the shared-dropout limit, fitted as
  // such, whether the curvature there is nil (no standard errors) or merely says nothing (a in
  // [2, 2e11]); should that fit fail, the converged one stands if it can be summarized
  if (opt.x[2]! > EXTREME_LOG && opt.x[3]! > EXTREME_LOG) {
    const ridge = new ConvergenceError(
      `${model}: a and b both ran out along the ridge`,
      opt.iterations,
      opt.x,
    )
    try {
      return checkRateRidge(
        bestDropoutLimit((K) => fitSharedDropout(model, obj, tw, h.customers, opt.x, ridge, K)),
      )
    } catch (e) {
      if (e !== ridge) throw e
      // below
    }
  }
  let fit: FitResult<BgParams>
  try {
    fit = summarizeFit<BgParams>(model, BG_PARAM_NAMES, opt, obj, tw, h.customers, bgLimit)
  } catch (e) {
    const split = splitOverNoDropout(e, opt.x)
    if (split) return checkRateRidge(interiorBesideSplit(split))
    // stopped (its gradient flat) near a, b -> 0 with a share gone at once: the split-dropout end
    // of the ridge, where the Hessian is not positive definite. Fitted as that limit, as a run-off
    // to it is; which starts stop there and which run off depends on the histories' order (the
    // CDNOW sample's first six weeks: the limit from a summary file, "flat at the optimum at
    // extreme values" from the same histories compressed in another order)
    const x = opt.x
    if (nearSplitEnd(x)) {
      const stop = new ConvergenceError(
        `${model}: a and b stopped near the split-dropout limit`,
        opt.iterations,
        x,
      )
      try {
        const limit = bestDropoutLimit(
          (K) => fitSharedDropout(model, obj, tw, h.customers, x, stop, K),
          SPLIT_DROPOUT_SIZE,
        )
        if (limit.logLikelihood >= -obj.f(x) * tw - 1e-6) {
          return checkRateRidge(interiorBesideSplit(limit))
        }
      } catch (e2) {
        if (e2 !== stop) throw e2
      }
    }
    throw e
  }
  if (ridgeLogSe(fit, 'a') <= FLAT_LOG_SE && ridgeLogSe(fit, 'b') <= FLAT_LOG_SE)
    return checkRateRidge(orSmallDataLimit(fit))
  return checkRateRidge(flatDropoutFit(model, fit, opt, obj, tw, h.customers))

  /**
   * A split-dropout limit (a, b → 0) that the starts ran to may stand beside an interior maximum
   * a little way in, which the run-off passed by: 3,000 customers of whom 30 % left at once
   * gave the limit at -35419.476 while a + b = 0.005 reaches -35419.282. One fit from the limit's
   * r, α and share at a + b = 0.01 looks for it; a more likely optimum it converges to inside (a + b
   * above 1e-4) is returned, else the limit.
   */
  function interiorBesideSplit(limit: FitResult<BgParams>): FitResult<BgParams> {
    const { r, alpha, a, b } = limit.params
    if (a + b > 2 * SPLIT_DROPOUT_SIZE) return limit
    const p = a / (a + b)
    const start = [Math.log(r), Math.log(alpha), Math.log(p * 0.01), Math.log((1 - p) * 0.01)]
    // the fit's iterations are every stage's: the limit's (with the run that led to it) and
    // this look's, whichever is returned
    let spent = 0
    try {
      const o = fitWithRestarts(obj.f, obj.grad, [start], {
        maxIterations: STAGE_ITERATIONS,
        gradientTolerance: 1e-7,
        names: BG_PARAM_NAMES,
        explainBoundary: explainBgBoundary,
        limitOf: bgLimit,
      })
      spent = o.iterations
      const f = summarizeFit<BgParams>(model, BG_PARAM_NAMES, o, obj, tw, h.customers, bgLimit)
      const inside = f.params.a + f.params.b > 1e-4
      const best = inside && f.logLikelihood > limit.logLikelihood + 1e-6 ? f : limit
      return { ...best, iterations: limit.iterations + spent }
    } catch (e) {
      spent ||= Number((e as { details?: { iterations?: number } }).details?.iterations ?? 0)
      return { ...limit, iterations: limit.iterations + spent }
    }
  }

  /**
   * On small data the likelihood can have a second maximum at an end of the dropout ridge that
   * no start reaches (MBG/NBD on 100 simulated customers: an interior optimum 0.27 below the
   * shared-dropout limit): up to {@link SMALL_DATA_HISTORIES} distinct histories, where a limit
   * fit costs milliseconds, both limits are fitted from the optimum and the more likely returned.
   */
  function orSmallDataLimit(f: FitResult<BgParams>): FitResult<BgParams> {
    if (h.x.length > SMALL_DATA_HISTORIES) return f
    const none = new ConvergenceError(`${model}: no limit fit`, f.iterations, opt.x)
    try {
      const limit = bestDropoutLimit((K) =>
        fitSharedDropout(model, obj, tw, h.customers, opt.x, none, K),
      )
      return limit.logLikelihood > f.logLikelihood + 1e-6 ? limit : f
    } catch {
      return f
    }
  }

  /**
   * A fit that ended at the no-dropout limit (a → 0 or b → ∞ with a/(a+b) → 0, the NBD) may have
   * passed by the split-dropout one (a, b → 0 with a share p > 0 gone at their first chance): that
   * limit, fitted from where the fit stopped, when it is more likely than the NBD's maximum (ten
   * customers of scripts/fixtures/bg_dropout_ends.py said "no sign of dropout" 0.069 below it in
   * log-likelihood) and its share is no mere neighbour of the NBD (splitShare). Else null.
   */
  function splitOverNoDropout(
    e: unknown,
    theta: readonly number[] | null,
  ): FitResult<BgParams> | null {
    if (fitLimit(e) !== 'no-dropout' || theta?.length !== 4) return null
    let nbd: FitResult<NbdParams> | null = null
    try {
      nbd = nbdFit(h)
    } catch {
      // the NBD's own run-off: the stop's likelihood stands for it
    }
    // The split limit next to the NBD, at the NBD's (r, α) (splitDropoutAtNbd): on large data
    // the limit fit costs ~0.6 s at a million customers, and with the slope at p = 0 pointing down
    // it only comes back to p = 0 (the common case, no dropout at all). With the slope up, the
    // fit starts from that slice's best share: from the stop's share (~1e-8) its slope in logit p
    // is below the gradient tolerance, and 60,000 customers of whom a third left at once were
    // called "no sign of customers dropping out".
    const near = nbd ? splitDropoutAtNbd(k, h, nbd.params) : null
    if (near && near.slope <= 0 && h.x.length > SMALL_DATA_HISTORIES) return null
    const start =
      nbd && near && near.share > 0 && near.share < 1
        ? [
            Math.log(nbd.params.r),
            Math.log(nbd.params.alpha),
            Math.log(near.share * SPLIT_DROPOUT_SIZE),
            Math.log((1 - near.share) * SPLIT_DROPOUT_SIZE),
          ]
        : theta
    let split: FitResult<BgParams>
    try {
      split = fitSharedDropout(
        model,
        obj,
        tw,
        h.customers,
        start,
        e as ConvergenceError,
        SPLIT_DROPOUT_SIZE,
      )
    } catch {
      return null
    }
    const nbdLL = Math.max(-obj.f(theta) * tw, nbd?.logLikelihood ?? Number.NEGATIVE_INFINITY)
    return splitShare(split) >= NO_DROPOUT_MEAN && split.logLikelihood > nbdLL + 1e-6 ? split : null
  }

  /**
   * A fit whose r and α ran off together (purchase rates alike) may have passed by the
   * shared-dropout limit at moderate r and α: 40 customers of equal spend, 1-4 orders each, ran
   * off along the rate ridge at log-likelihood -221.17 while a, b → ∞ at r 3.98, α 45.3 reaches
   * -220.90 (the optimizer follows the slope where it starts). That limit, fitted from the starts'
   * r and α with the stop's dropout odds, when it is finite in r and α (checkRateRidge) and more
   * likely than the stop; else null.
   */
  function sharedOverRateRidge(e: unknown): FitResult<BgParams> | null {
    if (!(e instanceof ConvergenceError)) return null
    const d = e.details as { diverged?: string; direction?: string }
    const theta = logStop(e)
    if (d.direction !== 'high' || (d.diverged !== 'alpha' && d.diverged !== 'r')) return null
    if (theta?.length !== 4) return null
    const stopLL = -obj.f(theta) * tw
    let best: FitResult<BgParams> | null = null
    for (const st of starts) {
      try {
        const fit = checkRateRidge(
          fitSharedDropout(model, obj, tw, h.customers, [st[0]!, st[1]!, theta[2]!, theta[3]!], e),
        )
        if (!best || fit.logLikelihood > best.logLikelihood) best = fit
      } catch {
        // this start rode off too: the next one may not
      }
    }
    return best && best.logLikelihood > stopLL + 1e-6 ? best : null
  }

  /**
   * The fit, unless it stopped far out toward r, α → ∞ with the likelihood still rising there
   * (purchaseRateRidgeGain): then the ConvergenceError of α running off, as the optimizer gives
   * when it reaches its bound.
   */
  function checkRateRidge(f: FitResult<BgParams>): FitResult<BgParams> {
    const { r, alpha, a, b } = f.params
    const th = [r, alpha, a, b].map(Math.log)
    const gain = purchaseRateRidgeGain(th, (t) => -obj.f(t) * tw)
    if (gain === null) return f
    throw purchaseRateRidgeError(
      model,
      th,
      gain,
      f.iterations,
      explainBgBoundary('alpha', 'high', th),
    )
  }

  /**
   * The run-off error of a and b (a dropout shared by all) whose shared-dropout fit failed, its
   * message naming r and α too where they ran off as well (purchase rates alike): the optimizer
   * names only the first parameter to reach its bound.
   */
  function rateRidgeToo(e: unknown, from: readonly number[]): unknown {
    if (!(e instanceof ConvergenceError)) return e
    const gain = purchaseRateRidgeGain(from, (t) => -obj.f(t) * tw)
    if (gain === null) return e
    return new ConvergenceError(
      `${e.message}; r and alpha ran off as well (log r = ${from[0]!.toFixed(1)}, log alpha = ${from[1]!.toFixed(1)}; the likelihood still rises with both up together, r/alpha fixed): ${explainBgBoundary('alpha', 'high', from)}`,
      Number((e.details as { iterations?: number }).iterations ?? 0),
      (e.details as { lastParams?: readonly number[] }).lastParams ?? from,
      { ...e.details, rateGain: gain },
    )
  }
}

const ridgeLogSe = (f: FitResult<BgParams>, name: 'a' | 'b'): number =>
  f.standardErrors[name] / f.params[name]

/**
 * An interior optimum at which a and b are not identified. The ridge may still rise toward the
 * shared-dropout limit (a, b → ∞ with a/(a+b) kept): that limit is fitted from here and returned
 * if more likely. Otherwise the point is a maximum no parameter of dropout can be read from, and
 * a ConvergenceError says so with both log-likelihoods (3 customers: the interior is 1.8e-5 above
 * the limit, by mpmath too), as MBG/NBD's and Pareto/NBD's flat fits do.
 */
function flatDropoutFit(
  model: string,
  fit: FitResult<BgParams>,
  opt: { readonly x: readonly number[]; readonly iterations: number },
  obj: { f: (t: readonly number[]) => number; grad?: (t: readonly number[]) => number[] },
  totalWeight: number,
  customers: number,
): FitResult<BgParams> {
  // the iterations that reached it, which the limit fits add to theirs (the fit's count)
  const stop = new ConvergenceError(
    `${model}: a and b are flat along the ridge`,
    opt.iterations,
    opt.x,
  )
  let limit: FitResult<BgParams> | null = null
  try {
    limit = fitSharedDropout(model, obj, totalWeight, customers, opt.x, stop)
  } catch {
    // no limit fit to compare with: the error below says so
  }
  // the ridge may rise the other way too, to a, b → 0 (customers gone at once or never): the more
  // likely of the two limits when it beats the interior point (a CDNOW sample of 60: a 1e-6 and
  // b 3e-6 stopped short of the split one)
  let apart: FitResult<BgParams> | null = null
  try {
    const f = fitSharedDropout(model, obj, totalWeight, customers, opt.x, stop, SPLIT_DROPOUT_SIZE)
    if (splitShare(f) >= NO_DROPOUT_MEAN) apart = f
  } catch {
    // the shared limit or the interior point stands
  }
  const best = apart && (!limit || apart.logLikelihood > limit.logLikelihood) ? apart : limit
  if (best && best.logLikelihood > fit.logLikelihood) return best
  const ci = (n: 'a' | 'b') =>
    `${n} ${fit.params[n].toPrecision(3)}, 95 % interval ${fit.confidenceIntervals[n][0].toPrecision(2)} to ${fit.confidenceIntervals[n][1].toPrecision(2)}`
  const p = fit.params.a / (fit.params.a + fit.params.b)
  const beside = limit
    ? `; the shared-dropout limit (every customer dropping out with probability ${(limit.params.a / SHARED_DROPOUT_SIZE).toPrecision(3)} after each purchase) is ${(fit.logLikelihood - limit.logLikelihood).toExponential(1)} below it in log-likelihood`
    : ''
  throw new ConvergenceError(
    `${model}: the likelihood is flat along a and b at the optimum (${ci('a')}; ${ci('b')}): the data cannot tell how dropout differs between customers, only its mean a/(a+b) ${p.toPrecision(3)}${beside} (too few customers, or too little repeat behaviour)`,
    opt.iterations,
    opt.x.map(Math.exp),
    {
      logLikelihood: fit.logLikelihood,
      confidenceIntervals: { a: fit.confidenceIntervals.a, b: fit.confidenceIntervals.b },
      ...(limit ? { sharedDropoutLogLikelihood: limit.logLikelihood } : {}),
    },
  )
}

/**
 * a + b of the shared-dropout fit. The likelihood rises toward a + b → ∞ along the ridge and is
 * within ~0.1/K·(its distance at K = 1) of its supremum here: 1e5 keeps that below 0.01 while the
 * hypergeometric terms (b ≈ 1e5) still sum in a few dozen steps.
 */
export const SHARED_DROPOUT_SIZE = 1e5

/**
 * a + b of the split-dropout fit: the other end of the ridge, a, b → 0 with a/(a+b) kept, where
 * the beta distribution of the dropout probability puts a share a/(a+b) of the customers at 1
 * (gone at their first chance) and the rest at 0 (never gone). The likelihood there differs from
 * its supremum by O(a + b): 1e-6 is within the fit's tolerance, and the gamma functions of a and
 * b stay exact at that size.
 */
export const SPLIT_DROPOUT_SIZE = 1e-6

/**
 * log a and log b where a fit ran off with both low and a/(a+b) not near 0 (not the no-dropout
 * limit, a → 0 alone), else null.
 */
function splitDropoutStop(e: unknown): readonly number[] | null {
  if (!(e instanceof ConvergenceError)) return null
  const d = e.details as { diverged?: string; direction?: string; lastParams?: readonly number[] }
  const theta = d.lastParams ?? []
  if (d.direction !== 'low' || (d.diverged !== 'a' && d.diverged !== 'b')) return null
  return nearSplitEnd(theta) ? theta : null
}

/**
 * Whether log parameters (r, α, a, b) lie at the split-dropout end of the ridge: a and b both
 * below e^-5 with a share a/(a+b) of at least NO_DROPOUT_MEAN (below it is the no-dropout limit's
 * neighbourhood), where a run-off stops or a fit stops flat.
 */
function nearSplitEnd(theta: readonly number[]): boolean {
  return (
    theta.length === 4 && theta[2]! < -5 && theta[3]! < -5 && meanDropout(theta) >= NO_DROPOUT_MEAN
  )
}

/** The log parameters where a run-off of the optimizer stopped (its error's lastParams), or null. */
function logStop(e: unknown): readonly number[] | null {
  if (!(e instanceof ConvergenceError)) return null
  const d = e.details as { direction?: string; lastParams?: readonly number[] }
  return d.direction !== undefined && d.lastParams ? d.lastParams : null
}

/** log a and log b where a fit ran off with both high (a/(a+b) not near 0), else null. */
function sharedDropoutStop(e: unknown): readonly number[] | null {
  if (!(e instanceof ConvergenceError)) return null
  const d = e.details as {
    diverged?: string
    direction?: string
    limit?: string
    lastParams?: readonly number[]
  }
  const theta = d.lastParams ?? []
  if (d.direction !== 'high' || (d.diverged !== 'a' && d.diverged !== 'b')) return null
  // (a run-off stops at the optimizer's bound, 15: its partner has come well past e^5 by then)
  if (theta.length !== 4 || !(theta[2]! > 5 && theta[3]! > 5)) return null
  // b ran off with a small mean a/(a+b) but a high too: on the ridge at a small shared dropout
  // probability, which customers of hundreds of purchases see plainly (p = 0.002 over x ~ 300);
  // the shared-dropout fit decides, and throws the no-dropout error if p goes on to 0
  if (d.limit && d.limit !== 'no-dropout') return null
  return theta
}

/**
 * The more likely of the two ends of the ridge a/(a+b) = p, fitted from where a fit stopped
 * (`fitAt(K)`: fitSharedDropout at a + b = K): the shared dropout (a, b → ∞) and the split one
 * (a, b → 0). `first` is the size of the end the fit ran to: its limit fit throws as it would
 * alone (p going on to 0 there is the no-dropout limit, said by that error), and the other end
 * replaces it only when more likely.
 */
function bestDropoutLimit(
  fitAt: (K: number) => FitResult<BgParams>,
  first: number = SHARED_DROPOUT_SIZE,
): FitResult<BgParams> {
  const main = fitAt(first)
  const other = first === SHARED_DROPOUT_SIZE ? SPLIT_DROPOUT_SIZE : SHARED_DROPOUT_SIZE
  try {
    const alt = fitAt(other)
    // a split share below the no-dropout mean is that limit's neighbourhood, not a finding
    const usable = other === SHARED_DROPOUT_SIZE || splitShare(alt) >= NO_DROPOUT_MEAN
    return usable && alt.logLikelihood > main.logLikelihood ? alt : main
  } catch {
    return main
  }
}

/**
 * Every customer drops out with the same probability p after each purchase: the limit of the BG
 * family with a, b → ∞ and a/(a+b) = p (no heterogeneity in dropout). Fitted as such on (log r,
 * log α, logit p) at a + b = {@link SHARED_DROPOUT_SIZE}, an ordinary parameter set every scoring
 * function takes. a and b get no standard error (only their ratio is identified); AIC and BIC count
 * three parameters. A failure here throws the original run-off error.
 */
function fitSharedDropout(
  model: string,
  obj: { f: (t: readonly number[]) => number; grad?: (t: readonly number[]) => number[] },
  totalWeight: number,
  customers: number,
  from: readonly number[],
  original: ConvergenceError,
  K: number = SHARED_DROPOUT_SIZE,
): FitResult<BgParams> {
  const split = K < 1
  const sig = (eta: number) => 1 / (1 + Math.exp(-eta))
  const full = (phi: readonly number[]): number[] => {
    const p = sig(phi[2]!)
    return [phi[0]!, phi[1]!, Math.log(p * K), Math.log((1 - p) * K)]
  }
  const f3 = (phi: readonly number[]) => obj.f(full(phi))
  const g4 = obj.grad
  const grad3 = g4
    ? (phi: readonly number[]) => {
        const g = g4(full(phi))
        const p = sig(phi[2]!)
        // d log a / d logit p = 1 - p, d log b / d logit p = -p
        return [g[0]!, g[1]!, g[2]! * (1 - p) - g[3]! * p]
      }
    : undefined
  const logit0 = from[2]! - from[3]!
  let opt: ReturnType<typeof fitWithRestarts>
  let fit: FitResult<{ r: number; alpha: number; odds: number }>
  try {
    opt = fitWithRestarts(
      f3,
      grad3,
      [
        [from[0]!, from[1]!, logit0],
        [0, Math.log(Math.exp(from[1]!) || 1), 0],
      ],
      { maxIterations: 300, gradientTolerance: 1e-7, names: ['r', 'alpha', 'odds'] },
    )
    fit = summarizeFit(
      model,
      ['r', 'alpha', 'odds'],
      opt,
      { f: f3, ...(grad3 ? { grad: grad3 } : {}) },
      totalWeight,
      customers,
    )
  } catch {
    throw original
  }
  const p = sig(opt.x[2]!)
  // the odds' interval (symmetric in logit p) mapped back to p, as Pareto/NBD's common rate
  const [lo, hi] = fit.confidenceIntervals.odds.map((o) => o / (1 + o)) as [number, number]
  const ll = fit.logLikelihood
  return {
    model,
    params: { r: fit.params.r, alpha: fit.params.alpha, a: p * K, b: (1 - p) * K },
    standardErrors: {
      r: fit.standardErrors.r,
      alpha: fit.standardErrors.alpha,
      a: Number.NaN,
      b: Number.NaN,
    },
    confidenceIntervals: {
      r: fit.confidenceIntervals.r,
      alpha: fit.confidenceIntervals.alpha,
      a: [Number.NaN, Number.NaN],
      b: [Number.NaN, Number.NaN],
    },
    logLikelihood: ll,
    customers,
    iterations:
      Number((original.details as { iterations?: number }).iterations ?? 0) + opt.iterations,
    aic: 2 * 3 - 2 * ll,
    bic: 3 * Math.log(customers) - 2 * ll,
    converged: true,
    note: split
      ? `a and b ran off to zero together: customers differ in dropout as much as they can, a share ${p.toPrecision(3)} of them dropping out at their first purchase chance (dropout probability 1) and the rest never (probability 0) (95 % interval of the share ${lo.toPrecision(3)} to ${hi.toPrecision(3)}; the limit a, b → 0 with a/(a+b) = ${p.toPrecision(3)}, fitted at a + b = ${K}; a and b have no standard errors)`
      : `a and b ran off together: customers do not differ in dropout probability, so every customer drops out with the same probability ${p.toPrecision(3)} after each purchase (95 % interval ${lo.toPrecision(3)} to ${hi.toPrecision(3)}; the limit a, b → ∞ with a/(a+b) = ${p.toPrecision(3)}, fitted at a + b = ${K}; a and b have no standard errors)`,
  }
}

/**
 * The split-dropout limit (a, b → 0 with a/(a+b) = p: a share p of customers drops out at the
 * first chance, the rest never) next to the NBD (p = 0), at the NBD's (r, α). Each history's
 * likelihood there is (1 - p) A + p B, A the NBD's and B the same with certain dropout at the first
 * chance, so the log-likelihood is concave in p: `slope` is its derivative at p = 0, the weighted
 * sum of B/A - 1, `share` the p in [0, 1) where it is highest (0 when the slope is <= 0), and
 * `gain` how much higher the log-likelihood is there than at p = 0 (at the NBD's r and α).
 * - BG/NBD (k = 0, dropout after a repeat purchase): B = A for x = 0; for x = 1 the purchase at
 *   t_x is the last, B/A = ((α + T)/(α + t_x))^(r+1); for x >= 2, B = 0.
 * - MBG/NBD (k = 1, dropout also right after the first purchase): for x = 0, B = 1 (gone at once)
 *   and B/A = ((α + T)/α)^r; for x >= 1, B = 0.
 * A fractional x (the library takes them) has other limits: slope +Infinity and share and gain
 * NaN, so that the limit fit decides as before.
 */
export function splitDropoutAtNbd(
  k: number,
  h: Histories,
  p: NbdParams,
): { slope: number; share: number; gain: number } {
  const { r, alpha } = p
  const n = h.x.length
  // log(B/A) per history; -Infinity where B = 0, and x = 0 in BG/NBD (B = A) is 0
  const logRatio = new Float64Array(n)
  let slope = 0
  for (let i = 0; i < n; i++) {
    const x = h.x[i]!
    if (!Number.isInteger(x)) {
      return { slope: Number.POSITIVE_INFINITY, share: Number.NaN, gain: Number.NaN }
    }
    let lr: number
    if (k === 1) lr = x === 0 ? r * Math.log1p(h.T[i]! / alpha) : Number.NEGATIVE_INFINITY
    else if (x === 0) lr = 0
    else if (x === 1) lr = (r + 1) * Math.log((alpha + h.T[i]!) / (alpha + h.tx[i]!))
    else lr = Number.NEGATIVE_INFINITY
    logRatio[i] = lr
    slope += h.weight[i]! * Math.expm1(lr)
  }
  if (!(slope > 0)) return { slope, share: 0, gain: 0 }
  // the root of the derivative sum w (ρ - 1) / (1 + p (ρ - 1)), decreasing in p: bisection on
  // logit p (a share near 0 or near 1 both resolve), 60 halvings of a bracket of [-40, 40]
  const deriv = (q: number): number => {
    let d = 0
    for (let i = 0; i < n; i++) {
      const lr = logRatio[i]!
      if (lr === 0) continue
      // (ρ - 1) / (1 + q (ρ - 1)) = 1 / (q + 1 / (ρ - 1)), finite for a huge ρ too
      const m = Math.expm1(lr)
      d += h.weight[i]! / (q + 1 / m)
    }
    return d
  }
  let lo = -40
  let hi = 40
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2
    if (deriv(1 / (1 + Math.exp(-mid))) > 0) lo = mid
    else hi = mid
  }
  const share = 1 / (1 + Math.exp(-(lo + hi) / 2))
  // log((1 - q) A + q B) - log A = log(1 + q (ρ - 1)), log(1 - q) where B = 0
  let gain = 0
  for (let i = 0; i < n; i++) {
    const lr = logRatio[i]!
    if (lr !== 0) gain += h.weight[i]! * Math.log1p(share * Math.expm1(lr))
  }
  return { slope, share, gain }
}

/**
 * The mean dropout probability a/(a+b) below which b running off is the no-dropout limit. Above
 * it a runs off with b (a/(a+b) stays): every customer drops out with the same probability, which
 * is not the NBD (P(alive) = 1 would be far off).
 */
export const NO_DROPOUT_MEAN = 0.01

/**
 * The share a/(a+b) of a split-dropout fit: below {@link NO_DROPOUT_MEAN} it is no finding but the
 * no-dropout limit's neighbourhood (20,000 customers simulated without dropout: a share 0.0007,
 * 0.045 above the NBD in log-likelihood, 95 % interval 1e-6 to 0.34), and the NBD's error stands.
 */
const splitShare = (f: FitResult<BgParams>): number => f.params.a / (f.params.a + f.params.b)

/** a/(a+b) where a fit stopped (log a, log b = theta[2], theta[3]). */
const meanDropout = (theta: readonly number[]): number =>
  1 / (1 + Math.exp((theta[3] ?? 0) - (theta[2] ?? 0)))

/**
 * b → ∞ with a/(a+b) → 0, or a → 0: the dropout probability goes to zero, the NBD limit (Fader
 * et al. 2005). b and a running off together (a/(a+b) staying) is a dropout shared by all instead.
 */
const bgLimit: LimitOf = (name, dir, theta) =>
  (name === 'b' && dir === 'high' && meanDropout(theta) < NO_DROPOUT_MEAN) ||
  // a → 0 beside b → 0 keeps a/(a+b): customers split into the gone and the staying
  (name === 'a' && dir === 'low' && meanDropout(theta) < NO_DROPOUT_MEAN)
    ? 'no-dropout'
    : undefined

/** Plain-words meaning of a BG-family parameter running off to a boundary. */
function explainBgBoundary(name: string, dir: 'high' | 'low', theta: readonly number[]): string {
  if (bgLimit(name, dir, theta) === 'no-dropout')
    return 'no sign of customers dropping out: the dropout probability is not identified'
  if ((name === 'a' || name === 'b') && dir === 'low') {
    return `customers differ in dropout as much as they can (a and b go to zero together; a share a/(a+b) ${meanDropout(theta).toPrecision(3)} drops out at the first chance, the rest never)`
  }
  if (name === 'a' || name === 'b') {
    return `customers do not differ in dropout probability (a and b grow together; a/(a+b), the probability shared by all, ${meanDropout(theta).toPrecision(3)}), or the data cannot tell them apart`
  }
  // alpha → 0 is the opposite of a common rate: purchases in next to no time (a history of
  // repeat purchases with T near 0) make the rate grow without bound
  if (name === 'alpha' && dir === 'low')
    return 'the purchase rate grows without bound: some history has repeat purchases in next to no time (x above 0 with T near 0)'
  return 'customers do not differ in purchase rate (r and alpha grow together), or the rate is not identified'
}

/** P(alive | x, t_x, T) = 1 / (1 + [x+k>0] a/(b+x+k-1) ((α+T)/(α+t_x))^(r+x)). */
export function bgProbabilityAlive(
  k: number,
  p: BgParams,
  x: number,
  tx: number,
  T: number,
): number {
  checkParams(bgName(k), p)
  checkHistory(x, tx, T)
  return pAliveFast(k, p, x, tx, T)
}

function pAliveFast(k: number, p: BgParams, x: number, tx: number, T: number): number {
  if (x + k <= 0) return 1
  // log1p: with α in the billions and beyond, (α+T)/(α+t_x) rounds to 1
  const l =
    // the whole numbers first: b + x + k - 1 from the left rounds a b of 1e-9 (8e-8 of P(alive))
    Math.log(p.a) - Math.log(p.b + (x + k - 1)) + (p.r + x) * Math.log1p((T - tx) / (p.alpha + tx))
  return l > 0 ? Math.exp(-l) / (1 + Math.exp(-l)) : 1 / (1 + Math.exp(l))
}

/**
 * E[Y(t) | x, t_x, T] = P(alive) · E[(1 - e^{-λpt})/p] under the posterior of an alive customer,
 * λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x+k) (FHL 2005 eq. 10).
 */
export function bgExpectedPurchases(
  k: number,
  p: BgParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  checkParams(bgName(k), p)
  checkHistory(x, tx, T)
  if (!(t >= 0)) throw new DataError(`horizon t must be >= 0 (got ${t})`)
  const alive = bgExpectedAlive(p.r + x, p.alpha + T, p.a, p.b + x + k, t)
  // a <= 1 at t = ∞: infinitely many purchases expected of the alive, and P(alive) is a ratio of
  // positive terms, never 0 but for underflow (0 · ∞ was NaN)
  if (alive === Number.POSITIVE_INFINITY) return alive
  return pAliveFast(k, p, x, tx, T) * alive
}

/** E[X(t)] for a new customer: BG k=0 eq. 7 of FHL 2005; MBG: b/(a+b) · (same with b+1). */
export function bgExpectedPurchasesNew(k: number, p: BgParams, t: number): number {
  checkParams(bgName(k), p)
  if (!(t >= 0)) throw new DataError(`t must be a number >= 0 (got ${t})`)
  if (k === 0) return bgExpectedAlive(p.r, p.alpha, p.a, p.b, t)
  return (p.b / (p.a + p.b)) * bgExpectedAlive(p.r, p.alpha, p.a, p.b + 1, t)
}

/**
 * P(X(t) = n) for a new customer: alive through n purchases, E[(1-p)^(n+k)] · NBD(n), plus dropout
 * right after the n-th purchase (needs n + k >= 1), E[p (1-p)^(n+k-1)] · P(NBD >= n) (FHL eq. 8;
 * Batislam et al. 2007 for k = 1). The NBD tail is the incomplete beta I_{t/(α+t)}(n, r), not
 * 1 − Σ_{j<n} NBD(j), which cancels to nothing once the tail is below ~1e-16. t = ∞ gives the
 * distribution of lifetime purchases, E[p (1-p)^(n+k-1)]. Throws DataError for t NaN or < 0.
 * @example probabilityOfPurchases({ r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }, 300, 39) // 4.75e-19
 */
export function bgProbabilityOfPurchases(k: number, p: BgParams, n: number, t: number): number {
  checkParams(bgName(k), p)
  if (!(Number.isInteger(n) && n >= 0))
    throw new DataError(`n must be a non-negative integer (got ${n})`)
  if (!(t >= 0)) throw new DataError(`t must be a number >= 0 (got ${t})`)
  const { r, alpha, a, b } = p
  const lb = lbeta(a, b)
  const lDrop = n + k >= 1 ? lbeta(a + 1, b + n + k - 1) - lb : Number.NEGATIVE_INFINITY
  // every customer drops out in the end: whoever is alive at t = ∞ bought without bound
  if (t === Number.POSITIVE_INFINITY) return Math.exp(lDrop)
  // 1 − z = α/(α+t) apart, so that t ≫ α keeps the digits of the small side
  const z = t / (alpha + t)
  const y = alpha / (alpha + t)
  const ly = -Math.log1p(t / alpha)
  const lNbd = n === 0 ? r * ly : logNbdCoef(r, n) + r * ly + n * Math.log(z)
  let v = Math.exp(lbeta(a, b + n + k) - lb + lNbd)
  if (n + k >= 1) v += Math.exp(lDrop + (n === 0 ? 0 : logBetaIncReg(n, r, z, y)))
  return Math.min(1, v)
}

/**
 * P(X(T, T+t] = n | x, t_x, T): a customer alive at T buys from T on as a new customer would under
 * the alive posterior, λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x+k) (x purchases survived, and for
 * MBG/NBD the start too), with dropout after each purchase and none at T; so P(alive) · P_new(n; t)
 * there, plus 1 − P(alive) at n = 0. t = ∞ gives the purchases left in the customer's lifetime.
 * Its mean is {@link bgExpectedPurchases} and its n = 0 term 1 − {@link bgProbabilityAnyPurchase}.
 * @throws DataError as P(alive) does for the history, and for n or t as probabilityOfPurchases.
 */
export function bgConditionalProbabilityOfPurchases(
  k: number,
  p: BgParams,
  n: number,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const alive = bgProbabilityAlive(k, p, x, tx, T)
  const after = { r: p.r + x, alpha: p.alpha + T, a: p.a, b: p.b + x + k }
  const future = bgProbabilityOfPurchases(0, after, n, t)
  return givenAlive(n, alive, future)
}

/**
 * P(at least one purchase in (T, T+w] | history) = P(alive) · (1 - ((α+T)/(α+T+w))^(r+x)):
 * an alive customer cannot drop out before the next purchase, so only the first arrival of the
 * posterior Poisson-gamma mixture matters.
 */
export function bgProbabilityAnyPurchase(
  k: number,
  p: BgParams,
  window: number,
  x: number,
  tx: number,
  T: number,
): number {
  checkParams(bgName(k), p)
  checkHistory(x, tx, T)
  if (!(window >= 0)) throw new DataError(`window must be >= 0 (got ${window})`)
  const q = -Math.expm1(-(p.r + x) * Math.log1p(window / (p.alpha + T)))
  return pAliveFast(k, p, x, tx, T) * q
}

/**
 * Waiting time from T to the next purchase, given it happens (i.e. the customer is alive): Lomax
 * with shape r+x and scale α+T. median = (α+T)(2^(1/(r+x)) - 1), null with the reason when that is
 * past the largest double; mean = (α+T)/(r+x-1) if r+x > 1.
 */
export function bgExpectedNextPurchaseTime(
  k: number,
  p: BgParams,
  x: number,
  tx: number,
  T: number,
): NextPurchase {
  checkParams(bgName(k), p)
  checkHistory(x, tx, T)
  const shape = p.r + x
  const scale = p.alpha + T
  const m = scale * Math.expm1(Math.LN2 / shape)
  // r + x below ~0.00097 puts 2^(1/(r+x)) past the largest double: null, as Pareto/NBD says it
  const median = Number.isFinite(m) ? m : null
  // r + (x - 1): r + x - 1 from the left rounds an r of 1e-9 at x = 1
  const mean = shape > 1 ? scale / (p.r + (x - 1)) : null
  const reasons: string[] = []
  if (median === null) {
    reasons.push(
      `the median waiting time is beyond the largest double (${Number.MAX_VALUE.toPrecision(2)} time units): the chance of a purchase fades like w^-(r+x), r + x = ${shape.toPrecision(3)}`,
    )
  }
  if (mean === null) {
    reasons.push(
      `mean waiting time is infinite when r + x <= 1${median === null ? '' : '; use the median'}`,
    )
  }
  return {
    median,
    mean,
    probability: pAliveFast(k, p, x, tx, T),
    reason: reasons.length > 0 ? reasons.join('; ') : null,
  }
}

export interface SimulatedHistories {
  readonly x: Float64Array
  readonly tx: Float64Array
  readonly T: Float64Array
}

/**
 * Simulates n customers observed for T (number or per-customer array) from the model.
 * `resolution` > 0 floors event times and T to multiples of it (e.g. 1/7 for days in weeks) and
 * counts x as `loyals summary` counts repeat purchase days: the periods after the first
 * purchase's with a purchase, so a repeat within the first period or a second one in a period is
 * no repeat, and x > 0 always has t_x > 0.
 */
export function bgSimulate(
  k: number,
  p: BgParams,
  n: number,
  T: number | ArrayLike<number>,
  seed: number,
  resolution = 0,
): SimulatedHistories {
  checkParams(bgName(k), p)
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new DataError(`the number of customers must be an integer >= 0 (got ${n})`)
  }
  if (typeof T === 'number' ? !(T >= 0 && T < Infinity) : T.length < n) {
    throw new DataError(
      typeof T === 'number'
        ? `T must be a finite number >= 0 (got ${T})`
        : `T must hold one value per customer (got ${T.length} for ${n} customers)`,
    )
  }
  if (!(resolution >= 0 && resolution < Infinity)) {
    throw new DataError(`resolution must be a finite number >= 0 (got ${resolution})`)
  }
  const rng = createRng(seed)
  const X = new Float64Array(n)
  const TX = new Float64Array(n)
  const TT = new Float64Array(n)
  const snap = (v: number): number => (resolution > 0 ? Math.floor(v / resolution) * resolution : v)
  for (let i = 0; i < n; i++) {
    const Ti0 = typeof T === 'number' ? T : T[i]!
    if (!(Ti0 >= 0 && Ti0 < Infinity)) {
      throw new DataError(`T of customer ${i + 1} must be a finite number >= 0 (got ${Ti0})`)
    }
    const Ti = snap(Ti0)
    const lambda = rng.gamma(p.r, 1 / p.alpha)
    const drop = rng.beta(p.a, p.b)
    let x = 0
    let tx = 0
    let t = 0
    let alive = !(k === 1 && rng.uniform() < drop)
    while (alive) {
      t += rng.exponential(lambda)
      if (!(t <= Ti)) break
      // on a grid, purchases count as the summary counts them: once per period after the first's
      if (resolution === 0 || snap(t) > tx) {
        x++
        tx = snap(t)
      }
      if (rng.uniform() < drop) alive = false
    }
    X[i] = x
    TX[i] = Math.min(tx, Ti)
    TT[i] = Ti
  }
  return { x: X, tx: TX, T: TT }
}

/**
 * P(alive) and expected purchases over `horizon` for every customer. The expectation given alive
 * depends only on (x, T), so it is computed once per distinct pair.
 * @throws DataError when x, tx and T differ in length, for an invalid history (x >= 0,
 *   0 <= t_x <= T, all finite) or a horizon that is not a number >= 0.
 */
export function bgScoreAll(
  k: number,
  p: BgParams,
  h: HistoryColumns,
  horizon: number,
): { pAlive: Float64Array; expected: Float64Array } {
  checkParams(bgName(k), p)
  if (!(horizon >= 0)) throw new DataError(`horizon must be a number >= 0 (got ${horizon})`)
  const n = checkColumnLengths(h, k === 1 ? 'mbgnbd.scoreAll' : 'bgnbd.scoreAll')
  const pAlive = new Float64Array(n)
  const expected = new Float64Array(n)
  const { r, alpha, a, b } = p
  const la = Math.log(a)
  const cache = new Map<number, number>()
  const tIndex = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const x = h.x[i]!
    const tx = h.tx[i]!
    const T = h.T[i]!
    // x + T < Infinity: T = ∞ passed T >= t_x and made NaN
    if (!(x >= 0 && tx >= 0 && T >= tx && x + T < Infinity)) checkHistory(x, tx, T)
    let pa = 1
    if (x + k > 0) {
      const l = la - Math.log(b + (x + k - 1)) + (r + x) * Math.log1p((T - tx) / (alpha + tx))
      pa = l > 0 ? Math.exp(-l) / (1 + Math.exp(-l)) : 1 / (1 + Math.exp(l))
    }
    pAlive[i] = pa
    let ti = tIndex.get(T)
    if (ti === undefined) {
      ti = tIndex.size
      tIndex.set(T, ti)
    }
    const key = Number.isInteger(x) && x < 1e7 ? ti * 1e7 + x : -1
    let e = key >= 0 ? cache.get(key) : undefined
    if (e === undefined) {
      e = bgExpectedAlive(r + x, alpha + T, a, b + x + k, horizon)
      if (key >= 0) cache.set(key, e)
    }
    expected[i] = pa * e
  }
  return { pAlive, expected }
}
