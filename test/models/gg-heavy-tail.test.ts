// Gamma-Gamma on heavy-tailed spend (300 repeaters, mean spend log-uniform over 0.01..1e6): the
// fit reaches the global maximum scipy and mpmath find (scripts/fixtures/gg_heavy_tail.py), where
// it stopped at a local one (c7) or refused an interior optimum as a run-off of gamma (g9, g10).
import { describe, expect, it } from 'vitest'
import {
  fitGammaGamma,
  fitGammaGammaFrom,
  gammaGammaLogLikelihood,
} from '../../src/core/models/gamma-gamma.ts'
import { ConvergenceError } from '../../src/errors.ts'
import { csvColumns, fixtureJson } from './fixtures.ts'

interface Case {
  customers: number
  params: { p: number; q: number; gamma: number }
  logLikelihood: number
}
const fx = fixtureJson<{
  cases: Record<string, Case>
  g8Profile: { logP: number; logLikelihood: number }[]
}>('gg_heavy_tail.json')

const spend = (name: string) => {
  const c = csvColumns(`models/gg-heavy-tail/${name}.csv`)
  return { x: c.x!, mx: c.monetary! }
}

const expectAtMaximum = (
  f: { params: Case['params']; logLikelihood: number },
  want: Case,
  scale = 1,
  shift = 0,
) => {
  expect(Math.abs(f.logLikelihood - (want.logLikelihood - shift))).toBeLessThan(1e-3)
  expect(Math.abs(f.params.p / want.params.p - 1)).toBeLessThan(1e-3)
  expect(Math.abs(f.params.q / want.params.q - 1)).toBeLessThan(1e-3)
  expect(Math.abs(f.params.gamma / (want.params.gamma * scale) - 1)).toBeLessThan(1e-3)
}

describe('Gamma-Gamma on heavy-tailed spend reaches the global maximum', () => {
  for (const name of ['c7', 'g9', 'g10']) {
    it(`${name}: LL and parameters of the global maximum`, () => {
      const want = fx.cases[name]!
      const data = spend(name)
      // the fixture's LL is the package's own at its parameters (mpmath agrees to 1e-9)
      expect(
        Math.abs(gammaGammaLogLikelihood(want.params, data) - want.logLikelihood),
      ).toBeLessThan(1e-6)
      const f = fitGammaGamma(data)
      expect(f.customers).toBe(want.customers)
      expectAtMaximum(f, want)
      expect(f.warnings.join(' ')).toMatch(/q <= 1/)
    })
  }

  it('finds it in any currency unit (the starts and the unit move with the spend)', () => {
    const want = fx.cases.c7!
    const data = spend('c7')
    for (const c of [1e-6, 1e6]) {
      const f = fitGammaGamma({ x: data.x, mx: data.mx.map((m) => m * c) })
      expectAtMaximum(f, want, c, want.customers * Math.log(c))
    }
  })

  it('a run-off of gamma past the bound is checked in the unit where it stopped', () => {
    // the fit as it was: from (2, 3, mean spend) in units of the mean spend, g10's optimum has
    // gamma e^-15.2 of that unit, past the run-off bound of e^-15, and was refused as a run-off
    const data = spend('g10')
    const mean = data.mx.reduce((a, b) => a + b, 0) / data.mx.length
    const f = fitGammaGammaFrom(data, { p: 2, q: 3, gamma: mean }, mean)
    expectAtMaximum(f, fx.cases.g10!)
  })

  it('g8 has no maximum (the LL rises as p grows) and still fails, saying why', () => {
    const prof = fx.g8Profile.map((r) => r.logLikelihood)
    prof.slice(1).forEach((v, i) => {
      expect(v).toBeGreaterThan(prof[i]!)
    })
    const data = spend('g8')
    expect(() => fitGammaGamma(data)).toThrow(ConvergenceError)
    expect(() => fitGammaGamma(data)).toThrow(/the transaction values of each customer do not vary/)
  })
})
