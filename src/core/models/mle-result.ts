// Turns an optimum on log-parameters into a FitResult: Hessian of the total negative log-likelihood
// (from the analytic gradient when there is one), delta-method standard errors, log-scale 95 % CIs.
import { type ConvergenceDetails, ConvergenceError } from '../../errors.ts'
import {
  type Grad,
  hessianFromGradient,
  minimize,
  numericHessian,
  standardErrorsFromLogHessian,
} from '../optimize.ts'
import { EXTREME_LOG, type FitLimit, FLAT_LOG_SE } from './common.ts'
import type { FitResult } from './types.ts'

// The exact 97.5 % normal quantile, as summarizeFit (common.ts) uses: with the rounded 1.96 the
// intervals of the two fitting paths differed by ~6e-6 relative.
const Z975 = 1.959963984540054

/** What a model supplies to {@link fitOnLogScale}: objective in log-parameters, names, counts. */
export interface LogScaleProblem {
  readonly model: string
  readonly names: readonly string[]
  /** Log-likelihood (total, weighted) at natural-scale parameters. */
  readonly logLikelihood: (params: readonly number[]) => number
  /** d LL / d log θ_i (total); omit to use central differences. */
  readonly gradientLog?: (logParams: readonly number[]) => number[]
  readonly start: readonly number[]
  /**
   * More starting points, tried after `start`: the fit with the highest likelihood wins (a ridge
   * the first run follows to a boundary can hide an interior maximum). Runs that fail are skipped
   * while one succeeds.
   */
  readonly moreStarts?: readonly (readonly number[])[]
  /** Number of customers (weights summed): scales the objective and enters BIC. */
  readonly customers: number
  /**
   * Plain-words meaning of an optimum far out at a boundary (some |log θ| past 7) where the
   * likelihood is flat, appended to that ConvergenceError (log-parameters given).
   */
  readonly explainFlat?: (logParams: readonly number[]) => string | undefined
  /**
   * The model's limit at these log-parameters, if any ('no-dropout': nobody drops out), set as
   * `details.limit` on the ConvergenceError of a fit that ran off to it or stopped flat there.
   */
  readonly limitAt?: (logParams: readonly number[]) => FitLimit | undefined
  /** Plain-words meaning of a parameter running off to a boundary, for the error message. */
  readonly explainBoundary?: (
    name: string,
    direction: 'high' | 'low',
    x: readonly number[],
  ) => string | undefined
}

/**
 * Maximize the log-likelihood over log-parameters (objective scaled to a mean per customer so the
 * gradient tolerance means the same at any data size) and build the FitResult.
 * Throws ConvergenceError when the optimizer stalls or the Hessian is not positive definite.
 */
export function fitOnLogScale<P extends Record<string, number>>(
  prob: LogScaleProblem,
): FitResult<P> {
  const n = prob.customers
  const f = (th: readonly number[]): number => -prob.logLikelihood(th.map(Math.exp)) / n
  const g: Grad | undefined = prob.gradientLog
    ? (th) => prob.gradientLog!(th).map((v) => -v / n)
    : undefined
  const run = (start: readonly number[]) =>
    minimize(f, start.map(Math.log), {
      names: prob.names,
      ...(g ? { grad: g } : {}),
      ...(prob.explainBoundary ? { explainBoundary: prob.explainBoundary } : {}),
    })
  let opt: ReturnType<typeof minimize> | null = null
  let failure: unknown = null
  for (const start of [prob.start, ...(prob.moreStarts ?? [])]) {
    try {
      const o = run(start)
      if (opt === null || o.value < opt.value) opt = o
    } catch (e) {
      if (!(e instanceof ConvergenceError)) throw e
      failure ??= e
    }
  }
  if (opt === null) {
    // a run-off: the same error, with its limit from where it stopped (log-parameters)
    const e = failure as ConvergenceError
    const { iterations, lastParams, ...rest } = e.details as ConvergenceDetails
    const limit = prob.limitAt?.(lastParams)
    throw limit ? new ConvergenceError(e.message, iterations, lastParams, { ...rest, limit }) : e
  }
  const th = opt.x
  const iterations = opt.iterations
  // a flat optimum far out at a boundary: what that boundary says about the data, when known
  const flat = (message: string, details: Record<string, unknown>): ConvergenceError => {
    const far = th.some((t) => Math.abs(t) > EXTREME_LOG)
    const meaning = far ? prob.explainFlat?.(th) : undefined
    const limit = far ? prob.limitAt?.(th) : undefined
    return new ConvergenceError(
      meaning ? `${message}: ${meaning}` : message,
      iterations,
      th.map(Math.exp),
      { ...details, ...(limit ? { limit } : {}) },
    )
  }
  const H = g
    ? hessianFromGradient((t) => g(t).map((v) => v * n), th)
    : numericHessian((t) => f(t) * n, th)
  let se: number[]
  try {
    se = standardErrorsFromLogHessian(th, H).standardErrors
  } catch (e) {
    throw flat(
      `${prob.model}: the likelihood is flat in some direction at the optimum (Hessian not positive definite); the data cannot identify all parameters`,
      { hessian: H, cause: e instanceof Error ? e.message : String(e) },
    )
  }
  const params: Record<string, number> = {}
  const standardErrors: Record<string, number> = {}
  const confidenceIntervals: Record<string, readonly [number, number]> = {}
  prob.names.forEach((name, i) => {
    const v = Math.exp(th[i]!)
    const s = se[i]!
    params[name] = v
    standardErrors[name] = s
    const seLog = s / v
    confidenceIntervals[name] = [v * Math.exp(-Z975 * seLog), v * Math.exp(Z975 * seLog)]
  })
  // an interval of [0, inf] (a log-scale SE past ~360) is no estimate: the optimum sits on a
  // ridge the curvature cannot see (as common.ts says of the purchase models)
  const unbounded = prob.names.filter((name) => {
    const [lo, hi] = confidenceIntervals[name]!
    return !(lo > 0 && Number.isFinite(hi))
  })
  if (unbounded.length > 0) {
    throw flat(
      `${prob.model}: the likelihood is flat at the optimum: the 95 % interval of ${unbounded.join(', ')} runs from 0 to infinity, so the data cannot identify ${unbounded.length === 1 ? 'it' : 'them'}`,
      {},
    )
  }
  // an optimum past e^±7 whose interval spans more than e^±20 (a log-scale SE past 10) is the
  // same ridge, seen with a curvature that still has digits: an sBG curve with level retention
  // stopped at alpha = beta = 2e4 with intervals of 6e-37 to 7e44, and was returned as a fit
  const adrift = prob.names.filter(
    (_name, i) => Math.abs(th[i]!) > EXTREME_LOG && se[i]! / Math.exp(th[i]!) > FLAT_LOG_SE,
  )
  if (adrift.length > 0) {
    const [lo, hi] = confidenceIntervals[adrift[0]!]!
    throw flat(
      `${prob.model}: the likelihood is flat at the optimum: ${adrift.map((name) => `${name} = ${params[name]!.toPrecision(3)}`).join(', ')}, far out on a ridge (the 95 % interval of ${adrift[0]} runs from ${lo.toPrecision(2)} to ${hi.toPrecision(2)}), so the data cannot identify ${adrift.length === 1 ? 'it' : 'them'}`,
      {},
    )
  }
  const ll = -opt.value * n
  const k = prob.names.length
  return {
    model: prob.model,
    params: params as P,
    standardErrors: standardErrors as FitResult<P>['standardErrors'],
    confidenceIntervals: confidenceIntervals as FitResult<P>['confidenceIntervals'],
    logLikelihood: ll,
    customers: n,
    iterations: opt.iterations,
    aic: 2 * k - 2 * ll,
    bic: k * Math.log(n) - 2 * ll,
    converged: true,
  }
}
