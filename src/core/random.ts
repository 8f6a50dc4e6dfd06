// Seeded pseudo-random numbers for reproducible simulation: xoshiro128** seeded by splitmix32, with
// gamma (Marsaglia-Tsang), beta, Poisson (inversion / PTRS), exponential and geometric samplers.

import { DataError } from '../errors.ts'

export interface Rng {
  /** Uniform on (0, 1) with 53 random bits; never exactly 0 or 1. */
  uniform(): number
  /** Standard normal (Marsaglia polar). */
  normal(): number
  /** Gamma with `shape` k > 0 and `scale` θ (mean kθ). */
  gamma(shape: number, scale: number): number
  /** Beta(a, b) via two gammas. */
  beta(a: number, b: number): number
  /** Exponential with `rate` (mean 1/rate). */
  exponential(rate: number): number
  /** Poisson(lambda), lambda >= 0. */
  poisson(lambda: number): number
  /** Number of Bernoulli(p) trials up to and including the first success: support 1, 2, 3, ... */
  geometric(p: number): number
}

/**
 * A seeded generator; the same seed gives the same stream on every platform.
 * @example const rng = createRng(42); rng.gamma(2, 1)
 * @throws DataError when the seed is not a whole number (a safe integer).
 */
export function createRng(seed: number): Rng {
  // NaN, Infinity or text would run as seed 0, and 1.5 as 1: streams nobody asked for
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new DataError(`seed must be a whole number (got ${String(seed)})`)
  }
  // the low 32 bits seed the state; the high part, when there is one, is mixed in after (below):
  // folding it in by XOR made seeds 0, -1 and 2^32 + 1 give one stream
  const high = Math.floor(seed / 4294967296) | 0
  let st = seed >>> 0
  const split = (): number => {
    st = (st + 0x9e3779b9) | 0
    let z = st
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let s0 = split()
  let s1 = split()
  let s2 = split()
  let s3 = split()
  if (high !== 0) {
    // (seeds 0 to 2^32 - 1 keep the streams they always had)
    st = (st ^ Math.imul(high, 0x27d4eb2d)) | 0
    s0 ^= split()
    s1 ^= split()
    s2 ^= split()
    s3 ^= split()
  }
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 11)
    return r
  }
  const uniform = (): number => {
    for (;;) {
      const u = ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992
      if (u > 0) return u
    }
  }
  let spare: number | null = null
  const normal = (): number => {
    if (spare !== null) {
      const v = spare
      spare = null
      return v
    }
    for (;;) {
      const u = 2 * uniform() - 1
      const v = 2 * uniform() - 1
      const s = u * u + v * v
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s)
        spare = v * m
        return u * m
      }
    }
  }
  const gamma = (shape: number, scale: number): number => {
    if (shape < 1) {
      // Boost: G(k) = G(k + 1) U^(1/k), in logs so tiny shapes do not underflow to 0 too often.
      const g = gamma(shape + 1, 1)
      return scale * g * Math.exp(Math.log(uniform()) / shape)
    }
    const d = shape - 1 / 3
    const c = 1 / Math.sqrt(9 * d)
    for (;;) {
      let z: number
      let v: number
      do {
        z = normal()
        v = 1 + c * z
      } while (v <= 0)
      v = v * v * v
      const u = uniform()
      if (u < 1 - 0.0331 * z * z * z * z) return scale * d * v
      if (Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) return scale * d * v
    }
  }
  const beta = (a: number, b: number): number => {
    const x = gamma(a, 1)
    const y = gamma(b, 1)
    const s = x + y
    // Both gammas can underflow for tiny shapes; fall back on which one is larger in that case.
    return s > 0 ? x / s : a / (a + b)
  }
  const exponential = (rate: number): number => -Math.log(uniform()) / rate
  const poisson = (lambda: number): number => {
    if (!(lambda > 0)) return 0
    if (lambda < 30) {
      // Inversion by sequential search.
      let k = 0
      let p = Math.exp(-lambda)
      let cdf = p
      const u = uniform()
      while (u > cdf && k < 1000) {
        k++
        p *= lambda / k
        cdf += p
      }
      return k
    }
    // PTRS, Hörmann (1993).
    const slam = Math.sqrt(lambda)
    const loglam = Math.log(lambda)
    const b = 0.931 + 2.53 * slam
    const a = -0.059 + 0.02483 * b
    const invalpha = 1.1239 + 1.1328 / (b - 3.4)
    const vr = 0.9277 - 3.6224 / (b - 2)
    for (;;) {
      const u = uniform() - 0.5
      const v = uniform()
      const us = 0.5 - Math.abs(u)
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43)
      if (us >= 0.07 && v <= vr) return k
      if (k < 0 || (us < 0.013 && v > us)) continue
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - lgammaInt(k + 1)
      ) {
        return k
      }
    }
  }
  const geometric = (p: number): number => {
    if (p >= 1) return 1
    return Math.max(1, Math.ceil(Math.log(uniform()) / Math.log1p(-p)))
  }
  return { uniform, normal, gamma, beta, exponential, poisson, geometric }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

// log k! by Stirling series (k >= 1 here); exact enough for the PTRS acceptance test.
function lgammaInt(n: number): number {
  if (n < 10) {
    let s = 0
    for (let i = 2; i < n; i++) s += Math.log(i)
    return s
  }
  const x = n
  return (
    (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3)
  )
}
