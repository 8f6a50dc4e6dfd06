// L2-penalized logistic regression by damped Newton on standardized features: the penalty makes the
// objective strictly convex, so even separable data converge in a handful of passes over typed arrays.
import { ConvergenceError, DataError, UsageError } from '../../errors.ts'
import { createRng } from '../random.ts'

/** A fitted model; coefficients apply to standardized features z_j = (x_j - means_j) / scales_j. */
export interface LogisticModel {
  readonly coefficients: Float64Array
  readonly intercept: number
  readonly means: Float64Array
  readonly scales: Float64Array
  readonly lambda: number
  readonly iterations: number
  readonly converged: boolean
}

export interface LogisticOptions {
  /** Penalty λ >= 0 on the standardized coefficients (see {@link fitLogistic} for the scale). */
  readonly lambda: number
  /** Non-negative case weights (e.g. counts of identical rows). */
  readonly weights?: Float64Array
  readonly maxIterations?: number
  /** Stop when every component of the gradient of the mean objective is below this. */
  readonly tolerance?: number
  /** Start values (warm start along a λ path). */
  readonly initial?: { readonly intercept: number; readonly coefficients: Float64Array }
  /** Return `converged: false` instead of throwing when maxIterations is reached. */
  readonly allowNonConvergence?: boolean
}

function dims(X: Float64Array, n: number): number {
  if (n === 0) throw new DataError('logistic regression needs at least one row')
  const p = X.length / n
  if (!Number.isInteger(p)) {
    throw new UsageError('X length is not a multiple of the number of rows', {
      xLength: X.length,
      n,
    })
  }
  return p
}

function standardize(
  X: Float64Array,
  n: number,
  p: number,
  w: Float64Array | undefined,
): { means: Float64Array; scales: Float64Array; totalWeight: number } {
  const means = new Float64Array(p)
  const sq = new Float64Array(p)
  let W = 0
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1
    if (wi === 0) continue
    W += wi
    const o = i * p
    for (let j = 0; j < p; j++) means[j]! += wi * X[o + j]!
  }
  if (!(W > 0)) throw new DataError('logistic regression: total weight is zero')
  for (let j = 0; j < p; j++) means[j]! /= W
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i]! : 1
    if (wi === 0) continue
    const o = i * p
    for (let j = 0; j < p; j++) {
      const d = X[o + j]! - means[j]!
      sq[j]! += wi * d * d
    }
  }
  const scales = new Float64Array(p)
  // A constant column gets scale 1: its standardized value is 0 everywhere, so it never contributes.
  for (let j = 0; j < p; j++) {
    const s = Math.sqrt(sq[j]! / W)
    scales[j] = s > 1e-12 * (Math.abs(means[j]!) + 1) ? s : 1
  }
  return { means, scales, totalWeight: W }
}

/** log(1 + e^η) - yη, stable for large |η|. */
function pointLoss(eta: number, y: number): number {
  const soft = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta))
  return soft - y * eta
}

/** Σ wᵢ [log(1 + e^ηᵢ) - yᵢηᵢ] at θ. */
function lossSum(
  X: Float64Array,
  y: Uint8Array,
  w: Float64Array,
  means: Float64Array,
  inv: Float64Array,
  theta: Float64Array,
  n: number,
  p: number,
): number {
  let s = 0
  const b0 = theta[0]!
  for (let i = 0; i < n; i++) {
    const wi = w[i]!
    if (wi === 0) continue
    const o = i * p
    let e = b0
    for (let j = 0; j < p; j++) e += theta[j + 1]! * (X[o + j]! - means[j]!) * inv[j]!
    s += wi * pointLoss(e, y[i]!)
  }
  return s
}

/**
 * Unscaled gradient Σ wᵢ(μᵢ - yᵢ)z̃ᵢ into g and lower triangle of Σ wᵢμᵢ(1-μᵢ)z̃ᵢz̃ᵢᵀ into H;
 * returns the loss Σ wᵢ[log(1 + e^ηᵢ) - yᵢηᵢ].
 */
function accumulate(
  X: Float64Array,
  y: Uint8Array,
  w: Float64Array,
  means: Float64Array,
  inv: Float64Array,
  theta: Float64Array,
  n: number,
  p: number,
  z: Float64Array,
  g: Float64Array,
  H: Float64Array,
): number {
  const q = p + 1
  let loss = 0
  g.fill(0)
  H.fill(0)
  const packed = new Float64Array((q * (q + 1)) / 2)
  const b0 = theta[0]!
  for (let i = 0; i < n; i++) {
    const wi = w[i]!
    if (wi === 0) continue
    const o = i * p
    let e = b0
    for (let j = 0; j < p; j++) {
      const zj = (X[o + j]! - means[j]!) * inv[j]!
      z[j] = zj
      e += theta[j + 1]! * zj
    }
    const ex = Math.exp(-e)
    const mu = 1 / (1 + ex)
    const yi = y[i]!
    loss += wi * ((e >= 0 ? e + Math.log1p(ex) : Math.log1p(Math.exp(e))) - yi * e)
    const r = wi * (mu - yi)
    const h = wi * mu * (1 - mu)
    g[0]! += r
    packed[0]! += h
    // Packed lower triangle walked sequentially: no index arithmetic in the innermost loop.
    let k = 1
    for (let a = 0; a < p; a++) {
      const za = z[a]!
      const hz = h * za
      g[a + 1]! += r * za
      packed[k++]! += hz
      for (let b = 0; b <= a; b++) packed[k++]! += hz * z[b]!
    }
  }
  let k = 0
  for (let a = 0; a < q; a++) for (let b = 0; b <= a; b++) H[a * q + b] = packed[k++]!
  return loss
}

/** Solve H d = -g for symmetric positive (semi)definite H (q×q, full storage); jitter if needed. */
function newtonDirection(H: Float64Array, g: Float64Array, q: number): Float64Array {
  let trace = 0
  for (let i = 0; i < q; i++) trace += H[i * q + i]!
  let jitter = 0
  for (let attempt = 0; attempt < 12; attempt++) {
    const L = new Float64Array(q * q)
    let ok = true
    for (let j = 0; j < q && ok; j++) {
      let s = H[j * q + j]! + jitter
      for (let k = 0; k < j; k++) s -= L[j * q + k]! ** 2
      if (!(s > 1e-300)) {
        ok = false
        break
      }
      const ljj = Math.sqrt(s)
      L[j * q + j] = ljj
      for (let i = j + 1; i < q; i++) {
        let t = H[i * q + j]!
        for (let k = 0; k < j; k++) t -= L[i * q + k]! * L[j * q + k]!
        L[i * q + j] = t / ljj
      }
    }
    if (ok) {
      const z = new Float64Array(q)
      for (let i = 0; i < q; i++) {
        let s = -g[i]!
        for (let k = 0; k < i; k++) s -= L[i * q + k]! * z[k]!
        z[i] = s / L[i * q + i]!
      }
      const d = new Float64Array(q)
      for (let i = q - 1; i >= 0; i--) {
        let s = z[i]!
        for (let k = i + 1; k < q; k++) s -= L[k * q + i]! * d[k]!
        d[i] = s / L[i * q + i]!
      }
      return d
    }
    jitter = jitter === 0 ? 1e-10 * (trace / q + 1e-12) : jitter * 100
  }
  // Cholesky never failed this far in practice; fall back to steepest descent rather than NaN.
  return g.map((v) => -v)
}

/**
 * Fit P(y = 1 | x) = σ(b₀ + Σⱼ βⱼ zⱼ), zⱼ = (xⱼ - mⱼ)/sⱼ (weighted mean and population SD), by
 * minimizing the penalized mean log-loss
 *   (1/W) Σᵢ wᵢ [log(1 + e^ηᵢ) - yᵢηᵢ] + (λ/2) Σⱼ βⱼ²     (intercept unpenalized)
 * with Newton's method and a backtracking (Armijo) line search (Hastie, Tibshirani & Friedman,
 * ESL 2nd ed., §4.4.1 and §4.4.4). Because λ multiplies a mean loss, its scale does not depend on n.
 * @param X row-major n×p features (n = y.length)
 * @param y outcomes 0/1
 * @example fitLogistic(new Float64Array([0, 1, 2, 3]), Uint8Array.of(0, 0, 1, 1), { lambda: 0.1 })
 * @throws UsageError for bad shapes, labels, weights or λ; DataError when one class is absent;
 *   ConvergenceError when maxIterations is reached (unless allowNonConvergence).
 */
export function fitLogistic(
  X: Float64Array,
  y: Uint8Array,
  options: LogisticOptions,
): LogisticModel {
  const n = y.length
  const p = dims(X, n)
  const { lambda } = options
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new UsageError('lambda must be >= 0', { lambda })
  const w = options.weights
  if (w && w.length !== n)
    throw new UsageError('weights length differs from y', { n, weights: w.length })
  let wy = 0
  for (let i = 0; i < n; i++) {
    const yi = y[i]!
    if (yi > 1) throw new UsageError('y must be 0 or 1', { row: i, y: yi })
    const wi = w ? w[i]! : 1
    if (!(wi >= 0) || !Number.isFinite(wi)) throw new UsageError('weights must be >= 0', { row: i })
    wy += wi * yi
  }
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i]!)) throw new UsageError('X has a non-finite value', { index: i })
  }
  const { means, scales, totalWeight: W } = standardize(X, n, p, w)
  const ybar = wy / W
  if (ybar <= 0 || ybar >= 1) {
    throw new DataError('logistic regression needs both outcomes among weighted rows', {
      rate: ybar,
    })
  }
  const q = p + 1
  const inv = new Float64Array(p)
  for (let j = 0; j < p; j++) inv[j] = 1 / scales[j]!
  const theta = new Float64Array(q)
  if (options.initial) {
    theta[0] = options.initial.intercept
    theta.set(options.initial.coefficients, 1)
  } else {
    theta[0] = Math.log(ybar / (1 - ybar))
  }
  // Materialized unit weights keep the hot loops monomorphic (one array type, no branches).
  const wt = w ?? new Float64Array(n).fill(1)
  const z = new Float64Array(p)
  const penalty = (t: Float64Array): number => {
    let s = 0
    for (let j = 1; j < q; j++) s += t[j]! ** 2
    return 0.5 * lambda * s
  }
  const objective = (t: Float64Array): number =>
    lossSum(X, y, wt, means, inv, t, n, p) / W + penalty(t)
  const g = new Float64Array(q)
  const H = new Float64Array(q * q)
  const maxIterations = options.maxIterations ?? 100
  const tol = options.tolerance ?? 1e-9
  // Each iteration is one pass: the loss at θ comes with its gradient and Hessian, and doubles as
  // the Armijo check of the step that led to θ; only a rejected step costs extra (loss-only) passes.
  const prevTheta = new Float64Array(q)
  let prevF = Number.POSITIVE_INFINITY
  let prevSlope = 0
  let checkStep = false
  let d: Float64Array = new Float64Array(q)
  for (let iter = 0; iter < maxIterations; iter++) {
    const f = accumulate(X, y, wt, means, inv, theta, n, p, z, g, H) / W + penalty(theta)
    if (checkStep && !(f <= prevF + 1e-4 * prevSlope)) {
      let step = 0.5
      let accepted = false
      for (let k = 0; k < 40; k++, step /= 2) {
        for (let a = 0; a < q; a++) theta[a] = prevTheta[a]! + step * d[a]!
        if (objective(theta) <= prevF + 1e-4 * step * prevSlope) {
          accepted = true
          break
        }
      }
      if (!accepted) {
        theta.set(prevTheta)
        return done(iter + 1, false)
      }
      checkStep = false
      continue // gradient and Hessian at the accepted point on the next pass
    }
    for (let a = 0; a < q; a++) {
      g[a]! /= W
      for (let b = 0; b <= a; b++) H[a * q + b]! /= W
    }
    for (let a = 1; a < q; a++) {
      g[a]! += lambda * theta[a]!
      H[a * q + a]! += lambda
    }
    for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) H[b * q + a] = H[a * q + b]!
    let gmax = 0
    for (let a = 0; a < q; a++) gmax = Math.max(gmax, Math.abs(g[a]!))
    if (gmax <= tol) return done(iter, true)
    d = newtonDirection(H, g, q)
    let slope = 0
    for (let a = 0; a < q; a++) slope += g[a]! * d[a]!
    // -slope is the squared Newton decrement, twice the predicted decrease (Boyd & Vandenberghe
    // §9.5.1). Below 1e-20 no representable improvement remains.
    if (-slope <= 1e-20) return done(iter, true)
    prevTheta.set(theta)
    prevF = f
    prevSlope = slope
    // In the quadratic regime (-slope < 1e-12) the decrease is below what f can resolve: take the
    // full step unchecked.
    checkStep = -slope >= 1e-12
    for (let a = 0; a < q; a++) theta[a]! += d[a]!
  }
  return done(maxIterations, false)

  function done(iterations: number, converged: boolean): LogisticModel {
    if (!converged && !options.allowNonConvergence) {
      throw new ConvergenceError(
        'logistic regression did not converge',
        iterations,
        Array.from(theta),
        {
          lambda,
        },
      )
    }
    return {
      coefficients: theta.slice(1),
      intercept: theta[0]!,
      means,
      scales,
      lambda,
      iterations,
      converged,
    }
  }
}

/** The log-odds b₀ + Σⱼ βⱼ (xᵢⱼ - mⱼ)/sⱼ of the rows of X (row-major n×p). */
function logOdds(model: LogisticModel, X: Float64Array): Float64Array {
  const p = model.coefficients.length
  if (p === 0 || X.length % p !== 0) {
    throw new UsageError('X length is not a multiple of the feature count', {
      p,
      xLength: X.length,
    })
  }
  const n = X.length / p
  const out = new Float64Array(n)
  const beta = new Float64Array(p)
  let b0 = model.intercept
  // Fold standardization into raw-scale coefficients once, instead of per row.
  for (let j = 0; j < p; j++) {
    beta[j] = model.coefficients[j]! / model.scales[j]!
    b0 -= beta[j]! * model.means[j]!
  }
  for (let i = 0; i < n; i++) {
    let e = b0
    const o = i * p
    for (let j = 0; j < p; j++) e += beta[j]! * X[o + j]!
    out[i] = e
  }
  return out
}

/**
 * Predicted probabilities σ(b₀ + Σⱼ βⱼ (xᵢⱼ - mⱼ)/sⱼ) for the rows of X (row-major n×p).
 * @throws UsageError when X's length is not a multiple of the model's feature count.
 */
export function predictLogistic(model: LogisticModel, X: Float64Array): Float64Array {
  const out = logOdds(model, X)
  for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-out[i]!))
  return out
}

/**
 * The model with its intercept moved so that its mean probability over the rows of X is `rate`:
 * the prior correction for a population whose base rate is not the training sample's (King &
 * Zeng 2001). The coefficients, and so every ranking, AUC and lift, are unchanged. The shift is
 * the root of the mean of σ(ηᵢ + c) - rate, increasing in c: Newton's steps, kept inside a
 * bracket that halves when a step would leave it.
 * @example withMeanRate(model, Xlater, positives / n).intercept
 * @throws DataError unless 0 < rate < 1 and X has rows.
 */
export function withMeanRate(model: LogisticModel, X: Float64Array, rate: number): LogisticModel {
  const eta = logOdds(model, X)
  const n = eta.length
  if (!(rate > 0 && rate < 1) || n === 0) {
    throw new DataError(
      `withMeanRate: need rows and a rate strictly between 0 and 1 (got ${n} rows, rate ${rate})`,
    )
  }
  let span = 0
  for (let i = 0; i < n; i++) span = Math.max(span, Math.abs(eta[i]!))
  // at c = ±(span + 40) every probability is within e^-40 of 1 or 0: the root is between
  let lo = -(span + 40)
  let hi = span + 40
  let c = 0
  for (let it = 0; it < 200; it++) {
    let mean = 0
    let slope = 0
    for (let i = 0; i < n; i++) {
      const q = 1 / (1 + Math.exp(-(eta[i]! + c)))
      mean += q
      slope += q * (1 - q)
    }
    mean /= n
    slope /= n
    const g = mean - rate
    if (g > 0) hi = c
    else lo = c
    if (Math.abs(g) <= 1e-12 * rate || hi - lo < 1e-12) break
    const step = slope > 0 ? c - g / slope : Number.NaN
    c = step > lo && step < hi ? step : (lo + hi) / 2
  }
  return { ...model, intercept: model.intercept + c }
}

/**
 * Per-feature contributions to one row's log-odds: βⱼ (xᵢⱼ - mⱼ)/sⱼ. They sum with the intercept to
 * the row's log-odds, so the largest positive ones are the "reasons" for a high score.
 * @throws UsageError for a row index outside X.
 */
export function logisticContributions(
  model: LogisticModel,
  X: Float64Array,
  row: number,
): Float64Array {
  const p = model.coefficients.length
  const o = row * p
  if (!Number.isInteger(row) || row < 0 || o + p > X.length) {
    throw new UsageError('row outside X', { row, rows: Math.floor(X.length / Math.max(p, 1)) })
  }
  const out = new Float64Array(p)
  for (let j = 0; j < p; j++) {
    out[j] = (model.coefficients[j]! * (X[o + j]! - model.means[j]!)) / model.scales[j]!
  }
  return out
}

/**
 * Weighted mean log-loss -(1/W) Σ wᵢ [yᵢ log pᵢ + (1 - yᵢ) log(1 - pᵢ)], with p clipped to
 * [1e-15, 1 - 1e-15] so a confident mistake costs ~34.5 instead of Infinity.
 * @throws UsageError for mismatched lengths or zero total weight.
 */
export function logLoss(
  probabilities: Float64Array,
  y: Uint8Array,
  weights?: Float64Array,
): number {
  if (probabilities.length !== y.length || (weights && weights.length !== y.length)) {
    throw new UsageError('logLoss inputs differ in length')
  }
  let s = 0
  let W = 0
  for (let i = 0; i < y.length; i++) {
    const wi = weights ? weights[i]! : 1
    if (wi === 0) continue
    const pi = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i]!))
    s -= wi * (y[i] ? Math.log(pi) : Math.log1p(-pi))
    W += wi
  }
  if (!(W > 0)) throw new UsageError('logLoss: total weight is zero')
  return s / W
}

/** Result of {@link crossValidateLambda}. */
export interface LambdaCvResult {
  /** λ with the lowest mean held-out log-loss. */
  readonly lambda: number
  /** Candidates, largest first (the order they were fitted in, warm-started). */
  readonly lambdas: Float64Array
  readonly meanLogLoss: Float64Array
  /** Standard error of the mean across folds. */
  readonly standardError: Float64Array
}

export const DEFAULT_LAMBDAS: readonly number[] = [
  1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 3e-4, 1e-4,
]

/**
 * Choose λ by k-fold cross-validation on held-out log-loss (ESL §7.10). Folds are stratified by y
 * and drawn from a seeded generator, so the choice is reproducible; each fold fits the λ path from
 * the largest penalty down, warm-starting each fit from the previous one. Inputs larger than
 * `maxRows` are sampled down first (seeded), which keeps the cost bounded for 1M+ rows.
 * @example crossValidateLambda(X, y, { folds: 5, seed: 1 }).lambda
 * @throws UsageError for bad shapes or fewer rows of a class than folds; errors of {@link fitLogistic}.
 */
export function crossValidateLambda(
  X: Float64Array,
  y: Uint8Array,
  options: {
    readonly lambdas?: readonly number[]
    readonly folds?: number
    readonly seed?: number
    readonly weights?: Float64Array
    /** Cross-validate on a seeded random sample of about this many rows (default 100 000). */
    readonly maxRows?: number
  } = {},
): LambdaCvResult {
  const p = dims(X, y.length)
  const maxRows = options.maxRows ?? 100_000
  if (y.length > maxRows) {
    // λ's scale does not depend on n (mean loss), so a sample chooses it as well as all rows would,
    // at a fraction of the k × |λ| fits.
    const rng = createRng((options.seed ?? 1) ^ 0x5bd1e995)
    const keep = new Uint8Array(y.length)
    let m = 0
    for (let i = 0; i < y.length; i++) {
      if (rng.uniform() * y.length < maxRows) {
        keep[i] = 1
        m++
      }
    }
    const Xs = new Float64Array(m * p)
    const ys = new Uint8Array(m)
    const ws = options.weights ? new Float64Array(m) : undefined
    for (let i = 0, r = 0; i < y.length; i++) {
      if (!keep[i]) continue
      Xs.set(X.subarray(i * p, i * p + p), r * p)
      ys[r] = y[i]!
      if (ws) ws[r] = options.weights![i]!
      r++
    }
    return crossValidateLambda(Xs, ys, {
      ...options,
      weights: ws,
      maxRows: Number.POSITIVE_INFINITY,
    })
  }
  const n = y.length
  const k = options.folds ?? 5
  if (!Number.isInteger(k) || k < 2 || k > 100) {
    throw new UsageError('folds must be an integer from 2 to 100', { folds: k })
  }
  const lambdas = Float64Array.from(options.lambdas ?? DEFAULT_LAMBDAS)
    .sort()
    .reverse()
  if (lambdas.length === 0) throw new UsageError('no lambda candidates')
  const fold = stratifiedFolds(y, k, options.seed ?? 1)
  const losses = new Float64Array(lambdas.length * k)
  const trainW = new Float64Array(n)
  const testW = new Float64Array(n)
  for (let f = 0; f < k; f++) {
    for (let i = 0; i < n; i++) {
      const wi = options.weights ? options.weights[i]! : 1
      trainW[i] = fold[i] === f ? 0 : wi
      testW[i] = fold[i] === f ? wi : 0
    }
    let prev: LogisticModel | undefined
    for (let l = 0; l < lambdas.length; l++) {
      const model: LogisticModel = fitLogistic(X, y, {
        lambda: lambdas[l]!,
        weights: trainW,
        initial: prev ? { intercept: prev.intercept, coefficients: prev.coefficients } : undefined,
      })
      losses[l * k + f] = logLoss(predictLogistic(model, X), y, testW)
      prev = model
    }
  }
  const meanLogLoss = new Float64Array(lambdas.length)
  const standardError = new Float64Array(lambdas.length)
  let best = 0
  for (let l = 0; l < lambdas.length; l++) {
    let s = 0
    for (let f = 0; f < k; f++) s += losses[l * k + f]!
    const m = s / k
    let v = 0
    for (let f = 0; f < k; f++) v += (losses[l * k + f]! - m) ** 2
    meanLogLoss[l] = m
    standardError[l] = Math.sqrt(v / (k - 1) / k)
    if (m < meanLogLoss[best]!) best = l
  }
  return { lambda: lambdas[best]!, lambdas, meanLogLoss, standardError }
}

/** Fold index per row: positives and negatives shuffled separately and dealt round-robin. */
function stratifiedFolds(y: Uint8Array, k: number, seed: number): Uint8Array {
  const rng = createRng(seed)
  const fold = new Uint8Array(y.length)
  for (const cls of [0, 1]) {
    let count = 0
    for (let i = 0; i < y.length; i++) if (y[i] === cls) count++
    const idx = new Uint32Array(count)
    for (let i = 0, c = 0; i < y.length; i++) if (y[i] === cls) idx[c++] = i
    if (idx.length < k) {
      throw new UsageError('fewer rows of one outcome than folds', {
        outcome: cls,
        rows: idx.length,
        folds: k,
      })
    }
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1))
      const t = idx[i]!
      idx[i] = idx[j]!
      idx[j] = t
    }
    for (let r = 0; r < idx.length; r++) fold[idx[r]!] = r % k
  }
  return fold
}
