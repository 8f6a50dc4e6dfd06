// BG/NBD (Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2)): a customer buys at Poisson rate λ ~ Gamma(r, α) and drops out after each purchase with probability p ~ Beta(a, b).
// Built by bgModel (bg-model.ts) with k = 0.
import type { BgFitOptions, BgParams, SimulatedHistories } from './bg-family.ts'
import { bgModel } from './bg-model.ts'

export type { BgFitOptions, BgParams, SimulatedHistories }

export const bgnbd = bgModel(0, 'bgnbd')
export const {
  fit,
  logLikelihood,
  logLikelihoodPerHistory,
  gradient,
  probabilityAlive,
  expectedPurchases,
  expectedPurchasesNew,
  probabilityOfPurchases,
  probabilityAnyPurchase,
  expectedNextPurchaseTime,
  simulate,
  scoreAll,
} = bgnbd
