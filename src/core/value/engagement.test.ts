import { describe, expect, test } from 'vitest'
import { DataError } from '../../errors.ts'
import { DEFAULT_VALUE_CONFIG, ENGAGEMENT_EVENT_TYPES } from './config.ts'
import { engagementScores, percentileRank } from './engagement.ts'

const code = (t: (typeof ENGAGEMENT_EVENT_TYPES)[number]) => ENGAGEMENT_EVENT_TYPES.indexOf(t)
const cfg = DEFAULT_VALUE_CONFIG.engagement // half-life 90 days, review 5, click 2, open 1, share 4

describe('engagementScores', () => {
  test('recency-weighted sums and percentiles with ties', () => {
    // customer 0: review today (5) + email click 90 days ago (2 * 0.5 = 1)          = 6
    // customer 1: social share 180 days ago (4 * 0.25 = 1) + 5 email opens today (5) = 6
    // customer 2: email open 90 days ago                                          = 0.5
    // customer 3: no events                                                         = 0
    // customer 4: an event after the as-of date (age -1): skipped                   = 0
    const ev: [number, string, number][] = [
      [0, 'review', 0],
      [0, 'email_click', 90],
      [1, 'social_share', 180],
      ...Array.from({ length: 5 }, (): [number, string, number] => [1, 'email_open', 0]),
      [2, 'email_open', 90],
      [4, 'site_visit', -1],
    ]
    const r = engagementScores(
      5,
      {
        customer: Int32Array.from(ev.map((e) => e[0])),
        type: Uint8Array.from(ev.map((e) => code(e[1] as 'review'))),
        ageDays: Float64Array.from(ev.map((e) => e[2])),
      },
      cfg,
    )
    expect(r.score[0]).toBeCloseTo(6, 12)
    expect(r.score[1]).toBeCloseTo(6, 12)
    expect(r.score[2]).toBeCloseTo(0.5, 12)
    expect(r.score[3]).toBe(0)
    expect(r.skipped).toBe(1)
    // percentile = 100 * (customers with score <= own) / 5
    // 0 and 1 tie at 6: 5 of 5 at or below -> 100 each; 2: 0.5 -> 3 of 5 (0, 0, 0.5) -> 60
    // 3 and 4 have no engagement -> 0
    expect(Array.from(r.percentile)).toEqual([100, 100, 60, 0, 0])
    expect(r.countsByType[1 * r.types + code('email_open')]).toBe(5)
    expect(r.countsByType[0 * r.types + code('review')]).toBe(1)
  })

  test('weights come from the configuration', () => {
    const r = engagementScores(
      1,
      {
        customer: Int32Array.of(0),
        type: Uint8Array.of(code('review')),
        ageDays: Float64Array.of(30),
      },
      { weights: { ...cfg.weights, review: 8 }, halfLifeDays: 30 },
    )
    expect(r.score[0]).toBeCloseTo(4, 12) // 8 * 0.5^(30/30)
  })

  test('bad columns are DataErrors', () => {
    expect(() =>
      engagementScores(
        1,
        { customer: Int32Array.of(0), type: Uint8Array.of(99), ageDays: Float64Array.of(0) },
        cfg,
      ),
    ).toThrow(DataError)
    expect(() =>
      engagementScores(
        1,
        { customer: Int32Array.of(3), type: Uint8Array.of(0), ageDays: Float64Array.of(0) },
        cfg,
      ),
    ).toThrow(/outside 0\.\.0/)
  })
})

describe('percentileRank', () => {
  test('ties share a rank, the top gets 100, zeros get 0', () => {
    // sorted: 0, 2, 2, 2, 7 -> 2: 4 of 5 at or below = 80; 7: 100
    expect(Array.from(percentileRank(Float64Array.of(2, 0, 7, 2, 2)))).toEqual([80, 0, 100, 80, 80])
    expect(percentileRank(new Float64Array(0)).length).toBe(0)
  })

  test('equals the definition (count of values at or below) with ties, NaN, zeros, negatives', () => {
    // seeded LCG: values on a coarse grid so that ties are common
    let seed = 12345
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const special = [Number.NaN, 0, -0, -3, Number.POSITIVE_INFINITY, Number.MIN_VALUE, 1e300]
    const v = Float64Array.from({ length: 5000 }, (_, i) =>
      i % 17 === 0 ? (special[i % special.length] as number) : Math.round(rnd() * 400 - 50) / 4,
    )
    const got = percentileRank(v)
    const n = v.length
    for (let i = 0; i < n; i++) {
      const x = v[i] as number
      let le = 0
      for (let j = 0; j < n; j++) if ((v[j] as number) <= x) le++
      expect(got[i]).toBe(x > 0 ? (100 * le) / n : 0)
    }
  })
})
