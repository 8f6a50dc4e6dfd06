// Frequent itemsets (sizes 1..3) that raise the chance of an outcome. Apriori pruning by support and
// an open-addressing hash table keyed by packed integers keep 1M baskets to a few passes over typed
// arrays; each itemset then gets an exact one-sided Fisher test and BH q-values.
import { DataError, UsageError } from '../../errors.ts'
import { hypergeomUpper } from './hypergeometric.ts'
import { benjaminiHochberg } from './multiple-testing.ts'
import { wilsonInterval } from './proportion.ts'

/**
 * Baskets in compressed-row form: basket b holds `items[offsets[b] .. offsets[b + 1])`. Item ids are
 * non-negative integers (index into the caller's label list); duplicates within a basket are ignored.
 */
export interface Baskets {
  readonly offsets: Int32Array | Uint32Array
  readonly items: Int32Array | Uint32Array
}

/** Convert one array of item ids per basket into {@link Baskets} (convenience for small inputs). */
export function basketsFromArrays(arrays: readonly (readonly number[])[]): Baskets {
  const offsets = new Int32Array(arrays.length + 1)
  let total = 0
  for (let b = 0; b < arrays.length; b++) {
    total += arrays[b]!.length
    offsets[b + 1] = total
  }
  const items = new Int32Array(total)
  for (let b = 0; b < arrays.length; b++) items.set(arrays[b]!, offsets[b]!)
  return { offsets, items }
}

export interface ItemsetOptions {
  /** Minimum support as a share of baskets (default 0.005). */
  readonly minSupport?: number
  /** Minimum number of baskets (default 20); the larger of the two limits applies. */
  readonly minCount?: number
  /** Largest itemset size, 1 to 3 (default 3). */
  readonly maxSize?: number
  /** Confidence of the Wilson interval (default 0.95). */
  readonly confidence?: number
  /**
   * Order of the result, productive itemsets first: 'lower' (default) by the lower confidence bound
   * of P(outcome | itemset), which rewards both a high rate and enough support; 'lift'; or 'pValue'.
   */
  readonly rankBy?: 'lower' | 'lift' | 'pValue'
  /** False discovery rate for `productive` (default 0.05). */
  readonly alpha?: number
}

/** One itemset with its association to the outcome. */
export interface ItemsetResult {
  /** Item ids, ascending. */
  readonly items: readonly number[]
  /** Baskets containing every item. */
  readonly count: number
  readonly support: number
  /** Of those, baskets with the outcome. */
  readonly outcomeCount: number
  /** P(outcome | itemset). */
  readonly rate: number
  /** rate / base rate. */
  readonly lift: number
  readonly lower: number
  readonly upper: number
  /** One-sided Fisher exact p-value for "rate with the itemset > rate without". */
  readonly pValue: number
  /** Benjamini-Hochberg adjusted over every itemset reported. */
  readonly qValue: number
  /**
   * Largest one-sided Fisher p-value of "rate with the itemset > rate with an immediate subset but
   * without the remaining item"; for single items, equal to pValue.
   */
  readonly improvementPValue: number
  /**
   * improvementPValue, Benjamini-Hochberg adjusted over every itemset reported: the figure that
   * decides `productive` (and may differ from qValue by orders of magnitude for a pair).
   */
  readonly improvementQValue: number
  /**
   * The itemset beats each of its immediate subsets (BH-adjusted improvementPValue < alpha), so it
   * is not just a superset riding on a smaller itemset's effect (Webb 2007, "productive" rules).
   */
  readonly productive: boolean
}

export interface ItemsetAnalysis {
  readonly baskets: number
  readonly outcomes: number
  readonly baseRate: number
  /** Minimum count actually applied. */
  readonly minCount: number
  readonly itemsets: ItemsetResult[]
}

const EMPTY = -1
/** Key spaces up to this size are counted in flat arrays (2 × 16 MB at most). */
const DENSE_LIMIT = 1 << 22

interface Counter {
  add(key: number, positive: number): void
  /** Every key counted at least once. */
  forEach(fn: (key: number, count: number, positives: number) => void): void
}

class DenseCounter implements Counter {
  readonly counts: Int32Array
  readonly positives: Int32Array
  constructor(size: number) {
    this.counts = new Int32Array(size)
    this.positives = new Int32Array(size)
  }
  add(key: number, positive: number): void {
    this.counts[key]!++
    this.positives[key]! += positive
  }
  forEach(fn: (key: number, count: number, positives: number) => void): void {
    for (let k = 0; k < this.counts.length; k++) {
      if (this.counts[k]! > 0) fn(k, this.counts[k]!, this.positives[k]!)
    }
  }
}

function makeCounter(keySpace: number): Counter {
  return keySpace <= DENSE_LIMIT ? new DenseCounter(keySpace) : new CountTable()
}

/** Open-addressing (linear probing) counter keyed by integers < 2^53. */
class CountTable implements Counter {
  keys: Float64Array
  counts: Int32Array
  positives: Int32Array
  size = 0
  private mask: number

  constructor(capacity = 1 << 12) {
    let cap = 1 << 12
    while (cap < capacity * 2) cap *= 2
    this.keys = new Float64Array(cap).fill(EMPTY)
    this.counts = new Int32Array(cap)
    this.positives = new Int32Array(cap)
    this.mask = cap - 1
  }

  private slot(key: number): number {
    const lo = key >>> 0
    const hi = (key / 4294967296) | 0
    let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1)
    h ^= h >>> 15
    h = Math.imul(h, 0x85ebca6b)
    h ^= h >>> 13
    let i = h & this.mask
    const keys = this.keys
    for (;;) {
      const k = keys[i]!
      if (k === key || k === EMPTY) return i
      i = (i + 1) & this.mask
    }
  }

  add(key: number, positive: number): void {
    const i = this.slot(key)
    if (this.keys[i] === EMPTY) {
      this.keys[i] = key
      this.size++
      this.counts[i] = 1
      this.positives[i] = positive
      if (this.size * 2 > this.keys.length) this.grow()
      return
    }
    this.counts[i]!++
    this.positives[i]! += positive
  }

  forEach(fn: (key: number, count: number, positives: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i]!
      if (k !== EMPTY) fn(k, this.counts[i]!, this.positives[i]!)
    }
  }

  private grow(): void {
    const { keys, counts, positives } = this
    const cap = keys.length * 2
    this.keys = new Float64Array(cap).fill(EMPTY)
    this.counts = new Int32Array(cap)
    this.positives = new Int32Array(cap)
    this.mask = cap - 1
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!
      if (k === EMPTY) continue
      const j = this.slot(k)
      this.keys[j] = k
      this.counts[j] = counts[i]!
      this.positives[j] = positives[i]!
    }
  }
}

/**
 * Find itemsets of size 1..maxSize with support >= max(minCount, ⌈minSupport·N⌉) (Apriori: a
 * k-itemset is counted only if all its (k-1)-subsets are frequent; Agrawal & Srikant 1994) and
 * measure for each: P(outcome | itemset) with a Wilson interval, lift over the base rate, a
 * one-sided Fisher exact p-value (itemset baskets vs all others) and BH q-values across all
 * reported itemsets (Benjamini & Hochberg 1995). Supersets that do not significantly improve on
 * their subsets are flagged not `productive` and ranked after the productive ones (Webb 2007,
 * Machine Learning 68:1, "Discovering significant patterns").
 * Cost: one pass per size; pairs and triples are counted in a hash table keyed by packed dense ids.
 * @example findItemsets(basketsFromArrays([[0, 1], [1, 2], [0, 1, 2]]), Uint8Array.of(1, 0, 1), { minCount: 1 })
 * @throws UsageError for inconsistent arrays, negative item ids or bad options; DataError for no
 *   baskets.
 */
export function findItemsets(
  baskets: Baskets,
  outcome: Uint8Array,
  options: ItemsetOptions = {},
): ItemsetAnalysis {
  const { offsets, items } = baskets
  const N = offsets.length - 1
  if (N < 1) throw new DataError('no baskets')
  if (outcome.length !== N) {
    throw new UsageError('outcome length differs from the number of baskets', {
      baskets: N,
      outcome: outcome.length,
    })
  }
  if (offsets[0] !== 0 || offsets[N] !== items.length) {
    throw new UsageError('offsets must start at 0 and end at items.length')
  }
  const maxSize = options.maxSize ?? 3
  if (!(maxSize === 1 || maxSize === 2 || maxSize === 3)) {
    throw new UsageError('maxSize must be 1, 2 or 3', { maxSize })
  }
  const minSupport = options.minSupport ?? 0.005
  if (!(minSupport >= 0 && minSupport <= 1))
    throw new UsageError('minSupport must be in [0, 1]', { minSupport })
  const minCount = Math.max(1, options.minCount ?? 20, Math.ceil(minSupport * N))
  let numItems = 0
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!
    if (!(it >= 0) || !Number.isInteger(it))
      throw new UsageError('item ids must be non-negative integers', { index: i })
    if (it >= numItems) numItems = it + 1
  }
  let K = 0
  for (let b = 0; b < N; b++) {
    if (outcome[b]! > 1) throw new UsageError('outcome must be 0 or 1', { basket: b })
    K += outcome[b]!
  }
  for (let b = 0; b < N; b++) {
    if (offsets[b + 1]! < offsets[b]!)
      throw new UsageError('offsets must be non-decreasing', { basket: b })
  }

  // Size 1; `seen` dedupes items within a basket in O(1).
  const seen = new Int32Array(numItems).fill(-1)
  const count1 = new Int32Array(numItems)
  const pos1 = new Int32Array(numItems)
  let longest = 0
  for (let b = 0; b < N; b++) {
    const y = outcome[b]!
    const end = offsets[b + 1]!
    longest = Math.max(longest, end - offsets[b]!)
    for (let i = offsets[b]!; i < end; i++) {
      const it = items[i]!
      if (seen[it] === b) continue
      seen[it] = b
      count1[it]!++
      pos1[it]! += y
    }
  }
  const dense = new Int32Array(numItems).fill(-1)
  const itemOf: number[] = []
  for (let it = 0; it < numItems; it++) {
    if (count1[it]! >= minCount) {
      dense[it] = itemOf.length
      itemOf.push(it)
    }
  }
  const F = itemOf.length

  const found: { items: number[]; count: number; positives: number }[] = []
  for (let f = 0; f < F; f++) {
    const it = itemOf[f]!
    found.push({ items: [it], count: count1[it]!, positives: pos1[it]! })
  }

  const local = new Int32Array(longest)
  seen.fill(-1)
  /** Frequent dense ids of basket b, ascending, into `local`; returns how many. */
  const loadBasket = (b: number): number => {
    let m = 0
    const end = offsets[b + 1]!
    for (let i = offsets[b]!; i < end; i++) {
      const it = items[i]!
      const d = dense[it]!
      if (d < 0 || seen[it] === b) continue
      seen[it] = b
      // insertion keeps `local` sorted; baskets are short
      let j = m++
      while (j > 0 && local[j - 1]! > d) {
        local[j] = local[j - 1]!
        j--
      }
      local[j] = d
    }
    return m
  }

  // Pair key a·F + b (a < b, dense ids); triple key pairIndex(a, b)·F + c (c > b). Key spaces small
  // enough for a flat array are counted by direct indexing, larger ones in the hash table.
  if (maxSize >= 2 && F >= 2) {
    const pairs = makeCounter(F * F)
    for (let b = 0; b < N; b++) {
      const m = loadBasket(b)
      const y = outcome[b]!
      for (let i = 0; i < m; i++) {
        const base = local[i]! * F
        for (let j = i + 1; j < m; j++) pairs.add(base + local[j]!, y)
      }
    }
    const pairA: number[] = []
    const pairB: number[] = []
    const denseIndex = F * F <= DENSE_LIMIT ? new Int32Array(F * F).fill(-1) : undefined
    const sparseIndex = denseIndex ? undefined : new Map<number, number>()
    pairs.forEach((key, count, positives) => {
      if (count < minCount) return
      const a = Math.floor(key / F)
      const idx = pairA.length
      pairA.push(a)
      pairB.push(key - a * F)
      if (denseIndex) denseIndex[key] = idx
      else sparseIndex!.set(key, idx)
      found.push({ items: [itemOf[a]!, itemOf[key - a * F]!], count, positives })
    })
    const P = pairA.length

    if (maxSize >= 3 && F >= 3 && P >= 3) {
      const triples = makeCounter(P * F)
      const pairAt = new Int32Array(longest * longest)
      seen.fill(-1)
      for (let b = 0; b < N; b++) {
        const m = loadBasket(b)
        if (m < 3) continue
        const y = outcome[b]!
        for (let i = 0; i < m; i++) {
          for (let j = i + 1; j < m; j++) {
            const key = local[i]! * F + local[j]!
            pairAt[i * m + j] = denseIndex ? denseIndex[key]! : (sparseIndex!.get(key) ?? -1)
          }
        }
        for (let i = 0; i < m; i++) {
          for (let j = i + 1; j < m; j++) {
            const ij = pairAt[i * m + j]!
            if (ij < 0) continue
            const base = ij * F
            for (let k = j + 1; k < m; k++) {
              if (pairAt[i * m + k]! >= 0 && pairAt[j * m + k]! >= 0)
                triples.add(base + local[k]!, y)
            }
          }
        }
      }
      triples.forEach((key, count, positives) => {
        if (count < minCount) return
        const c = key % F
        const ab = (key - c) / F
        found.push({
          items: [itemOf[pairA[ab]!]!, itemOf[pairB[ab]!]!, itemOf[c]!],
          count,
          positives,
        })
      })
    }
  }

  const baseRate = K / N
  const confidence = options.confidence ?? 0.95
  const pValues = new Float64Array(found.length)
  for (let r = 0; r < found.length; r++) {
    const f = found[r]!
    pValues[r] = hypergeomUpper(f.positives, { n: f.count, K, N })
  }
  const q = benjaminiHochberg(pValues)
  // Immediate subsets are frequent (Apriori), hence in `found`; keyed by the item list.
  const index = new Map<string, number>()
  for (let r = 0; r < found.length; r++) index.set(found[r]!.items.join(','), r)
  const improvement = new Float64Array(found.length)
  for (let r = 0; r < found.length; r++) {
    const f = found[r]!
    if (f.items.length === 1) {
      improvement[r] = pValues[r]!
      continue
    }
    let worst = 0
    for (let drop = 0; drop < f.items.length; drop++) {
      const sub = found[index.get(f.items.filter((_, i) => i !== drop).join(','))!]!
      // Baskets with the subset: those with the full itemset vs those without the dropped item.
      worst = Math.max(
        worst,
        hypergeomUpper(f.positives, { n: f.count, K: sub.positives, N: sub.count }),
      )
    }
    improvement[r] = worst
  }
  const improvementQ = benjaminiHochberg(improvement)
  const alpha = options.alpha ?? 0.05
  const itemsets: ItemsetResult[] = found.map((f, r) => {
    const ci = wilsonInterval(f.positives, f.count, { confidence })
    const rate = f.positives / f.count
    return {
      items: f.items,
      count: f.count,
      support: f.count / N,
      outcomeCount: f.positives,
      rate,
      lift: baseRate > 0 ? rate / baseRate : 0,
      lower: ci.lower,
      upper: ci.upper,
      pValue: pValues[r]!,
      qValue: q[r]!,
      improvementPValue: improvement[r]!,
      improvementQValue: improvementQ[r]!,
      productive: improvementQ[r]! < alpha,
    }
  })
  const rankBy = options.rankBy ?? 'lower'
  itemsets.sort((x, y) => {
    const primary =
      rankBy === 'lower'
        ? y.lower - x.lower
        : rankBy === 'lift'
          ? y.lift - x.lift
          : x.pValue - y.pValue
    return (
      Number(y.productive) - Number(x.productive) ||
      primary ||
      y.count - x.count ||
      x.items.length - y.items.length
    )
  })
  return { baskets: N, outcomes: K, baseRate, minCount, itemsets }
}
