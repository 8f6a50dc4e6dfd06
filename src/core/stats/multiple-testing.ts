// Adjusted p-values for families of tests; order-preserving output so callers keep their indexing.
import { UsageError } from '../../errors.ts'

function checked(pValues: ArrayLike<number>): Float64Array {
  const p = Float64Array.from(pValues)
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!
    if (!(v >= 0 && v <= 1)) throw new UsageError('p-values must be in [0, 1]', { index: i, p: v })
  }
  return p
}

function ascendingOrder(p: Float64Array): Uint32Array {
  const order = new Uint32Array(p.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  return order.sort((a, b) => p[a]! - p[b]! || a - b)
}

/**
 * Holm-Bonferroni step-down adjusted p-values (Holm 1979, Scand. J. Statist. 6:65):
 * with p₍₁₎ <= ... <= p₍ₘ₎, p̃₍ᵢ₎ = max_{j<=i} min(1, (m - j + 1) p₍ⱼ₎). Controls the family-wise
 * error rate; the result is in the input order.
 * @example holm([0.01, 0.04, 0.03]) // [0.03, 0.06, 0.06]
 * @throws UsageError for values outside [0, 1] (including NaN).
 */
export function holm(pValues: ArrayLike<number>): Float64Array {
  const p = checked(pValues)
  const m = p.length
  const order = ascendingOrder(p)
  const out = new Float64Array(m)
  let running = 0
  for (let i = 0; i < m; i++) {
    const k = order[i]!
    running = Math.max(running, Math.min(1, (m - i) * p[k]!))
    out[k] = running
  }
  return out
}

/**
 * Benjamini-Hochberg step-up adjusted p-values (q-values) (Benjamini & Hochberg 1995, JRSS-B
 * 57:289): p̃₍ᵢ₎ = min_{j>=i} min(1, m p₍ⱼ₎ / j). Controls the false discovery rate under
 * independence or positive dependence; the result is in the input order.
 * @example benjaminiHochberg([0.01, 0.04, 0.03, 0.005]) // [0.02, 0.04, 0.04, 0.02]
 * @throws UsageError for values outside [0, 1] (including NaN).
 */
export function benjaminiHochberg(pValues: ArrayLike<number>): Float64Array {
  const p = checked(pValues)
  const m = p.length
  const order = ascendingOrder(p)
  const out = new Float64Array(m)
  let running = 1
  for (let i = m - 1; i >= 0; i--) {
    const k = order[i]!
    running = Math.min(running, (m * p[k]!) / (i + 1))
    out[k] = running
  }
  return out
}
