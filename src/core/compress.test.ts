import { describe, expect, it } from 'vitest'
import { DataError } from '../errors.ts'
import { compressHistories, HistoryCompressor, weightedSum } from './compress.ts'
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
  it('compresses in batches to the same histories, numbering rows across batches', () => {
    const rng = createRng(11)
    const n = 10_000
    const x = new Float64Array(n)
    const tx = new Float64Array(n)
    const T = new Float64Array(n)
    const w = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      x[i] = rng.poisson(0.8)
      T[i] = 10 + Math.floor(rng.uniform() * 20)
      tx[i] = x[i]! > 0 ? Math.floor(rng.uniform() * T[i]!) : 0
      w[i] = i % 13 === 0 ? 0 : 1 + (i % 3)
    }
    const whole = compressHistories(x, tx, T, w)
    const c = new HistoryCompressor()
    // uneven batches, each from the start of a reused buffer as the file reader hands them
    const bx = new Float64Array(777)
    const btx = new Float64Array(777)
    const bT = new Float64Array(777)
    const bw = new Float64Array(777)
    for (let s = 0; s < n; s += 777) {
      const m = Math.min(777, n - s)
      bx.set(x.subarray(s, s + m))
      btx.set(tx.subarray(s, s + m))
      bT.set(T.subarray(s, s + m))
      bw.set(w.subarray(s, s + m))
      c.add(bx, btx, bT, bw, m)
    }
    const got = c.result()
    expect(Array.from(got.x)).toEqual(Array.from(whole.x))
    expect(Array.from(got.tx)).toEqual(Array.from(whole.tx))
    expect(Array.from(got.T)).toEqual(Array.from(whole.T))
    expect(Array.from(got.weight)).toEqual(Array.from(whole.weight))
    expect(got.customers).toBe(whole.customers)
    const bad = new HistoryCompressor()
    bad.add([1, 1], [2, 3], [5, 5])
    expect(() => bad.add([1, 2], [1, 9], [5, 5])).toThrow(/history 4: t_x \(9\) is after T \(5\)/)
    // the rows before the bad one were added; the compressor goes on from there
    bad.add([1], [1], [5])
    const after = bad.result()
    expect(after.customers).toBe(4)
    expect(Array.from(after.weight)).toEqual([1, 1, 2])
    expect(() => bad.add([1], [1], [5], undefined, 2)).toThrow(/same length/)
  })
})
