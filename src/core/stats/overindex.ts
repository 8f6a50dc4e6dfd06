// Where the best customers over-index: per attribute level, share among the best vs among all, with
// one 2×2 test per level and a correction across every level of every attribute passed together.
import { UsageError } from '../../errors.ts'
import { benjaminiHochberg, holm } from './multiple-testing.ts'
import { chiSquareIndependence, fisherExact, wilsonInterval } from './proportion.ts'

/** A categorical attribute: one level code per customer (negative = missing), with level labels. */
export interface CategoricalAttribute {
  readonly name: string
  readonly codes: Int32Array
  readonly labels: readonly string[]
}

/** One level of one attribute. */
export interface OverIndexRow {
  readonly attribute: string
  readonly level: number
  readonly label: string
  /** Customers with this level (all / best). */
  readonly countAll: number
  readonly countBest: number
  readonly shareAll: number
  readonly shareBest: number
  /** 100 × shareBest / shareAll: 100 = as common among the best as among all. */
  readonly index: number
  /** Wilson interval of shareBest. */
  readonly shareBestLower: number
  readonly shareBestUpper: number
  /** The interval carried to the index (shareAll treated as known). */
  readonly indexLower: number
  readonly indexUpper: number
  /** Two-sided test of best vs rest for this level (2×2). */
  readonly pValue: number
  /** Holm-adjusted across all levels of all attributes passed. */
  readonly pHolm: number
  /** Benjamini-Hochberg q-value across all levels of all attributes passed. */
  readonly qValue: number
}

export interface OverIndexOptions {
  readonly confidence?: number
  /** 'fisher' (default, exact) or 'chisquare' (Pearson, 1 df, no continuity correction). */
  readonly test?: 'fisher' | 'chisquare'
  /** Levels with fewer customers are left out of the output and the correction (default 1). */
  readonly minCount?: number
}

/**
 * For every level of every attribute: share among the best (best[i] = 1) vs among all customers
 * with a known level, the index 100 × share_best / share_all, a Wilson interval, and a two-sided
 * test of the 2×2 table (level vs other levels) × (best vs rest): Fisher's exact test or Pearson's
 * chi-square (Agresti 2007 §2.4, §2.6). Holm (FWER) and BH (FDR) adjustments run across all
 * comparisons at once. Customers with a negative code are left out of that attribute only.
 * @example overIndex([{ name: 'region', codes, labels: ['north', 'south'] }], best)
 * @throws UsageError when lengths differ, a code has no label, or best is not 0/1.
 */
export function overIndex(
  attributes: readonly CategoricalAttribute[],
  best: Uint8Array,
  options: OverIndexOptions = {},
): OverIndexRow[] {
  const n = best.length
  for (let i = 0; i < n; i++) {
    if (best[i]! > 1) throw new UsageError('best must be 0 or 1', { index: i })
  }
  const minCount = options.minCount ?? 1
  const test = options.test ?? 'fisher'
  const confidence = options.confidence ?? 0.95
  const partial: Omit<OverIndexRow, 'pHolm' | 'qValue'>[] = []
  for (const attr of attributes) {
    if (attr.codes.length !== n) {
      throw new UsageError('attribute length differs from best', {
        attribute: attr.name,
        n,
        codes: attr.codes.length,
      })
    }
    const L = attr.labels.length
    const all = new Float64Array(L)
    const top = new Float64Array(L)
    let nAll = 0
    let nBest = 0
    for (let i = 0; i < n; i++) {
      const c = attr.codes[i]!
      if (c < 0) continue
      if (c >= L)
        throw new UsageError('level code without a label', { attribute: attr.name, code: c })
      all[c]!++
      top[c]! += best[i]!
      nAll++
      nBest += best[i]!
    }
    if (nBest === 0 || nAll === nBest) continue // no contrast: nothing to test
    for (let l = 0; l < L; l++) {
      const a = top[l]!
      const countAll = all[l]!
      if (countAll < minCount || countAll === 0) continue
      const shareAll = countAll / nAll
      const ci = wilsonInterval(a, nBest, { confidence })
      // rows: best / rest; columns: this level / other levels
      const b = nBest - a
      const c = countAll - a
      const d = nAll - nBest - c
      const pValue =
        test === 'fisher'
          ? fisherExact(a, b, c, d).pValue
          : countAll === nAll
            ? 1
            : chiSquareIndependence([
                [a, b],
                [c, d],
              ]).pValue
      partial.push({
        attribute: attr.name,
        level: l,
        label: attr.labels[l]!,
        countAll,
        countBest: a,
        shareAll,
        shareBest: a / nBest,
        index: (100 * (a / nBest)) / shareAll,
        shareBestLower: ci.lower,
        shareBestUpper: ci.upper,
        indexLower: (100 * ci.lower) / shareAll,
        indexUpper: (100 * ci.upper) / shareAll,
        pValue,
      })
    }
  }
  const p = partial.map((r) => r.pValue)
  const h = holm(p)
  const q = benjaminiHochberg(p)
  return partial.map((r, i) => ({ ...r, pHolm: h[i]!, qValue: q[i]! }))
}
