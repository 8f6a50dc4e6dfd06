// Compress per-customer histories to unique (x, t_x, T) rows with summed weights: model fitting cost
// then depends on distinct histories. An open-addressing hash on the raw float bits keeps it O(n);
// the table grows with the distinct rows found (not the input), so it stays in cache.
import { DataError } from '../errors.ts'
import type { Histories } from './models/types.ts'

/**
 * Hash of a history from the values scaled to integers (no float-bit reads, which stall on
 * store-to-load forwarding). Values closer than ~1e-7 may collide: that costs a probe, never a
 * wrong merge, since rows are compared exactly.
 */
function hashKey(x: number, tx: number, T: number): number {
  let h = Math.imul((x * 1e3) | 0, 0x9e3779b1)
  h ^= Math.imul((tx * 1e7) | 0, 0x85ebca6b)
  h ^= Math.imul((T * 1e7) | 0, 0xc2b2ae35)
  h ^= h >>> 15
  h = Math.imul(h, 0x2c1b3c6d)
  h ^= h >>> 12
  h = Math.imul(h, 0x297a2d39)
  return h ^ (h >>> 15)
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
  const c = new HistoryCompressor()
  c.add(x, tx, T, weight)
  return c.result()
}

/**
 * {@link compressHistories} fed in batches: a file of a million summary rows is compressed as it is
 * read, so its rows never sit in memory together (allocating and first touching those arrays cost
 * more than parsing them on this kind of machine). Rows are numbered across batches in errors.
 * @example const c = new HistoryCompressor(); c.add(x1, tx1, T1); c.add(x2, tx2, T2); c.result()
 */
export class HistoryCompressor {
  // rows found so far: keys interleaved (x, t_x, T) so a probe touches one cache line
  private room = 1024
  private keys = new Float64Array(3 * 1024)
  private ow = new Float64Array(1024)
  private hashes = new Int32Array(1024)
  private cap = 4096
  private table = new Int32Array(4096).fill(-1)
  private m = 0
  private total = 0
  private seen = 0

  /** Add rows; `count` (default all) reads only the first `count` entries of the arrays. */
  add(
    x: ArrayLike<number>,
    tx: ArrayLike<number>,
    T: ArrayLike<number>,
    weight?: ArrayLike<number>,
    count?: number,
  ): void {
    const n = count ?? x.length
    // every array holds n rows; without a count, exactly n
    const bad = (a: ArrayLike<number> | undefined) =>
      a !== undefined && (count === undefined ? a.length !== n : a.length < n)
    if (bad(x) || bad(tx) || bad(T) || bad(weight)) {
      throw new DataError('x, t_x, T (and weight) must have the same length', {
        x: x.length,
        tx: tx.length,
        T: T.length,
        weight: weight?.length,
      })
    }
    // the state in locals for the hot loop, written back at the end
    let { room, keys, ow, hashes, cap, table, m, total } = this
    let mask = cap - 1
    const base = this.seen
    // the rows before a bad one stay added: the state is consistent after a throw too
    const keep = (rows: number): void => {
      Object.assign(this, { room, keys, ow, hashes, cap, table, m, total, seen: base + rows })
    }
    for (let i = 0; i < n; i++) {
      const xi = +x[i]!
      const ti = +tx[i]!
      const Ti = +T[i]!
      const wi = weight ? +weight[i]! : 1
      if (!(xi >= 0 && ti >= 0 && Ti >= 0 && wi >= 0) || !Number.isFinite(xi + ti + Ti + wi)) {
        const row = base + i + 1
        keep(i)
        throw new DataError(
          `history ${row}: x, t_x, T and weight must be finite and non-negative`,
          {
            row,
            x: xi,
            tx: ti,
            T: Ti,
            weight: wi,
          },
        )
      }
      if (ti > Ti * (1 + 1e-12)) {
        const row = base + i + 1
        keep(i)
        throw new DataError(`history ${row}: t_x (${ti}) is after T (${Ti})`, { row })
      }
      if (wi === 0) continue
      total += wi
      const hv = hashKey(xi, ti, Ti)
      let h = hv & mask
      for (;;) {
        const k = table[h]!
        if (k === -1) {
          if (m === room) {
            room *= 2
            const nk = new Float64Array(3 * room)
            nk.set(keys)
            keys = nk
            const nw = new Float64Array(room)
            nw.set(ow)
            ow = nw
            const nh = new Int32Array(room)
            nh.set(hashes)
            hashes = nh
          }
          keys[3 * m] = xi
          keys[3 * m + 1] = ti
          keys[3 * m + 2] = Ti
          ow[m] = wi
          hashes[m] = hv
          table[h] = m
          m++
          // keep the load under 1/2: rehash from the stored hashes
          if (2 * m > cap) {
            cap *= 2
            mask = cap - 1
            table = new Int32Array(cap).fill(-1)
            for (let r = 0; r < m; r++) {
              let s = hashes[r]! & mask
              while (table[s] !== -1) s = (s + 1) & mask
              table[s] = r
            }
          }
          break
        }
        const b = 3 * k
        if (keys[b] === xi && keys[b + 1] === ti && keys[b + 2] === Ti) {
          ow[k]! += wi
          break
        }
        h = (h + 1) & mask
      }
    }
    keep(n)
  }

  /** The distinct histories so far (copies: adding more afterwards does not change them). */
  result(): Histories {
    const { keys, m } = this
    const ox = new Float64Array(m)
    const otx = new Float64Array(m)
    const oT = new Float64Array(m)
    for (let k = 0; k < m; k++) {
      ox[k] = keys[3 * k]!
      otx[k] = keys[3 * k + 1]!
      oT[k] = keys[3 * k + 2]!
    }
    return { x: ox, tx: otx, T: oT, weight: this.ow.slice(0, m), customers: this.total }
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
