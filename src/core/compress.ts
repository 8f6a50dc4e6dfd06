// Compress per-customer histories to unique (x, t_x, T) rows with summed weights: model fitting cost
// then depends on distinct histories. An open-addressing hash on the raw float bits keeps it O(n).
import { DataError } from '../errors.ts'
import type { Histories } from './models/types.ts'

const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)

function mixBits(v: number, h: number): number {
  f64[0] = v === 0 ? 0 : v // folds -0 into +0
  // murmur3-style mixing of both words: grid values such as k/7 differ mostly in high mantissa bits.
  h = Math.imul(h ^ u32[0]!, 0xcc9e2d51)
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593)
  h = Math.imul(h ^ u32[1]!, 0xcc9e2d51)
  h = Math.imul((h << 13) | (h >>> 19), 0x1b873593)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/**
 * Unique (x, t_x, T) rows, in order of first appearance, with weights summed (default weight 1).
 * Throws DataError on a non-finite or negative value, t_x > T, or a negative weight; rows with
 * weight 0 are dropped.
 * @example compressHistories([0, 2, 0], [0, 5, 0], [10, 10, 10]) // 2 rows, weights [2, 1]
 */
export function compressHistories(
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  weight?: ArrayLike<number>,
): Histories {
  const n = x.length
  if (tx.length !== n || T.length !== n || (weight && weight.length !== n)) {
    throw new DataError('x, t_x, T (and weight) must have the same length', {
      x: n,
      tx: tx.length,
      T: T.length,
      weight: weight?.length,
    })
  }
  let cap = 16
  while (cap < 2 * n) cap *= 2
  const mask = cap - 1
  const table = new Int32Array(cap).fill(-1)
  const ox = new Float64Array(n)
  const otx = new Float64Array(n)
  const oT = new Float64Array(n)
  const ow = new Float64Array(n)
  let m = 0
  let total = 0
  for (let i = 0; i < n; i++) {
    const xi = +x[i]!
    const ti = +tx[i]!
    const Ti = +T[i]!
    const wi = weight ? +weight[i]! : 1
    if (!(xi >= 0 && ti >= 0 && Ti >= 0 && wi >= 0) || !Number.isFinite(xi + ti + Ti + wi)) {
      throw new DataError(
        `history ${i + 1}: x, t_x, T and weight must be finite and non-negative`,
        { row: i + 1, x: xi, tx: ti, T: Ti, weight: wi },
      )
    }
    if (ti > Ti * (1 + 1e-12)) {
      throw new DataError(`history ${i + 1}: t_x (${ti}) is after T (${Ti})`, { row: i + 1 })
    }
    if (wi === 0) continue
    total += wi
    let h = mixBits(Ti, mixBits(ti, mixBits(xi, 0x9e3779b9))) & mask
    for (;;) {
      const k = table[h]!
      if (k === -1) {
        table[h] = m
        ox[m] = xi
        otx[m] = ti
        oT[m] = Ti
        ow[m] = wi
        m++
        break
      }
      if (ox[k] === xi && otx[k] === ti && oT[k] === Ti) {
        ow[k]! += wi
        break
      }
      h = (h + 1) & mask
    }
  }
  return {
    x: ox.slice(0, m),
    tx: otx.slice(0, m),
    T: oT.slice(0, m),
    weight: ow.slice(0, m),
    customers: total,
  }
}

/** Σ w_i v_i. */
export function weightedSum(v: ArrayLike<number>, w: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i]! * w[i]!
  return s
}

/** Σ w_i over rows where pred(i) holds. */
export function weightWhere(w: ArrayLike<number>, pred: (i: number) => boolean): number {
  let s = 0
  for (let i = 0; i < w.length; i++) if (pred(i)) s += w[i]!
  return s
}
