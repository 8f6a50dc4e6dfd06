// Public library surface: explicit named exports only.
export const VERSION = '0.1.0'
export { importFile } from './service/import/import-file.ts'
export type { ImportOptions, ImportResult } from './service/import/import-file.ts'
export {
  lgamma,
  digamma,
  trigamma,
  lbeta,
  logSumExp,
  logDiffExp,
  log1pExp,
  hyp2f1,
  logHyp2f1,
  SpecialFunctionError,
} from './core/special.ts'
export {
  bfgs,
  nelderMead,
  minimize,
  numericGradient,
  numericHessian,
  invertSymmetric,
  standardErrorsFromLogHessian,
} from './core/optimize.ts'
export type { OptimResult } from './core/optimize.ts'
export { compressHistories } from './core/compress.ts'
export { createRng } from './core/random.ts'
export type { Rng } from './core/random.ts'
export type { Histories, FitResult } from './core/models/types.ts'
export type { NextPurchase } from './core/models/common.ts'
export { bgnbd } from './core/models/bgnbd.ts'
export type { BgParams } from './core/models/bgnbd.ts'
export { mbgnbd } from './core/models/mbgnbd.ts'
export { paretoNbd } from './core/models/pareto-nbd.ts'
export type { ParetoParams } from './core/models/pareto-nbd.ts'
