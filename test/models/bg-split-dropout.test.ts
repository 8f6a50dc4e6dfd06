// BG/NBD on ten customers whose likelihood rises toward a, b → 0 with a/(a+b) kept: a third of the
// repeat buyers stopped after one early repeat purchase, the rest went on. The fit stopped at a's
// bound and called it the no-dropout limit ("no sign of customers dropping out"), though the NBD
// is 2.4 below in log-likelihood. It is the split-dropout limit, fitted as such; mpmath maximized
// it in closed form (scripts/fixtures/bg_split_dropout.py).
import { describe, expect, it } from 'vitest'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { expectSplitLimit, fixtureJson, historiesOf } from './fixtures.ts'

interface Fixture {
  histories: { x: number[]; t_x: number[]; T: number[] }
  splitLimit: { r: number; alpha: number; p: number; logLikelihood: number }
  atSize1e6: { logLikelihood: number }
  nbd: { logLikelihood: number }
}

const F = fixtureJson<Fixture>('bg_split_dropout.json')
const h = historiesOf(F.histories)

describe('BG/NBD running to a, b → 0 with a/(a+b) kept', () => {
  it('is the split-dropout limit: the mpmath maximum, not the no-dropout error', () => {
    const fit = bgnbd.fit(h)
    expectSplitLimit(fit, F.splitLimit, F.atSize1e6.logLikelihood)
    // within the fit size's distance of the limit's supremum, and well above the NBD
    expect(Math.abs(fit.logLikelihood - F.splitLimit.logLikelihood)).toBeLessThan(1e-4)
    expect(fit.logLikelihood).toBeGreaterThan(F.nbd.logLikelihood + 2)
    expect(fit.note).toContain('a share 0.334 of them dropping out at their first purchase chance')
    // two-group P(alive): x = 1 bought early and long ago is likely gone, x = 0 is alive
    expect(bgnbd.probabilityAlive(fit.params, 0, 0, 39)).toBe(1)
    expect(bgnbd.probabilityAlive(fit.params, 1, 2, 39)).toBeLessThan(0.5)
  })
})
