// The outside audit's items 11 (bad input gives a DataError, never NaN, Infinity or a plausible
// number) and 12 (one normal quantile for every 95 % interval) for Gamma-Gamma, NBD and CLV.
import { describe, expect, it } from 'vitest'
import {
  discountedContinuous,
  discountedSteps,
  discountRatePerUnit,
  MAX_STEPS,
  paretoDiscountedAlive,
  scoreClv,
  unitsPerYear,
} from '../../src/core/clv.ts'
import { compressHistories } from '../../src/core/compress.ts'
import {
  expectedSpend,
  expectedSpendAll,
  fitGammaGamma,
  gammaGammaGradient,
  gammaGammaLogLikelihood,
  simulateGammaGamma,
} from '../../src/core/models/gamma-gamma.ts'
import { fitOnLogScale } from '../../src/core/models/mle-result.ts'
import * as nbd from '../../src/core/models/nbd.ts'
import type { FitResult } from '../../src/core/models/types.ts'
import { DataError } from '../../src/errors.ts'
import { close, csvColumns, fixtureJson } from './fixtures.ts'

interface Fx {
  z975: number
  gammaGamma: {
    params: { p: number; q: number; gamma: number }
    populationMean: number
    spend: { x: number; mx: number; value: number }[]
  }
  nbd: {
    params: { r: number; alpha: number }
    newCustomer52: number
    cases: {
      t: number
      x: number
      T: number
      expected: number
      probabilityAny: number
      median: number
    }[]
  }
}
const fx = fixtureJson<Fx>('gg_nbd_audit.json')
const GG = fx.gammaGamma.params
const NB = fx.nbd.params
const cd = csvColumns('cdnow/cdnow_calibration_summary.csv')
const spendData = { x: cd.x!, mx: cd['m.x']! }

/** `f` throws a DataError whose message matches `msg`. */
function rejects(f: () => unknown, msg: RegExp): void {
  let err: unknown = null
  try {
    f()
  } catch (e) {
    err = e
  }
  expect(err, `expected a DataError matching ${msg}`).toBeInstanceOf(DataError)
  expect((err as Error).message).toMatch(msg)
}

/** Every interval is exp(log v ± z se / v) with the exact quantile z = Φ⁻¹(0.975). */
function expectExactIntervals(f: FitResult<Record<string, number>>, tol: number): void {
  for (const k of Object.keys(f.params)) {
    const v = f.params[k]!
    const seLog = f.standardErrors[k]! / v
    const [lo, hi] = f.confidenceIntervals[k]!
    const want = [v * Math.exp(-1.959963984540054 * seLog), v * Math.exp(1.959963984540054 * seLog)]
    const rounded = [v * Math.exp(-1.96 * seLog), v * Math.exp(1.96 * seLog)]
    expect(Math.abs(lo / want[0]! - 1), `${k} lower`).toBeLessThan(tol)
    expect(Math.abs(hi / want[1]! - 1), `${k} upper`).toBeLessThan(tol)
    // the test can tell the two quantiles apart at this standard error
    expect(Math.abs(rounded[0]! / want[0]! - 1)).toBeGreaterThan(100 * tol)
  }
}

describe('95 % intervals of fitOnLogScale (audit item 12)', () => {
  it('uses the exact 97.5 % normal quantile (mpmath: sqrt(2) erfinv(0.95))', () => {
    // 1.959963984540054, as summarizeFit, is within one ulp of the correctly rounded quantile
    expect(Math.abs(1.959963984540054 / fx.z975 - 1)).toBeLessThan(2.3e-16)
  })

  it('Gamma-Gamma on CDNOW: intervals from the fit’s own standard errors', () => {
    expectExactIntervals(fitGammaGamma(spendData), 1e-14)
  })

  it('NBD on CDNOW: intervals from the fit’s own standard errors', () => {
    const h = compressHistories(cd.x!, cd['t.x']!, cd['T.cal']!)
    expectExactIntervals(nbd.fit(h), 1e-14)
  })

  it('exponential rates: the interval is λ̂ exp(±z/√n), the known standard error', () => {
    // LL(λ) = n log λ − λ S: λ̂ = n / S and se(log λ̂) = 1/√n
    const n = 100
    const S = 37.5
    const f = fitOnLogScale<{ lambda: number }>({
      model: 'exponential',
      names: ['lambda'],
      logLikelihood: ([l]) => n * Math.log(l!) - l! * S,
      gradientLog: ([ll]) => [n - Math.exp(ll!) * S],
      start: [1],
      customers: n,
    })
    expect(Math.abs(f.params.lambda / (n / S) - 1)).toBeLessThan(1e-6)
    // the curvature at the reported point, where the optimizer stopped: -d²LL/dθ² = λ S
    const lam = f.params.lambda
    const seLog = 1 / Math.sqrt(lam * S)
    expect(Math.abs(f.standardErrors.lambda / (lam * seLog) - 1)).toBeLessThan(1e-8)
    const [lo, hi] = f.confidenceIntervals.lambda
    expect(Math.abs(lo / (lam * Math.exp(-fx.z975 * seLog)) - 1)).toBeLessThan(1e-9)
    expect(Math.abs(hi / (lam * Math.exp(fx.z975 * seLog)) - 1)).toBeLessThan(1e-9)
  })
})

describe('Gamma-Gamma bad input (audit item 11)', () => {
  it('expectedSpend rejects a bad x or a repeater without positive finite spend', () => {
    rejects(() => expectedSpend(GG, Number.NaN, 10), /x must be a finite number >= 0 \(got NaN\)/)
    rejects(() => expectedSpend(GG, -1, 10), /x must be a finite number >= 0 \(got -1\)/)
    rejects(() => expectedSpend(GG, Number.POSITIVE_INFINITY, 10), /x must be a finite/)
    rejects(() => expectedSpend(GG, 2, Number.NaN), /m_x must be a finite number > 0 .*got NaN/)
    rejects(() => expectedSpend(GG, 2, -5), /m_x must be a finite number > 0 .*got -5 with x = 2/)
    rejects(() => expectedSpend(GG, 2, 0), /m_x must be a finite number > 0 .*got 0/)
    rejects(() => expectedSpend(GG, 2, Number.POSITIVE_INFINITY), /m_x must be a finite/)
  })

  it('expectedSpendAll names the first bad customer', () => {
    rejects(() => expectedSpendAll(GG, [Number.NaN], [10]), /^customer 1: x must be/)
    rejects(() => expectedSpendAll(GG, [0, 1, 2], [0, 10, -1]), /^customer 3: m_x must be/)
    rejects(() => expectedSpendAll(GG, [1, 2], [10]), /same length/)
    rejects(() => expectedSpendAll(GG, [1, 2], [10, 20], new Float64Array(1)), /same length/)
  })

  it('rejects parameters that are not finite and positive, naming the parameter', () => {
    rejects(() => expectedSpend({ ...GG, p: -1 }, 2, 10), /parameter p .*> 0 \(got -1\)/)
    rejects(() => expectedSpend({ ...GG, p: Number.NaN }, 2, 10), /parameter p .*got NaN/)
    rejects(() => expectedSpend({ ...GG, q: Number.POSITIVE_INFINITY }, 0, 0), /parameter q/)
    rejects(() => expectedSpend({ ...GG, gamma: 0 }, 0, 0), /parameter gamma .*got 0/)
    rejects(() => expectedSpendAll({ ...GG, p: -1 }, [2], [10]), /parameter p/)
    rejects(() => gammaGammaLogLikelihood({ ...GG, p: Number.NaN }, spendData), /parameter p/)
    rejects(() => gammaGammaLogLikelihood({ ...GG, p: -1 }, spendData), /parameter p/)
    rejects(() => gammaGammaGradient({ ...GG, gamma: -3 }, spendData), /parameter gamma/)
  })

  it('simulateGammaGamma rejects bad parameters, counts and seeds', () => {
    rejects(() => simulateGammaGamma({ ...GG, p: Number.NaN }, [2], 1), /parameter p/)
    rejects(() => simulateGammaGamma(GG, [Number.NaN], 1), /customer 1: x must be an integer/)
    rejects(() => simulateGammaGamma(GG, [1, -1], 1), /customer 2: x must be an integer/)
    rejects(() => simulateGammaGamma(GG, [2.5], 1), /x must be an integer >= 0 \(got 2.5\)/)
    rejects(() => simulateGammaGamma(GG, [2], Number.NaN), /seed must be a finite number/)
    const m = simulateGammaGamma(GG, [0, 3], 1)
    expect(m[0]).toBe(0)
    expect(m[1]).toBeGreaterThan(0)
  })

  it('still scores valid edges: x = 0 is the population mean whatever m_x is', () => {
    for (const c of fx.gammaGamma.spend) {
      expect(close(expectedSpend(GG, c.x, c.mx), c.value, 1e-13)).toBe(true)
    }
    expect(expectedSpend(GG, 0, Number.NaN)).toBe(expectedSpend(GG, 0, 0))
    expect(close(expectedSpend(GG, 0, -3), fx.gammaGamma.populationMean, 1e-14)).toBe(true)
    const all = expectedSpendAll(
      GG,
      fx.gammaGamma.spend.map((c) => c.x),
      fx.gammaGamma.spend.map((c) => c.mx),
    )
    fx.gammaGamma.spend.forEach((c, i) => {
      expect(close(all[i]!, c.value, 1e-13)).toBe(true)
    })
    // q <= 1: the population mean is infinite, still an error
    rejects(() => expectedSpend({ ...GG, q: 0.8 }, 0, 0), /q <= 1/)
  })
})

describe('NBD bad input (audit item 11)', () => {
  const P = { r: 0.4, alpha: 12 }
  it('rejects parameters that are not finite and positive', () => {
    rejects(() => nbd.expectedPurchases({ r: Number.NaN, alpha: 1 }, 5, 1, 1, 2), /parameter r/)
    rejects(() => nbd.expectedPurchasesNew({ r: -0.4, alpha: 12 }, 3), /parameter r .*got -0.4/)
    rejects(() => nbd.probabilityAnyPurchase({ r: 0.4, alpha: 0 }, 5, 1, 2), /parameter alpha/)
    rejects(
      () => nbd.medianNextPurchase({ r: 0.4, alpha: Number.POSITIVE_INFINITY }, 1, 2),
      /parameter alpha/,
    )
    const h = compressHistories([1, 0], [1, 0], [2, 3])
    rejects(() => nbd.logLikelihood({ r: -1, alpha: 2 }, h), /parameter r/)
    rejects(() => nbd.gradientLog({ r: 1, alpha: Number.NaN }, h), /parameter alpha/)
  })

  it('rejects a negative or NaN span t', () => {
    rejects(() => nbd.expectedPurchases(P, -5, 1, 1, 2), /t must be a number >= 0 \(got -5\)/)
    rejects(() => nbd.expectedPurchases(P, Number.NaN, 1, 1, 2), /t must be .*got NaN/)
    rejects(() => nbd.expectedPurchasesNew(P, Number.NaN), /t must be .*got NaN/)
    rejects(() => nbd.expectedPurchasesNew(P, -1), /t must be .*got -1/)
    rejects(() => nbd.probabilityAnyPurchase(P, -1, 1, 2), /t must be .*got -1/)
    rejects(() => nbd.probabilityAnyPurchase(P, Number.NaN, 1, 2), /t must be .*got NaN/)
  })

  it('rejects a bad x or T', () => {
    rejects(() => nbd.probabilityAnyPurchase(P, 5, Number.NaN, 2), /x=NaN/)
    rejects(() => nbd.probabilityAnyPurchase(P, 5, -1, 2), /x=-1/)
    rejects(() => nbd.probabilityAnyPurchase(P, 5, 1, -2), /T=-2/)
    rejects(() => nbd.probabilityAnyPurchase(P, 5, 1, Number.POSITIVE_INFINITY), /T=Infinity/)
    rejects(() => nbd.medianNextPurchase(P, Number.NaN, 2), /x=NaN/)
    rejects(() => nbd.medianNextPurchase(P, -1, 2), /x=-1/)
    rejects(() => nbd.medianNextPurchase(P, 1, Number.NaN), /T=NaN/)
    rejects(() => nbd.expectedPurchases(P, 5, Number.NaN, 1, 2), /x=NaN/)
  })

  it('rejects hand-built histories with NaN entries or weights', () => {
    const bad = (over: Partial<Record<'x' | 'tx' | 'T' | 'weight', number>>) => ({
      x: Float64Array.of(over.x ?? 1),
      tx: Float64Array.of(over.tx ?? 1),
      T: Float64Array.of(over.T ?? 2),
      weight: Float64Array.of(over.weight ?? 1),
      customers: 1,
    })
    rejects(() => nbd.logLikelihood(P, bad({ x: Number.NaN })), /invalid history/)
    rejects(() => nbd.logLikelihood(P, bad({ T: Number.POSITIVE_INFINITY })), /invalid history/)
    rejects(() => nbd.logLikelihood(P, bad({ weight: Number.NaN })), /weight must be/)
    rejects(() => nbd.gradientLog(P, bad({ weight: -1 })), /weight must be/)
    rejects(() => nbd.fit(bad({ weight: Number.NaN })), /weight must be/)
  })

  it('still scores valid edges (T = 0, x = 0, t = 0, tiny t, t = ∞) against mpmath', () => {
    for (const c of fx.nbd.cases) {
      const tag = `t ${c.t}, x ${c.x}, T ${c.T}`
      expect(close(nbd.expectedPurchases(NB, c.t, c.x, 0, c.T), c.expected, 1e-14), tag).toBe(true)
      const pa = nbd.probabilityAnyPurchase(NB, c.t, c.x, c.T)
      expect(Math.abs(pa - c.probabilityAny), tag).toBeLessThanOrEqual(1e-13 * c.probabilityAny)
      expect(close(nbd.medianNextPurchase(NB, c.x, c.T), c.median, 1e-12), tag).toBe(true)
    }
    expect(close(nbd.expectedPurchasesNew(NB, 52), fx.nbd.newCustomer52, 1e-14)).toBe(true)
    expect(nbd.expectedPurchasesNew(NB, 0)).toBe(0)
    // without dropout purchases never stop
    expect(nbd.expectedPurchasesNew(NB, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY)
    expect(nbd.probabilityAnyPurchase(NB, Number.POSITIVE_INFINITY, 0, 0)).toBe(1)
  })
})

describe('CLV discounting arguments (audit item 11)', () => {
  const f = (t: number) => t
  it('unitsPerYear and discountRatePerUnit', () => {
    rejects(() => unitsPerYear(Number.NaN), /days per model unit .*got NaN/)
    rejects(() => unitsPerYear(-7), /days per model unit .*got -7/)
    rejects(() => unitsPerYear(0), /days per model unit/)
    expect(unitsPerYear(7)).toBeCloseTo(365.25 / 7, 14)
    rejects(() => discountRatePerUnit(Number.NaN, 52), /annual discount rate .*got NaN/)
    rejects(() => discountRatePerUnit(-0.1, 52), /annual discount rate .*got -0.1/)
    rejects(() => discountRatePerUnit(0.1, Number.NaN), /units per year .*got NaN/)
    rejects(() => discountRatePerUnit(0.1, Number.POSITIVE_INFINITY), /units per year .*Infinity/)
    rejects(() => discountRatePerUnit(0.1, -52), /units per year/)
  })

  it('discountedSteps: horizon, step and rate', () => {
    rejects(() => discountedSteps(f, Number.NaN, 1, 0.01), /horizon .*got NaN/)
    rejects(() => discountedSteps(f, -1, 1, 0.01), /horizon .*got -1/)
    rejects(() => discountedSteps(f, Number.POSITIVE_INFINITY, 1, 0.01), /infinite horizon/)
    rejects(() => discountedSteps(f, 10, Number.NaN, 0.01), /step .*got NaN/)
    rejects(() => discountedSteps(f, 10, -1, 0.01), /step .*got -1/)
    rejects(() => discountedSteps(f, 10, Number.POSITIVE_INFINITY, 0.01), /step .*Infinity/)
    rejects(() => discountedSteps(f, 10, 1, Number.NaN), /discount rate .*got NaN/)
    rejects(() => discountedSteps(f, 10, 1, -0.01), /discount rate .*got -0.01/)
    expect(discountedSteps(f, 0, 1, 0.01)).toBe(0)
    expect(discountedSteps(f, 3, 1, 0)).toBe(3)
    // 1e12 steps ran for days; the cap is the error, and a horizon of exactly the cap still runs
    rejects(() => discountedSteps(f, 1, 1e-12, 0.01), /1000000000000 steps .* at most 10,000,000/)
    expect(discountedSteps(f, MAX_STEPS, 1, 0)).toBe(MAX_STEPS)
  })

  it('discountedContinuous and paretoDiscountedAlive: horizon and rate', () => {
    rejects(() => discountedContinuous(f, Number.NaN, 0.01), /horizon .*got NaN/)
    rejects(() => discountedContinuous(f, -1, 0.01), /horizon .*got -1/)
    rejects(() => discountedContinuous(f, 10, Number.NaN), /discount rate .*got NaN/)
    rejects(() => discountedContinuous(f, 10, -0.01), /discount rate .*got -0.01/)
    rejects(() => discountedContinuous(f, Number.POSITIVE_INFINITY, 0), /infinite horizon/)
    rejects(() => paretoDiscountedAlive(0.6, 50, 0.002, Number.NaN), /horizon .*got NaN/)
    rejects(() => paretoDiscountedAlive(0.6, 50, 0, -1), /horizon .*got -1/)
    rejects(() => paretoDiscountedAlive(0.6, 50, Number.NaN, 10), /discount rate .*got NaN/)
    rejects(() => paretoDiscountedAlive(0.6, 50, -0.002, 10), /discount rate/)
    rejects(() => paretoDiscountedAlive(Number.NaN, 50, 0.002, 10), /s > 0 .*got s NaN/)
    rejects(() => paretoDiscountedAlive(0.6, -1, 0.002, 10), /β \+ T -1/)
  })

  it('scoreClv: horizon, step, rate and units per year', () => {
    const m = { model: 'bgnbd' as const, params: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 } }
    const h = { x: [2], tx: [30], T: [38] }
    rejects(() => scoreClv(m, h, 1, { horizon: Number.NaN }), /horizon .*got NaN/)
    rejects(() => scoreClv(m, h, 1, { horizon: -1 }), /horizon .*got -1/)
    rejects(() => scoreClv(m, h, 1, { step: Number.NaN }), /step .*got NaN/)
    rejects(() => scoreClv(m, h, 1, { step: Number.POSITIVE_INFINITY }), /step .*Infinity/)
    rejects(() => scoreClv(m, h, 1, { annualDiscountRate: Number.NaN }), /annualDiscountRate/)
    rejects(() => scoreClv(m, h, 1, { annualDiscountRate: -0.1 }), /annualDiscountRate/)
    rejects(() => scoreClv(m, h, 1, { horizon: 52, unitsPerYear: Number.NaN }), /units per year/)
    rejects(
      () => scoreClv(m, h, 1, { horizon: 52, unitsPerYear: Number.POSITIVE_INFINITY }),
      /units per year/,
    )
    expect(scoreClv(m, h, 1).value[0]).toBeGreaterThan(0)
  })
})
