// BG/NBD, MBG/NBD and Pareto/NBD: published CDNOW estimates, mpmath reference values, analytic
// gradients, simulation recovery and extreme histories.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { bgExpectedAlive, bgExpectedAliveByQuadrature } from '../../src/core/models/common.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import { paretoNbd } from '../../src/core/models/pareto-nbd.ts'
import type { Histories } from '../../src/core/models/types.ts'
import { invertSymmetric, numericGradient } from '../../src/core/optimize.ts'
import { ConvergenceError, DataError } from '../../src/errors.ts'
import { ROOT } from '../helpers/cli.ts'
import { csvColumns } from './fixtures.ts'

const cal = csvColumns('cdnow/cdnow_calibration_summary.csv')
const X = cal.x!
const TX = cal['t.x']!
const TT = cal['T.cal']!
const XSTAR = cal['x.star']!
const cdnow = compressHistories(X, TX, TT)
const weekly = csvColumns('cdnow/cdnow_weekly_cumulative_repeat.csv')
const special = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/special.json'), 'utf8'))

// biome-ignore lint/suspicious/noExplicitAny: the three model objects share a duck-typed surface
type AnyModel = any
const models: [string, AnyModel, Record<string, number>, number, number | null][] = [
  // name, model, published params (Fader, Hardie & Lee 2005; Batislam et al. 2007), LL, holdout
  ['bgnbd', bgnbd, { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }, -9582.43, 1650],
  ['mbgnbd', mbgnbd, { r: 0.5248, alpha: 6.183, a: 0.8914, b: 1.614 }, -9582.13, null],
  ['pareto', paretoNbd, { r: 0.5532, alpha: 10.576, s: 0.6062, beta: 11.67 }, -9594.98, 1670],
]
const fits = new Map<string, AnyModel>()
const fitted = (name: string, m: AnyModel) => {
  if (!fits.has(name)) fits.set(name, m.fit(cdnow))
  return fits.get(name)
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b))

describe.each(models)('%s on CDNOW', (name, m, published, ll, holdout) => {
  it('reproduces the published maximum-likelihood estimates', () => {
    const f = fitted(name, m)
    expect(f.converged).toBe(true)
    expect(Math.abs(f.logLikelihood - ll)).toBeLessThan(0.01)
    for (const [k, v] of Object.entries(published)) {
      // Pareto/NBD beta is weakly identified: a looser bound; the LL above is the real check.
      expect(rel(f.params[k], v)).toBeLessThan(k === 'beta' ? 5e-3 : 1e-3)
      expect(f.standardErrors[k]).toBeGreaterThan(0)
      expect(f.confidenceIntervals[k][0]).toBeLessThan(f.params[k])
      expect(f.confidenceIntervals[k][1]).toBeGreaterThan(f.params[k])
    }
    expect(f.customers).toBe(2357)
    expect(f.aic).toBeCloseTo(8 - 2 * f.logLikelihood, 8)
    expect(m.logLikelihood(f.params, cdnow)).toBeCloseTo(f.logLikelihood, 8)
  })

  it('forecasts the 39-week holdout like the literature (actual 1,882)', () => {
    const f = fitted(name, m)
    let sum = 0
    for (let i = 0; i < X.length; i++) sum += m.expectedPurchases(f.params, 39, X[i], TX[i], TT[i])
    const actual = XSTAR.reduce((a, b) => a + b, 0)
    expect(actual).toBe(1882)
    if (holdout !== null) expect(Math.abs(sum - holdout) / holdout).toBeLessThan(0.01)
    expect(sum).toBeGreaterThan(0.8 * actual)
    expect(sum).toBeLessThan(actual)
    const s = m.scoreAll(f.params, { x: X, tx: TX, T: TT }, 39)
    expect(s.expected.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(sum, 6)
    for (let i = 0; i < X.length; i += 97) {
      expect(s.pAlive[i]).toBeCloseTo(m.probabilityAlive(f.params, X[i], TX[i], TT[i]), 12)
    }
  })

  it('tracks cumulative cohort repeat purchases week by week', () => {
    const f = fitted(name, m)
    // Customer i made the first purchase 38.857 - T_i weeks into 1997.
    const end = 273 / 7
    const cum = (week: number) => {
      let s = 0
      for (let i = 0; i < TT.length; i++) {
        const age = week - (end - TT[i]!)
        if (age > 0) s += m.expectedPurchasesNew(f.params, age)
      }
      return s
    }
    const wk = weekly.week!
    const actual = weekly.cum_repeat_transactions!
    for (const w of [20, 39]) {
      const a = actual[Array.from(wk).indexOf(w)]!
      expect(rel(cum(w), a)).toBeLessThan(0.06)
    }
    const a78 = actual[Array.from(wk).indexOf(78)]!
    expect(cum(78)).toBeGreaterThan(0.85 * a78)
    expect(cum(78)).toBeLessThan(a78)
  })

  it('matches mpmath references for P(alive), expectations and P(X(t) = n)', () => {
    const ref = special.models[name]
    for (const [x, tx, T, pa, e, any] of ref.histories) {
      expect(rel(m.probabilityAlive(ref.params, x, tx, T), pa)).toBeLessThan(1e-8)
      expect(rel(m.expectedPurchases(ref.params, ref.horizon, x, tx, T), e)).toBeLessThan(1e-7)
      expect(rel(m.probabilityAnyPurchase(ref.params, ref.anyWindow, x, tx, T), any)).toBeLessThan(
        1e-7,
      )
    }
    for (const [t, e] of ref.expectedNew)
      expect(rel(m.expectedPurchasesNew(ref.params, t), e)).toBeLessThan(1e-8)
    for (const [n, t, p] of ref.pmf)
      expect(rel(m.probabilityOfPurchases(ref.params, n, t), p)).toBeLessThan(1e-7)
  })

  it('P(X(t) = n) sums to 1 with mean E[X(t)]; next-purchase median agrees with P(any purchase)', () => {
    const p = special.models[name].params
    let s = 0
    let mean = 0
    for (let n = 0; n <= 400; n++) {
      const q = m.probabilityOfPurchases(p, n, 39)
      s += q
      mean += n * q
    }
    expect(s).toBeCloseTo(1, 6)
    expect(mean).toBeCloseTo(m.expectedPurchasesNew(p, 39), 3)
    for (const [x, tx, T] of [
      [2, 30, 38.86],
      [0, 0, 20],
      [12, 50, 52],
    ]) {
      const np = m.expectedNextPurchaseTime(p, x, tx, T)
      expect(np.median).toBeGreaterThan(0)
      const atMedian = m.probabilityAnyPurchase(p, np.median, x, tx, T)
      expect(atMedian).toBeCloseTo(np.probability / 2, 6)
      expect(m.probabilityAnyPurchase(p, 1e80, x, tx, T)).toBeCloseTo(np.probability, 4)
    }
  })

  it('stays finite on extreme histories and rejects data with no repeat purchases', () => {
    const p = special.models[name].params
    const extremes = [
      [0, 0, 1e-6],
      [500, 519, 520],
      [500, 10, 520],
      [3, 1, 520],
      [0, 0, 520],
      [1, 1e-6, 1e-6],
    ]
    for (const [x, tx, T] of extremes) {
      const vals = [
        m.probabilityAlive(p, x, tx, T),
        m.expectedPurchases(p, 52, x, tx, T),
        m.expectedPurchases(p, 520, x, tx, T),
        m.probabilityAnyPurchase(p, 10, x, tx, T),
        m.expectedNextPurchaseTime(p, x, tx, T).median,
      ]
      for (const v of vals) expect(Number.isFinite(v)).toBe(true)
      expect(vals[0]).toBeGreaterThanOrEqual(0)
      expect(vals[0]).toBeLessThanOrEqual(1)
    }
    const lls = m.logLikelihoodPerHistory(
      p,
      compressHistories(
        extremes.map((e) => e[0]!),
        extremes.map((e) => e[1]!),
        extremes.map((e) => e[2]!),
      ),
    )
    for (const v of lls) expect(Number.isFinite(v)).toBe(true)
    const oneTimers = compressHistories([0, 0, 0], [0, 0, 0], [10, 20, 30])
    expect(() => m.fit(oneTimers)).toThrow(DataError)
    expect(() => m.fit(oneTimers)).toThrow(/no repeat purchases/)
  })

  it('fits a ten-year history set with heavy buyers without NaN', () => {
    const sim = m.simulate(special.models[name].params, 3000, 520, 99, 1 / 7)
    const f = m.fit(compressHistories(sim.x, sim.tx, sim.T))
    expect(Number.isFinite(f.logLikelihood)).toBe(true)
    for (const v of Object.values(f.standardErrors)) expect(Number.isFinite(v)).toBe(true)
  })
})

describe('analytic gradients match central differences', () => {
  const cases: [string, AnyModel, Record<string, number>][] = [
    ['bgnbd', bgnbd, { r: 0.4, alpha: 6, a: 0.6, b: 2 }],
    ['mbgnbd', mbgnbd, { r: 0.4, alpha: 6, a: 0.6, b: 2 }],
    ['pareto (alpha < beta)', paretoNbd, { r: 0.5, alpha: 9, s: 0.7, beta: 13 }],
    ['pareto (alpha > beta)', paretoNbd, { r: 0.5, alpha: 14, s: 0.7, beta: 3 }],
    ['pareto (z near 1)', paretoNbd, { r: 0.5, alpha: 200, s: 0.7, beta: 0.5 }],
  ]
  it.each(cases)('%s', (_n, m, point) => {
    const names = Object.keys(point)
    const g = m.gradient(point, cdnow)
    const f = (t: readonly number[]) =>
      m.logLikelihood(Object.fromEntries(names.map((k, i) => [k, Math.exp(t[i]!)])), cdnow)
    const ng = numericGradient(
      f,
      names.map((k) => Math.log(point[k]!)),
      1e-5,
    )
    for (let i = 0; i < 4; i++) {
      expect(Math.abs(g[i] - ng[i]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ng[i]!)))
    }
  })
})

describe('simulation recovery', () => {
  const cases: [string, AnyModel, Record<string, number>][] = [
    ['bgnbd', bgnbd, { r: 0.8, alpha: 5, a: 0.6, b: 2.5 }],
    ['mbgnbd', mbgnbd, { r: 0.8, alpha: 5, a: 0.6, b: 2.5 }],
    ['pareto', paretoNbd, { r: 0.8, alpha: 5, s: 0.7, beta: 12 }],
  ]
  it.each(cases)('%s recovers known parameters within 3 standard errors', (_n, m, truth) => {
    const n = 20_000
    const T = Float64Array.from({ length: n }, (_, i) => 30 + (i % 50))
    // continuous times: on a day grid a repeat on the first day or a second one in a day is no
    // repeat day, and data summarised so are not the model's (biased by more than 3 SE here)
    const sim = m.simulate(truth, n, T, 2024)
    const h: Histories = compressHistories(sim.x, sim.tx, sim.T)
    expect(h.x.length).toBeLessThan(n)
    const f = m.fit(h)
    for (const [k, v] of Object.entries(truth)) {
      expect(Math.abs(f.params[k] - v)).toBeLessThan(3 * f.standardErrors[k])
    }
  })
})

describe('simulation on a daily grid', () => {
  const cases: [string, AnyModel, Record<string, number>][] = [
    ['bgnbd', bgnbd, { r: 3, alpha: 1, a: 0.6, b: 2.5 }],
    ['mbgnbd', mbgnbd, { r: 3, alpha: 1, a: 0.6, b: 2.5 }],
    ['pareto', paretoNbd, { r: 3, alpha: 1, s: 0.7, beta: 12 }],
  ]
  // heavy buyers (three a week): many buy twice in a day, and again on their first day
  it.each(cases)('%s counts repeat purchase days as the summary does', (_n, m, p) => {
    const n = 5000
    const exact = m.simulate(p, n, 30, 5)
    const daily = m.simulate(p, n, 30, 5, 1 / 7)
    let merged = 0
    for (let i = 0; i < n; i++) {
      const x = daily.x[i]!
      const tx = daily.tx[i]!
      // `loyals fit` refuses x > 0 with t_x = 0: a repeat on the first day is no repeat day
      if (x > 0) expect(tx).toBeGreaterThan(0)
      expect(Math.abs(tx * 7 - Math.round(tx * 7))).toBeLessThan(1e-9)
      // at most one repeat a day, and never more than the purchases themselves
      expect(x).toBeLessThanOrEqual(Math.round(tx * 7))
      expect(x).toBeLessThanOrEqual(exact.x[i]!)
      if (x < exact.x[i]!) merged++
    }
    expect(merged).toBeGreaterThan(100)
  })
})

describe('a dropout probability shared by every customer (a, b → ∞ together)', () => {
  it('is fitted at its limit, not taken for "no dropout"', () => {
    const n = 5000
    const T = Float64Array.from({ length: n }, (_, i) => 30 + (i % 50))
    // p = a/(a+b) = 0.1 for everyone (a + b = 1e6: no heterogeneity the data could see)
    const truth = { r: 0.8, alpha: 5, a: 1e5, b: 9e5 }
    // (a sample whose likelihood keeps rising along a/(a+b) = 0.1 to a, b → ∞)
    const sim = bgnbd.simulate(truth, n, T, 9, 1 / 7)
    const h: Histories = compressHistories(sim.x, sim.tx, sim.T)
    const f = bgnbd.fit(h)
    expect(f.note).toMatch(/same probability 0\.\d+ after each purchase/)
    const p = f.params.a / (f.params.a + f.params.b)
    expect(Math.abs(p - 0.1)).toBeLessThan(0.02)
    // the note gives p's 95 % interval: around p and the truth, informative, and symmetric in
    // logit p (the odds' interval from the three-parameter fit's Hessian, mapped back)
    const m = /95 % interval ([0-9.e-]+) to ([0-9.e-]+);/.exec(f.note ?? '')
    expect(m).not.toBeNull()
    const [lo, hi] = [Number(m?.[1]), Number(m?.[2])]
    expect(lo).toBeLessThan(p)
    expect(hi).toBeGreaterThan(p)
    expect(lo).toBeLessThan(0.1)
    expect(hi).toBeGreaterThan(0.1)
    expect(hi - lo).toBeLessThan(0.03)
    const logit = (q: number) => Math.log(q / (1 - q))
    // (3 significant digits in the note)
    expect(logit(p) - logit(lo)).toBeCloseTo(logit(hi) - logit(p), 2)
    expect(Math.abs(f.params.r - truth.r)).toBeLessThan(3 * f.standardErrors.r)
    expect(Math.abs(f.params.alpha - truth.alpha)).toBeLessThan(3 * f.standardErrors.alpha)
    expect(f.standardErrors.a).toBeNaN()
    // at least as likely as any finite point of the ridge tried here, and the NBD (no dropout)
    // far below it
    for (const size of [1e2, 1e3, 1e4]) {
      const ll = bgnbd.logLikelihood({ ...f.params, a: p * size, b: (1 - p) * size }, h)
      expect(f.logLikelihood).toBeGreaterThan(ll - 1e-6)
    }
    const noDropout = bgnbd.logLikelihood({ ...f.params, a: 1e-6, b: 1e6 }, h)
    expect(f.logLikelihood - noDropout).toBeGreaterThan(50)
    expect(f.bic - f.aic).toBeCloseTo(3 * Math.log(h.customers) - 6, 9)
  })

  it.each([1, 2, 3, 4, 5, 6])(
    'seed %i: a fit that converges far out on the ridge is that limit too (BG/NBD and MBG/NBD)',
    (seed) => {
      const n = 3000
      const T = Float64Array.from({ length: n }, (_, i) => 40 + (i % 60))
      const sim = bgnbd.simulate({ r: 0.33, alpha: 5.5, a: 2.6e4, b: 7.4e4 }, n, T, seed, 1 / 7)
      const h: Histories = compressHistories(sim.x, sim.tx, sim.T)
      for (const m of [bgnbd, mbgnbd]) {
        const f = m.fit(h)
        // either an interior optimum with a or b below e^7, or the limit fitted as such
        const far = Math.log(f.params.a) > 7 && Math.log(f.params.b) > 7
        if (far) {
          expect(f.note).toMatch(/ran off together/)
          expect(f.params.a + f.params.b).toBeCloseTo(1e5, 3)
          expect(f.bic - f.aic).toBeCloseTo(3 * Math.log(h.customers) - 6, 9)
        }
      }
    },
  )
})

describe('large fits (warm start from a subsample)', () => {
  const cases: [string, AnyModel, Record<string, number>, number][] = [
    ['bgnbd', bgnbd, { r: 0.25, alpha: 4.4, a: 0.8, b: 2.4 }, 1e-7],
    ['pareto', paretoNbd, { r: 0.55, alpha: 10.6, s: 0.6, beta: 11.7 }, 1e-6],
  ]
  it.each(cases)('%s ends at the optimum of the full data', (_n, m, truth, tol) => {
    const n = 200_000
    // ages on a day grid over a year: well over 32,000 distinct histories
    const T = Float64Array.from({ length: n }, (_, i) => 12 + ((i * 7919) % 2555) / 7)
    // continuous purchase times (the model's own data: see simulation recovery)
    const sim = m.simulate(truth, n, T, 99)
    const h: Histories = compressHistories(sim.x, sim.tx, sim.T)
    expect(h.x.length).toBeGreaterThan(32_000)
    const f = m.fit(h)
    const g = m.gradient(f.params, h) as number[]
    for (const v of g) expect(Math.abs(v) / h.customers).toBeLessThan(10 * tol)
    for (const [k, v] of Object.entries(truth)) {
      expect(Math.abs(f.params[k] - v)).toBeLessThan(4 * f.standardErrors[k])
    }
  })
})

describe('standard errors near a ridge', () => {
  // s and beta large together (dropout rates that hardly differ between customers): the Hessian's
  // (s, beta) block is nearly singular, so its inverse magnifies any error in the Hessian. The
  // reference is the curvature of the log-likelihood itself, from second differences of its
  // values on the log scale (no gradient involved).
  it('Pareto/NBD standard errors agree with the log-likelihood curvature', () => {
    const n = 3000
    const T = Float64Array.from({ length: n }, (_, i) => 26 + (i % 52))
    const sim = paretoNbd.simulate({ r: 0.76, alpha: 8, s: 11, beta: 440 }, n, T, 7, 1 / 7)
    const h: Histories = compressHistories(sim.x, sim.tx, sim.T)
    const f = paretoNbd.fit(h)
    const names = ['r', 'alpha', 's', 'beta'] as const
    const theta = names.map((k) => Math.log(f.params[k]))
    // an interior optimum, where the fit reports standard errors, on a ridge
    for (const t of theta) expect(Math.abs(t)).toBeLessThan(7)
    const ll = (x: readonly number[]) =>
      paretoNbd.logLikelihood(
        { r: Math.exp(x[0]!), alpha: Math.exp(x[1]!), s: Math.exp(x[2]!), beta: Math.exp(x[3]!) },
        h,
      )
    const e = 2e-3
    const at = (di: number, dj: number, i: number, j: number) =>
      ll(theta.map((t, k) => t + (k === i ? di : 0) + (k === j ? dj : 0)))
    const H = names.map((_, i) =>
      names.map(
        (_, j) =>
          -(at(e, e, i, j) - at(e, -e, i, j) - at(-e, e, i, j) + at(-e, -e, i, j)) / (4 * e * e),
      ),
    )
    const cov = invertSymmetric(H)
    const seS = Math.exp(theta[2]!) * Math.sqrt(cov[2]![2]!)
    expect(seS / f.params.s).toBeGreaterThan(0.5) // weakly identified: that is the case tested
    names.forEach((k, i) => {
      const ref = Math.exp(theta[i]!) * Math.sqrt(cov[i]![i]!)
      expect(rel(f.standardErrors[k], ref)).toBeLessThan(0.01)
    })
  })
})

describe('a fit the data cannot pin down', () => {
  it('throws instead of returning intervals from 0 to infinity (Pareto/NBD on three customers)', () => {
    const h: Histories = compressHistories(
      Float64Array.from([1, 1, 0]),
      Float64Array.from([31 / 7, 60 / 7, 0]),
      Float64Array.from([64 / 7, 60 / 7, 29 / 7]),
    )
    expect(() => paretoNbd.fit(h)).toThrow(ConvergenceError)
    // the fit runs toward the no-dropout limit, whose Hessian is singular to rounding: either of
    // the two refusals may be the one said (interval to infinity, or not positive definite)
    expect(() => paretoNbd.fit(h)).toThrow(
      /runs from 0 to infinity, so the data cannot identify|the dropout parameters cannot be identified/,
    )
  })
})

describe('expected purchases over an infinite horizon', () => {
  it('are E[1/p] = (a+b-1)/(a-1) for a > 1 (the limit of long horizons) and infinite for a <= 1', () => {
    const p = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }
    expect(bgnbd.expectedPurchasesNew(p, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY)
    expect(bgnbd.expectedPurchases(p, Number.POSITIVE_INFINITY, 2, 30, 38)).toBe(
      Number.POSITIVE_INFINITY,
    )
    const q = { ...p, a: 1.8 }
    const limit = bgExpectedAlive(q.r, q.alpha, q.a, q.b, Number.POSITIVE_INFINITY)
    expect(limit).toBeCloseTo((q.a + q.b - 1) / (q.a - 1), 12)
    // long horizons climb toward it (slowly: r is small, so are many purchase rates)
    const at = (t: number) => bgExpectedAlive(q.r, q.alpha, q.a, q.b, t)
    expect(at(1e9) / limit).toBeGreaterThan(0.98)
    expect(at(1e12)).toBeGreaterThan(at(1e9))
    expect(at(1e12)).toBeLessThan(limit)
  })
})

describe('bgExpectedAlive where a + b <= 1', () => {
  // Generated by scripts/fixtures/bg_expected_alive.py (mpmath's 2F1, 40 digits): [r, alpha, a, b,
  // t, value]; the closed form's third parameter a + b - 1 is negative in all but the first. A
  // BG/NBD fit with a + b < 1 made analyze throw (no convergent 2F1) on ordinary data.
  const cases = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/bg-expected-alive.json'), 'utf8'),
  ) as [number, number, number, number, number, number][]
  it('is finite and agrees with the reference by either route', () => {
    for (const [r, alpha, a, b, t, want] of cases) {
      expect(rel(bgExpectedAlive(r, alpha, a, b, t), want)).toBeLessThan(1e-9)
      expect(rel(bgExpectedAliveByQuadrature(r, alpha, a, b, t), want)).toBeLessThan(1e-9)
    }
  })
})

describe('BG/NBD and MBG/NBD at a = 1 (the 0/0 of the closed form)', () => {
  it('give finite values for a within 1e-6 of 1 (they recursed until the stack overflowed)', () => {
    const p = { r: 0.5, alpha: 3, b: 2 }
    // mpmath (the audit's reference): E[X(52)] of a new customer at a = 1 is 2.641762391655509
    for (const a of [1, 1 - 9e-7, 1 + 5e-7, 1 + 1e-6]) {
      const e = bgnbd.expectedPurchasesNew({ ...p, a }, 52)
      expect(rel(e, 2.641762391655509), String(a)).toBeLessThan(1e-5)
      expect(Number.isFinite(bgnbd.expectedPurchases({ ...p, a }, 52, 2, 30.43, 38.86))).toBe(true)
      expect(Number.isFinite(mbgnbd.expectedPurchasesNew({ ...p, a }, 52))).toBe(true)
    }
  })
  it('a time span that is not a number is a DataError (it never returned)', () => {
    const p = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }
    expect(() => bgnbd.expectedPurchasesNew(p, Number.NaN)).toThrow(DataError)
    expect(() => mbgnbd.expectedPurchasesNew(p, Number.NaN)).toThrow(DataError)
  })
})
