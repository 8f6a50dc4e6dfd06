// Quintile scores as comparisons with cut values. The score rule (docs/rfm.md) is
//   score = 1 + floor(5 (rank - 1) / n),  rank = 1 + #(customers strictly worse)
// so score >= k exactly when #(strictly worse) >= c_k = ceil((k - 1) n / 5), that is when the
// value is strictly better than the c_k-th worst value. Four cut values per measure then give
// every score with no per-customer rank: equal values still share a score, as with rank().

/** Which direction is better for a measure (recency: fewer days; frequency, monetary: more). */
export type Better = 'more' | 'less'

export interface MeasureCuts {
  /** Cut values for scores 2..5 (index 0 = score 2); null: no customer reaches that score. */
  readonly cuts: readonly (number | null)[]
  /** Score of a customer whose value is NULL: ranked after every value (NULLS LAST). */
  readonly nullScore: number
}

/** Positions c_k = ceil((k - 1) n / 5), k = 2..5, 1-based, worst first. */
export function cutPositions(n: number): number[] {
  return [1, 2, 3, 4].map((k) => Math.floor((k * n + 4) / 5))
}

/** NULL values rank after all `known` values: rank known + 1 of n. */
function nullScore(known: number, n: number): number {
  return n === 0 ? 1 : 1 + Math.floor((5 * known) / n)
}

/**
 * Cuts of a measure from its value counts (any order), `n` customers in all (NULLs included).
 * @example cutsFromCounts([{ value: 1, n: 6 }, { value: 2, n: 2 }, { value: 3, n: 2 }], 10, 'more')
 *   // positions 2, 4, 6, 8 -> cuts [1, 1, 1, 2]: F = 1 for value 1, 4 for value 2, 5 for value 3
 */
export function cutsFromCounts(
  counts: readonly { readonly value: number; readonly n: number }[],
  n: number,
  better: Better,
): MeasureCuts {
  // worst first: ascending when more is better
  const sorted = [...counts].sort((a, b) =>
    better === 'more' ? a.value - b.value : b.value - a.value,
  )
  const cuts = cutPositions(n).map((c) => {
    let seen = 0
    for (const x of sorted) {
      seen += x.n
      if (seen >= c && c > 0) return x.value
    }
    return null
  })
  return {
    cuts,
    nullScore: nullScore(
      sorted.reduce((s, x) => s + x.n, 0),
      n,
    ),
  }
}

/**
 * Cuts of a measure from the values at the cut positions (worst first, 1-based), as read from a
 * sorted pass; `known` non-NULL values of `n` customers.
 */
export function cutsFromPositions(
  at: ReadonlyMap<number, number>,
  known: number,
  n: number,
): MeasureCuts {
  const cuts = cutPositions(n).map((c) => {
    if (c <= 0 || c > known) return null
    const v = at.get(c)
    if (v === undefined) throw new Error(`RFM cut position ${c} of ${known} values was not read`)
    return v
  })
  return { cuts, nullScore: nullScore(known, n) }
}

/**
 * Cuts of a measure from every customer's value (NaN: no value, ranked after all), as
 * {@link cutsFromCounts} gives them: for a scorer that holds the values in memory.
 * @example cutsFromValues(Float64Array.of(10, 20, 20, 30, 40), 'more') // cuts [10, 20, 20, 30]
 */
export function cutsFromValues(values: Float64Array, better: Better): MeasureCuts {
  const known = values.filter((v) => !Number.isNaN(v))
  // worst first
  known.sort()
  if (better === 'less') known.reverse()
  const cuts = cutPositions(values.length).map((c) =>
    c <= 0 || c > known.length ? null : (known[c - 1] as number),
  )
  return { cuts, nullScore: nullScore(known.length, values.length) }
}

/**
 * The 1-5 score of `value` against a measure's cuts: 1 + the cuts it is strictly better than, so
 * equal values share a score (the rank rule of docs/rfm.md). NaN scores as a missing value.
 * @example scoreFromCuts(20, { cuts: [10, 20, 20, 30], nullScore: 1 }, 'more') // 2
 */
export function scoreFromCuts(value: number, mc: MeasureCuts, better: Better): number {
  if (Number.isNaN(value)) return mc.nullScore
  let s = 1
  for (const c of mc.cuts) {
    if (c !== null && (better === 'more' ? value > c : value < c)) s++
  }
  return s
}
