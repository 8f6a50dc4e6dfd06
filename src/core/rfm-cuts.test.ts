// The in-memory cuts (the live service's RFM) give the scores of the rank rule of docs/rfm.md,
// score = 1 + floor(5 (rank - 1) / n) with rank = 1 + #(strictly worse), on data with heavy ties.
import { describe, expect, it } from 'vitest'
import { cutsFromValues, scoreFromCuts } from './rfm-cuts.ts'

function rankScore(values: readonly number[], v: number, better: 'more' | 'less'): number {
  const worse = values.filter((w) => (better === 'more' ? w < v : w > v)).length
  return 1 + Math.floor((5 * worse) / values.length)
}

describe('cutsFromValues and scoreFromCuts', () => {
  it('agree with the rank formula on random data with ties, both directions', () => {
    let seed = 7
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rand() * 40)
      const spread = 1 + Math.floor(rand() * 8)
      const values = Array.from({ length: n }, () => Math.floor(rand() * spread))
      for (const better of ['more', 'less'] as const) {
        const cuts = cutsFromValues(Float64Array.from(values), better)
        for (const v of values) {
          expect(scoreFromCuts(v, cuts, better), `${values} ${better} ${v}`).toBe(
            rankScore(values, v, better),
          )
        }
      }
    }
  })

  it('scores the documented example: revenues 10, 20, 20, 30 ... 90', () => {
    const values = [10, 20, 20, 30, 40, 50, 60, 70, 80, 90]
    const cuts = cutsFromValues(Float64Array.from(values), 'more')
    expect(values.map((v) => scoreFromCuts(v, cuts, 'more'))).toEqual([
      1, 1, 1, 2, 3, 3, 4, 4, 5, 5,
    ])
  })

  it('ranks a missing value (NaN) after every known one', () => {
    const cuts = cutsFromValues(Float64Array.of(1, 2, 3, Number.NaN, Number.NaN), 'more')
    expect(scoreFromCuts(Number.NaN, cuts, 'more')).toBe(1 + Math.floor((5 * 3) / 5))
  })
})
