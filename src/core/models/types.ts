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

export interface FitResult<P extends Record<string, number>> {
  readonly model: string
  readonly params: P
  readonly standardErrors: { readonly [K in keyof P]: number }
  /** 95 % intervals, symmetric on the log scale: exp(log p ± 1.959963984540054 se_log). */
  readonly confidenceIntervals: { readonly [K in keyof P]: readonly [number, number] }
  readonly logLikelihood: number
  readonly customers: number
  readonly iterations: number
  readonly aic: number
  readonly bic: number
  readonly converged: true
  /** Said with the fit when it is a limit of the model (BG/NBD with a dropout shared by all). */
  readonly note?: string
}
