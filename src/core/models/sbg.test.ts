import { describe, expect, it } from 'vitest'
import { csvColumns, fixtureJson } from '../../../test/models/fixtures.ts'
import { DataError } from '../../errors.ts'
import {
  fitSbg,
  sbgChurnProbability,
  sbgDiscountedExpectedLifetime,
  sbgDiscountedResidualLifetime,
  sbgExpectedNextPurchase,
  sbgExpectedPurchases,
  sbgExpectedPurchasesNew,
  sbgGradient,
  sbgLogLikelihood,
  sbgProbabilityAlive,
  sbgProbabilityAnyPurchase,
  sbgProbabilityPurchases,
  sbgRetentionRate,
  sbgSurvival,
  simulateSbg,
  survivalToCounts,
} from './sbg.ts'

interface Cohort {
  alpha: number
  beta: number
  logLikelihood: number
  pChurn: number[]
  survival: number[]
  retention: number[]
  del10: number
  derl10: number[]
}
const fx = fixtureJson<{ cohorts: Record<string, Cohort> }>('sbg.json')
const table = csvColumns('retention/fader_hardie_2007_survival.csv')
const col = (name: string) => Array.from(table[name]!)
const published = {
  regular_pct_alive: { alpha: 0.704, beta: 1.182, curve: col('regular_pct_alive') },
  highend_pct_alive: { alpha: 0.668, beta: 3.806, curve: col('highend_pct_alive') },
}

describe('sBG on the Fader & Hardie (2007) retention table', () => {
  for (const [name, pub] of Object.entries(published)) {
    it(`${name}: reproduces the published estimates and the scipy fit`, () => {
      const f = fitSbg(survivalToCounts(pub.curve))
      const ref = fx.cohorts[name]!
      // published to 3 decimals: within rounding (0.0005) and 0.1 %
      expect(Math.abs(f.params.alpha - pub.alpha)).toBeLessThan(Math.max(5e-4, 1e-3 * pub.alpha))
      expect(Math.abs(f.params.beta - pub.beta)).toBeLessThan(Math.max(5e-4, 1e-3 * pub.beta))
      expect(Math.abs(f.params.alpha / ref.alpha - 1)).toBeLessThan(1e-5)
      expect(Math.abs(f.logLikelihood - ref.logLikelihood)).toBeLessThan(1e-6)
      expect(f.customers).toBeCloseTo(1000, 9)
    })
    it(`${name}: churn, survival, retention, DEL and DERL match mpmath`, () => {
      const ref = fx.cohorts[name]!
      const p = { alpha: ref.alpha, beta: ref.beta }
      ref.pChurn.forEach((v, i) => {
        expect(sbgChurnProbability(p, i + 1)).toBeCloseTo(v, 13)
      })
      ref.survival.forEach((v, t) => {
        expect(sbgSurvival(p, t)).toBeCloseTo(v, 13)
      })
      ref.retention.forEach((v, i) => {
        expect(sbgRetentionRate(p, i + 1)).toBeCloseTo(v, 13)
      })
      expect(sbgDiscountedExpectedLifetime(p, 0.1)).toBeCloseTo(ref.del10, 10)
      ref.derl10.forEach((v, n) => {
        expect(sbgDiscountedResidualLifetime(p, 0.1, n)).toBeCloseTo(v, 10)
      })
      const del = sbgDiscountedExpectedLifetime(p, 0.1)
      expect(del).toBeCloseTo(1 + sbgDiscountedResidualLifetime(p, 0.1, 0) / 1.1, 12)
    })
  }

  it('log-likelihood gradient matches central differences', () => {
    const c = survivalToCounts(published.regular_pct_alive.curve)
    const p = { alpha: 0.9, beta: 1.7 }
    const g = sbgGradient(p, c)
    const h = 1e-6
    const da =
      (sbgLogLikelihood({ ...p, alpha: p.alpha + h }, c) -
        sbgLogLikelihood({ ...p, alpha: p.alpha - h }, c)) /
      (2 * h)
    const db =
      (sbgLogLikelihood({ ...p, beta: p.beta + h }, c) -
        sbgLogLikelihood({ ...p, beta: p.beta - h }, c)) /
      (2 * h)
    expect(Math.abs(da - g[0]!)).toBeLessThan(1e-5 * Math.abs(g[0]!))
    expect(Math.abs(db - g[1]!)).toBeLessThan(1e-5 * Math.abs(g[1]!))
  })

  it('accepts shares as fractions and a different cohort size', () => {
    const frac = published.regular_pct_alive.curve.map((v) => v / 100)
    const f1 = fitSbg(survivalToCounts(frac, 5000))
    expect(f1.params.alpha).toBeCloseTo(fx.cohorts.regular_pct_alive!.alpha, 5)
    // 5x the cohort: same estimates, standard errors shrink by sqrt(5)
    const f0 = fitSbg(survivalToCounts(published.regular_pct_alive.curve))
    expect(f1.standardErrors.alpha * Math.sqrt(5)).toBeCloseTo(f0.standardErrors.alpha, 4)
  })

  it('rejects curves that rise or do not start at 100 %', () => {
    expect(() => survivalToCounts([100, 60, 70])).toThrow(DataError)
    expect(() => survivalToCounts([90, 60])).toThrow(/start at 100/)
    expect(() => fitSbg({ lost: [0, 0], alive: 100 })).toThrow(/nobody churned/)
    // everyone gone in period 1, with empty periods after it: the MLE is at the boundary
    expect(() => fitSbg({ lost: [100, 0, 0], alive: 0 })).toThrow(/everyone churned in the first/)
    // one period: one share for two parameters
    expect(() => fitSbg({ lost: [40], alive: 60 })).toThrow(/needs at least two periods/)
    expect(() => sbgDiscountedExpectedLifetime({ alpha: 1, beta: 1 }, 0)).toThrow(DataError)
  })

  it('recovers known parameters from a simulated cohort within 3 standard errors', () => {
    const truth = { alpha: 0.7, beta: 1.2 }
    const c = simulateSbg(truth, 20000, 7, 3)
    const f = fitSbg(c)
    expect(Math.abs(f.params.alpha - truth.alpha)).toBeLessThan(3 * f.standardErrors.alpha)
    expect(Math.abs(f.params.beta - truth.beta)).toBeLessThan(3 * f.standardErrors.beta)
  })
})

describe('sBG parameter checks', () => {
  it('rejects non-positive or non-finite parameters with DataError instead of NaN', () => {
    const bad = { alpha: -1, beta: 1 }
    expect(() => sbgSurvival(bad, 3)).toThrow(DataError)
    expect(() => sbgChurnProbability(bad, 2)).toThrow(DataError)
    expect(() => sbgRetentionRate({ alpha: 1, beta: Number.NaN }, 2)).toThrow(DataError)
    expect(() => sbgDiscountedExpectedLifetime(bad, 0.1)).toThrow(DataError)
    expect(() => sbgDiscountedResidualLifetime(bad, 0.1, 3)).toThrow(DataError)
  })
})

describe('sBG per-customer predictions (a purchase is a renewal)', () => {
  const p = { alpha: 0.704, beta: 1.182 }

  it('agree with each other: P(exactly x) sums to 1 with mean E[renewals]; conditionals chain', () => {
    for (const t of [1, 3, 7, 20]) {
      let total = 0
      let mean = 0
      for (let x = 0; x <= t; x++) {
        const px = sbgProbabilityPurchases(p, t, x)
        total += px
        mean += x * px
      }
      expect(total).toBeCloseTo(1, 12)
      expect(mean).toBeCloseTo(sbgExpectedPurchasesNew(p, t), 12)
      // E[renewals in 1..t] = Σ S(k)
      let sum = 0
      for (let k = 1; k <= t; k++) sum += sbgSurvival(p, k)
      expect(sbgExpectedPurchasesNew(p, t)).toBeCloseTo(sum, 12)
    }
    expect(sbgProbabilityPurchases(p, 3, 4)).toBe(0)
    // alive at 2, then at 2 + 3: S(5)/S(2)
    expect(sbgProbabilityAlive(p, 2, 3)).toBeCloseTo(sbgSurvival(p, 5) / sbgSurvival(p, 2), 12)
    expect(sbgProbabilityAlive(p, 4)).toBe(1)
    expect(sbgProbabilityAnyPurchase(p, 2, 5)).toBeCloseTo(sbgRetentionRate(p, 3), 12)
    expect(sbgProbabilityAnyPurchase(p, 2, 0)).toBe(0)
    const next = sbgExpectedNextPurchase(p, 2, 4)
    expect(next.period).toBe(3)
    expect(next.probability).toBeCloseTo(sbgRetentionRate(p, 3), 12)
    expect(next.expectedRenewals).toBeCloseTo(sbgExpectedPurchases(p, 2, 4), 12)
  })

  it('match a simulated cohort, new customers and those who renewed twice', () => {
    const n = 200000
    const periods = 6
    const c = simulateSbg(p, n, periods, 11)
    // a customer lost in period k made k - 1 renewals; one alive after `periods` made `periods`
    let renewals = 0
    let afterTwo = 0
    let aliveAtTwo = 0
    c.lost.forEach((m, i) => {
      const k = i + 1
      renewals += m * (k - 1)
      if (k > 2) {
        aliveAtTwo += m
        afterTwo += m * (k - 1 - 2)
      }
    })
    renewals += c.alive * periods
    aliveAtTwo += c.alive
    afterTwo += c.alive * (periods - 2)
    // standard error of a mean of values in 0..6 over 200k customers is below 0.01
    expect(Math.abs(renewals / n - sbgExpectedPurchasesNew(p, periods))).toBeLessThan(0.03)
    expect(Math.abs(afterTwo / aliveAtTwo - sbgExpectedPurchases(p, 2, periods - 2))).toBeLessThan(
      0.03,
    )
    expect(Math.abs(c.alive / n - sbgProbabilityPurchases(p, periods, periods))).toBeLessThan(0.005)
  })

  it('reject histories that are not whole numbers, with DataError', () => {
    expect(() => sbgExpectedPurchases(p, 1.5, 3)).toThrow(/renewals must be a whole number/)
    expect(() => sbgProbabilityPurchases(p, -1, 0)).toThrow(DataError)
    expect(() => sbgProbabilityAlive({ alpha: 0, beta: 1 }, 1)).toThrow(DataError)
  })
})
