// Second outside audit of the model library: model choice independent of the candidates' order,
// fits at any time scale, and the spend model's argument shape.
import { describe, expect, it } from 'vitest'
import { csvColumns } from '../../../test/models/fixtures.ts'
import { DataError } from '../../errors.ts'
import { compressHistories } from '../compress.ts'
import { type Candidate, chooseModel, type HoldoutMetrics } from '../validation.ts'
import { bgnbd } from './bgnbd.ts'
import { fitGammaGamma, gammaGammaLogLikelihood, type SpendData } from './gamma-gamma.ts'
import { mbgnbd } from './mbgnbd.ts'
import * as pareto from './pareto-nbd.ts'
import type { FitResult, Histories } from './types.ts'

// the choice is made on the RMSE; the MAE is set apart from it so a mix-up would show
const metrics = (rmse: number): HoldoutMetrics => ({
  customers: 10,
  mae: 1 / rmse,
  rmse,
  totalPredicted: 5,
  totalActual: 5,
  relativeError: 0,
  byFrequency: [],
})
const cand = (name: string, rmse: number, bic?: number): Candidate => ({
  name,
  metrics: metrics(rmse),
  ...(bic === undefined ? {} : { bic }),
})

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]]
  return xs.flatMap((x, i) =>
    permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]),
  )
}

describe('chooseModel judges the RMSE tie against the lowest RMSE', () => {
  it('gives one winner and one ranking whatever the order (1.000, 1.004, 1.008: the audit case)', () => {
    // 1.004 ties with 1.000 (and wins it on BIC); 1.008 is 0.8 % off the lowest: no tie
    const cs = [cand('A', 1.0, 100), cand('B', 1.004, 95), cand('C', 1.008, 90)]
    const out = permutations(cs).map((p) => chooseModel(p))
    for (const o of out) {
      expect(o.best).toBe('B')
      expect(o.ranking).toEqual(['B', 'A', 'C'])
      expect(o.reason).toBe(out[0]!.reason)
    }
    expect(out[0]!.reason).toMatch(/^B and A predict the holdout equally well/)
    expect(out[0]!.reason).toMatch(/1\.004 vs 1\.000, within 0\.5 % of the lowest \(A\)/)
    expect(out[0]!.reason).toMatch(
      /lower BIC \(95\.0 vs 100\.0\).*further behind: root mean squared error 1\.008 for C/,
    )
    // after the clause on C, the totals name whose they are (B's), not "it"
    expect(out[0]!.reason).toMatch(/for C; B predicts \d+ holdout purchases against/)
  })

  it('three within 0.5 % of the lowest: the lowest BIC of the three, the others listed', () => {
    const cs = [cand('A', 1.0, 100), cand('B', 1.002, 95), cand('C', 1.004, 90)]
    const out = permutations(cs).map((p) => chooseModel(p))
    for (const o of out) {
      expect(o.best).toBe('C')
      expect(o.ranking).toEqual(['C', 'B', 'A'])
      expect(o.reason).toBe(out[0]!.reason)
    }
    expect(out[0]!.reason).toMatch(/^C, A and B predict the holdout equally well/)
    expect(out[0]!.reason).toMatch(/within 0\.5 % of the lowest \(A\)/)
    expect(out[0]!.reason).toMatch(/lowest BIC \(90\.0 vs 100\.0 for A and 95\.0 for B\)/)
  })

  it('a candidate beyond 0.5 % of the lowest RMSE is out of the tie even if close to a tied one', () => {
    // 1.006 is within 0.5 % of 1.003 but not of 1.000
    const cs = [cand('A', 1.0, 100), cand('B', 1.003, 90), cand('C', 1.006, 1)]
    for (const p of permutations(cs)) {
      const o = chooseModel(p)
      expect(o.best).toBe('B')
      expect(o.ranking).toEqual(['B', 'A', 'C'])
      expect(o.reason).toMatch(/further behind: root mean squared error 1\.006 for C/)
    }
  })

  it('never picks a candidate whose RMSE is not finite, and says it was left out', () => {
    const cs = [cand('A', Number.NaN, 1), cand('B', 0.5, 200), cand('C', 0.7, 100)]
    for (const p of permutations(cs)) {
      const o = chooseModel(p)
      expect(o.best).toBe('B')
      expect(o.ranking).toEqual(['B', 'C', 'A'])
      expect(o.reason).toMatch(
        /A was left out: its holdout root mean squared error is not a finite/,
      )
    }
    const one = chooseModel([cand('A', Number.POSITIVE_INFINITY, 1), cand('B', 0.5, 2)])
    expect(one.best).toBe('B')
    expect(one.reason).toMatch(/^B is the only model with a finite holdout error/)
    expect(() => chooseModel([cand('A', Number.NaN, 1)])).toThrow(DataError)
  })

  it('a missing BIC loses the tie and is said as "no BIC", never Infinity', () => {
    const cs = [cand('A', 1.0), cand('B', 1.001, 50)]
    for (const p of permutations(cs)) {
      const o = chooseModel(p)
      expect(o.best).toBe('B')
      expect(o.reason).toMatch(/lower BIC \(50\.0 vs no BIC\)/)
      expect(o.reason).not.toMatch(/Infinity/)
    }
    const none = chooseModel([cand('A', 1.001), cand('B', 1.0)])
    expect(none.best).toBe('B')
    expect(none.reason).toMatch(/BIC does not separate them \(no BIC vs no BIC\)/)
    expect(none.reason).not.toMatch(/Infinity/)
  })
})

describe('the purchase models fit at any time scale', () => {
  const cd = csvColumns('cdnow/cdnow_calibration_summary.csv')
  const x = cd.x!
  const tx = cd['t.x']!
  const T = cd['T.cal']!
  const scaled = (c: number): Histories =>
    compressHistories(
      x,
      tx.map((v) => v * c),
      T.map((v) => v * c),
    )
  const weeks = scaled(1)
  let sx = 0
  for (let i = 0; i < x.length; i++) sx += x[i]!
  const rel = (a: number, b: number) => Math.abs(a / b - 1)
  type Fit = (h: Histories) => FitResult<Record<string, number>>
  const models: [string, Fit, readonly string[]][] = [
    ['BG/NBD', bgnbd.fit as Fit, ['alpha']],
    ['MBG/NBD', mbgnbd.fit as Fit, ['alpha']],
    ['Pareto/NBD', pareto.fit as Fit, ['alpha', 'beta']],
  ]
  for (const [name, fitter, timeParams] of models) {
    it(`${name}: seconds (x 604800) and 1e-6 weeks give the weeks fit, time scales mapped`, () => {
      const w = fitter(weeks)
      for (const c of [604800, 1e-6]) {
        const f = fitter(scaled(c))
        for (const k of Object.keys(w.params)) {
          const want = timeParams.includes(k) ? w.params[k]! * c : w.params[k]!
          expect(rel(f.params[k]!, want)).toBeLessThan(2e-6)
          const se = timeParams.includes(k) ? w.standardErrors[k]! * c : w.standardErrors[k]!
          expect(rel(f.standardErrors[k]!, se)).toBeLessThan(1e-3)
        }
        // the log-likelihood of the data as given: each purchase time's density scales by 1/c
        expect(Math.abs(f.logLikelihood - (w.logLikelihood - sx * Math.log(c)))).toBeLessThan(1e-5)
        expect(Math.abs(f.bic - (w.bic + 2 * sx * Math.log(c)))).toBeLessThan(1e-4)
      }
    }, 60_000)
  }
})

describe('fitGammaGamma names a missing field', () => {
  it('{x, monetary} is a DataError naming mx, not a TypeError', () => {
    const bad = { x: [1, 2, 3], monetary: [10, 20, 30] } as unknown as SpendData
    expect(() => fitGammaGamma(bad)).toThrow(DataError)
    expect(() => fitGammaGamma(bad)).toThrow(
      /spend data: mx must be an array of numbers \(got nothing\) \(found monetary\)/,
    )
    expect(() => gammaGammaLogLikelihood({ p: 6, q: 4, gamma: 15 }, bad)).toThrow(DataError)
    expect(() => fitGammaGamma(undefined as unknown as SpendData)).toThrow(
      /spend data must be an object/,
    )
    const w = { x: [1, 2, 3], mx: [10, 20, 30], weight: 5 } as unknown as SpendData
    expect(() => fitGammaGamma(w)).toThrow(/weight must be an array of numbers \(got a number\)/)
  })

  it('the purchase-model fits name a missing history field the same way', () => {
    const bad = { x: [1], t_x: [1], T: [2], weight: [1], customers: 1 } as unknown as Histories
    for (const f of [bgnbd.fit, mbgnbd.fit, pareto.fit] as ((h: Histories) => unknown)[]) {
      expect(() => f(bad)).toThrow(DataError)
      expect(() => f(bad)).toThrow(/histories: tx must be an array of numbers \(got nothing\)/)
    }
  })
})
