// Shared shapes for the probability models: compressed histories in, a fitted result out.

/** Unique (x, t_x, T) histories with the number of customers (weight) sharing each. */
export interface Histories {
  readonly x: Float64Array
  readonly tx: Float64Array
  readonly T: Float64Array
  readonly weight: Float64Array
  /** Sum of weights: the number of customers represented. */
  readonly customers: number
}

/**
 * A parameter's standard error (delta method, from the Hessian of the log-likelihood), or NaN where
 * the fit has none: a parameter held at a limit of the model rather than estimated (a and b of
 * BG/NBD and MBG/NBD at the shared-dropout limit, s and beta of Pareto/NBD at the common-dropout
 * limit, r and alpha of analyze's Poisson limit; `FitResult.note` says so). Test it with
 * Number.isFinite, not `!== null`: JSON.stringify writes NaN as null, as `loyals fit --json` does.
 */
export type StandardError = number

export interface FitResult<P extends Record<string, number>> {
  readonly model: string
  readonly params: P
  /** One {@link StandardError} per parameter: NaN (null in JSON) for one held at a limit. */
  readonly standardErrors: { readonly [K in keyof P]: StandardError }
  /**
   * 95 % intervals, symmetric on the log scale: exp(log p ± 1.959963984540054 se_log); [NaN, NaN]
   * (null in JSON) where the standard error is NaN.
   */
  readonly confidenceIntervals: { readonly [K in keyof P]: readonly [number, number] }
  readonly logLikelihood: number
  readonly customers: number
  readonly iterations: number
  readonly aic: number
  readonly bic: number
  readonly converged: true
  /**
   * Said with the fit when it is a limit of the model (BG/NBD with a dropout shared by all), whose
   * parameters held at the limit have NaN standard errors and intervals.
   */
  readonly note?: string
}
