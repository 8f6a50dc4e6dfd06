// Regression: on the 5,000-customer generated company (`loyals generate --customers 5000`, seed 1)
// the Pareto/NBD optimum is the s, beta -> infinity ridge (no dropout heterogeneity), and the fit used
// to run for many minutes. Every model must now end quickly: a fit or a ConvergenceError.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import * as bgnbd from '../../src/core/models/bgnbd.ts'
import * as mbgnbd from '../../src/core/models/mbgnbd.ts'
import * as pareto from '../../src/core/models/pareto-nbd.ts'
import { ConvergenceError } from '../../src/errors.ts'

// Distinct (x, t_x, T) histories with customer counts, from the company's summary (weeks).
function histories() {
  const lines = readFileSync(
    new URL('../fixtures/models/company-5000-histories.csv', import.meta.url),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
  const cols = [0, 1, 2, 3].map(() => new Float64Array(lines.length))
  lines.forEach((l, i) => {
    l.split(',').forEach((v, j) => {
      cols[j]![i] = Number(v)
    })
  })
  return compressHistories(cols[0]!, cols[1]!, cols[2]!, cols[3]!)
}

describe('fits on the 5,000-customer company end in bounded time', () => {
  const h = histories()
  it('has the reported shape', () => {
    expect(h.customers).toBe(4734)
    expect(h.x.length).toBe(3447)
  })
  for (const [name, fitModel] of [
    ['bgnbd', bgnbd.fit],
    ['mbgnbd', mbgnbd.fit],
    ['pareto', pareto.fit],
  ] as const) {
    it(`${name} returns a fit or a ConvergenceError`, () => {
      let outcome: 'fit' | 'convergence'
      try {
        const f = fitModel(h)
        expect(Number.isFinite(f.logLikelihood)).toBe(true)
        outcome = 'fit'
      } catch (e) {
        expect(e).toBeInstanceOf(ConvergenceError)
        expect((e as ConvergenceError).message.length).toBeGreaterThan(20)
        outcome = 'convergence'
      }
      expect(['fit', 'convergence']).toContain(outcome)
    }, 60_000)
  }
  it('BG/NBD still fits this data (the chosen model must not depend on the Pareto outcome)', () => {
    const f = bgnbd.fit(h)
    expect(f.params.r).toBeGreaterThan(0.3)
    expect(f.params.r).toBeLessThan(0.6)
  })
})
