import { describe, expect, it } from 'vitest'
import { csvColumns } from '../../test/models/fixtures.ts'
import { compressHistories } from './compress.ts'
import * as bgnbd from './models/bgnbd.ts'
import {
  assessHistories,
  baselinePredictions,
  chooseModel,
  holdoutMetrics,
  informationCriteria,
  trackingCurve,
} from './validation.ts'

describe('holdoutMetrics', () => {
  it('computes MAE, RMSE, totals and frequency buckets', () => {
    const m = holdoutMetrics([0.5, 1, 3, 9], [0, 2, 3, 5], [0, 1, 1, 12])
    expect(m.mae).toBeCloseTo((0.5 + 1 + 0 + 4) / 4, 12)
    expect(m.rmse).toBeCloseTo(Math.sqrt((0.25 + 1 + 0 + 16) / 4), 12)
    expect(m.totalPredicted).toBe(13.5)
    expect(m.totalActual).toBe(10)
    expect(m.relativeError).toBeCloseTo(0.35, 12)
    expect(m.byFrequency).toHaveLength(8)
    expect(m.byFrequency[1]).toEqual({ frequency: '1', customers: 2, predicted: 2, actual: 2.5 })
    expect(m.byFrequency[7]!.frequency).toBe('7+')
    expect(m.byFrequency[7]!.customers).toBe(1)
    // a bucket without customers has no mean (it read as a prediction of 0 that came true)
    expect(m.byFrequency[3]).toEqual({
      frequency: '3',
      customers: 0,
      predicted: null,
      actual: null,
    })
  })
  it('never returns NaN on empty or all-zero input', () => {
    const m = holdoutMetrics([], [], [])
    expect([m.mae, m.rmse, m.relativeError]).toEqual([0, 0, null])
    // predicted purchases against none: no ratio (not +Infinity, which JSON cannot hold)
    expect(holdoutMetrics([0.5, 0.25], [0, 0], [1, 2]).relativeError).toBeNull()
  })
})

describe('CDNOW holdout with the published BG/NBD', () => {
  const cd = csvColumns('cdnow/cdnow_calibration_summary.csv')
  const p = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }
  const scored = bgnbd.scoreAll(p, { x: cd.x!, tx: cd['t.x']!, T: cd['T.cal']! }, 39)
  const m = holdoutMetrics(scored.expected, cd['x.star']!, cd.x!)
  it('under-forecasts the 1,882 holdout purchases by about 12 % (FHL 2005)', () => {
    expect(m.totalActual).toBe(1882)
    expect(m.totalPredicted).toBeGreaterThan(1600)
    expect(m.totalPredicted).toBeLessThan(1700)
    expect(m.mae).toBeGreaterThan(0)
    // the 0-buyers are predicted close to their actual mean
    expect(Math.abs(m.byFrequency[0]!.predicted! - m.byFrequency[0]!.actual!)).toBeLessThan(0.1)
  })
  it('tracking curve reaches the published cohort cumulative at week 78', () => {
    const births = Float64Array.from(cd['T.cal']!, (T) => 272 / 7 - T)
    const weekly = csvColumns('cdnow/cdnow_weekly_cumulative_repeat.csv')
    const actual = weekly.cum_repeat_transactions!
    const curve = trackingCurve((t) => bgnbd.expectedPurchasesNew(p, t), births, 78, actual)
    expect(curve).toHaveLength(78)
    expect(curve[77]!.actual).toBe(4339)
    expect(Math.abs(curve[77]!.predicted / 4339 - 1)).toBeLessThan(0.1)
    expect(Math.abs(curve[38]!.predicted / 2457 - 1)).toBeLessThan(0.1)
    for (let i = 1; i < 78; i++)
      expect(curve[i]!.predicted).toBeGreaterThanOrEqual(curve[i - 1]!.predicted)
  })
})

describe('chooseModel', () => {
  const mk = (pred: number[], actual: number[]) => holdoutMetrics(pred, actual, [0, 1, 2])
  it('picks the lowest RMSE and says why', () => {
    const c = chooseModel([
      { name: 'BG/NBD', metrics: mk([1, 1, 1], [0, 1, 3]), bic: 100 },
      { name: 'Pareto/NBD', metrics: mk([0, 1, 2], [0, 1, 3]), bic: 110 },
    ])
    expect(c.best).toBe('Pareto/NBD')
    expect(c.ranking).toEqual(['Pareto/NBD', 'BG/NBD'])
    // RMSE sqrt(1/3) against sqrt(5/3)
    expect(c.reason).toMatch(
      /Pareto\/NBD predicts the holdout best: root mean squared error 0\.577/,
    )
    expect(c.reason).toMatch(/1\.291 for BG\/NBD/)
    expect(c.reason).toMatch(/it predicts 3 holdout purchases against 4 actual \(-25\.0 %\)/)
    // counts are written with thousands separators, as the rest of the output writes them
    const big = (v: number) => holdoutMetrics([v, v], [800, 1082], [0, 1])
    const b = chooseModel([{ name: 'X', metrics: big(833), bic: 1 }])
    expect(b.reason).toMatch(/it predicts 1,666 holdout purchases against 1,882 actual/)
  })
  it('prefers the model predicting the mean over one predicting too few, as MAE would not', () => {
    // four customers buy nothing, one buys 5: predicting 0 for all has MAE 1 (the median's
    // error) against 1.6 for predicting 1 each (the mean), but misses every purchase
    const actual = [0, 0, 0, 0, 5]
    const x = [0, 0, 0, 0, 0]
    const tooFew = holdoutMetrics([0, 0, 0, 0, 0], actual, x)
    const mean = holdoutMetrics([1, 1, 1, 1, 1], actual, x)
    expect(tooFew.mae).toBeLessThan(mean.mae)
    const c = chooseModel([
      { name: 'Too few', metrics: tooFew, bic: 1 },
      { name: 'Mean', metrics: mean, bic: 2 },
    ])
    expect(c.best).toBe('Mean')
    expect(c.reason).toMatch(/root mean squared error 2\.000 purchases per customer vs 2\.236/)
    expect(c.reason).toMatch(/it predicts 5 holdout purchases against 5 actual \(\+0\.0 %\)/)
  })
  it('writes the errors with as many decimals as tell them apart', () => {
    const at = (v: number) => ({ ...mk([0, 0, 0], [0, 0, 0]), rmse: v })
    const c = chooseModel([
      { name: 'MBG/NBD', metrics: at(0.003426), bic: 10 },
      { name: 'BG/NBD', metrics: at(0.003465), bic: 9 },
    ])
    expect(c.best).toBe('MBG/NBD')
    expect(c.reason).toMatch(
      /root mean squared error 0\.0034 purchases per customer vs 0\.0035 for BG\/NBD/,
    )
  })
  it('breaks an RMSE tie with BIC', () => {
    const same = mk([1, 1, 2], [0, 1, 3])
    const c = chooseModel([
      { name: 'A', metrics: same, bic: 120 },
      { name: 'B', metrics: same, bic: 100 },
    ])
    expect(c.best).toBe('B')
    expect(c.reason).toMatch(/equally well.*lower BIC \(100\.0 vs 120\.0\)/)
  })
  it('lets the holdout total decide between RMSE-tied models whose BICs are within 2', () => {
    // CDNOW at 1997-09-30: MBG/NBD's BIC 0.59 below BG/NBD's, its holdout total 16.2 % short
    // against 12.1 %; Pareto/NBD's BIC far above both
    const at = (rmse: number, rel: number) => ({
      ...mk([1, 1, 1], [1, 1, 1]),
      rmse,
      totalPredicted: 1882 * (1 + rel),
      totalActual: 1882,
      relativeError: rel,
    })
    const cs = [
      { name: 'MBG/NBD', metrics: at(2.381, -0.162), bic: 19195.3 },
      { name: 'BG/NBD', metrics: at(2.38, -0.121), bic: 19195.9 },
      { name: 'Pareto/NBD', metrics: at(2.382, -0.115), bic: 19221.0 },
    ]
    const c = chooseModel(cs)
    expect(c.best).toBe('BG/NBD')
    expect(c.ranking).toEqual(['BG/NBD', 'MBG/NBD', 'Pareto/NBD'])
    expect(c.reason).toMatch(
      /BIC does not separate BG\/NBD and MBG\/NBD \(19195\.9 vs 19195\.3, within 2; Pareto\/NBD's 19221\.0 is 2 or more above\), so the holdout total decides: -12\.1 % against -16\.2 % for MBG\/NBD/,
    )
    // a total within 0.05 % of the actual one is not written as -0.0 % (apparel: 927.84 of 928)
    const close = chooseModel([
      { name: 'MBG/NBD', metrics: at(1.982, -0.00017), bic: 100 },
      { name: 'Pareto/NBD', metrics: at(1.9787, 0.0046), bic: 101.76 },
    ])
    expect(close.best).toBe('MBG/NBD')
    expect(close.reason).toMatch(
      /the holdout total decides: -0\.017 % against \+0\.5 % for Pareto\/NBD/,
    )
    // a BIC 2 or more lower still decides, in words that claim no "less complexity"
    const far = chooseModel([cs[0]!, { ...cs[1]!, bic: 19197.3 }])
    expect(far.best).toBe('MBG/NBD')
    expect(far.reason).toMatch(
      /MBG\/NBD has the lower BIC \(19195\.3 vs 19197\.3\): it fits the calibration data better for its number of parameters/,
    )
  })
  it('information criteria', () => {
    expect(informationCriteria(-100, 4, 1000)).toEqual({ aic: 208, bic: 4 * Math.log(1000) + 200 })
  })
})

describe('degenerate data', () => {
  it('all one-time buyers: a clear message and zero, finite predictions', () => {
    const a = assessHistories([0, 0, 0])
    expect(a.adequate).toBe(false)
    expect(a.message).toMatch(/^None of the 3 customers has bought on more than one day/)
    // with thousands separators, as the CLI prints every count
    expect(assessHistories(new Float64Array(1_000_000)).message).toMatch(
      /^None of the 1,000,000 customers has/,
    )
    const few = Float64Array.from({ length: 12_345 }, (_, i) => (i < 5 ? 1 : 0))
    expect(assessHistories(few).message).toMatch(
      /^Only 5 of 12,345 customers bought more than once/,
    )
    const b = baselinePredictions([0, 0, 0], [0, 5, 10], 39)
    expect(Array.from(b)).toEqual([0, 0, 0])
    // and the model itself refuses with a typed error rather than NaN
    expect(() => bgnbd.fit(compressHistories([0, 0, 0], [0, 0, 0], [1, 5, 10]))).toThrow()
  })
  it('few repeaters: message and a shrunk historical rate', () => {
    const x = [0, 0, 3, 0, 1]
    const T = [10, 0, 20, 5, 5]
    const a = assessHistories(x)
    expect(a.repeaters).toBe(2)
    expect(a.message).toMatch(/^Only 2 of 5/)
    const b = baselinePredictions(x, T, 10)
    const k = 8
    const rho = 4 / 40
    expect(b[2]).toBeCloseTo((10 * (3 + k * rho)) / (20 + k), 12)
    expect(b[1]).toBeCloseTo((10 * k * rho) / k, 12) // T = 0: the pooled rate
    for (const v of b) expect(Number.isFinite(v)).toBe(true)
  })
  it('adequate data has no message', () => {
    const a = assessHistories(Array.from({ length: 50 }, (_, i) => i % 2))
    expect(a).toEqual({ customers: 50, repeaters: 25, adequate: true, message: null })
  })
})

describe('trackingCurve refuses what would give a curve of NaN or nonsense', () => {
  const rate = (t: number) => t / 10
  it.each([
    [
      'a NaN birth',
      () => trackingCurve(rate, [Number.NaN], 3),
      /births\[0\] must be a finite number \(got NaN\)/,
    ],
    ['an infinite birth', () => trackingCurve(rate, [Number.POSITIVE_INFINITY], 3), /births\[0\]/],
    [
      'negative periods',
      () => trackingCurve(rate, [0], -2),
      /periods must be a whole number >= 0 \(got -2\)/,
    ],
    [
      'a negative actual',
      () => trackingCurve(rate, [0], 3, [1, 2, -4]),
      /actualCumulative\[2\] must be a finite number >= 0/,
    ],
    [
      'NaN expected purchases',
      () => trackingCurve(() => Number.NaN, [0], 3),
      /expectedNew\(1\) must be a finite number >= 0 of expected purchases \(got NaN\)/,
    ],
    [
      'negative expected purchases',
      () => trackingCurve((t) => -t, [0], 2),
      /expectedNew\(1\) .* \(got -1\)/,
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message)
  })
  it('and still draws a valid one', () => {
    expect(trackingCurve(rate, [0, 0, 1], 2, [0])).toEqual([
      { period: 1, predicted: 0.2, actual: 0 },
      { period: 2, predicted: 0.5, actual: null },
    ])
  })
})
