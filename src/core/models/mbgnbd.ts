// MBG/NBD (Batislam, Denizel & Filiztekin (2007), IJRM 24(3)): as BG/NBD, but a customer can also drop out right after the first purchase (so x = 0 customers may be inactive).
// Built by bgModel (bg-model.ts) with k = 1.
import type { BgFitOptions, BgParams, SimulatedHistories } from './bg-family.ts'
import { bgModel } from './bg-model.ts'

export type { BgFitOptions, BgParams, SimulatedHistories }

export const mbgnbd = bgModel(1, 'mbgnbd')
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
} = mbgnbd
