// Pareto/NBD on customers who never drop out, where the optimizer stops short of the no-dropout
// limit on a slope too flat to follow (s ~ 1e-4, its interval 1e-170 to 1e162) with a Hessian that
// is still positive definite: the no-dropout error, as where the Hessian says flat outright, not a
// fit below the NBD's likelihood. Data and the NBD's maximum (scipy):
// scripts/fixtures/pareto_no_dropout_adrift.py -> test/fixtures/models/pareto_no_dropout_adrift.json.
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import { fit as nbdFit } from '../../src/core/models/nbd.ts'
import { paretoNbd } from '../../src/core/models/pareto-nbd.ts'
import { ConvergenceError } from '../../src/errors.ts'
import { fixtureJson } from './fixtures.ts'

const fx = fixtureJson<{ x: number[]; tx: number[]; T: number[]; nbdLogLikelihood: number }>(
  'pareto_no_dropout_adrift.json',
)
const h = compressHistories(fx.x, fx.tx, fx.T)

describe('Pareto/NBD stopped short of the no-dropout limit', () => {
  it('is the no-dropout error, the NBD at least as likely as where it stopped', () => {
    let err: unknown
    try {
      paretoNbd.fit(h)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConvergenceError)
    const e = err as ConvergenceError
    const d = e.details as {
      limit?: string
      logLikelihood: number
      nbdLogLikelihood: number
      lastParams: number[]
      confidenceIntervals: Record<string, [number, number]>
    }
    expect(d.limit).toBe('no-dropout')
    expect(e.message).toMatch(/no sign of customers dropping out/)
    expect(e.message).toMatch(/the NBD \(no dropout\) is the model for these data/)
    // where it stopped: s past e^-7, its interval no estimate
    expect(d.lastParams[2]!).toBeLessThan(Math.exp(-7))
    const [lo, hi] = d.confidenceIntervals.s!
    expect(hi / lo).toBeGreaterThan(1e17)
    // the NBD's maximum, by scipy, is what the error compares with, and is above the stop
    expect(Math.abs(d.nbdLogLikelihood - fx.nbdLogLikelihood)).toBeLessThan(1e-6)
    expect(d.nbdLogLikelihood).toBeGreaterThanOrEqual(d.logLikelihood)
    expect(Math.abs(nbdFit(h).logLikelihood - fx.nbdLogLikelihood)).toBeLessThan(1e-6)
  })
})
