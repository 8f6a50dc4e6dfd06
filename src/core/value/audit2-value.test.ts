// Audit 2 of whole-customer value: rank shares behind "more engaged than" and "top N %", empty rank
// tiers (no minimum of their own), and top referrers restricted to customers.
import { describe, expect, it } from 'vitest'
import { DEFAULT_VALUE_CONFIG } from './config.ts'
import { percentileRank, rankShares } from './engagement.ts'
import { buildReasons } from './reasons.ts'
import { computeReferralValue, referralTrees } from './referrals.ts'
import { assignTiers, tierBoundaries } from './tiers.ts'

const currency = { code: 'USD', locale: 'en-US', decimals: 0 } as const

// 13 customers: A the best, G second, one more above B, B tied with two others, seven below it
// (one with nothing)
const SCORES = Float64Array.of(90, 40, 40, 40, 80, 60, 12, 14, 16, 18, 20, 22, 0)
const A = 0
const B = 1
const G = 4

describe('rankShares', () => {
  it('gives the percentile unchanged and the share at or above each positive value', () => {
    const r = rankShares(Float64Array.of(0, 5, 5, 10))
    expect(Array.from(r.percentile)).toEqual([0, 75, 75, 100])
    expect(Array.from(r.topShare)).toEqual([Number.NaN, 75, 75, 25])
  })

  it('matches counting by hand on random values with ties', () => {
    let seed = 7
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const v = Float64Array.from({ length: 500 }, () => Math.floor(rnd() * 40) - 5)
    const r = rankShares(v)
    expect(Array.from(r.percentile)).toEqual(Array.from(percentileRank(v)))
    v.forEach((x, i) => {
      let atOrAbove = 0
      for (const y of v) if (y >= x) atOrAbove++
      if (x > 0) expect(r.topShare[i]).toBeCloseTo((100 * atOrAbove) / v.length, 12)
      else expect(r.topShare[i]).toBeNaN()
    })
  })
})

function engagementFacts(i: number) {
  const r = rankShares(SCORES)
  return { percentile: r.percentile[i] as number, topShare: r.topShare[i] as number }
}

describe('engagement reason: "more engaged than" is the share strictly below', () => {
  const text = (i: number) =>
    buildReasons({ engagement: engagementFacts(i) }, { currency }).find(
      (x) => x.code === 'engagement',
    )?.text

  it('a customer tied with two others: 7 of 13 score less (54 %), not the 77th percentile', () => {
    expect(engagementFacts(B).percentile).toBeCloseTo((100 * 10) / 13, 9)
    expect(text(B)).toBe('more engaged than 54 % of customers')
  })

  it('second of 13: 11 score less (85 %); the best: 12 of 13 (92 %)', () => {
    expect(text(G)).toBe('more engaged than 85 % of customers')
    expect(text(A)).toBe('more engaged than 92 % of customers')
  })

  it('tied with everyone: nobody to be more engaged than, no reason', () => {
    const r = rankShares(Float64Array.of(3, 3, 3, 3))
    const facts = { percentile: r.percentile[0] as number, topShare: r.topShare[0] as number }
    expect(
      buildReasons({ engagement: facts }, { currency }).some((x) => x.code === 'engagement'),
    ).toBe(false)
  })
})

describe('lucrative loyal: "top N %" is the rank share, rounded up', () => {
  const text = (i: number) => {
    const v = rankShares(SCORES)
    return buildReasons(
      {
        loyalty: { type: 'lucrative_loyal', rule: 'high_value_connected' },
        valuePercentile: v.percentile[i] as number,
        valueTopShare: v.topShare[i] as number,
        engagement: engagementFacts(i),
      },
      { currency },
    ).find((x) => x.code === 'loyalty_type')?.text
  }

  it('the best of 13 is in the top 8 % (1/13 = 7.7 %), not the top 1 %', () => {
    expect(text(A)).toBe('lucrative loyal: top 8 % by value with engagement in the top 8 %')
  })

  it('second of 13: top 16 % (2/13 = 15.4 %); tied fourth to sixth: the 76th percentile', () => {
    expect(text(G)).toBe('lucrative loyal: top 16 % by value with engagement in the top 16 %')
    // in the top 47 % (6/13) by rank, which reads outside the rules' top 30 % by value (and 40 %
    // by engagement) they passed at the 76th percentile (10/13 at or below): the percentile
    expect(text(B)).toBe('lucrative loyal: value percentile 76 with engagement percentile 76')
  })

  it('the first of 1000 is in the top 1 %, the third of 100 in the top 3 %', () => {
    const v = rankShares(Float64Array.from({ length: 1000 }, (_, i) => 1000 - i))
    expect(v.topShare[0]).toBeCloseTo(0.1, 12)
    const w = rankShares(Float64Array.from({ length: 100 }, (_, i) => 100 - i))
    const t = (s: number) =>
      buildReasons(
        {
          loyalty: { type: 'lucrative_loyal', rule: 'high_value_connected' },
          valueTopShare: s,
        },
        { currency },
      )[0]?.text
    expect(t(v.topShare[0] as number)).toBe('lucrative loyal: top 1 % by value')
    expect(t(w.topShare[2] as number)).toBe('lucrative loyal: top 3 % by value')
  })
})

describe('rank tiers that admit nobody have no minimum', () => {
  // 60 customers: 5 tied at 26.8, 55 at a loss. Platinum's cut (1 customer) takes all 5 tied;
  // Gold's and Silver's cuts fall among the losses, and no value reaches them without reaching
  // Platinum first
  const values = Float64Array.from({ length: 60 }, (_, i) => (i < 5 ? 26.8 : -10 - i))

  it('empty Gold and Silver get +Infinity, not a copy of the Platinum line', () => {
    const b = tierBoundaries(values, DEFAULT_VALUE_CONFIG.tiers)
    expect(Array.from(b)).toEqual([
      26.8,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ])
    expect(Array.from(assignTiers(values, DEFAULT_VALUE_CONFIG.tiers).counts)).toEqual([
      5, 0, 0, 55,
    ])
  })

  it('ties across two cuts: the lower tier is empty, the next keeps its own line', () => {
    // 100 customers, the top 10 tied at 500: Platinum (2) and Gold (10) both cut at 500
    const v = Float64Array.from({ length: 100 }, (_, i) => (i < 10 ? 500 : 100 - i))
    const b = tierBoundaries(v, DEFAULT_VALUE_CONFIG.tiers)
    expect(Array.from(b)).toEqual([500, Number.POSITIVE_INFINITY, 71, Number.NEGATIVE_INFINITY])
    expect(Array.from(assignTiers(v, DEFAULT_VALUE_CONFIG.tiers).counts)).toEqual([10, 0, 20, 70])
  })

  it('a customer kept by grace in a tier with no minimum is not "below its $∞ minimum"', () => {
    const r = buildReasons(
      {
        tier: {
          name: 'Gold',
          basis: 'rank',
          totalValue: 20,
          boundary: Number.POSITIVE_INFINITY,
          heldByGrace: true,
          graceLeft: 3,
          graceUnit: 'days',
        },
      },
      { currency },
    )
    expect(r[0]?.text).toBe(
      'kept in Gold for 3 more days (grace period): total value $20 no longer qualifies for it (no customer does this run)',
    )
  })
})

describe('top referrers', () => {
  // customers 0..2 bought; node 3 never did (a link: 0 -> 3 -> 1, 3 -> 2)
  const own = Float64Array.of(10, 100, 80, 0)
  const r = computeReferralValue(
    4,
    { referrer: Int32Array.of(0, 3, 3), referred: Int32Array.of(3, 1, 2) },
    own,
    { decay: 0.5, maxDepth: 5 },
  )

  it('a referrer who never bought is not ranked, yet stays a node in the trees', () => {
    // node 3 has the largest referral value (180); customer 0 gets 0 + 0.5 * 180 = 90
    expect(r.value[3]).toBe(180)
    expect(referralTrees(r, own, 10)[0]?.customer).toBe(3)
    const top = referralTrees(r, own, 10, 50, 3)
    expect(top.map((t) => t.customer)).toEqual([0])
    expect(top[0]?.referralValue).toBe(90)
    expect(top[0]?.children[0]?.customer).toBe(3)
    expect(top[0]?.children[0]?.children.map((c) => c.customer)).toEqual([1, 2])
  })
})
