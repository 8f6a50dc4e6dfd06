// Tests and intervals for proportions and contingency tables. Exact where it is cheap (Fisher via
// hypergeometric tails), closed forms elsewhere; every p-value is a finite number in [0, 1].
import { DataError, UsageError } from '../../errors.ts'
import { hypergeomLower, hypergeomTwoSided, hypergeomUpper } from './hypergeometric.ts'
import { chiSquareSf } from './incomplete-gamma.ts'
import { normalCdf, normalQuantile } from './normal.ts'

export type Alternative = 'two-sided' | 'greater' | 'less'

/** A proportion with its confidence interval. */
export interface ProportionInterval {
  readonly estimate: number
  readonly lower: number
  readonly upper: number
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0)
    throw new UsageError(`${name} must be a non-negative integer`, { [name]: v })
}

/** The two-sided normal quantile of `confidence` (1.96 for 0.95), which must be in (0, 1). */
export function zFor(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new UsageError('confidence must be above 0 and below 1 (0.95 for 95 %)', { confidence })
  }
  return normalQuantile(1 - (1 - confidence) / 2)
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998, Stat. Med. 17:857,
 * methods 3 and 4):
 *   (p̂ + z²/2n ± z √(p̂(1-p̂)/n + z²/4n²)) / (1 + z²/n),
 * and with continuity correction
 *   L = (2np̂ + z² - 1 - z√(z² - 2 - 1/n + 4p̂(n(1-p̂) + 1))) / (2(n + z²)),
 *   U = (2np̂ + z² + 1 + z√(z² + 2 - 1/n + 4p̂(n(1-p̂) - 1))) / (2(n + z²)).
 * @example wilsonInterval(81, 263) // { estimate: 0.308, lower: 0.2553, upper: 0.3662 }
 * @throws UsageError for non-integer counts, successes > n, or n = 0.
 */
export function wilsonInterval(
  successes: number,
  n: number,
  options: { readonly confidence?: number; readonly continuityCorrection?: boolean } = {},
): ProportionInterval {
  checkCount('successes', successes)
  checkCount('n', n)
  if (n === 0) throw new UsageError('wilsonInterval needs n > 0')
  if (successes > n) throw new UsageError('successes exceed n', { successes, n })
  const z = zFor(options.confidence ?? 0.95)
  const p = successes / n
  const z2 = z * z
  if (!options.continuityCorrection) {
    const denom = 1 + z2 / n
    const center = (p + z2 / (2 * n)) / denom
    const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
    return {
      estimate: p,
      lower: successes === 0 ? 0 : Math.max(0, center - half),
      upper: successes === n ? 1 : Math.min(1, center + half),
    }
  }
  const denom = 2 * (n + z2)
  const lower =
    successes === 0
      ? 0
      : (2 * n * p + z2 - 1 - z * Math.sqrt(z2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1))) / denom
  const upper =
    successes === n
      ? 1
      : (2 * n * p + z2 + 1 + z * Math.sqrt(z2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1))) / denom
  return { estimate: p, lower: Math.max(0, lower), upper: Math.min(1, upper) }
}

/** Result of {@link twoProportionZTest}. */
export interface TwoProportionResult {
  readonly p1: number
  readonly p2: number
  readonly difference: number
  readonly z: number
  readonly pValue: number
}

/**
 * Two-proportion z-test with the pooled standard error:
 *   z = (p̂₁ - p̂₂) / √(p̂(1-p̂)(1/n₁ + 1/n₂)), p̂ = (x₁ + x₂)/(n₁ + n₂)
 * (Agresti, Categorical Data Analysis, 3rd ed., §2.1.3). When p̂ is 0 or 1 the two samples are
 * identical in outcome: z = 0 and p = 1.
 * @example twoProportionZTest(45, 100, 30, 100).pValue // ≈ 0.0285
 * @throws UsageError for invalid counts or an empty sample.
 */
export function twoProportionZTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  options: { readonly alternative?: Alternative } = {},
): TwoProportionResult {
  for (const [k, v] of Object.entries({ x1, n1, x2, n2 })) checkCount(k, v)
  if (n1 === 0 || n2 === 0) throw new UsageError('both samples need n > 0', { n1, n2 })
  if (x1 > n1 || x2 > n2) throw new UsageError('successes exceed n', { x1, n1, x2, n2 })
  const p1 = x1 / n1
  const p2 = x2 / n2
  const pooled = (x1 + x2) / (n1 + n2)
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
  const z = se === 0 ? 0 : (p1 - p2) / se
  const alt = options.alternative ?? 'two-sided'
  const pValue =
    alt === 'two-sided'
      ? Math.min(1, 2 * normalCdf(-Math.abs(z)))
      : alt === 'greater'
        ? normalCdf(-z)
        : normalCdf(z)
  return { p1, p2, difference: p1 - p2, z, pValue }
}

/** Result of {@link fisherExact}. */
export interface FisherResult {
  /** Sample odds ratio ad/bc; with a zero cell, the Haldane-Anscombe estimate (add 0.5 to each). */
  readonly oddsRatio: number
  readonly pValue: number
}

/**
 * Fisher's exact test for the 2×2 table [[a, b], [c, d]], conditioning on both margins so a is
 * hypergeometric (Agresti 2007 §2.6). Two-sided: sum of probabilities of tables no more likely than
 * the observed (as scipy.stats.fisher_exact); "greater" tests odds ratio > 1.
 * @example fisherExact(8, 2, 1, 5).pValue // ≈ 0.0350
 * @throws UsageError for negative or non-integer counts.
 */
export function fisherExact(
  a: number,
  b: number,
  c: number,
  d: number,
  options: { readonly alternative?: Alternative } = {},
): FisherResult {
  for (const [k, v] of Object.entries({ a, b, c, d })) checkCount(k, v)
  const zeroCell = a === 0 || b === 0 || c === 0 || d === 0
  const oddsRatio = zeroCell ? ((a + 0.5) * (d + 0.5)) / ((b + 0.5) * (c + 0.5)) : (a * d) / (b * c)
  const m = { n: a + b, K: a + c, N: a + b + c + d }
  const alt = options.alternative ?? 'two-sided'
  const pValue =
    alt === 'two-sided'
      ? hypergeomTwoSided(a, m)
      : alt === 'greater'
        ? hypergeomUpper(a, m)
        : hypergeomLower(a, m)
  return { oddsRatio, pValue }
}

/** Result of {@link chiSquareIndependence}. */
export interface ChiSquareResult {
  readonly statistic: number
  readonly df: number
  readonly pValue: number
  /** Expected counts under independence, row-major r×c. */
  readonly expected: Float64Array
}

/**
 * Pearson chi-square test of independence for an r×c table of counts, without Yates' correction
 * (as scipy.stats.chi2_contingency(correction=False)): X² = Σ (O - E)²/E, E = rowᵢ colⱼ / N,
 * df = (r-1)(c-1), p = Q(df/2, X²/2) (Agresti 2007 §2.4).
 * @example chiSquareIndependence([[12, 5], [7, 9]]).pValue // ≈ 0.12 (no continuity correction)
 * @throws UsageError for a ragged or negative table; DataError when a row or column sums to zero.
 */
export function chiSquareIndependence(table: readonly (readonly number[])[]): ChiSquareResult {
  const r = table.length
  const c = table[0]?.length ?? 0
  if (r === 0 || c === 0) throw new UsageError('chi-square needs a non-empty table')
  const rows = new Float64Array(r)
  const cols = new Float64Array(c)
  let total = 0
  for (let i = 0; i < r; i++) {
    const row = table[i]!
    if (row.length !== c) throw new UsageError('chi-square table rows differ in length', { row: i })
    for (let j = 0; j < c; j++) {
      const v = row[j]!
      if (!(v >= 0) || !Number.isFinite(v)) throw new UsageError('counts must be >= 0', { i, j, v })
      rows[i]! += v
      cols[j]! += v
      total += v
    }
  }
  for (let i = 0; i < r; i++) {
    if (rows[i] === 0) throw new DataError('chi-square: a row sums to zero', { row: i })
  }
  for (let j = 0; j < c; j++) {
    if (cols[j] === 0) throw new DataError('chi-square: a column sums to zero', { column: j })
  }
  const expected = new Float64Array(r * c)
  let statistic = 0
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const e = (rows[i]! * cols[j]!) / total
      expected[i * c + j] = e
      const diff = table[i]![j]! - e
      statistic += (diff * diff) / e
    }
  }
  const df = (r - 1) * (c - 1)
  const pValue = df === 0 ? 1 : Math.min(1, chiSquareSf(statistic, df))
  return { statistic, df, pValue, expected }
}
