import { describe, expect, it } from 'vitest'
import { DataError } from '../errors.ts'
import { compressHistories, weightedSum } from './compress.ts'
import { createRng } from './random.ts'

describe('compressHistories', () => {
  it('merges identical rows and sums weights', () => {
    const h = compressHistories(
      [0, 2, 0, 2, 1],
      [0, 5, 0, 5, 3],
      [10, 10, 10, 10, 10],
      [1, 2, 3, 4, 5],
    )
    expect(h.x.length).toBe(3)
    expect(h.customers).toBe(15)
    const i = Array.from(h.x).indexOf(2)
    expect(h.weight[i]).toBe(6)
    expect(weightedSum(h.x, h.weight)).toBe(2 * 6 + 1 * 5)
  })
  it('treats -0 as 0 and rejects invalid rows', () => {
    expect(compressHistories([0, -0], [0, 0], [1, 1]).x.length).toBe(1)
    expect(() => compressHistories([1], [5], [3])).toThrow(DataError)
    expect(() => compressHistories([Number.NaN], [0], [3])).toThrow(DataError)
    expect(() => compressHistories([1, 2], [0], [3])).toThrow(DataError)
  })
  it('keeps totals on a large random input', () => {
    const rng = createRng(3)
    const n = 200_000
    const x = new Float64Array(n)
    const tx = new Float64Array(n)
    const T = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      x[i] = rng.poisson(1)
      T[i] = Math.floor(rng.uniform() * 50)
      tx[i] = x[i]! > 0 ? Math.floor(rng.uniform() * T[i]!) : 0
    }
    const h = compressHistories(x, tx, T)
    expect(h.customers).toBe(n)
    expect(h.x.length).toBeLessThan(n / 2)
    expect(weightedSum(h.x, h.weight)).toBe(x.reduce((a, b) => a + b, 0))
    expect(weightedSum(h.T, h.weight)).toBe(T.reduce((a, b) => a + b, 0))
  })
  it('keeps rows apart that differ below the hash resolution, and grows past 1,024 rows', () => {
    const n = 5000
    const x = new Float64Array(2 * n)
    const tx = new Float64Array(2 * n)
    const T = new Float64Array(2 * n)
    for (let i = 0; i < n; i++) {
      // 1e-9 apart: same scaled hash, different histories
      x[2 * i] = 1
      x[2 * i + 1] = 1
      tx[2 * i] = i / 7
      tx[2 * i + 1] = i / 7 + 1e-9
      T[2 * i] = 1000
      T[2 * i + 1] = 1000
    }
    const h = compressHistories(x, tx, T)
    expect(h.x.length).toBe(2 * n)
    expect(Array.from(h.tx.subarray(0, 4))).toEqual([0, 1e-9, 1 / 7, 1 / 7 + 1e-9])
    const again = compressHistories(
      Float64Array.from([...x, ...x]),
      Float64Array.from([...tx, ...tx]),
      Float64Array.from([...T, ...T]),
    )
    expect(again.x.length).toBe(2 * n)
    expect(again.weight.every((w) => w === 2)).toBe(true)
  })
})
