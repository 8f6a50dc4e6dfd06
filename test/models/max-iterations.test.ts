// maxIterations means one thing in every repeat-purchase fit: the most optimizer iterations the
// whole fit may take. It was the per-stage BFGS cap, so 1 sent Pareto/NBD through Nelder-Mead to a
// converged fit of 183 iterations and BG/NBD to a ConvergenceError after 600 evaluations, and 0 was
// "no start value converged" with the cause in details.attempts.
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import { paretoNbd } from '../../src/core/models/pareto-nbd.ts'
import { ConvergenceError, UsageError } from '../../src/errors.ts'
import { csvColumns } from './fixtures.ts'

const cal = csvColumns('cdnow/cdnow_calibration_summary.csv')
const cdnow = compressHistories(cal.x!, cal['t.x']!, cal['T.cal']!)
// biome-ignore lint/suspicious/noExplicitAny: the three model objects share a duck-typed surface
const models: [string, any][] = [
  ['bgnbd', bgnbd],
  ['mbgnbd', mbgnbd],
  ['pareto', paretoNbd],
]

function thrown(f: () => unknown): Error {
  try {
    f()
  } catch (e) {
    if (e instanceof Error) return e
  }
  throw new Error('expected the fit to throw')
}

describe.each(models)('%s.fit maxIterations', (name, model) => {
  const free = model.fit(cdnow)

  it('is refused up front as a UsageError unless a whole number >= 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '10']) {
      const e = thrown(() => model.fit(cdnow, { maxIterations: bad }))
      expect(e, String(bad)).toBeInstanceOf(UsageError)
      expect(e.message).toMatch(
        new RegExp(`^${name}: maxIterations must be a whole number of at least 1, .*\\(got `),
      )
    }
  })

  it('caps the iterations the fit reports: fewer than it needs is a ConvergenceError naming it', () => {
    const e = thrown(() => model.fit(cdnow, { maxIterations: 1 }))
    expect(e).toBeInstanceOf(ConvergenceError)
    expect(e.message).toBe(
      `${name}: the fit took ${free.iterations} optimizer iterations to converge, more than maxIterations 1 (raise it, or leave it out)`,
    )
    expect((e as ConvergenceError).details).toMatchObject({
      maxIterations: 1,
      iterations: free.iterations,
    })
    expect(() => model.fit(cdnow, { maxIterations: free.iterations - 1 })).toThrow(ConvergenceError)
  })

  it('never steers: within it the fit is the one without it', () => {
    for (const maxIterations of [free.iterations, 1000]) {
      const capped = model.fit(cdnow, { maxIterations })
      expect(capped.iterations).toBe(free.iterations)
      expect(capped.params).toEqual(free.params)
    }
  })
})
