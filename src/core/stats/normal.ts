// Standard normal distribution through the incomplete gamma (erfc(x) = Q(1/2, x²)), so one special
// function serves both; the quantile is Acklam's rational start polished by one Halley step.
import { UsageError } from '../../errors.ts'
import { gammaincUpper } from './incomplete-gamma.ts'

/**
 * Standard normal CDF Φ(z) = erfc(-z/√2)/2, with erfc(x) = Q(1/2, x²) for x >= 0
 * (Abramowitz & Stegun 7.1.2 and 6.5.17). Relative accuracy ~1e-14 in both tails.
 * @example normalCdf(-1.959963984540054) // ≈ 0.025
 * @throws UsageError for NaN.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) throw new UsageError('normalCdf of NaN')
  if (z === 0) return 0.5
  const tail = 0.5 * gammaincUpper(0.5, (z * z) / 2)
  return z < 0 ? tail : 1 - tail
}

/** Upper tail 1 - Φ(z) = Φ(-z), accurate for large z. */
export function normalSf(z: number): number {
  return normalCdf(-z)
}

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
] as const
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1,
] as const
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
] as const
const D = [
  7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416,
] as const

/** Acklam's approximation for p <= 0.5 (relative error < 1.2e-9). */
function acklamLower(p: number): number {
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    )
  }
  const q = p - 0.5
  const r = q * q
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  )
}

/**
 * Standard normal quantile Φ⁻¹(p): P. J. Acklam's rational approximation (2003) refined by one
 * Halley step on Φ, giving near machine precision. Computed on the lower half and mirrored, so
 * 1 - p is exact.
 * @example normalQuantile(0.975) // ≈ 1.959963984540054
 * @throws UsageError unless 0 < p < 1 (the quantiles at 0 and 1 are infinite).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new UsageError('normalQuantile needs 0 < p < 1', { p })
  if (p > 0.5) return -normalQuantile(1 - p)
  if (p === 0.5) return 0
  let x = acklamLower(p)
  for (let i = 0; i < 2; i++) {
    const e = normalCdf(x) - p
    // e / φ(x) computed as e·√(2π)·exp(x²/2); for p ≈ 1e-300 the product stays finite since e is
    // relative to p.
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2)
    x = x - u / (1 + (x * u) / 2)
  }
  return x
}
