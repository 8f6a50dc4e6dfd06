// Every per-customer scoring entry point refuses columns of different lengths up front, naming
// itself and the lengths: a short column was read past its end as undefined and reported as an
// invalid history ("x=2, t_x=undefined, T=undefined") of a customer who does not exist.
import { describe, expect, it } from 'vitest'
import { scoreClv } from '../../src/core/clv.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import { paretoNbd } from '../../src/core/models/pareto-nbd.ts'
import { DataError } from '../../src/errors.ts'

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }
const PARETO = { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 }
const short = { x: [1, 2], tx: [1], T: [2] }

function error(f: () => unknown): DataError {
  try {
    f()
  } catch (e) {
    if (e instanceof DataError) return e
    throw e
  }
  throw new Error('expected a DataError')
}

describe('scoreAll and scoreClv refuse x, tx and T of different lengths', () => {
  it.each([
    ['bgnbd.scoreAll', () => bgnbd.scoreAll(BG, short, 10)],
    ['mbgnbd.scoreAll', () => mbgnbd.scoreAll(BG, short, 10)],
    ['paretoNbd.scoreAll', () => paretoNbd.scoreAll(PARETO, short, 10)],
    ['scoreClv', () => scoreClv({ model: 'bgnbd', params: BG }, short, 35)],
  ])('%s', (name, f) => {
    const e = error(f)
    expect(e.message).toBe(`${name}: x, tx and T must have the same length (got 2, 1, 1)`)
    expect(e.details).toEqual({ lengths: [2, 1, 1] })
  })

  it('a longer tx or T is refused too, not silently cut to the length of x', () => {
    expect(() => bgnbd.scoreAll(BG, { x: [1], tx: [1], T: [2, 3] }, 10)).toThrow(
      'bgnbd.scoreAll: x, tx and T must have the same length (got 1, 1, 2)',
    )
    expect(() => paretoNbd.scoreAll(PARETO, { x: [1], tx: [1, 1], T: [2] }, 10)).toThrow(
      'paretoNbd.scoreAll: x, tx and T must have the same length (got 1, 2, 1)',
    )
  })

  it.each([
    ['bgnbd.scoreAll', () => bgnbd.scoreAll(BG, { x: [1], t_x: [1], T: [2] } as never, 10)],
    [
      'paretoNbd.scoreAll',
      () => paretoNbd.scoreAll(PARETO, { x: [1], t_x: [1], T: [2] } as never, 10),
    ],
    [
      'scoreClv',
      () => scoreClv({ model: 'bgnbd', params: BG }, { x: [1], t_x: [1], T: [2] } as never, 35),
    ],
  ])("%s names the column given as t_x (the summary's name) instead of tx", (name, f) => {
    const e = error(f)
    expect(e.message).toBe(
      `${name}: tx must be an array of numbers (got nothing) (the column is tx here, not t_x); the fields are x, tx and T (arrays of one length)`,
    )
    expect(e.details).toEqual({ field: 'tx' })
  })

  it('columns of one length still score', () => {
    expect(bgnbd.scoreAll(BG, { x: [1, 2], tx: [1, 2], T: [2, 3] }, 10).expected).toHaveLength(2)
  })
})
