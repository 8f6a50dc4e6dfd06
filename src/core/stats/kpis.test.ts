import { describe, expect, it } from 'vitest'
import { readJsonFixture } from '../../../test/helpers/json-fixture.ts'
import {
  ces,
  customerRetentionRate,
  kaplanMeier,
  meanInterval,
  nps,
  repeatPurchaseRate,
  retentionMatrix,
  survivalAt,
  survivalQuantile,
  timeToEventSummary,
} from './kpis.ts'

const km = readJsonFixture<{
  times: number[]
  events: number[]
  q: number[]
  survival: (number | null)[]
  lower: (number | null)[]
  upper: (number | null)[]
}>('stats/km.json')

describe('nps', () => {
  it('hand example: 4 promoters, 3 passives, 3 detractors of 10', () => {
    const r = nps([10, 9, 9, 10, 8, 7, 7, 6, 0, 3])
    expect([r.promoters, r.passives, r.detractors]).toEqual([4, 3, 3])
    expect(r.nps).toBeCloseTo(10, 12)
    // Var = (0.4 + 0.3 − 0.1²)/10 = 0.069 -> se = 100·√0.069
    expect(r.standardError).toBeCloseTo(100 * Math.sqrt(0.069), 12)
    // adjusted Wald (Rocks 2016): p+ = 4.75/13, p- = 3.75/13 about 100 × 1/13
    const pa = 4.75 / 13
    const pd = 3.75 / 13
    const se = 100 * Math.sqrt((pa + pd - (pa - pd) ** 2) / 13)
    expect(r.lower).toBeCloseTo(100 / 13 - 1.959963984540054 * se, 9)
    expect(r.upper).toBeCloseTo(100 / 13 + 1.959963984540054 * se, 9)
    // answers all alike still have an interval: two promoters are no certainty of 100
    const two = nps([10, 10])
    expect(two.nps).toBe(100)
    expect(two.upper).toBe(100)
    expect(two.lower).toBeLessThan(60)
    expect(() => nps([11])).toThrow(/0\.\.10/)
    expect(() => nps([])).toThrow(/no responses/)
  })
})

describe('means and rates', () => {
  it('CES mean with a Student t interval, clipped to the scale', () => {
    const r = ces([1, 2, 3, 4, 5])
    expect(r.mean).toBe(3)
    expect(r.sd).toBeCloseTo(Math.sqrt(2.5), 14)
    // scipy.stats.t.ppf(0.975, 4) = 2.7764451051977934
    expect(r.upper - r.mean).toBeCloseTo(2.7764451051977934 * Math.sqrt(2.5 / 5), 10)
    // two answers 1 and 7: mean 4, half-width 12.7 * 3 runs far past the scale
    const wide = ces([1, 7])
    expect([wide.lower, wide.upper]).toEqual([1, 7])
    expect(() => ces([0, 3])).toThrow(/1\.\.7/)
    expect(meanInterval([4]).sd).toBe(0)
  })
  it('customer retention rate (E − N)/S', () => {
    expect(customerRetentionRate(200, 210, 30)).toBe(0.9)
    expect(() => customerRetentionRate(0, 1, 0)).toThrow(/start > 0/)
    expect(() => customerRetentionRate(10, 5, 6)).toThrow(/acquired exceeds/)
  })
  it('repeat purchase rate', () => {
    const r = repeatPurchaseRate(Int32Array.of(1, 2, 5, 1, 0))
    expect([r.customers, r.repeaters, r.estimate]).toEqual([5, 2, 0.4])
    expect(r.lower).toBeLessThan(0.4)
  })
})

describe('retentionMatrix', () => {
  it('divides by the cohort base and leaves unobserved cells out of the average', () => {
    // 2 cohorts × 3 periods; the second cohort has lived through 2 periods only
    const values = Float64Array.of(100, 40, 30, 50, 30, 0)
    const m = retentionMatrix(values, 2, 3, { observedPeriods: Int32Array.of(3, 2) })
    expect(Array.from(m.rates)).toEqual([1, 0.4, 0.3, 1, 0.6, 0])
    expect(Array.from(m.observed)).toEqual([1, 1, 1, 1, 1, 0])
    expect(m.average[1]).toBeCloseTo(70 / 150, 15)
    expect(m.average[2]).toBeCloseTo(0.3, 15)
    expect(() => retentionMatrix(values, 2, 2)).toThrow(/cohorts × periods/)
  })
})

describe('kaplanMeier', () => {
  it('matches scipy.stats.ecdf on censored data, with log-log Greenwood intervals', () => {
    const r = kaplanMeier(Float64Array.from(km.times), Uint8Array.from(km.events))
    for (let j = 0; j < r.times.length; j++) {
      const at = km.q.indexOf(r.times[j]!)
      expect(at).toBeGreaterThanOrEqual(0)
      expect(r.survival[j]).toBeCloseTo(km.survival[at]!, 12)
      if (km.lower[at] !== null) {
        expect(r.lower[j]).toBeCloseTo(km.lower[at]!, 10)
        expect(r.upper[j]).toBeCloseTo(km.upper[at]!, 10)
      }
    }
    // event times only: 3, 5, 8, 12, 15, 22, 30, 60
    expect(Array.from(r.times)).toEqual([3, 5, 8, 12, 15, 22, 30, 60])
    expect(Array.from(r.atRisk.subarray(0, 4))).toEqual([15, 14, 12, 10])
  })
  it('quantiles and step lookup', () => {
    const r = kaplanMeier(Float64Array.from(km.times), Uint8Array.from(km.events))
    expect(survivalAt(r, 11.9)).toBeCloseTo(0.7944444444444444, 14)
    expect(survivalAt(r, 0)).toBe(1)
    expect(survivalQuantile(r, 0.5)).toBe(22)
    const censoredOnly = kaplanMeier(Float64Array.of(5, 9), Uint8Array.of(0, 0))
    expect(censoredOnly.times.length).toBe(0)
    expect(survivalQuantile(censoredOnly, 0.5)).toBeNull()
  })
  it('time-to-event summary separates naive and censoring-aware quantiles', () => {
    const s = timeToEventSummary(Float64Array.from(km.times), Uint8Array.from(km.events), {
      quantiles: [0.5],
      horizons: [10],
    })
    expect([s.n, s.events, s.censored]).toEqual([15, 9, 6])
    expect(s.observedQuantiles[0]).toBe(12) // median of 3 5 8 12 12 15 22 30 60
    expect(s.kaplanMeierQuantiles[0]).toBe(22)
    expect(s.within[0]!.share).toBeCloseTo(1 - 0.7944444444444444, 14)
  })
})
