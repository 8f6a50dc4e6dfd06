// Shared machinery for the repeat-purchase models: history indexing for fast likelihoods, fitting
// with restarts, the fit summary (SE, CI, AIC/BIC) and closed-form pieces several models reuse.
import { ConvergenceError, DataError, LoyalsError, UsageError } from '../../errors.ts'
import {
  type Fn,
  type Grad,
  hessianFromGradientRefined,
  hessianFromGradientUnlessFlat,
  type MinimizeOptions,
  minimize,
  type OptimResult,
  standardErrorsFromLogHessian,
} from '../optimize.ts'
import { integrateAround } from '../quadrature.ts'
import { lbeta, lgamma, logHyp2f1, logHyp2f1A1 } from '../special.ts'
import type { FitResult, Histories } from './types.ts'

/** Histories plus indexes into their unique x and unique time values (t_x and T together). */
export interface Indexed {
  readonly h: Histories
  readonly xs: Float64Array
  readonly ix: Int32Array
  readonly ts: Float64Array
  readonly iT: Int32Array
  readonly iTx: Int32Array
  readonly totalWeight: number
}

function uniqueIndex(values: readonly Float64Array[]): { keys: Float64Array; index: Int32Array[] } {
  const map = new Map<number, number>()
  const keys: number[] = []
  const index = values.map((v) => {
    const out = new Int32Array(v.length)
    for (let i = 0; i < v.length; i++) {
      const key = v[i]! + 0
      let k = map.get(key)
      if (k === undefined) {
        k = keys.length
        map.set(key, k)
        keys.push(key)
      }
      out[i] = k
    }
    return out
  })
  return { keys: Float64Array.from(keys), index }
}

// Histories are never modified once built, so the indexes are kept per Histories object: the
// models fitted one after another on the same data (analyze fits three) index it once.
const indexCache = new WeakMap<Histories, Indexed>()
const pairCache = new WeakMap<Indexed, Pairs>()

/** `build(key)`, computed once per key object (the keys are immutable). */
function once<K extends object, V>(cache: WeakMap<K, V>, key: K, build: (k: K) => V): V {
  let v = cache.get(key)
  if (v === undefined) {
    v = build(key)
    cache.set(key, v)
  }
  return v
}

/** Builds the unique-value indexes of `h` (once per Histories object; they are immutable). */
export function indexHistories(h: Histories): Indexed {
  return once(indexCache, h, buildIndex)
}

function buildIndex(h: Histories): Indexed {
  const ux = uniqueIndex([h.x])
  const ut = uniqueIndex([h.T, h.tx])
  let tw = 0
  for (let i = 0; i < h.weight.length; i++) tw += h.weight[i]!
  return {
    h,
    xs: ux.keys,
    ix: ux.index[0]!,
    ts: ut.keys,
    iT: ut.index[0]!,
    iTx: ut.index[1]!,
    totalWeight: tw,
  }
}

/** DataError unless some customer repeat-purchased and histories have positive length. */
export function requireIdentifiable(h: Histories, model: string): void {
  let repeat = 0
  let maxT = 0
  for (let i = 0; i < h.x.length; i++) {
    if (h.x[i]! > 0) repeat += h.weight[i]!
    if (h.T[i]! > maxT) maxT = h.T[i]!
  }
  if (h.customers <= 0) throw new DataError(`${model}: no customers to fit`)
  if (repeat === 0) {
    throw new DataError(
      `no repeat purchases: cannot identify the purchase and dropout rates of ${model} (every customer bought once)`,
      { model, customers: h.customers },
    )
  }
  if (!(maxT > 0)) {
    throw new DataError(`${model}: every customer has T = 0, nothing to observe`, { model })
  }
}

/**
 * Mean time between repeat purchases, ΣwT/Σwx, outside which a fit rescales time. α (and β of
 * Pareto/NBD) are time scales that the optimizer bounds at e^±15 on the log scale: times in
 * seconds put CDNOW's α at 2.7e6, at that bound. Inside the range (days to years for any data
 * seen) nothing is rescaled, so fits there keep their exact arithmetic.
 */
export const TIME_SCALE_RANGE = [1e-2, 1e4] as const

/**
 * The factor c a fit divides t_x and T by: 1 when the data's time scale is inside
 * {@link TIME_SCALE_RANGE}, else the power of two nearest that time scale (a power of two, so
 * t/c and α·c are exact).
 */
export function fitTimeScale(h: Histories): number {
  let sx = 0
  let sT = 0
  for (let i = 0; i < h.x.length; i++) {
    sx += h.weight[i]! * h.x[i]!
    sT += h.weight[i]! * h.T[i]!
  }
  const s = sT / sx
  if (!(s > 0 && s < Infinity) || (s >= TIME_SCALE_RANGE[0] && s <= TIME_SCALE_RANGE[1])) return 1
  return 2 ** Math.round(Math.log2(s))
}

/** `h` with t_x and T divided by `c` (the same object when c is 1). */
export function rescaleHistories(h: Histories, c: number): Histories {
  if (c === 1) return h
  return {
    x: h.x,
    tx: h.tx.map((v) => v / c),
    T: h.T.map((v) => v / c),
    weight: h.weight,
    customers: h.customers,
  }
}

/**
 * A fit on times divided by `c` mapped back to the data's own time unit: the time-scale
 * parameters (`timeParams`) times c with their standard errors and intervals, and the
 * log-likelihood of the data as given, which is that of the rescaled data minus Σ w x ln c (the
 * likelihood is a density of the x purchase times, each of which scales by 1/c).
 */
export function unscaleFit<P extends Record<string, number>>(
  f: FitResult<P>,
  h: Histories,
  c: number,
  timeParams: readonly (keyof P & string)[],
): FitResult<P> {
  if (c === 1) return f
  let sx = 0
  for (let i = 0; i < h.x.length; i++) sx += h.weight[i]! * h.x[i]!
  const shift = sx * Math.log(c)
  const params = { ...f.params } as Record<string, number>
  const se = { ...f.standardErrors } as Record<string, number>
  const ci = { ...f.confidenceIntervals } as Record<string, readonly [number, number]>
  for (const k of timeParams) {
    params[k] = params[k]! * c
    se[k] = se[k]! * c
    const [lo, hi] = ci[k]!
    ci[k] = [lo * c, hi * c]
  }
  return {
    ...f,
    params: params as P,
    standardErrors: se as FitResult<P>['standardErrors'],
    confidenceIntervals: ci as FitResult<P>['confidenceIntervals'],
    logLikelihood: f.logLikelihood - shift,
    aic: f.aic + 2 * shift,
    bic: f.bic + 2 * shift,
  }
}

/**
 * Objective with value and gradient computed in one pass and memoized on the last point, so the
 * optimizer's f(x) then grad(x) costs one sweep over the data.
 */
export function memoized(evalFG: (theta: readonly number[], g: number[]) => number): {
  f: (x: readonly number[]) => number
  grad: (x: readonly number[]) => number[]
} {
  let lastX: number[] | null = null
  let lastF = 0
  let lastG: number[] = []
  const run = (x: readonly number[]): void => {
    if (lastX && lastX.length === x.length && lastX.every((v, i) => v === x[i])) return
    const g = new Array<number>(x.length).fill(0)
    lastF = evalFG(x, g)
    lastG = g
    lastX = [...x]
  }
  return {
    f: (x) => {
      run(x)
      return lastF
    },
    grad: (x) => {
      run(x)
      return [...lastG]
    },
  }
}

/**
 * A systematic sample of the customers, drawn through the histories by weight: points every
 * W / size customers along the running weight, each history taking as many points as fall in its
 * weight and standing for that many times W / size customers. Histories heavier than the step
 * (the many customers with x = 0 at one T) are always in, in their right proportion; a lighter
 * one is in when a point falls in its span (the points are fixed, so the draw is too; over the
 * positions of the first point, its chance is its weight over the step). Its mean
 * log-likelihood estimates the full one, to find a warm start cheaply. Every k-th row with its
 * own weight, as it was, left out or took in whole the rows holding a third of the customers:
 * 120,000 customers simulated by MBG/NBD at one T warmed up at r 2.07, a 53 (true 0.52, 0.89),
 * and the full fit ran off from there. Null when there are fewer than 4 × size rows (the full fit
 * is cheap enough).
 */
export function subsampleHistories(h: Histories, size: number): Histories | null {
  if (h.x.length < 4 * size) return null
  const drawn = sampleByWeight(h.weight, size)
  if (!drawn) return null
  const { rows, weight } = drawn
  const pick = (a: ArrayLike<number>) => Float64Array.from(rows, (i) => a[i]!)
  let customers = 0
  for (let j = 0; j < weight.length; j++) customers += weight[j]!
  return { x: pick(h.x), tx: pick(h.tx), T: pick(h.T), weight, customers }
}

/**
 * The systematic sample by weight behind {@link subsampleHistories} (and the Gamma-Gamma warm
 * start): the rows drawn, in order, and the weight each stands for (a whole number of steps of
 * W / size). Null when the weights add up to nothing.
 */
export function sampleByWeight(
  weights: ArrayLike<number>,
  size: number,
): { rows: number[]; weight: Float64Array } | null {
  const n = weights.length
  let total = 0
  for (let i = 0; i < n; i++) total += weights[i]!
  if (!(total > 0)) return null
  const step = total / size
  const rows: number[] = []
  const hits: number[] = []
  // the points sit at (j + 1/2) · step: row i takes those in [before, before + weight)
  let before = 0
  let next = step / 2
  for (let i = 0; i < n; i++) {
    const end = before + weights[i]!
    let k = 0
    while (next < end) {
      k++
      next += step
    }
    if (k > 0) {
      rows.push(i)
      hits.push(k)
    }
    before = end
  }
  return { rows, weight: Float64Array.from(hits, (k) => k * step) }
}

/** Histories kept when a large fit first runs on a subsample ({@link subsampleHistories}). */
export const WARM_SAMPLE = 8000

/** The same mean negative log-likelihood on a subsample of the data. */
export interface WarmStart {
  readonly f: Fn
  readonly grad?: Grad
}

/** What a repeat-purchase fit minimizes, from {@link fitObjectives}. */
export interface FitObjectives {
  /** Memoized mean negative log-likelihood (and its gradient) over every history. */
  readonly obj: { f: Fn; grad: Grad }
  /** The same on a subsample, for the warm start; absent when the data is small. */
  readonly warm: WarmStart | undefined
  readonly totalWeight: number
  /** ΣwT / Σwx (floored at 1e-3): the time scale of the mean purchase rate, a start for alpha. */
  readonly rateScale: number
}

/**
 * The mean negative log-likelihood of a model over `h` and over a subsample of it, built once per
 * data set by `build` (which prepares the model's per-history constants and returns the total
 * log-likelihood, writing its gradient in log-parameters into `g`).
 */
export function fitObjectives(
  h: Histories,
  build: (data: Histories) => {
    readonly totalWeight: number
    ll(theta: readonly number[], g: number[]): number
  },
): FitObjectives {
  const objective = (data: Histories) => {
    const b = build(data)
    const tw = b.totalWeight
    return memoized((theta, g) => {
      const ll = b.ll(theta, g)
      for (let i = 0; i < g.length; i++) g[i] = -g[i]! / tw
      return -ll / tw
    })
  }
  const sample = subsampleHistories(h, WARM_SAMPLE)
  let tw = 0
  let sx = 0
  let sT = 0
  for (let i = 0; i < h.x.length; i++) {
    const w = h.weight[i]!
    tw += w
    sx += w * h.x[i]!
    sT += w * h.T[i]!
  }
  return {
    obj: objective(h),
    warm: sample ? objective(sample) : undefined,
    totalWeight: tw,
    rateScale: Math.max(sT / Math.max(sx, 1e-9), 1e-3),
  }
}

/**
 * The simpler model a repeat-purchase fit tends to when a parameter runs off to a boundary:
 * 'no-dropout' when the dropout probability or rate goes to zero (the NBD limit).
 */
export type FitLimit = 'no-dropout'

/**
 * Which {@link FitLimit} parameter `name` running `high` or `low` means, if any, given where the
 * fit stopped (`theta`, the log-parameters): b of BG/NBD running off alone is the no-dropout
 * limit, but with a running off beside it the dropout probability a/(a+b) stays, shared by all.
 */
export type LimitOf = (
  name: string,
  direction: 'high' | 'low',
  theta: readonly number[],
) => FitLimit | undefined

/**
 * How a no-dropout error ends, naming the NBD ("... the NBD (no dropout) is the model for these
 * data"): analyze and `loyals fit` find it there to say what they do instead.
 */
export const NBD_ADVICE = ' is the model for these data'

/**
 * Log-scale standard error of a parameter above which the data are taken not to see it: its 95 %
 * interval spans a factor e^(±19.6), 3e8 either way (BG/NBD's a and b on 3 customers: 1e-143 to
 * 1e142, which summarizeFit's 0-to-infinity rule let through). Well-identified fits (CDNOW: below
 * 0.3, large data) never reach it, so the checks on it (the BG family's dropout, Pareto/NBD's
 * run-off toward no dropout, fitOnLogScale's ridges) cost them nothing.
 */
export const FLAT_LOG_SE = 10

/**
 * The limit a ConvergenceError from a repeat-purchase fit names in `details.limit` (set by
 * {@link fitWithRestarts} and {@link summarizeFit} from the model's {@link LimitOf}), else null.
 * @example if (fitLimit(e) === 'no-dropout') fall back to the NBD
 */
export function fitLimit(e: unknown): FitLimit | null {
  if (!(e instanceof ConvergenceError)) return null
  return (e.details as { limit?: FitLimit }).limit ?? null
}

/**
 * Full-data evaluations allowed to continue from where the subsample fit ran off to a boundary:
 * enough to come back to an interior optimum near it, few enough that data without one fails in a
 * fraction of a second.
 */
export const BOUNDARY_CONTINUATION_EVALUATIONS = 40

/** How far inside the bound (in log units) that continuation starts. */
const CONTINUATION_PULLBACK = 5

interface FailureDetails {
  readonly evaluations?: number
  readonly iterations?: number
  readonly diverged?: string
  readonly direction?: 'high' | 'low'
  readonly lastParams?: readonly number[]
  readonly gradientNorm?: number
  readonly value?: number
}

/**
 * Minimizes a MEAN negative log-likelihood from each start until one converges; returns the best
 * converged result. All starts share one budget of `maxEvaluations` (default 600) evaluations, so
 * a flat likelihood costs bounded time. Throws ConvergenceError when none converges: the boundary
 * error (a parameter running off, with its meaning, `details.limit` from `limitOf`) when one
 * occurred, else the last error; `details.lastParams` is where that attempt stopped.
 * With `warm` (the objective on a subsample), the starts are tried there first and the full
 * objective is polished from that optimum and its BFGS curvature: a handful of full evaluations
 * instead of dozens. When the full objective runs off to a boundary from there, or the subsample
 * fit ran off from every start and the full objective, continued from that last point (pulled
 * inside the bound) with {@link BOUNDARY_CONTINUATION_EVALUATIONS} evaluations, runs off too, the
 * boundary error is thrown at once: restarting on the full data would only find the boundary
 * again, at hundreds of full evaluations. Any other failure falls back to fitting the full
 * objective from the starts, so a converged result never depends on the subsample.
 */
export function fitWithRestarts(
  f: (x: readonly number[]) => number,
  grad: ((x: readonly number[]) => number[]) | undefined,
  starts: readonly (readonly number[])[],
  opts: Omit<MinimizeOptions, 'grad'> & {
    readonly warm?: WarmStart
    readonly limitOf?: LimitOf
  } = {},
): OptimResult {
  let best: OptimResult | null = null
  const attempts: unknown[] = []
  let totalIt = 0
  let left = opts.maxEvaluations ?? 600
  let boundary: ConvergenceError | null = null
  let lastError: ConvergenceError | null = null
  const { warm, limitOf, ...rest } = opts
  const withGrad = grad ? { grad } : {}
  const fail = (cause: ConvergenceError, iterations: number, extra: Record<string, unknown>) => {
    const d = cause.details as FailureDetails
    const limit =
      d.diverged && d.direction && d.lastParams
        ? limitOf?.(d.diverged, d.direction, d.lastParams)
        : undefined
    return new ConvergenceError(cause.message, iterations, d.lastParams ?? starts[0] ?? [], {
      ...extra,
      ...(d.diverged ? { diverged: d.diverged, direction: d.direction } : {}),
      ...(limit ? { limit } : {}),
      // where the failing run stopped (the CLI prints them)
      ...(d.gradientNorm !== undefined ? { gradientNorm: d.gradientNorm } : {}),
      ...(d.value !== undefined ? { value: d.value } : {}),
    })
  }
  // One full-data fit from where the subsample fit stopped: its result; a run-off to a boundary
  // thrown at once; any other failure booked (evaluations, iterations) and null, so the starts run.
  const full = (
    from: readonly number[],
    budget: Pick<MinimizeOptions, 'maxEvaluations' | 'initialInverseHessian'>,
    priorIterations: number,
    warmInfo: Record<string, unknown>,
  ): OptimResult | null => {
    try {
      const r = minimize(f, from, { ...rest, ...budget, ...withGrad })
      return { ...r, iterations: priorIterations + r.iterations }
    } catch (e) {
      if (!(e instanceof LoyalsError)) throw e
      const d = e.details as FailureDetails
      if (e instanceof ConvergenceError && d.diverged) {
        throw fail(e, priorIterations + (d.iterations ?? 0), {
          warm: warmInfo,
          evaluations: d.evaluations,
        })
      }
      left -= d.evaluations ?? 0
      totalIt += (d.iterations ?? 0) + priorIterations
      return null
    }
  }
  if (warm) {
    let w: OptimResult | null = null
    let warmBoundary: ConvergenceError | null = null
    try {
      w = fitWithRestarts(warm.f, warm.grad, starts, rest)
    } catch (e) {
      if (!(e instanceof LoyalsError)) throw e
      if (e instanceof ConvergenceError && (e.details as FailureDetails).diverged) warmBoundary = e
    }
    if (w?.inverseHessian) {
      const r = full(
        w.x,
        { maxEvaluations: left, initialInverseHessian: w.inverseHessian },
        w.iterations,
        { converged: true, at: w.x },
      )
      if (r) return r
    } else if (warmBoundary) {
      const wd = warmBoundary.details as FailureDetails
      const bound = rest.bound ?? 15
      const lim = bound - CONTINUATION_PULLBACK
      const from = (wd.lastParams ?? starts[0] ?? []).map((v) => Math.min(lim, Math.max(-lim, v)))
      const r = full(
        from,
        { maxEvaluations: Math.min(left, BOUNDARY_CONTINUATION_EVALUATIONS) },
        wd.iterations ?? 0,
        { converged: false, error: warmBoundary.message, lastParams: wd.lastParams },
      )
      if (r) return r
    }
  }
  for (const s of starts) {
    if (left <= 0) break
    try {
      const r = minimize(f, s, { ...rest, maxEvaluations: left, ...withGrad })
      totalIt += r.iterations
      left -= r.evaluations ?? 0
      if (!best || r.value < best.value) best = r
      break
    } catch (e) {
      if (!(e instanceof LoyalsError)) throw e
      const d = e.details as FailureDetails
      left -= d.evaluations ?? 0
      totalIt += d.iterations ?? 0
      attempts.push({ start: s, error: e.message, details: e.details })
      if (e instanceof ConvergenceError) {
        lastError = e
        if (d.diverged && !boundary) boundary = e
      }
    }
  }
  if (!best) {
    let cause = boundary ?? lastError
    // the last start stopped at what the earlier ones left of the shared budget: say what was spent
    if (cause && !boundary && (cause.details as { budgetExhausted?: boolean }).budgetExhausted) {
      const budget = opts.maxEvaluations ?? 600
      cause = new ConvergenceError(
        `optimizer stopped after ${budget} likelihood evaluations from ${attempts.length} start value${attempts.length === 1 ? '' : 's'} without converging (the likelihood is too flat to pin down every parameter)`,
        totalIt,
        [],
        cause.details,
      )
    }
    if (cause) throw fail(cause, totalIt, { attempts })
    throw new ConvergenceError('no start value converged', totalIt, starts[0] ?? [], { attempts })
  }
  return { ...best, iterations: totalIt }
}

/**
 * BFGS iterations per stage inside a repeat-purchase fit (minimize's `maxIterations`): the fits'
 * own setting, which a caller's `maxIterations` (a cap on the whole fit) does not change.
 */
export const STAGE_ITERATIONS = 300

/**
 * A fit's `start` option: undefined, or an object of the model's parameters, each finite and above
 * 0 (the fit starts from their logarithms). A bad one made every start fail, and the fit said the
 * likelihood was too flat; a misspelt name was ignored.
 * @throws UsageError naming `start.<name>` and what it must be
 * @example checkStart('bgnbd', { r: -1 }, ['r', 'alpha', 'a', 'b']) // throws start.r must be ...
 */
export function checkStart(model: string, start: unknown, names: readonly string[]): void {
  if (start === undefined) return
  if (typeof start !== 'object' || start === null || Array.isArray(start)) {
    throw new UsageError(
      `${model}: start must be an object of starting parameters (${names.join(', ')}), got ${JSON.stringify(start)}`,
    )
  }
  for (const [k, v] of Object.entries(start)) {
    if (!names.includes(k)) {
      throw new UsageError(
        `${model}: start.${k} is no parameter of the model: the parameters are ${names.join(', ')}`,
        { start: k },
      )
    }
    if (v === undefined) continue
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      throw new UsageError(
        `${model}: start.${k} must be a finite number above 0 (got ${typeof v === 'string' ? JSON.stringify(v) : String(v)})`,
        { start: k },
      )
    }
  }
}

/**
 * `run()`, a fit, held to a caller's `maxIterations`, the one meaning of the option in every
 * repeat-purchase fit (BG/NBD, MBG/NBD, Pareto/NBD): the most optimizer iterations the whole fit
 * may take, over every start and stage (what FitResult.iterations counts). It caps and never
 * steers: a fit that converges within it is the fit without it (passed down as the per-stage BFGS
 * cap, a small one sent the fits into Nelder-Mead: 183 iterations reported for 1, or 600
 * evaluations and a ConvergenceError). Undefined: no cap (the evaluation budget bounds the time).
 * @example withIterationCap('bgnbd', 50, () => fitScaled(h)) // the fit, or ConvergenceError
 * @throws UsageError, before fitting, unless maxIterations is undefined or a whole number >= 1;
 *   ConvergenceError (details.maxIterations) when the fit took more iterations than that.
 */
export function withIterationCap<P extends Record<string, number>>(
  model: string,
  maxIterations: number | undefined,
  run: () => FitResult<P>,
): FitResult<P> {
  const v: unknown = maxIterations
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 1)) {
    throw new UsageError(
      `${model}: maxIterations must be a whole number of at least 1, the most optimizer iterations the fit may take (got ${typeof v === 'string' ? JSON.stringify(v) : String(v)})`,
      { maxIterations: v },
    )
  }
  const r = run()
  if (maxIterations !== undefined && r.iterations > maxIterations) {
    throw new ConvergenceError(
      `${model}: the fit took ${r.iterations} optimizer iterations to converge, more than maxIterations ${maxIterations} (raise it, or leave it out)`,
      r.iterations,
      Object.values(r.params),
      { maxIterations },
    )
  }
  return r
}

/**
 * What two parameters running off to infinity together mean (`high`: their names): a gamma (shape, scale) pair growing together is a
 * rate that does not vary between customers (its mean stays: shape/scale), a beta pair growing
 * together a probability that does not vary (mean a/(a+b)). '' for any other pattern.
 */
function ridgeMeaning(
  names: readonly string[],
  theta: readonly number[],
  high: readonly string[],
): string {
  const v = (n: string) => Math.exp(theta[names.indexOf(n)]!)
  const both = (a: string, b: string) => high.includes(a) && high.includes(b)
  const out: string[] = []
  if (both('r', 'alpha')) {
    out.push(
      `customers do not differ in purchase rate: r and alpha grow together, their ratio (the common rate) ${(v('r') / v('alpha')).toPrecision(3)} per period`,
    )
  }
  if (both('s', 'beta')) {
    out.push(
      `customers do not differ in dropout rate: s and beta grow together, their ratio (the common dropout rate) ${(v('s') / v('beta')).toPrecision(3)} per period`,
    )
  }
  if (both('a', 'b')) {
    out.push(
      `customers do not differ in dropout probability: a and b grow together, a/(a+b) (the common probability) ${(v('a') / (v('a') + v('b'))).toPrecision(3)}`,
    )
  }
  return out.length ? `: ${out.join('; ')}` : ''
}

/** |log parameter| beyond which a fitted value counts as extreme (e^7 ≈ 1,100). */
export const EXTREME_LOG = 7

/**
 * Distinct histories up to which a repeat-purchase fit checks its optimum against other maxima
 * (BG/NBD, MBG/NBD: both dropout limits; Pareto/NBD: two more starts): there a fit costs
 * milliseconds, and small data is where a second maximum was found beside the one the starts reach.
 */
export const SMALL_DATA_HISTORIES = 5000

/** How far (log scale) {@link purchaseRateRidgeGain} moves r and α up together. */
const RATE_RIDGE_STEP = 3

/**
 * The log-likelihood gained by moving a fit's log r and log α (`theta[0]`, `theta[1]`) up by
 * {@link RATE_RIDGE_STEP} together (r/α, the mean purchase rate, kept), when log r is past
 * {@link EXTREME_LOG} and the likelihood still rises there; else null. Such a fit stopped on the
 * flat ridge toward r, α → ∞ (every customer purchasing at one rate) once the gradient fell below
 * its tolerance, short of the optimizer's run-off bound: two Pareto/NBD customers came back at r =
 * 1.9e5 with the LL 2.4e-6 below its value at e^3 times that. The gain must beat the rounding of
 * lgamma(r + x) − lgamma(r) at r · e^3 (~1e-9 there), hence 1e-8 of the LL (at least 1e-8).
 * An optimum far out but interior (the LL falls along the ridge) gives null.
 * @example purchaseRateRidgeGain(opt.x, (t) => -obj.f(t) * w) // null for an interior fit
 */
export function purchaseRateRidgeGain(
  theta: readonly number[],
  ll: (theta: readonly number[]) => number,
): number | null {
  if (!(theta[0]! > EXTREME_LOG)) return null
  const here = ll(theta)
  const up = [...theta]
  up[0] = theta[0]! + RATE_RIDGE_STEP
  up[1] = theta[1]! + RATE_RIDGE_STEP
  const gain = ll(up) - here
  return gain > 1e-8 * Math.max(1, Math.abs(here)) ? gain : null
}

/**
 * The ConvergenceError of r and α running off together (purchase rates alike), with
 * `meaning` (the model's explanation of α running off) and the gain that showed it.
 */
export function purchaseRateRidgeError(
  model: string,
  theta: readonly number[],
  gain: number,
  iterations: number,
  meaning: string,
): ConvergenceError {
  return new ConvergenceError(
    `${model}: parameter alpha ran off to infinity (log r = ${theta[0]!.toFixed(1)}, log alpha = ${theta[1]!.toFixed(1)}; the likelihood still rises with r and alpha up together, r/alpha fixed): ${meaning}`,
    iterations,
    theta,
    { diverged: 'alpha', direction: 'high', gain },
  )
}

/** Summary of a fit from the optimum of the mean NLL on log-parameters. */
export function summarizeFit<P extends Record<string, number>>(
  model: string,
  names: readonly (keyof P & string)[],
  opt: OptimResult,
  meanNegLL: { grad?: (x: readonly number[]) => number[]; f: (x: readonly number[]) => number },
  totalWeight: number,
  customers: number,
  limitOf?: LimitOf,
): FitResult<P> {
  const theta = opt.x
  const g =
    meanNegLL.grad ??
    ((x: readonly number[]) => {
      const out: number[] = []
      for (let i = 0; i < x.length; i++) {
        const hi = 1e-5
        const xp = [...x]
        const xm = [...x]
        xp[i] = x[i]! + hi
        xm[i] = x[i]! - hi
        out.push((meanNegLL.f(xp) - meanNegLL.f(xm)) / (2 * hi))
      }
      return out
    })
  // Central differences of the gradient with a step of 1e-3 on the log scale. Near a ridge (s and
  // beta of Pareto/NBD weakly identified) the Hessian is nearly singular and its inverse magnifies
  // any error in it: the gradient's own rounding (~1e-9 of its size, from the hypergeometric
  // terms) over a step of 1e-5 moved entries near 650 by 0.6 and doubled r's standard error;
  // forward differences add an O(h) error as well. At 1e-3 the truncation error (O(h^2)) and the
  // rounding both stay near 1e-6 relative. At extreme values (|log parameter| > 7: a parameter run
  // off along a ridge), whether the Hessian is positive definite decides that the fit is flat,
  // and that is read at the small step, where the curvature is the optimum's own.
  // (A gradient from differences of the likelihood has its own error: 1e-3 everywhere.)
  // (the run-off parameters' rows come first: when their block is not positive definite the fit
  // is flat whatever the other rows hold, and their gradients are not computed)
  const runOff = theta.flatMap((t, i) => (Math.abs(t) > EXTREME_LOG ? [i] : []))
  const ridge = meanNegLL.grad !== undefined && runOff.length > 0
  const scaled = (m: number[][]) => m.map((row) => row.map((v) => v * totalWeight))
  const fromGradient = ridge
    ? hessianFromGradientUnlessFlat(g, theta, 1e-5, runOff)
    : { hessian: hessianFromGradientRefined(g, theta, 1e-3) }
  // Parameters far from 1 on the log scale say which direction is flat (e.g. s and beta of
  // Pareto/NBD growing together: customers do not differ in dropout rate), and which limit of the
  // model that is (details.limit of the errors below).
  const extreme = names
    .map((n, i) => [n, theta[i]!] as const)
    .filter(([, t]) => Math.abs(t) > EXTREME_LOG)
  const limit = extreme
    .map(([n, t]) => limitOf?.(n, t > 0 ? 'high' : 'low', theta))
    .find((l) => l !== undefined)
  const H = 'hessian' in fromGradient ? scaled(fromGradient.hessian) : null
  let se: ReturnType<typeof standardErrorsFromLogHessian> | null = null
  let flatCause = 'cause' in fromGradient ? fromGradient.cause : null
  if (H) {
    try {
      se = standardErrorsFromLogHessian(theta, H)
    } catch (e) {
      flatCause = e instanceof Error ? e.message : String(e)
    }
  }
  if (!se) {
    const where = extreme.length
      ? ` at extreme values (${extreme.map(([n, t]) => `${n} = ${Math.exp(t).toPrecision(3)}`).join(', ')})${ridgeMeaning(
          names,
          theta,
          extreme.filter(([, t]) => t > EXTREME_LOG).map(([n]) => n),
        )}`
      : ''
    throw new ConvergenceError(
      limit === 'no-dropout'
        ? `${model}: no sign of customers dropping out: the fit runs to the model's no-dropout limit${where}, where the likelihood is flat (Hessian not positive definite) and the dropout parameters cannot be identified; the NBD (no dropout)${NBD_ADVICE}`
        : `${model}: the likelihood is flat at the optimum${where} (Hessian not positive definite); the data cannot identify every parameter`,
      opt.iterations,
      theta.map(Math.exp),
      {
        // the whole matrix, or the block of the run-off parameters that showed it flat
        ...('flatBlock' in fromGradient
          ? {
              hessianBlock: {
                parameters: runOff.map((i) => names[i]),
                matrix: scaled(fromGradient.flatBlock),
              },
            }
          : { hessian: H }),
        cause: flatCause,
        ...(limit ? { limit } : {}),
      },
    )
  }
  const params = {} as Record<string, number>
  const standardErrors = {} as Record<string, number>
  const confidenceIntervals = {} as Record<string, readonly [number, number]>
  names.forEach((n, i) => {
    const p = Math.exp(theta[i]!)
    const sl = Math.sqrt(se.logCovariance[i]![i]!)
    params[n] = p
    standardErrors[n] = se.standardErrors[i]!
    confidenceIntervals[n] = [
      p * Math.exp(-1.959963984540054 * sl),
      p * Math.exp(1.959963984540054 * sl),
    ]
  })
  // an interval of [0, inf] (a log-scale SE past ~360) is no estimate: the optimum sits on a
  // ridge the curvature cannot see (three customers for four Pareto/NBD parameters)
  const unbounded = names.filter((n) => {
    const [lo, hi] = confidenceIntervals[n]!
    return !(lo > 0 && Number.isFinite(hi))
  })
  if (unbounded.length > 0) {
    throw new ConvergenceError(
      `${model}: the likelihood is flat at the optimum: the 95 % interval of ${unbounded.join(', ')} runs from 0 to infinity, so the data cannot identify ${unbounded.length === 1 ? 'it' : 'them'} (${limit === 'no-dropout' ? `no sign of customers dropping out: the NBD, without dropout,${NBD_ADVICE}` : 'too few customers, too little repeat behaviour, or too little sign of dropout'})`,
      opt.iterations,
      theta.map(Math.exp),
      { ...(limit ? { limit } : {}) },
    )
  }
  const ll = -opt.value * totalWeight
  const k = names.length
  return {
    model,
    params: params as P,
    standardErrors: standardErrors as FitResult<P>['standardErrors'],
    confidenceIntervals: confidenceIntervals as FitResult<P>['confidenceIntervals'],
    logLikelihood: ll,
    customers,
    iterations: opt.iterations,
    aic: 2 * k - 2 * ll,
    bic: k * Math.log(customers) - 2 * ll,
    converged: true,
  }
}

/**
 * The parameters each model's functions read, by the name they pass to checkParams ('BG/NBD' is
 * the BG family's, MBG/NBD's too): a missing or misspelt one ({a: 1} without b, or `A` for a) is undefined in
 * the formulas, which then gave NaN or, for a Pareto/NBD without s, a plausible P(alive) of 1.
 */
const PARAM_NAMES: Readonly<Record<string, readonly string[]>> = {
  'BG/NBD': ['r', 'alpha', 'a', 'b'],
  'MBG/NBD': ['r', 'alpha', 'a', 'b'],
  pareto: ['r', 'alpha', 's', 'beta'],
  NBD: ['r', 'alpha'],
  bgbb: ['alpha', 'beta', 'gamma', 'delta'],
  sbg: ['alpha', 'beta'],
  'Gamma-Gamma': ['p', 'q', 'gamma'],
}

/**
 * P(exactly n purchases ahead | history) from P(alive now) and `future`, a new customer's
 * P(n) under the alive posterior: a customer gone buys nothing, so n = 0 gains 1 − P(alive).
 * The one mixture behind every model's conditional purchase distribution.
 */
export function givenAlive(n: number, alive: number, future: number): number {
  return n === 0 ? 1 - alive + alive * future : alive * future
}

/** Throws DataError unless every parameter of `model` is there, finite and positive. */
export function checkParams(model: string, p: Record<string, number>): void {
  // from JavaScript, null or a number where the object goes failed as a TypeError on reading r
  if (typeof p !== 'object' || p === null) {
    const names = PARAM_NAMES[model]
    throw new DataError(
      `${model}: the parameters must be an object${names ? ` {${names.join(', ')}}` : ''} (got ${p === null ? 'null' : typeof p})`,
      { model },
    )
  }
  // a plain loop over a fixed list: this runs once per scored history, and Object.entries'
  // arrays were ~0.25 s of garbage per million
  const names = PARAM_NAMES[model]
  if (names) {
    for (let i = 0; i < names.length; i++) {
      const k = names[i] as string
      const v = p[k]
      if (v === undefined) {
        const given = Object.keys(p).join(', ')
        throw new DataError(
          `${model}: parameter ${k} is missing (given: ${given || 'none'}; the parameters are ${names.join(', ')})`,
          { model },
        )
      }
      if (!(v > 0 && Number.isFinite(v))) notPositive(model, k, v)
    }
    return
  }
  for (const k in p) {
    const v = p[k] as number
    if (!(v > 0 && Number.isFinite(v))) notPositive(model, k, v)
  }
}

/** DataError for a parameter that is not a finite positive number, naming a value's type when
 * it is not a number ('0.2' read from a file read as 0.2 in the message). */
function notPositive(model: string, k: string, v: unknown): never {
  const got =
    typeof v === 'number' ? String(v) : `${v === null ? 'null' : typeof v} ${JSON.stringify(v)}`
  throw new DataError(`${model}: parameter ${k} must be finite and > 0 (got ${got})`, { model })
}

/** DataError naming which of a history's values is not a number, and its type. */
function notNumbers(x: unknown, tx: unknown, T: unknown): never {
  const bad = (
    [
      ['x', x],
      ['t_x', tx],
      ['T', T],
    ] as const
  ).filter(([, v]) => typeof v !== 'number')
  throw new DataError(
    `invalid history: ${bad.map(([n, v]) => `${n} must be a number (got ${v === null ? 'null' : typeof v} ${JSON.stringify(v)})`).join(', ')}`,
  )
}

/** Throws DataError unless 0 <= tx <= T, x >= 0, all finite. */
export function checkHistory(x: number, tx: number, T: number): void {
  // from JavaScript a '2' read from a CSV passes the comparisons by coercion: name the type (the
  // typeof tests first: this runs once per customer scored)
  if (typeof x !== 'number' || typeof tx !== 'number' || typeof T !== 'number') notNumbers(x, tx, T)
  if (!(x >= 0 && tx >= 0 && T >= tx && Number.isFinite(x + tx + T))) {
    throw new DataError(`invalid history x=${x}, t_x=${tx}, T=${T}: need x >= 0 and 0 <= t_x <= T`)
  }
}

/** The columns of a scoring call: one value per customer in each. */
export interface HistoryColumns {
  readonly x: ArrayLike<number>
  readonly tx: ArrayLike<number>
  readonly T: ArrayLike<number>
}

/**
 * The number of customers in `h`; DataError naming `caller` unless x, tx and T have one length (a
 * shorter column was read past its end as undefined and reported as an invalid history).
 * @example checkColumnLengths({ x: [1, 2], tx: [1], T: [2] }, 'bgnbd.scoreAll') // throws
 */
export function checkColumnLengths(h: HistoryColumns, caller: string): number {
  // from JavaScript with the summary's names ({x, t_x, T}): a TypeError deep inside otherwise
  const cols = 'x, tx and T (arrays of one length)'
  if (typeof h !== 'object' || h === null) {
    throw new DataError(`${caller}: histories must be an object with ${cols}`)
  }
  for (const k of ['x', 'tx', 'T'] as const) {
    const v: unknown = h[k]
    if (
      typeof v !== 'object' ||
      v === null ||
      typeof (v as { length?: unknown }).length !== 'number'
    ) {
      const named = k === 'tx' && 't_x' in h ? ' (the column is tx here, not t_x)' : ''
      throw new DataError(
        `${caller}: ${k} must be an array of numbers (got ${v === undefined ? 'nothing' : typeof v})${named}; the fields are ${cols}`,
        { field: k },
      )
    }
  }
  const n = h.x.length
  if (h.tx.length !== n || h.T.length !== n) {
    throw new DataError(
      `${caller}: x, tx and T must have the same length (got ${n}, ${h.tx.length}, ${h.T.length})`,
      { lengths: [n, h.tx.length, h.T.length] },
    )
  }
  return n
}

/**
 * DataError unless `h` has the fields of {@link Histories}: called from JavaScript with another
 * shape ({x, t_x, T}) a fit otherwise failed as a TypeError deep inside.
 */
function checkHistoriesShape(h: Histories): void {
  const fields = 'x, tx, T and weight (arrays, e.g. from compressHistories) and customers'
  if (typeof h !== 'object' || h === null) {
    throw new DataError(
      `histories must be an object with ${fields} (got ${h === null ? 'null' : typeof h})`,
    )
  }
  for (const k of ['x', 'tx', 'T', 'weight'] as const) {
    const v: unknown = h[k]
    if (
      typeof v !== 'object' ||
      v === null ||
      typeof (v as { length?: unknown }).length !== 'number'
    ) {
      throw new DataError(
        `histories: ${k} must be an array of numbers (got ${v === undefined ? 'nothing' : typeof v}); the fields are ${fields}`,
        { field: k },
      )
    }
  }
  if (!(h.customers >= 0)) {
    throw new DataError(
      `histories: customers must be a number >= 0 (got ${String(h.customers)}); the fields are ${fields}`,
      { field: 'customers' },
    )
  }
}

/**
 * DataError unless every row of `h` is a history (finite x >= 0, 0 <= t_x <= T with
 * compressHistories' 1e-12 slack) with a finite weight >= 0, and the columns have one length.
 * Histories built by hand skip compressHistories' checks, and NaN or an infinite T otherwise came
 * back as a NaN likelihood. x > 0 with t_x = 0 and non-integer x are summaries the formulas take
 * (as in the published implementations); a summary FILE with a fractional x is refused where it is
 * read (service/fit.ts), since there it is most likely another column mapped as x.
 */
export function checkHistories(h: Histories): void {
  checkHistoriesShape(h)
  const { x, tx, T, weight } = h
  const n = x.length
  if (tx.length !== n || T.length !== n || weight.length !== n) {
    throw new DataError(
      `histories: x, t_x, T and weight must have the same length (got ${n}, ${tx.length}, ${T.length}, ${weight.length})`,
    )
  }
  let total = 0
  for (let i = 0; i < n; i++) {
    const xi = x[i]!
    const ti = tx[i]!
    const Ti = T[i]!
    const wi = weight[i]!
    if (!(xi >= 0 && ti >= 0 && ti <= Ti * (1 + 1e-12) && wi >= 0 && xi + Ti + wi < Infinity)) {
      throw new DataError(
        `invalid history ${i + 1}: x, t_x, T and weight must be finite numbers >= 0 with t_x <= T (got x=${xi}, t_x=${ti}, T=${Ti}, weight=${wi})`,
        { row: i + 1, x: xi, tx: ti, T: Ti, weight: wi },
      )
    }
    total += wi
  }
  // the number of customers is the BIC's n: histories built by hand could say another
  if (Math.abs(h.customers - total) > 1e-9 * Math.max(1, total)) {
    throw new DataError(
      `histories: customers must be the sum of the weights (got customers ${h.customers}, weights summing to ${total})`,
      { customers: h.customers, weights: total },
    )
  }
}

/**
 * E over p ~ Beta(a, b), λ ~ Gamma(r, rate α) of (1 - e^{-λ p t}) / p: expected purchases in t of a
 * BG-type customer alive now. Closed form (Fader, Hardie & Lee 2005, eq. 10):
 * (a+b-1)/(a-1) · [1 - (α/(α+t))^r · 2F1(r, b; a+b-1; t/(α+t))]. Where that difference cancels
 * (a near 1, small t, tiny r or a), the same value as a sum of positive terms: with N ~ NBD(r, α)
 * the purchases of an immortal customer in t, Σ_n P(N = n) Σ_{j<n} E[(1-p)^j], E[(1-p)^j] =
 * (b)_j/(a+b)_j; where that sum is long too, the quadrature.
 */
export function bgExpectedAlive(r: number, alpha: number, a: number, b: number, t: number): number {
  // NaN passes every comparison below and the quadrature never ends
  if (Number.isNaN(t)) throw new DataError('the time span t is not a number')
  if (t <= 0) return 0
  // the whole remaining lifetime: E[1/p] = (a+b-1)/(a-1), infinite for a <= 1
  if (t === Number.POSITIVE_INFINITY) return a > 1 ? (a + b - 1) / (a - 1) : t
  const z = t / (alpha + t)
  // log(1 - z), exact for small t and for 1 - z below the spacing of doubles near 1
  const ly = -Math.log1p(t / alpha)
  // r |log(1 - z)| past 700: a long history (r = r0 + x, b = b0 + x), where the closed form below
  // is the difference of two numbers of that size and its 2F1 a series of ~r z/(1 - z) terms
  const long = r * ly < -700
  if (long) {
    const v = bgExpectedAliveEuler(r, a, b, z, ly)
    if (v !== null) return v
  }
  // a + b <= 1 (fits where dropout probabilities pile up at 0 and 1) has no usable closed form: the
  // 2F1's third parameter a + b - 1 is not positive and its log does not exist; at a = 1 the
  // closed form is 0/0. From z = 0.9 on, logHyp2f1(r, b; a+b-1) goes by the 1 - z transform, whose
  // two terms cancel when b (1 - z) is large or r + 1 - a is next to a whole number: 3e9 for 6e3 at
  // a = 0.01, b = 1e5, t = 3000 α; 2.4e-4 relative at a = r = 0.5, b = 1000; the quadrature below
  // holds 1e-12 there
  if (a + b - 1 > 0 && a !== 1 && z < 0.9) {
    let L = Number.NaN
    try {
      // α/(α+t) is 1 - z to every digit; 1 - z from z itself only to 1e-16/(1 - z) relative
      L = r * ly + logHyp2f1(r, b, a + b - 1, z, alpha / (alpha + t))
    } catch (e) {
      if (!(e instanceof LoyalsError && e.code === 'numeric_error')) throw e
    }
    // L's rounding error is ~1e-16 of its two parts (and of 1, from 2F1 near 1); the result
    // carries it divided by |L|, which goes to 0 as t → 0 or a → 1
    if (Math.abs(L) * 1e4 > 1 - r * ly + Math.abs(L - r * ly)) {
      return Math.max(((a + b - 1) / (a - 1)) * -Math.expm1(L), 0)
    }
  }
  // the sum's terms past the NBD's bulk shrink like z^n: its length, from the mean r t/α, the
  // spread sqrt(r t/α / (1 - z)) and the geometric tail; r log(1 - z) would underflow beyond 700
  const m = (r * t) / alpha
  if (m + 10 * Math.sqrt(m / (1 - z)) + 40 / -Math.log(z) < 4000 && r * ly > -700) {
    let nbd = Math.exp(r * ly)
    let surv = 1 // E[(1-p)^(n-1)]
    let cum = 0 // Σ_{j<n} E[(1-p)^j]
    let sum = 0
    const ab = a + b
    for (let n = 1; n < 5000; n++) {
      // r + (n - 1), not r + n - 1: r + 1 - 1 drops r's low bits when r is small
      const j = n - 1
      nbd *= ((r + j) / n) * z
      cum += surv
      surv *= (b + j) / (ab + j)
      const term = nbd * cum
      sum += term
      // past the bulk the terms fall by at least max(z, NBD ratio) · (n+1)/n (cum grows by at most
      // cum/n): a geometric bound on what is left
      const q = Math.max(z, ((r + n) / (n + 1)) * z) * ((n + 1) / n)
      if (q < 1 && (term * q) / (1 - q) <= 1e-17 * sum) return sum
    }
  }
  if (!long) {
    const v = bgExpectedAliveEuler(r, a, b, z, ly)
    if (v !== null) return v
  }
  return bgExpectedAliveByQuadrature(r, alpha, a, b, t)
}

/**
 * bgExpectedAlive's closed form after Euler's transformation (DLMF 15.8.1), 2F1(r, b; c; z) =
 * (1-z)^(c-r-b) 2F1(c-r, c-b; c; z) with c = a+b-1: E = c/(a-1) · [1 - (1-z)^(a-1) 2F1(c-r, a-1;
 * c; z)]. r drops out of the power and c - r = a + b0 - 1 - r0 + (b - b0) - (r - r0) stays O(1)
 * for a history of x purchases (r = r0 + x, b = b0 + x + k), so for large x the series ends in a
 * few terms of size (c-r)(a-1)z/c and nothing cancels, where the textbook form is the difference
 * of two numbers of size r log(1 - z) (~1e5 at x = 1e5: no digit left). Every term of the series
 * holds the factor a - 1, taken out so that a = 1 is the limit, not 0/0. Null where the series is
 * long (c small, z near 1) or its sum is not accurate to ~1e-12.
 */
function bgExpectedAliveEuler(
  r: number,
  a: number,
  b: number,
  z: number,
  ly: number,
): number | null {
  const c = a + b - 1
  if (!(c > 0)) return null
  const A = c - r
  const B = a - 1
  // u_n = (A)_n (B+1)_(n-1) z^n / ((c)_n n!) = term n of 2F1(A, B; c; z) over B
  let u = (A * z) / c
  let s = u
  let abs = Math.abs(u)
  let done = u === 0
  for (let n = 1; n < 2000 && !done; n++) {
    u *= ((A + n) * (B + n) * z) / ((c + n) * (n + 1))
    s += u
    abs += Math.abs(u)
    // once A + n > 0 the later ratios are below z · max(1, (A+n)/(c+n)) · max(1, (B+n)/(n+1))
    const q = z * Math.max(1, (A + n + 1) / (c + n + 1)) * Math.max(1, (B + n + 1) / (n + 2))
    done = u === 0 || (A + n > 0 && q < 1 && (Math.abs(u) * q) / (1 - q) <= 1e-17 * Math.abs(s))
  }
  const f = 1 + B * s
  if (!(done && f > 0)) return null
  // L = log[(1-z)^B 2F1] = B · M; M's rounding is ~1e-16 of |log(1 - z)| and of the series' terms
  const lf = B === 0 ? s : Math.log1p(B * s) / B
  const M = ly + lf
  if (!(Math.abs(M) * 1e4 > -ly + abs / f)) return null
  return Math.max(c * (B === 0 ? -M : -Math.expm1(B * M) / B), 0)
}

/**
 * bgExpectedAlive as the expectation itself: ∫ (1 − (α/(α + p t))^r) / p over p ~ Beta(a, b),
 * split at 1/2 and substituted (p = u^(1/a) below, 1 − p = v^(1/b) above) so that neither end's
 * p^(a−1) or (1−p)^(b−1) is singular under the adaptive Gauss-Kronrod rule.
 */
export function bgExpectedAliveByQuadrature(
  r: number,
  alpha: number,
  a: number,
  b: number,
  t: number,
): number {
  if (t <= 0) return 0
  // (1 − (α/(α + p t))^r) / p, → r t / α as p → 0; below p t/α = 1e-8 by its first two terms,
  // as p = u^(1/a) at a = 0.001 goes subnormal, where p t/α keeps a few digits and the ratio
  // none (the integral came out 28.6155 where it is 28.6153)
  const g = (p: number): number => {
    const s = (p * t) / alpha
    if (p === 0 || s < 1e-8) return ((r * t) / alpha) * (1 - ((r + 1) / 2) * s)
    return -Math.expm1(-r * Math.log1p(s)) / p
  }
  // a, b >= 1: no endpoint singularity to substitute away, and the density's peak must be an edge
  // (in u = p^a below, Beta(10, 300)'s mass sat in the first 1e-9 of its first interval, unseen);
  // so must every decade from g's turn up: the shortfall 1 - (α/(α + p t))^r below a peak far
  // above it decays like a power of p and went unseen in one long interval (1e-9 at a = 2)
  if (a >= 1 && b >= 1) {
    const decades: number[] = []
    // (from 1e-30 at most: α/t is 0 for t = ∞, and the mass below is nothing at a >= 1)
    for (let p = Math.max(alpha / t / 10, 1e-30); p < 1; p *= 10) decades.push(p)
    return byQuadratureConcentrated(g, a, b, decades)
  }
  // globally adaptive and bounded: the locally adaptive rule halved an absolute tolerance at each
  // level and, once that was below the rounding of a large integrand (r t/α = 50 at a = 0.01,
  // b = 1e5), split 2^30 times. Below 1/2 the edges are where g turns (p t/α = 1) and where
  // (1 − p)^(b−1) falls (p b = 1), each with a decade either side, in u = p^a; and every decade
  // below the first turn down to where g and (1 − p)^(b−1) are flat to 1e-16: at a = 1e-4 the
  // last 0.2 % of u below the first turn holds their whole fall, and one interval [0, 0.9993]
  // took it for flat (28.73538 where the expectation is 28.73509)
  const turns = [alpha / t, 1 / b].flatMap((p) => [p / 10, p, 10 * p]).filter((p) => p < 0.5)
  const first = Math.min(alpha / t, 1 / b)
  for (let p = first / 100, k = 0; k < 15 && p > 0; p /= 10, k++) turns.push(p)
  const low = integrateAround(
    (u) => {
      const p = u ** (1 / a)
      return g(p) * (1 - p) ** (b - 1)
    },
    [0, ...turns.map((p) => p ** a), 0.5 ** a].sort((x, y) => x - y),
    1e-13,
  )
  const high = integrateAround(
    (v) => {
      const q = v ** (1 / b)
      return g(1 - q) * (1 - q) ** (a - 1)
    },
    [0, 0.5 ** b],
    1e-13,
  )
  return Math.max(0, (low / a + high / b) * Math.exp(-lbeta(a, b)))
}

/**
 * ∫ g(p) over p ~ Beta(a, b) for a, b >= 1 with a + b > 1000: the density, bounded and formed in log
 * space, over its mean ± 40 standard deviations. The substitutions above start their ranges at
 * 0.5^a and 0.5^b, which underflow (a = 2000: a shared-dropout fit), and scale by 1/B(a, b), which
 * overflows: 0 · ∞ came back as NaN.
 */
function byQuadratureConcentrated(
  g: (p: number) => number,
  a: number,
  b: number,
  turns: readonly number[],
): number {
  const lb = lbeta(a, b)
  const n = a + b
  const mean = a / n
  const sd = Math.sqrt((mean * (b / n)) / (n + 1))
  const edges = [...[-40, -10, -4, -1, 0, 1, 4, 10, 40].map((k) => mean + k * sd), ...turns]
    .map((p) => Math.min(1, Math.max(0, p)))
    .sort((x, y) => x - y)
    .filter((p, i, all) => i === 0 || p > all[i - 1]!)
  const f = (p: number): number =>
    p <= 0 || p >= 1 ? 0 : g(p) * Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log1p(-p) - lb)
  return Math.max(0, integrateAround(f, edges, 1e-13))
}

/**
 * log ∫_t^∞ (A+τ)^-p (B+τ)^-q dτ for A, B > 0, p, q > 0, p + q > 1 (the Pareto/NBD integral).
 * With A >= B: (A+t)^-p (B+t)^-(q-1) / (p+q-1) · 2F1(1, p; p+q; (A-B)/(A+t)); symmetric otherwise.
 * The 2F1 lies in [1, (p+q-1)/(q-1)) so no overflow; a direct positive series is used when it
 * converges fast (z <= 0.9), the general log-space evaluator otherwise.
 */
export function logTailIntegral(p: number, q: number, A: number, B: number, t: number): number {
  if (A < B) return logTailIntegral(q, p, B, A, t)
  const z = (A - B) / (A + t)
  return (
    -p * Math.log(A + t) -
    (q - 1) * Math.log(B + t) -
    Math.log(p + q - 1) +
    logHyp2f1One(p, p + q, z, (B + t) / (A + t))
  )
}

/** log 2F1(1, b; c; z) for c > b > 0, 0 <= z < 1 (all series terms positive, ratio < z). */
export function logHyp2f1One(b: number, c: number, z: number, y?: number): number {
  if (z === 0) return 0
  if (z <= 0.9) {
    let term = 1
    let sum = 1
    for (let n = 0; n < 1000; n++) {
      term *= ((b + n) / (c + n)) * z
      sum += term
      if (term < 1e-17 * sum) break
    }
    return Math.log(sum)
  }
  // Near z = 1 the series needs ~40/(1-z) terms; the continued fraction stays bounded.
  return logHyp2f1A1(b, c, z, y)
}

/** log Γ(r + n) - log Γ(r) - log n!: log of the NBD coefficient. */
export function logNbdCoef(r: number, n: number): number {
  return lgamma(r + n) - lgamma(r) - lgamma(n + 1)
}

/** solveMonotone's least step in log w: below half its 1e-12 stopping width. */
const TOL = 4e-13

/**
 * Smallest w with f(w) >= target (f non-decreasing), to 1e-12 relative. The bracket grows (or
 * shrinks) from `hint` by factors that square at each step, since a waiting time's tail can fall as
 * slowly as w^-0.002 and put a median near 1e154. Null when even f(Number.MAX_VALUE) < target: the
 * solution is past the double range (a doubling bracket capped at hint · 2^200 returned that cap as
 * if it were the answer). Inside the bracket: regula falsi on log w with the Illinois halving,
 * ~10 evaluations for a smooth f where bisection took ~45 (each one a 2F1 tail for Pareto/NBD's
 * waiting time); a bisection step whenever two steps have not halved the bracket, so a step or
 * flat f costs at most about twice bisection's count.
 */
export function solveMonotone(
  f: (w: number) => number,
  target: number,
  hint: number,
): number | null {
  const g = (w: number): number => f(w) - target
  let lo = hint
  let hi = hint
  let glo = g(hint)
  let ghi = glo
  if (glo < 0) {
    for (let k = 2; ghi < 0; k *= k) {
      if (hi === Number.MAX_VALUE) return null
      lo = hi
      glo = ghi
      hi = Math.min(hi * k, Number.MAX_VALUE)
      ghi = g(hi)
    }
  } else {
    for (let k = 2; lo > 0 && glo >= 0; k *= k) {
      hi = lo
      ghi = glo
      lo /= k
      if (lo > 0) glo = g(lo)
    }
    if (!(lo > 0)) return hi
  }
  // g(lo) < 0 <= g(hi), a NaN taken as reached at hi and as not at lo, as before; `side`
  // remembers which end moved last, so that an end kept twice has its value halved (Illinois)
  let side = 0
  let steps = 0
  let width = Math.log(hi) - Math.log(lo)
  let checked = width
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    let bisect = false
    if (steps === 2) {
      bisect = width > checked / 2
      checked = width
      steps = 0
    }
    const ulo = Math.log(lo)
    const uhi = Math.log(hi)
    // a step that would land within the tolerance of an end lands the tolerance inside it, so
    // that a falsi point on the root itself closes the bracket from the other side
    const u = Math.min(Math.max(ulo - (glo * (uhi - ulo)) / (ghi - glo), ulo + TOL), uhi - TOL)
    let m = Math.exp(u)
    if (bisect || !(m > lo && m < hi)) {
      m = Math.sqrt(lo) * Math.sqrt(hi)
      side = 0
      if (!(m > lo && m < hi)) break
    }
    const gm = g(m)
    if (gm < 0) {
      lo = m
      glo = gm
      if (side === -1) ghi /= 2
      side = -1
    } else {
      hi = m
      ghi = gm
      if (side === 1) glo /= 2
      side = 1
    }
    steps++
    width = Math.log(hi) - Math.log(lo)
  }
  return (lo + hi) / 2
}

/** Result of expectedNextPurchaseTime. */
export interface NextPurchase {
  /** Median time (model units) from T until the next purchase, among futures where one occurs. */
  readonly median: number | null
  /** Mean of the same waiting time when finite; null otherwise (see reason). */
  readonly mean: number | null
  /** Probability that another purchase ever occurs. */
  readonly probability: number
  readonly reason: string | null
}

/**
 * log 2F1(1, b; c; z) and its partial derivatives in b, c, z, written to out[0..3]. Series with
 * running derivative sums for z <= 0.9; central differences of the general evaluator otherwise.
 */
export function logHyp2f1OneDerivs(
  b: number,
  c: number,
  z: number,
  out: Float64Array,
  y?: number,
): void {
  if (z <= 0.9) {
    let term = 1
    let sum = 1
    let sb = 0
    let sc = 0
    let db = 0
    let dc = 0
    let dz = 0
    for (let n = 0; n < 1000; n++) {
      sb += 1 / (b + n)
      sc += 1 / (c + n)
      term *= ((b + n) / (c + n)) * z
      sum += term
      db += term * sb
      dc -= term * sc
      dz += (n + 1) * term
      if (term * (1 + sb + (n + 1)) < 1e-17 * sum) break
    }
    out[0] = Math.log(sum)
    out[1] = db / sum
    out[2] = dc / sum
    out[3] = z > 0 ? dz / (z * sum) : b / c
    return
  }
  const w = y ?? 1 - z
  const f = (bb: number, cc: number, ww: number): number =>
    y === undefined ? logHyp2f1A1(bb, cc, 1 - ww) : logHyp2f1A1(bb, cc, 1 - ww, ww)
  const hb = 1e-6 * b
  const hc = 1e-6 * c
  // the step in 1 - z, so that a complement below the doubles' resolution near 1 still has one:
  // a tenth of it when 1 - z comes from z (a finer step is lost to rounding), else 1e-4 of it,
  // the value's terms going as powers of 1 - z (a tenth put 1 % errors into the slope)
  const hw = Math.min(1e-7, y === undefined ? w / 10 : w * 1e-4)
  out[0] = logHyp2f1A1(b, c, z, y)
  out[1] = (f(b + hb, c, w) - f(b - hb, c, w)) / (2 * hb)
  out[2] = (f(b, c + hc, w) - f(b, c - hc, w)) / (2 * hc)
  out[3] = (f(b, c, w - hw) - f(b, c, w + hw)) / (2 * hw)
}

/** Distinct (x, t) pairs used by the likelihoods, with per-row indexes for t = T and t = t_x. */
export interface Pairs {
  readonly pairX: Int32Array
  readonly pairT: Int32Array
  readonly pT: Int32Array
  readonly pTx: Int32Array
}

/** Distinct (x, t) pairs of the indexed histories (once per {@link Indexed}). */
export function indexPairs(ix: Indexed): Pairs {
  return once(pairCache, ix, buildPairs)
}

function buildPairs(ix: Indexed): Pairs {
  const nt = ix.ts.length
  const map = new Map<number, number>()
  const px: number[] = []
  const pt: number[] = []
  const pairOf = (xi: number, ti: number): number => {
    const key = xi * nt + ti
    let k = map.get(key)
    if (k === undefined) {
      k = px.length
      map.set(key, k)
      px.push(xi)
      pt.push(ti)
    }
    return k
  }
  const n = ix.h.x.length
  const pT = new Int32Array(n)
  const pTx = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    pT[i] = pairOf(ix.ix[i]!, ix.iT[i]!)
    pTx[i] = pairOf(ix.ix[i]!, ix.iTx[i]!)
  }
  return { pairX: Int32Array.from(px), pairT: Int32Array.from(pt), pT, pTx }
}

/** A partner past e^±5 is running with a parameter past e^±7 (both to 0 or both to ∞). */
const PARTNER_LOG = 5

/**
 * What a pair of Beta(a, b) parameters at a boundary means, from where the fit stopped (log a,
 * log b): both to ∞ (no heterogeneity: everyone has the mean a/(a+b)), both to 0 (every
 * probability is 0 or 1, a share a/(a+b) at 1), or the mean itself to 0 or 1. Null when neither
 * is past e^±7.
 */
export function betaBoundary(
  la: number,
  lb: number,
): { readonly kind: 'shared' | 'zero-one' | 'to-zero' | 'to-one'; readonly mean: number } | null {
  if (!(Math.abs(la) > EXTREME_LOG || Math.abs(lb) > EXTREME_LOG)) return null
  const mean = 1 / (1 + Math.exp(lb - la))
  if (la > PARTNER_LOG && lb > PARTNER_LOG) return { kind: 'shared', mean }
  if (la < -PARTNER_LOG && lb < -PARTNER_LOG) return { kind: 'zero-one', mean }
  return { kind: mean < 0.5 ? 'to-zero' : 'to-one', mean }
}
