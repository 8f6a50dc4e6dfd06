// Two repeat purchases in no time (x 2, T 0) make the BG/NBD likelihood grow without bound as
// alpha goes to 0. The run-off error read "customers do not differ in purchase rate (r and alpha
// grow together)", the opposite of what happened; it says what the run-off means.
import { describe, expect, it } from 'vitest'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import type { Histories } from '../../src/core/models/types.ts'
import { ConvergenceError } from '../../src/errors.ts'

const h: Histories = {
  x: Float64Array.from([2, 1]),
  tx: Float64Array.from([0, 3]),
  T: Float64Array.from([0, 8]),
  weight: Float64Array.from([1, 1]),
  customers: 2,
}

describe('alpha running off to zero', () => {
  it('is said as a rate without bound, not as rates alike', () => {
    let err: unknown
    try {
      bgnbd.fit(h)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConvergenceError)
    const m = (err as Error).message
    expect(m).toContain('alpha ran off to zero')
    expect(m).toContain('the purchase rate grows without bound')
    expect(m).not.toContain('grow together')
  })
})
