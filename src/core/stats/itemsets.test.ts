import { describe, expect, it } from 'vitest'
import { createRng } from '../random.ts'
import { basketsFromArrays, findItemsets } from './itemsets.ts'
import { fisherExact } from './proportion.ts'

/**
 * n baskets of 3-8 distinct items out of `items`, with popularity falling by item id; outcome rate
 * `base`, multiplied by `boost` when items 0 and 1 are both present.
 */
function simulate(n: number, items: number, base: number, boost: number, seed: number) {
  const rng = createRng(seed)
  const arrays: number[][] = []
  const outcome = new Uint8Array(n)
  for (let b = 0; b < n; b++) {
    const size = 3 + Math.floor(rng.uniform() * 6)
    const basket = new Set<number>()
    while (basket.size < size) basket.add(Math.floor(items * rng.uniform() ** 1.5))
    arrays.push([...basket])
    const rate = basket.has(0) && basket.has(1) ? base * boost : base
    outcome[b] = rng.uniform() < rate ? 1 : 0
  }
  return { baskets: basketsFromArrays(arrays), arrays, outcome }
}

describe('findItemsets', () => {
  it('counts a hand example exactly and tests each itemset with one-sided Fisher', () => {
    const arrays = [[0, 1], [1, 2], [0, 1, 2], [0, 1, 1], [2], [0, 2]]
    const outcome = Uint8Array.of(1, 0, 1, 1, 0, 0)
    const r = findItemsets(basketsFromArrays(arrays), outcome, { minCount: 2, minSupport: 0 })
    const get = (...items: number[]) => r.itemsets.find((s) => s.items.join() === items.join())
    expect(r.baseRate).toBe(0.5)
    // {0,1} in baskets 0, 2, 3 (the duplicate 1 in basket 3 counts once), all with the outcome
    const ab = get(0, 1)!
    expect([ab.count, ab.outcomeCount, ab.rate, ab.lift]).toEqual([3, 3, 1, 2])
    expect(ab.pValue).toBeCloseTo(fisherExact(3, 0, 0, 3, { alternative: 'greater' }).pValue, 14)
    expect(get(1)!.count).toBe(4)
    expect(get(0, 2)!.count).toBe(2)
    expect(get(0, 1, 2)).toBeUndefined() // support 1 < 2
    expect(get(1, 2)!.count).toBe(2)
    expect(r.itemsets[0]!.items).toEqual([0, 1])
    for (const s of r.itemsets) expect(s.qValue).toBeGreaterThanOrEqual(s.pValue)
    // against its parts: with {0} (baskets 0, 2, 3, 5) the pair's 3 of 3 against basket 5's 0 of 1,
    // and the same with {1} (basket 1's 0 of 1): Fisher p 1/4, far from the 1/20 against all
    const parts = fisherExact(3, 0, 0, 1, { alternative: 'greater' }).pValue
    expect(parts).toBeCloseTo(0.25, 14)
    expect(ab.improvementPValue).toBeCloseTo(parts, 14)
    expect(get(1)!.improvementPValue).toBe(get(1)!.pValue)
    for (const s of r.itemsets) {
      expect(s.improvementQValue).toBeGreaterThanOrEqual(s.improvementPValue)
      expect(s.productive).toBe(s.improvementQValue < 0.05)
    }
  })

  it('finds a planted pair that triples the outcome rate and ranks it first', () => {
    const { baskets, outcome } = simulate(30_000, 25, 0.08, 3, 101)
    const r = findItemsets(baskets, outcome, { minSupport: 0.005 })
    const top = r.itemsets[0]!
    expect(top.items).toEqual([0, 1])
    expect(top.qValue).toBeLessThan(0.01)
    // the planted rate is 0.24; the base rate includes the boosted baskets, so lift is below 3
    expect(Math.abs(top.rate - 0.24)).toBeLessThan(0.03)
    expect(top.lift).toBeGreaterThan(1.8)
    expect(top.lower).toBeGreaterThan(r.baseRate)
    expect(top.productive).toBe(true)
    // supersets of the pair were counted but ride on its effect: none is productive
    const supersets = r.itemsets.filter(
      (s) => s.items.length === 3 && s.items[0] === 0 && s.items[1] === 1,
    )
    expect(supersets.length).toBeGreaterThan(5)
    expect(supersets.filter((s) => s.productive)).toEqual([])
  })

  it('reports nothing significant when the outcome is independent of the basket', () => {
    const { baskets, outcome } = simulate(30_000, 25, 0.08, 1, 202)
    const r = findItemsets(baskets, outcome, { minSupport: 0.005 })
    expect(r.itemsets.length).toBeGreaterThan(500)
    expect(r.itemsets.filter((s) => s.qValue < 0.05)).toEqual([])
    expect(r.itemsets.filter((s) => s.productive)).toEqual([])
  })

  it('counts match a brute-force recount for every reported itemset', () => {
    const { baskets, arrays, outcome } = simulate(3000, 12, 0.2, 2, 303)
    const r = findItemsets(baskets, outcome, { minCount: 15, minSupport: 0 })
    const sets = arrays.map((a) => new Set(a))
    for (const s of r.itemsets.filter((_, i) => i % 7 === 0)) {
      let c = 0
      let pos = 0
      sets.forEach((set, b) => {
        if (s.items.every((it) => set.has(it))) {
          c++
          pos += outcome[b]!
        }
      })
      expect([s.count, s.outcomeCount]).toEqual([c, pos])
    }
    // Apriori: no reported itemset is below the support limit, and every triple's pairs are reported
    const keys = new Set(r.itemsets.map((s) => s.items.join()))
    for (const s of r.itemsets) {
      expect(s.count).toBeGreaterThanOrEqual(15)
      if (s.items.length === 3) {
        const [a, b, c] = s.items as [number, number, number]
        expect(keys.has(`${a},${b}`) && keys.has(`${a},${c}`) && keys.has(`${b},${c}`)).toBe(true)
      }
    }
  })

  it('counts through the hash table when the item space is too large for flat arrays', () => {
    // 2100 frequent items: 2100² pair keys exceed the flat-array limit
    const rng = createRng(8)
    const arrays: number[][] = []
    for (let b = 0; b < 4200; b++)
      arrays.push([b % 2100, (b * 7 + 1) % 2100, Math.floor(rng.uniform() * 3)])
    const outcome = Uint8Array.from(arrays, (a) => (a.includes(0) ? 1 : 0))
    const r = findItemsets(basketsFromArrays(arrays), outcome, { minCount: 2, minSupport: 0 })
    const sets = arrays.map((a) => new Set(a))
    const brute = (items: readonly number[]) =>
      sets.filter((set) => items.every((i) => set.has(i))).length
    expect(r.itemsets.filter((s) => s.items.length === 1).length).toBe(2100)
    const multi = r.itemsets.filter((s) => s.items.length > 1)
    expect(multi.some((s) => s.items.length === 3)).toBe(true)
    for (const s of multi) expect(s.count).toBe(brute(s.items))
  })

  it('respects maxSize and rejects bad input', () => {
    const { baskets, outcome } = simulate(2000, 10, 0.2, 1, 5)
    const r = findItemsets(baskets, outcome, { maxSize: 1, minCount: 5 })
    expect(r.itemsets.every((s) => s.items.length === 1)).toBe(true)
    expect(() => findItemsets(baskets, outcome, { maxSize: 4 })).toThrow(/maxSize/)
    expect(() => findItemsets(baskets, outcome.subarray(1))).toThrow(/outcome length/)
    expect(() => findItemsets(basketsFromArrays([[0, -1]]), Uint8Array.of(1))).toThrow(
      /non-negative/,
    )
  })
})
