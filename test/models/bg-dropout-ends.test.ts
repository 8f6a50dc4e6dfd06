// BG/NBD fits that ended at one limit of the dropout parameters when another is more likely; both
// limits, the NBD and the four-parameter likelihood were maximized in mpmath
// (scripts/fixtures/bg_dropout_ends.py). Six customers whose likelihood runs along the ridge
// a/(a+b) = p to both ends: the fit ran to a, b → ∞ (one dropout probability for all) and returned
// that limit, though the other end, a, b → 0 (a share gone at their first chance, the rest never),
// is 0.0015 higher. Ten customers whose fit ran to a → 0 and said "no sign of customers dropping
// out", though the split end is 0.069 above the NBD's maximum.
import { describe, expect, it } from 'vitest'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { expectSplitLimit, fixtureJson, historiesOf } from './fixtures.ts'

interface Limit {
  r: number
  alpha: number
  p: number
  logLikelihood: number
}
interface Case {
  histories: { x: number[]; t_x: number[]; T: number[] }
  sharedLimit: Limit
  splitLimit: Limit
  splitAtSize1e6: { logLikelihood: number }
  nbd: { logLikelihood: number }
  bestInterior: { logLikelihood: number }
}

const F = fixtureJson<{ ends: Case; noDropout: Case }>('bg_dropout_ends.json')
/** The fit is the split limit of `c` at a + b = 1e-6, the mpmath maximum. */
function expectSplit(c: Case): void {
  const fit = bgnbd.fit(historiesOf(c.histories))
  expectSplitLimit(fit, c.splitLimit, c.splitAtSize1e6.logLikelihood)
  expect(fit.note).toContain('a and b ran off to zero together')
}

describe('BG/NBD whose ridge a/(a+b) = p rises to both ends', () => {
  it('returns the more likely end (the split one), not the end the optimizer ran to', () => {
    const c = F.ends
    expect(c.splitLimit.logLikelihood).toBeGreaterThan(c.sharedLimit.logLikelihood + 1e-3)
    expect(c.splitLimit.logLikelihood).toBeGreaterThan(c.bestInterior.logLikelihood)
    expectSplit(c)
  })

  it('returns the split end over the no-dropout limit it ran to when that is the more likely', () => {
    const c = F.noDropout
    expect(c.splitLimit.logLikelihood).toBeGreaterThan(c.nbd.logLikelihood + 0.05)
    expect(c.splitLimit.logLikelihood).toBeGreaterThan(c.bestInterior.logLikelihood - 1e-6)
    expectSplit(c)
  })
})
