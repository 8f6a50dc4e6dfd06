// maxIterations means one thing in every repeat-purchase fit: the most optimizer iterations the
// whole fit may take. It was the per-stage BFGS cap, so 1 sent Pareto/NBD through Nelder-Mead to a
// converged fit of 183 iterations and BG/NBD to a ConvergenceError after 600 evaluations, and 0 was
// "no start value converged" with the cause in details.attempts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compressHistories, HistoryCompressor } from '../../src/core/compress.ts'
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

// QA: a fit that ends at a dropout limit reported only the limit fit's iterations (0 here), not
// the 39 of the run that led to it, so maxIterations 1 did not throw
describe('a BG/NBD fit ending at the split-dropout limit', () => {
  // the CDNOW sample's first six weeks (as of 1997-02-15), summarized here in weeks
  const asOf = Date.UTC(1997, 1, 15)
  const days = new Map<string, Set<number>>()
  const rows = readFileSync(
    join(import.meta.dirname, '../../data/cdnow/cdnow_sample_orders.csv'),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
  for (const line of rows) {
    const [id, at] = line.split(',')
    const day = Date.parse(`${at}T00:00:00Z`)
    if (day > asOf) continue
    let s = days.get(id!)
    if (!s) {
      s = new Set()
      days.set(id!, s)
    }
    s.add(day)
  }
  const x: number[] = []
  const tx: number[] = []
  const T: number[] = []
  const week = 7 * 86_400_000
  for (const s of days.values()) {
    const d = [...s].sort((a, b) => a - b)
    x.push(d.length - 1)
    tx.push((d[d.length - 1]! - d[0]!) / week)
    T.push((asOf - d[0]!) / week)
  }
  const h = compressHistories(Float64Array.from(x), Float64Array.from(tx), Float64Array.from(T))

  // the same histories in the order `loyals fit` compresses a summary file's rows, which reach
  // the limit by another path (the flat interior point's, which reported 0 iterations)
  const c = new HistoryCompressor()
  c.add(Float64Array.from(x), Float64Array.from(tx), Float64Array.from(T))
  const fromFile = c.result()

  it.each([
    ['compressed at once', h],
    ['compressed as a file is read', fromFile],
  ])('counts the run that led to the limit, and is held to maxIterations (%s)', (_, h) => {
    const f = bgnbd.fit(h)
    // the limit: a and b near 0, a share of about a quarter gone at once
    expect(f.params.a + f.params.b).toBeLessThan(1e-4)
    expect(f.logLikelihood).toBeCloseTo(-829.3172, 3)
    expect(f.iterations).toBeGreaterThan(10)
    expect(() => bgnbd.fit(h, { maxIterations: 1 })).toThrow(ConvergenceError)
    expect(bgnbd.fit(h, { maxIterations: f.iterations }).params).toEqual(f.params)
  })
})
