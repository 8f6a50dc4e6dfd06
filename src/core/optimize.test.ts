import { describe, expect, it } from 'vitest'
import { ConvergenceError, UsageError } from '../errors.ts'
import {
  bfgs,
  hessianFromGradient,
  hessianFromGradientUnlessFlat,
  invertSymmetric,
  minimize,
  nelderMead,
  numericGradient,
  numericHessian,
  standardErrorsFromLogHessian,
} from './optimize.ts'
import { SpecialFunctionError } from './special.ts'

const rosen = (x: readonly number[]): number => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2
const rosenGrad = (x: readonly number[]): number[] => [
  -400 * x[0]! * (x[1]! - x[0]! ** 2) - 2 * (1 - x[0]!),
  200 * (x[1]! - x[0]! ** 2),
]

describe('optimizers', () => {
  it('BFGS finds the Rosenbrock minimum with an analytic gradient', () => {
    const r = bfgs(rosen, rosenGrad, [-1.2, 1], { gradientTolerance: 1e-8 })
    expect(r.converged).toBe(true)
    expect(r.x[0]).toBeCloseTo(1, 6)
    expect(r.x[1]).toBeCloseTo(1, 6)
  })
  it('Nelder-Mead finds it without derivatives', () => {
    const r = nelderMead(rosen, [-1.2, 1])
    expect(r.converged).toBe(true)
    expect(r.x[0]).toBeCloseTo(1, 3)
  })
  it('minimize uses a numeric gradient and throws ConvergenceError with diagnostics', () => {
    const r = minimize(rosen, [-1.2, 1])
    expect(r.x[0]).toBeCloseTo(1, 4)
    let err: unknown
    try {
      minimize((x) => -x[0]! - x[1]!, [0, 0], { maxIterations: 20 })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConvergenceError)
    expect((err as ConvergenceError).details).toHaveProperty('gradientNorm')
  })
  it('minimize names a parameter running off to a boundary and says what it means', () => {
    let err: unknown
    try {
      minimize((x) => (x[0]! - 1) ** 2 - x[1]!, [0, 0], {
        grad: (x) => [2 * (x[0]! - 1), -1],
        names: ['r', 'beta'],
        explainBoundary: (n, d) => `${n} went ${d}`,
      })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConvergenceError)
    const c = err as ConvergenceError
    expect(c.details).toMatchObject({ diverged: 'beta', direction: 'high' })
    expect(c.message).toContain('beta went high')
  })
  it('minimize stops at the evaluation budget on a flat, noisy objective', () => {
    let calls = 0
    // A cusp at the minimum: the gradient never falls below the tolerance.
    const cusp = (x: readonly number[]): number => {
      calls++
      return Math.sqrt(Math.abs(x[0]! - 1)) + Math.sqrt(Math.abs(x[1]! + 2))
    }
    let err: unknown
    try {
      minimize(cusp, [3, 3], { maxEvaluations: 30 })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConvergenceError)
    expect((err as ConvergenceError).details).toMatchObject({ budgetExhausted: true })
    expect(calls).toBeLessThanOrEqual(30)
  })
  it('numeric derivatives match analytic ones', () => {
    const g = numericGradient(rosen, [0.3, -0.7])
    const ga = rosenGrad([0.3, -0.7])
    for (let i = 0; i < 2; i++) expect(g[i]).toBeCloseTo(ga[i]!, 5)
    const H = numericHessian(rosen, [0.3, -0.7])
    expect(H[0]![0]).toBeCloseTo(1200 * 0.09 - 400 * -0.7 + 2, 3)
    expect(H[0]![1]).toBeCloseTo(-120, 3)
    expect(H[1]![1]).toBeCloseTo(200, 3)
  })
  it('Hessian from an analytic gradient: central differences, 2n gradients', () => {
    const x = [0.3, -0.7]
    const exact = [
      [1200 * 0.09 - 400 * -0.7 + 2, -120],
      [-120, 200],
    ]
    let calls = 0
    const counted = (t: readonly number[]) => {
      calls++
      return rosenGrad(t)
    }
    const central = hessianFromGradient(counted, x)
    expect(calls).toBe(4)
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const e = exact[i]![j]!
        expect(Math.abs(central[i]![j]! - e)).toBeLessThan(1e-6 * Math.abs(e))
      }
      expect(central[i]![1 - i]).toBe(central[1 - i]![i])
    }
  })
  it('Hessian unless flat: the rows asked for first decide a flat block from their gradients alone', () => {
    // f = x0^2 + x0 x1 + x1^2 + (x2 + x3)^2 - 0.01 x2 x3: positive definite on (x0, x1), the
    // (x2, x3) block [[2, 1.99], [1.99, 2]] is too; with + 0.02 x2 x3 it is [[2, 2.02], [2.02, 2]]
    // (a saddle along x2 = -x3), and the whole matrix with it
    const gradOf =
      (c: number) =>
      (t: readonly number[]): number[] => [
        2 * t[0]! + t[1]!,
        t[0]! + 2 * t[1]!,
        2 * (t[2]! + t[3]!) + c * t[3]!,
        2 * (t[2]! + t[3]!) + c * t[2]!,
      ]
    const x = [0.4, -1.2, 8, -9]
    let calls = 0
    const counted = (g: (t: readonly number[]) => number[]) => (t: readonly number[]) => {
      calls++
      return g(t)
    }
    const flat = hessianFromGradientUnlessFlat(counted(gradOf(0.02)), x, 1e-5, [2, 3])
    expect(calls).toBe(4)
    expect('flatBlock' in flat && flat.flatBlock[0]![1]).toBeCloseTo(2.02, 6)
    expect('cause' in flat && flat.cause).toMatch(/not positive definite/)
    // the whole matrix says the same, from all eight gradients
    expect(() => invertSymmetric(hessianFromGradient(gradOf(0.02), x, 1e-5))).toThrow(
      SpecialFunctionError,
    )
    calls = 0
    const whole = hessianFromGradientUnlessFlat(counted(gradOf(-0.01)), x, 1e-5, [2, 3])
    expect(calls).toBe(8)
    // otherwise the matrix is hessianFromGradient's, to the bit
    expect('hessian' in whole && whole.hessian).toEqual(hessianFromGradient(gradOf(-0.01), x, 1e-5))
  })
  it('inverts SPD matrices and rejects indefinite ones', () => {
    const m = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ]
    const inv = invertSymmetric(m)
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const v = m[i]!.reduce((s, mik, k) => s + mik * inv[k]![j]!, 0)
        expect(v).toBeCloseTo(i === j ? 1 : 0, 12)
      }
    }
    expect(() =>
      invertSymmetric([
        [1, 2],
        [2, 1],
      ]),
    ).toThrow(SpecialFunctionError)
  })
  it('delta-method standard errors: exponential rate MLE has se = lambda / sqrt(n)', () => {
    // NLL(theta) = -n theta + e^theta S for n observations summing to S; MLE lambda = n / S.
    const n = 400
    const S = 123
    const nll = (t: readonly number[]): number => -n * t[0]! + Math.exp(t[0]!) * S
    const r = minimize(nll, [0])
    const H = numericHessian(nll, r.x)
    const { standardErrors } = standardErrorsFromLogHessian(r.x, H)
    expect(Math.exp(r.x[0]!)).toBeCloseTo(n / S, 6)
    expect(standardErrors[0]).toBeCloseTo(n / S / Math.sqrt(n), 5)
  })
})

describe('BFGS warm start', () => {
  // f = ½ xᵀAx - bᵀx with a badly scaled A: from the identity BFGS needs several iterations
  const A = [
    [100, 3, 0],
    [3, 2, 0.5],
    [0, 0.5, 0.5],
  ]
  const b = [1, 2, 3]
  const f = (x: readonly number[]) => {
    let v = 0
    for (let i = 0; i < 3; i++) {
      let ax = 0
      for (let j = 0; j < 3; j++) ax += A[i]![j]! * x[j]!
      v += 0.5 * x[i]! * ax - b[i]! * x[i]!
    }
    return v
  }
  const g = (x: readonly number[]) =>
    A.map((row, i) => row.reduce((s, a, j) => s + a * x[j]!, 0) - b[i]!)
  it('converges in one step from the exact inverse Hessian, and returns its curvature', () => {
    const cold = bfgs(f, g, [0, 0, 0], { gradientTolerance: 1e-8 })
    const warm = bfgs(f, g, [0, 0, 0], {
      gradientTolerance: 1e-8,
      initialInverseHessian: invertSymmetric(A),
    })
    expect(cold.converged && warm.converged).toBe(true)
    expect(warm.iterations).toBe(1)
    expect(cold.iterations).toBeGreaterThan(warm.iterations)
    for (let i = 0; i < 3; i++) expect(warm.x[i]).toBeCloseTo(cold.x[i]!, 8)
    // the final BFGS metric of the cold run approximates A⁻¹ well enough to restart from
    const again = minimize(
      f,
      cold.x.map((v) => v + 0.1),
      {
        grad: g,
        gradientTolerance: 1e-8,
        initialInverseHessian: cold.inverseHessian!,
      },
    )
    expect(again.iterations).toBeLessThanOrEqual(3)
  })
  it('ignores a warm start of the wrong shape', () => {
    const r = bfgs(f, g, [0, 0, 0], { gradientTolerance: 1e-8, initialInverseHessian: [[1]] })
    expect(r.converged).toBe(true)
  })
})

describe('minimize options from JavaScript', () => {
  it('refuses a count that is not a whole number of at least 1, rather than blame the data', () => {
    const f = ([a]: readonly number[]) => (a! - 1) ** 2
    for (const bad of [0, -3, Number.NaN, 2.5, 'abc']) {
      const opts = { maxIterations: bad as number }
      expect(() => minimize(f, [0], opts), String(bad)).toThrow(UsageError)
      expect(() => minimize(f, [0], opts)).toThrow(/maxIterations must be a whole number/)
    }
    expect(() => minimize(f, [0], { maxEvaluations: 0 })).toThrow(UsageError)
    expect(minimize(f, [0], { maxIterations: 50 }).x[0]).toBeCloseTo(1, 6)
  })
})
