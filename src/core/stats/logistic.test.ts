import { describe, expect, it } from 'vitest'
import { readJsonFixture } from '../../../test/helpers/json-fixture.ts'
import { createRng } from '../random.ts'
import {
  crossValidateLambda,
  fitLogistic,
  logisticContributions,
  logLoss,
  predictLogistic,
  withMeanRate,
} from './logistic.ts'

interface Case {
  lambda: number
  weights: number[] | null
  intercept: number
  coefficients: number[]
  means: number[]
  scales: number[]
}
const fx = readJsonFixture<{
  n: number
  p: number
  X: number[][]
  y: number[]
  cases: Case[]
  separable: {
    X: number[][]
    y: number[]
    lambda: number
    intercept: number
    coefficients: number[]
  }
}>('stats/logistic.json')

function close(actual: number, expected: number, rtol: number, atol = 0): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rtol * Math.abs(expected) + atol)
}

const X = Float64Array.from(fx.X.flat())
const y = Uint8Array.from(fx.y)

/** Simulate n rows with p standard-normal features and known raw coefficients. */
function simulate(n: number, beta: readonly number[], b0: number, seed: number) {
  const rng = createRng(seed)
  const p = beta.length
  const Xs = new Float64Array(n * p)
  const ys = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let e = b0
    for (let j = 0; j < p; j++) {
      const v = rng.normal()
      Xs[i * p + j] = v
      e += beta[j]! * v
    }
    ys[i] = rng.uniform() < 1 / (1 + Math.exp(-e)) ? 1 : 0
  }
  return { X: Xs, y: ys }
}

describe('fitLogistic', () => {
  it('matches a scipy BFGS solution of the same penalized objective', () => {
    for (const c of fx.cases) {
      const m = fitLogistic(X, y, {
        lambda: c.lambda,
        weights: c.weights ? Float64Array.from(c.weights) : undefined,
      })
      expect(m.converged).toBe(true)
      expect(m.iterations).toBeLessThan(30)
      close(m.intercept, c.intercept, 1e-6, 1e-8)
      for (let j = 0; j < fx.p; j++) {
        close(m.coefficients[j]!, c.coefficients[j]!, 1e-6, 1e-8)
        close(m.means[j]!, c.means[j]!, 1e-12)
        close(m.scales[j]!, c.scales[j]!, 1e-12)
      }
    }
  })

  it('stays finite on perfectly separable data thanks to the penalty', () => {
    const s = fx.separable
    const m = fitLogistic(Float64Array.from(s.X.flat()), Uint8Array.from(s.y), { lambda: s.lambda })
    expect(m.converged).toBe(true)
    close(m.intercept, s.intercept, 1e-6, 1e-8)
    close(m.coefficients[0]!, s.coefficients[0]!, 1e-6)
  })

  it('recovers the coefficients of simulated data (raw scale = β / scale)', () => {
    const beta = [1.0, -0.5, 0, 2.0]
    const sim = simulate(40_000, beta, -1, 7)
    const m = fitLogistic(sim.X, sim.y, { lambda: 1e-6 })
    for (let j = 0; j < beta.length; j++) {
      expect(Math.abs(m.coefficients[j]! / m.scales[j]! - beta[j]!)).toBeLessThan(0.06)
    }
  })

  it('ignores constant columns and rejects bad input', () => {
    const Xc = new Float64Array(16)
    for (let i = 0; i < 8; i++) {
      Xc[2 * i] = i
      Xc[2 * i + 1] = 5
    }
    const yc = Uint8Array.of(0, 0, 1, 0, 1, 0, 1, 1)
    const m = fitLogistic(Xc, yc, { lambda: 0.01 })
    expect(m.coefficients[1]).toBe(0)
    expect(m.coefficients[0]).toBeGreaterThan(0)
    expect(() => fitLogistic(Xc, new Uint8Array(8), { lambda: 0.1 })).toThrow(/both outcomes/)
    expect(() => fitLogistic(Xc, Uint8Array.of(0, 2, 1, 0, 1, 0, 1, 1), { lambda: 0.1 })).toThrow(
      /0 or 1/,
    )
    expect(() => fitLogistic(new Float64Array(15), yc, { lambda: 0.1 })).toThrow(/multiple/)
    expect(() => fitLogistic(Xc, yc, { lambda: -1 })).toThrow(/lambda/)
  })

  it('throws ConvergenceError when the iteration cap is hit', () => {
    expect(() => fitLogistic(X, y, { lambda: 0.01, maxIterations: 1 })).toThrow(/did not converge/)
    const m = fitLogistic(X, y, { lambda: 0.01, maxIterations: 1, allowNonConvergence: true })
    expect(m.converged).toBe(false)
  })
})

describe('predictLogistic and contributions', () => {
  it('contributions plus intercept give the log-odds of the prediction', () => {
    const m = fitLogistic(X, y, { lambda: 0.05 })
    const pr = predictLogistic(m, X)
    expect(pr.length).toBe(fx.n)
    for (const row of [0, 17, 333]) {
      const c = logisticContributions(m, X, row)
      let logit = m.intercept
      for (const v of c) logit += v
      close(1 / (1 + Math.exp(-logit)), pr[row]!, 1e-12)
    }
    expect(() => logisticContributions(m, X, fx.n)).toThrow(/row outside/)
  })

  it('withMeanRate moves the intercept alone, to the mean probability asked for', () => {
    const m = fitLogistic(X, y, { lambda: 0.05 })
    const before = predictLogistic(m, X)
    for (const rate of [0.01, 0.3, 0.97]) {
      const shifted = withMeanRate(m, X, rate)
      expect(Array.from(shifted.coefficients)).toEqual(Array.from(m.coefficients))
      const after = predictLogistic(shifted, X)
      const mean = after.reduce((a, b) => a + b, 0) / after.length
      close(mean, rate, 1e-10)
      // the order of the rows is the order before: the ranking is the model's
      for (let i = 1; i < after.length; i++) {
        expect(after[i]! > after[i - 1]!).toBe(before[i]! > before[i - 1]!)
      }
    }
    // the rate the model already has leaves it where it was
    const own = before.reduce((a, b) => a + b, 0) / before.length
    close(withMeanRate(m, X, own).intercept, m.intercept, 1e-9)
    expect(() => withMeanRate(m, X, 0)).toThrow(/strictly between 0 and 1/)
    expect(() => withMeanRate(m, X, 1)).toThrow(/strictly between 0 and 1/)
  })

  it('logLoss matches the definition and clips certain mistakes', () => {
    close(
      logLoss(Float64Array.of(0.8, 0.3), Uint8Array.of(1, 0)),
      -(Math.log(0.8) + Math.log(0.7)) / 2,
      1e-15,
    )
    expect(logLoss(Float64Array.of(0), Uint8Array.of(1))).toBeCloseTo(-Math.log(1e-15), 10)
  })
})

describe('crossValidateLambda', () => {
  it('is reproducible for a seed and prefers weak penalties when the signal is strong', () => {
    const sim = simulate(3000, [1.5, -1, 0.8], 0, 11)
    const a = crossValidateLambda(sim.X, sim.y, { folds: 5, seed: 3 })
    const b = crossValidateLambda(sim.X, sim.y, { folds: 5, seed: 3 })
    expect(Array.from(a.meanLogLoss)).toEqual(Array.from(b.meanLogLoss))
    expect(a.lambdas[0]).toBe(1)
    expect(a.lambda).toBeLessThanOrEqual(0.03)
    // the heaviest penalty shrinks the signal away and must lose clearly
    expect(a.meanLogLoss[0]!).toBeGreaterThan(a.meanLogLoss[a.lambdas.indexOf(a.lambda)]! + 0.05)
  })

  it('prefers a strong penalty when features are noise', () => {
    const rng = createRng(5)
    const n = 400
    const p = 30
    const Xn = new Float64Array(n * p).map(() => rng.normal())
    const yn = Uint8Array.from({ length: n }, () => (rng.uniform() < 0.3 ? 1 : 0))
    const r = crossValidateLambda(Xn, yn, { seed: 1 })
    expect(r.lambda).toBeGreaterThanOrEqual(0.1)
  })
})

describe('crossValidateLambda on a sample', () => {
  it('samples large inputs down to maxRows, reproducibly', () => {
    const rng = createRng(12)
    const n = 6000
    const Xs = Float64Array.from({ length: n * 2 }, () => rng.normal())
    const ys = Uint8Array.from({ length: n }, (_, i) =>
      rng.uniform() < 1 / (1 + Math.exp(-2 * Xs[2 * i]!)) ? 1 : 0,
    )
    const a = crossValidateLambda(Xs, ys, { maxRows: 1500, seed: 2 })
    const b = crossValidateLambda(Xs, ys, { maxRows: 1500, seed: 2 })
    const full = crossValidateLambda(Xs, ys, { seed: 2 })
    expect(Array.from(a.meanLogLoss)).toEqual(Array.from(b.meanLogLoss))
    expect(Array.from(a.meanLogLoss)).not.toEqual(Array.from(full.meanLogLoss))
    expect(a.lambda).toBeLessThanOrEqual(0.03)
  })
})
