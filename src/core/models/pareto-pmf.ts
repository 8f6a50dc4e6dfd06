// Pareto/NBD P(X(t) = n) for a new customer: the alive-at-t term in closed form and the
// died-before-t integral by quadrature placed around its one peak (pareto-nbd.ts re-exports it).
import { DataError } from '../../errors.ts'
import { integrateAround } from '../quadrature.ts'
import { log1pExp, logSumExp } from '../special.ts'
import { checkParams, logNbdCoef } from './common.ts'
import type { ParetoParams } from './pareto-nbd.ts'

/**
 * n·x − m·log(1 + e^x) with d = n − m passed exactly (n − m in floating point loses a small r
 * beside a large n), written without cancellation on both sides of x = 0.
 */
function powerRatio(n: number, m: number, d: number, x: number): number {
  return x > 0 ? d * x - m * log1pExp(-x) : n * x - m * log1pExp(x)
}

/** Logistic function e^x / (1 + e^x), for the slopes of ψ below. */
const logistic = (x: number): number => (x > 0 ? 1 / (1 + Math.exp(-x)) : 1 - 1 / (1 + Math.exp(x)))

/**
 * The "died before t" part of P(X(t) = n), ∫_0^t s β^s (β+τ)^-(s+1) NBD(n; τ) dτ, in log.
 * In v = log τ the integrand is e^ψ(v) with
 * ψ(v) = log s + c_n + n(v − log α) − (r+n) log(1 + τ/α) + (v − log β) − (s+1) log(1 + τ/β),
 * whose slope ψ' = n + 1 − (r+n) τ/(α+τ) − (s+1) τ/(β+τ) falls from n + 1 to −(r+s): ψ is
 * concave, the integrand has one peak, and its tails are at most exponential in v. The peak can be
 * anywhere from 1e-3 to 1e7 time units and as narrow as 0.1 in v (r = 50: an adaptive rule on
 * [0, t] sampled past it), so the rule is placed around it: [v_a, v_b] where the slope is half its
 * limits, split at the peak, and the two tails mapped onto (0, 1] by y = e^{±k(v − v_edge)}
 * (integrand ≲ y there, however slowly the tail decays: s + r = 0.002 reaches past τ = 1e300).
 */
function logDeadTerm(p: ParetoParams, n: number, t: number, c: number): number {
  const { r, alpha, s, beta } = p
  const la = Math.log(alpha)
  const lb = Math.log(beta)
  const lead = Math.log(s) + c
  const psi = (v: number): number =>
    lead + powerRatio(n, r + n, -r, v - la) + powerRatio(1, s + 1, -s, v - lb)
  const slope = (v: number): number => {
    const xa = v - la
    const xb = v - lb
    // n − (r+n)σ(x) is −r + (r+n)σ(−x) past x = 0, exact for a tiny r beside a large n
    const ta = xa > 0 ? -r + (r + n) * logistic(-xa) : n - (r + n) * logistic(xa)
    const tb = xb > 0 ? -s + (s + 1) * logistic(-xb) : 1 - (s + 1) * logistic(xb)
    return ta + tb
  }
  const curvature = (v: number): number => {
    const ga = logistic(v - la)
    const gb = logistic(v - lb)
    return (r + n) * ga * (1 - ga) + (s + 1) * gb * (1 - gb)
  }
  const where = (target: number): number => {
    let lo = Math.min(la, lb) - 1
    let hi = Math.max(la, lb) + 1
    for (let step = 1; slope(lo) <= target; step *= 2) lo -= step
    for (let step = 1; slope(hi) >= target; step *= 2) hi += step
    for (let i = 0; i < 200 && hi - lo > 1e-12 * (1 + Math.abs(lo)); i++) {
      const m = (lo + hi) / 2
      if (slope(m) > target) lo = m
      else hi = m
    }
    return (lo + hi) / 2
  }
  const vt = t === Number.POSITIVE_INFINITY ? t : Math.log(t)
  const ka = (n + 1) / 2
  const kb = (r + s) / 2
  const va = where(ka)
  const vPeak = where(0)
  const vb = where(-kb)
  // scale by the integrand's largest value on (−∞, v_t] times its width there, so the quadrature's
  // absolute-or-relative tolerance is relative to the answer even when t ends before the peak
  const top = Math.min(vPeak, vt)
  const rise = slope(top)
  const width = Math.min(
    1 / Math.sqrt(curvature(top)),
    rise > 0 ? 1 / rise : Number.POSITIVE_INFINITY,
  )
  const shift = psi(top) + Math.log(width)
  const f = (v: number): number => Math.exp(psi(v) - shift)
  // the four pieces as one integral over u ∈ [0, 4): (0, 1] the left tail in y, [1, 2] from v_a to
  // the peak, [2, 3] from the peak to v_b, [3, 4) the right tail in y; each piece ends at v_t
  const vl = Math.min(va, vt)
  const mid1 = Math.min(vPeak, vt)
  const mid2 = Math.min(vb, vt)
  const yEnd = vt > vb ? Math.exp(-kb * (vt - vb)) : 1
  const g = (u: number): number => {
    if (u < 1) return f(vl + Math.log(u) / ka) / (ka * u)
    if (u < 2) return f(va + (u - 1) * (mid1 - va)) * (mid1 - va)
    if (u < 3) return f(vPeak + (u - 2) * (mid2 - vPeak)) * (mid2 - vPeak)
    const y = yEnd + (4 - u) * (1 - yEnd)
    // y rounds to 0 for nodes within an ulp of u = 4 at t = ∞, where the integrand (≲ y) is 0
    return y > 0 ? (f(vb - Math.log(y) / kb) / (kb * y)) * (1 - yEnd) : 0
  }
  const edges = [0, 1]
  if (vt > va) edges.push(2)
  if (vt > vPeak) edges.push(3)
  if (vt > vb) edges.push(4)
  const total = integrateAround(g, edges, 1e-13)
  return shift + Math.log(total)
}

/**
 * P(X(t) = n) for a new customer: alive at t, (β/(β+t))^s · NBD(n; t), plus died at τ < t,
 * ∫_0^t s β^s (β+τ)^-(s+1) NBD(n; τ) dτ (Fader & Hardie 2006, "Deriving an expression for
 * P(X(t) = x) under the Pareto/NBD model"; their closed form is a difference of 2F1 terms that
 * cancels to nothing at small t, so the integral is taken by quadrature placed around its peak,
 * see logDeadTerm). t = ∞ gives the distribution of lifetime purchases.
 * @throws DataError unless n is a non-negative integer and t >= 0 (t = Infinity allowed).
 * @example probabilityOfPurchases({ r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 }, 0, 39) // 0.596
 */
export function probabilityOfPurchases(p: ParetoParams, n: number, t: number): number {
  checkParams('pareto', p)
  if (!(Number.isInteger(n) && n >= 0))
    throw new DataError(`n must be a non-negative integer (got ${n})`)
  if (!(t >= 0)) throw new DataError(`t must be a number >= 0 (got ${t})`)
  const { r, alpha, s, beta } = p
  if (t === 0) return n === 0 ? 1 : 0
  const c = logNbdCoef(r, n)
  // (β/(β+t))^s · NBD(n; t) in log, with log1p for small and large t
  const logAlive =
    t === Number.POSITIVE_INFINITY
      ? Number.NEGATIVE_INFINITY
      : -s * Math.log1p(t / beta) + c - r * Math.log1p(t / alpha) - n * Math.log1p(alpha / t)
  const v = Math.exp(logSumExp(logAlive, logDeadTerm(p, n, t, c)))
  return Math.min(1, v)
}
