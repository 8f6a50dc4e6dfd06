// A fit that stops far out on the ridge r, α → ∞ (r/α kept: customers purchasing at one rate) with
// the likelihood still rising there is the run-off of α, not a fit: two customers whose Pareto/NBD
// fit came back at r = 1.9e5 (common-dropout limit) with exit 0, and MBG/NBD's error named only
// its dropout running off.
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import { paretoNbd as pareto } from '../../src/core/models/pareto-nbd.ts'
import { ConvergenceError } from '../../src/errors.ts'

// x, t_x, T = (2, 10, 30) and (0, 0, 25)
const two = () => compressHistories([2, 0], [10, 0], [30, 25])

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

describe('purchase rates that do not differ (r and alpha running off together)', () => {
  it('Pareto/NBD: a ConvergenceError naming alpha, not a fit at the common-dropout limit', () => {
    const e = thrown(() => pareto.fit(two()))
    expect(e).toBeInstanceOf(ConvergenceError)
    const err = e as ConvergenceError
    expect(err.message).toMatch(/alpha ran off to infinity/)
    expect(err.message).toMatch(/customers do not differ in purchase rate/)
    expect(err.details).toMatchObject({ diverged: 'alpha', direction: 'high' })
  })

  it('MBG/NBD: the run-off error names purchase rates as well as dropout', () => {
    const e = thrown(() => mbgnbd.fit(two()))
    expect(e).toBeInstanceOf(ConvergenceError)
    const msg = (e as ConvergenceError).message
    expect(msg).toMatch(/customers do not differ in dropout probability/)
    expect(msg).toMatch(/customers do not differ in purchase rate/)
  })
})
