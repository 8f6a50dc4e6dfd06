// Hypergeometric tails for Fisher's exact test: one log-pmf from lgamma, then term ratios walking
// away from the mode until terms are negligible, so cost is O(sd) per tail, not O(support).

import { UsageError } from '../../errors.ts'
import { lgamma as gammaln } from '../special.ts'

/**
 * Margins of a 2×2 table [[a, b], [c, d]]: X = a ~ Hypergeometric(N, K = a + c, n = a + b).
 * All counts are non-negative integers.
 */
export interface HypergeometricMargins {
  /** Row-1 total (draws). */
  readonly n: number
  /** Column-1 total (successes in the population). */
  readonly K: number
  /** Grand total. */
  readonly N: number
}

function logChoose(n: number, k: number): number {
  return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
}

function checkMargins(m: HypergeometricMargins): void {
  const { n, K, N } = m
  const ok = Number.isInteger(n) && Number.isInteger(K) && Number.isInteger(N) && n >= 0 && K >= 0
  if (!ok || n > N || K > N) throw new UsageError('invalid hypergeometric margins', { n, K, N })
}

export function hypergeomSupport(m: HypergeometricMargins): readonly [number, number] {
  return [Math.max(0, m.n + m.K - m.N), Math.min(m.n, m.K)]
}

/** log P(X = x); -Infinity outside the support. */
export function hypergeomLogPmf(x: number, m: HypergeometricMargins): number {
  const [lo, hi] = hypergeomSupport(m)
  if (x < lo || x > hi) return Number.NEGATIVE_INFINITY
  return logChoose(m.K, x) + logChoose(m.N - m.K, m.n - x) - logChoose(m.N, m.n)
}

function mode(m: HypergeometricMargins): number {
  const [lo, hi] = hypergeomSupport(m)
  const md = Math.floor(((m.n + 1) * (m.K + 1)) / (m.N + 2))
  return Math.min(hi, Math.max(lo, md))
}

/** p(x+1) / p(x). */
function ratioUp(x: number, m: HypergeometricMargins): number {
  return ((m.K - x) * (m.n - x)) / ((x + 1) * (m.N - m.K - m.n + x + 1))
}

/** p(x-1) / p(x). */
function ratioDown(x: number, m: HypergeometricMargins): number {
  return (x * (m.N - m.K - m.n + x)) / ((m.K - x + 1) * (m.n - x + 1))
}

/** Σ_{y >= from} p(y), valid when p is non-increasing from `from` on (from >= mode). */
function sumUpFrom(from: number, m: HypergeometricMargins): number {
  const hi = hypergeomSupport(m)[1]
  let term = 1
  let s = 0
  for (let x = from; x <= hi; x++) {
    s += term
    if (term < s * 1e-17) break
    term *= ratioUp(x, m)
  }
  return s * Math.exp(hypergeomLogPmf(from, m))
}

/** Σ_{y <= from} p(y), valid when p is non-increasing going down from `from` (from <= mode). */
function sumDownFrom(from: number, m: HypergeometricMargins): number {
  const lo = hypergeomSupport(m)[0]
  let term = 1
  let s = 0
  for (let x = from; x >= lo; x--) {
    s += term
    if (term < s * 1e-17) break
    term *= ratioDown(x, m)
  }
  return s * Math.exp(hypergeomLogPmf(from, m))
}

/**
 * P(X >= x): the one-sided ("greater") Fisher p-value for the 2×2 table with a = x.
 * @throws UsageError for invalid margins.
 */
export function hypergeomUpper(x: number, m: HypergeometricMargins): number {
  checkMargins(m)
  const [lo, hi] = hypergeomSupport(m)
  if (x <= lo) return 1
  if (x > hi) return 0
  if (x > mode(m)) return Math.min(1, sumUpFrom(x, m))
  return Math.min(1, Math.max(0, 1 - sumDownFrom(x - 1, m)))
}

/**
 * P(X <= x): the one-sided ("less") Fisher p-value.
 * @throws UsageError for invalid margins.
 */
export function hypergeomLower(x: number, m: HypergeometricMargins): number {
  checkMargins(m)
  const [lo, hi] = hypergeomSupport(m)
  if (x >= hi) return 1
  if (x < lo) return 0
  if (x < mode(m)) return Math.min(1, sumDownFrom(x, m))
  return Math.min(1, Math.max(0, 1 - sumUpFrom(x + 1, m)))
}

/**
 * Two-sided Fisher p-value: the total probability of tables no more likely than the observed one,
 * with scipy's relative tolerance 1e-7 for ties.
 * @throws UsageError for invalid margins.
 */
export function hypergeomTwoSided(x: number, m: HypergeometricMargins): number {
  checkMargins(m)
  const [lo, hi] = hypergeomSupport(m)
  if (x < lo || x > hi) throw new UsageError('observed count outside the support', { x, ...m })
  const md = mode(m)
  const threshold = hypergeomLogPmf(x, m) + Math.log1p(1e-7)
  const logMode = hypergeomLogPmf(md, m)
  if (logMode <= threshold) return 1
  // Unimodal: {y : p(y) <= p(x)} = [lo, A] ∪ [B, hi] with A < mode < B. Walk out from the mode.
  let a = md
  let la = logMode
  while (a >= lo && la > threshold) {
    la += Math.log(ratioDown(a, m))
    a--
  }
  let b = md
  let lb = logMode
  while (b <= hi && lb > threshold) {
    lb += Math.log(ratioUp(b, m))
    b++
  }
  let p = 0
  if (a >= lo) p += sumDownFrom(a, m)
  if (b <= hi) p += sumUpFrom(b, m)
  return Math.min(1, p)
}
