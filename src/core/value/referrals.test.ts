import { describe, expect, test } from 'vitest'
import { DataError } from '../../errors.ts'
import { computeReferralValue, referralTrees } from './referrals.ts'

const opts = { decay: 0.5, maxDepth: 5 }
const edges = (pairs: [number, number][], days?: number[]) => ({
  referrer: Int32Array.from(pairs.map((p) => p[0])),
  referred: Int32Array.from(pairs.map((p) => p[1])),
  day: days ? Float64Array.from(days) : undefined,
})

describe('computeReferralValue', () => {
  test('a chain of three levels: A -> B -> C -> D with decay 0.5', () => {
    // customers A=0, B=1, C=2, D=3; own values vA=7 (never counted: A was referred by nobody),
    // vB=200, vC=80, vD=40
    const v = Float64Array.of(7, 200, 80, 40)
    const r = computeReferralValue(
      4,
      edges([
        [0, 1],
        [1, 2],
        [2, 3],
      ]),
      v,
      opts,
    )
    // A: vB + 0.5 vC + 0.25 vD = 200 + 40 + 10 = 250
    // B: vC + 0.5 vD = 80 + 20 = 100
    // C: vD = 40;  D: nobody = 0
    expect(Array.from(r.value)).toEqual([250, 100, 40, 0])
    expect(Array.from(r.directCount)).toEqual([1, 1, 1, 0])
    expect(Array.from(r.directValue)).toEqual([200, 80, 40, 0])
    // A has one descendant on each of levels 1, 2, 3
    expect(Array.from(r.countsByLevel.subarray(0, 5))).toEqual([1, 1, 1, 0, 0])
    expect(r.duplicates + r.selfReferrals + r.cyclesBroken).toBe(0)
  })

  test('maxDepth cuts deeper levels', () => {
    const v = Float64Array.of(0, 200, 80, 40)
    const r = computeReferralValue(
      4,
      edges([
        [0, 1],
        [1, 2],
        [2, 3],
      ]),
      v,
      { decay: 0.5, maxDepth: 2 },
    )
    // A: 200 + 0.5 * 80 = 240 (D at level 3 is beyond maxDepth 2)
    expect(r.value[0]).toBe(240)
    expect(r.value[1]).toBe(100)
  })

  test('a customer referred twice counts once, for the earliest referral', () => {
    // X=0 referred Z=2 on day 10, Y=1 referred Z on day 5: Y's referral is first and wins.
    const v = Float64Array.of(0, 0, 300)
    const r = computeReferralValue(
      3,
      edges(
        [
          [0, 2],
          [1, 2],
        ],
        [10, 5],
      ),
      v,
      opts,
    )
    expect(Array.from(r.value)).toEqual([0, 300, 0])
    expect(r.parent[2]).toBe(1)
    expect(r.duplicates).toBe(1)
    // the total referral value equals Z's value once, not twice
    expect(r.value.reduce((a, b) => a + b, 0)).toBe(300)
  })

  test('same-day or undated duplicates: the first in the input wins', () => {
    const v = Float64Array.of(0, 0, 300)
    const r = computeReferralValue(
      3,
      edges([
        [0, 2],
        [1, 2],
      ]),
      v,
      opts,
    )
    expect(r.parent[2]).toBe(0)
    expect(r.value[0]).toBe(300)
  })

  test('a cycle is broken at its latest edge and reported', () => {
    // A=0 -> B=1 (day 1), B -> C=2 (day 2), C -> A (day 3): impossible in time; drop C -> A (edge 2).
    const v = Float64Array.of(10, 20, 40)
    const r = computeReferralValue(
      3,
      edges(
        [
          [0, 1],
          [1, 2],
          [2, 0],
        ],
        [1, 2, 3],
      ),
      v,
      opts,
    )
    expect(r.cyclesBroken).toBe(1)
    expect(Array.from(r.brokenEdges)).toEqual([2])
    // Now a chain A -> B -> C: A = 20 + 0.5 * 40 = 40, B = 40, C = 0
    expect(Array.from(r.value)).toEqual([40, 40, 0])
    expect(r.parent[0]).toBe(-1)
  })

  test('self referrals are ignored; a two-node cycle without dates drops the later input edge', () => {
    const v = Float64Array.of(5, 6)
    const r = computeReferralValue(
      2,
      edges([
        [0, 0],
        [0, 1],
        [1, 0],
      ]),
      v,
      opts,
    )
    expect(r.selfReferrals).toBe(1)
    expect(r.cyclesBroken).toBe(1)
    expect(Array.from(r.brokenEdges)).toEqual([2])
    expect(Array.from(r.value)).toEqual([6, 0])
  })

  test('negative values (referred customers served at a loss) lower the referrer value', () => {
    const r = computeReferralValue(
      3,
      edges([
        [0, 1],
        [0, 2],
      ]),
      Float64Array.of(0, 100, -30),
      opts,
    )
    // 100 + (-30) = 70
    expect(r.value[0]).toBe(70)
    expect(r.directCount[0]).toBe(2)
  })

  test('a deep chain (100k levels) runs without recursion', () => {
    const n = 100_000
    const pairs: [number, number][] = []
    for (let i = 0; i + 1 < n; i++) pairs.push([i, i + 1])
    const v = new Float64Array(n).fill(1)
    const r = computeReferralValue(n, edges(pairs), v, { decay: 0.5, maxDepth: 3 })
    // everyone but the last three: 1 + 0.5 + 0.25 = 1.75
    expect(r.value[0]).toBe(1.75)
    expect(r.value[n - 2]).toBe(1)
    const trees = referralTrees(r, v, 1)
    expect(trees[0]?.descendants).toBe(3)
  })

  test('bad input is a DataError', () => {
    const v = Float64Array.of(1, 2)
    expect(() => computeReferralValue(2, edges([[0, 5]]), v, opts)).toThrow(DataError)
    expect(() =>
      computeReferralValue(2, { referrer: Int32Array.of(0), referred: Int32Array.of() }, v, opts),
    ).toThrow(/differ in length/)
    expect(() =>
      computeReferralValue(2, edges([[0, 1]]), Float64Array.of(1, Number.NaN), opts),
    ).toThrow(/customer 1 is not a finite number/)
  })
})

describe('referralTrees', () => {
  test('the top referrers with their nested referrals', () => {
    // 0 referred 1 and 2; 1 referred 3; 4 referred 5.
    const v = Float64Array.of(0, 50, 80, 20, 0, 10)
    const r = computeReferralValue(
      6,
      edges([
        [0, 1],
        [0, 2],
        [1, 3],
        [4, 5],
      ]),
      v,
      opts,
    )
    // referral values: 0: 50 + 80 + 0.5*20 = 140; 1: 20; 4: 10
    const trees = referralTrees(r, v, 2)
    expect(trees.map((t) => [t.customer, t.referralValue, t.directCount, t.descendants])).toEqual([
      [0, 140, 2, 3],
      [1, 20, 1, 1],
    ])
    const t0 = trees[0]!
    // children ordered by value: 2 (80) before 1 (50); 3 hangs under 1 at level 2 contributing 10
    expect(t0.children.map((c) => c.customer)).toEqual([2, 1])
    expect(t0.children[1]?.children[0]).toEqual({
      customer: 3,
      level: 2,
      ownValue: 20,
      contribution: 10,
      children: [],
    })
    expect(t0.omitted).toBe(0)
    // maxNodes cuts the tree level by level
    const cut = referralTrees(r, v, 1, 2)[0]!
    expect(cut.children.length).toBe(2)
    expect(cut.children[1]?.children.length).toBe(0)
    expect(cut.omitted).toBe(1)
  })
})
