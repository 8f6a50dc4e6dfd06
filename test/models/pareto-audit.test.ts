// Pareto/NBD fixes from the model audit: P(X(t) = n) for extreme parameters and t = ∞, E[X(t)] at
// s = 1 and t = ∞, the next-purchase median past 2^200 × its start, and DataError for bad input.
// References: scripts/fixtures/pareto_audit.py (mpmath) -> test/fixtures/models/pareto_audit.json.
import { describe, expect, it } from 'vitest'
import { type ParetoParams, paretoNbd } from '../../src/core/models/pareto-nbd.ts'
import { DataError } from '../../src/errors.ts'
import { fixtureJson, oneHistory } from './fixtures.ts'

interface Fixture {
  params: Record<string, ParetoParams>
  pmf: { params: string; n: number; t: number | 'inf'; p: number }[]
  pmfSums: { params: string; N: number; t: number | 'inf'; tail: number }[]
  nextPurchase: {
    name: string
    params: ParetoParams
    x: number
    T: number
    median: number | null
    mean: number | null
  }[]
}
const fx = fixtureJson<Fixture>('pareto_audit.json')
const time = (t: number | 'inf'): number => (t === 'inf' ? Number.POSITIVE_INFINITY : t)
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b)
const PN: ParetoParams = { r: 0.5532, alpha: 10.576, s: 0.6062, beta: 11.67 }
const sOne: ParetoParams = { r: 0.55, alpha: 10.5, s: 1, beta: 11.6 }

describe('Pareto/NBD P(X(t) = n)', () => {
  it('matches the Fader-Hardie closed form (mpmath) for extreme parameters and t = ∞', () => {
    const bad: string[] = []
    for (const { params, n, t, p } of fx.pmf) {
      const v = paretoNbd.probabilityOfPurchases(fx.params[params]!, n, time(t))
      if (!(rel(v, p) < 1e-9)) bad.push(`${params} n=${n} t=${t}: ${v} vs ${p}`)
    }
    expect(bad).toEqual([])
    expect(fx.pmf.length).toBeGreaterThan(200)
  })

  it('is right for r = 50, alpha = 0.05 (the peak the old quadrature missed) and at n = 300', () => {
    const big = fx.params.bigR!
    expect(rel(paretoNbd.probabilityOfPurchases(big, 0, 39), 0.006071964370281507)).toBeLessThan(
      1e-10,
    )
    expect(rel(paretoNbd.probabilityOfPurchases(big, 50, 520), 0.00410327667687268)).toBeLessThan(
      1e-10,
    )
    expect(rel(paretoNbd.probabilityOfPurchases(PN, 300, 39), 4.680872012630336e-34)).toBeLessThan(
      1e-10,
    )
  })

  it('sums to 1 over n (the mpmath tail P(X(t) >= N) added), t = ∞ included', () => {
    for (const { params, N, t, tail } of fx.pmfSums) {
      let sum = 0
      for (let n = 0; n < N; n++)
        sum += paretoNbd.probabilityOfPurchases(fx.params[params]!, n, time(t))
      expect(Math.abs(sum + tail - 1), `${params} t=${t}`).toBeLessThan(1e-10)
    }
  })

  it('returns the lifetime distribution at t = ∞, the limit of large t', () => {
    const inf = paretoNbd.probabilityOfPurchases(PN, 1, Number.POSITIVE_INFINITY)
    expect(inf).toBeGreaterThan(0)
    expect(rel(paretoNbd.probabilityOfPurchases(PN, 1, 1e300), inf)).toBeLessThan(1e-9)
    expect(paretoNbd.probabilityOfPurchases(PN, 0, 0)).toBe(1)
    expect(paretoNbd.probabilityOfPurchases(PN, 3, 0)).toBe(0)
  })
})

describe('Pareto/NBD expectations at t = ∞', () => {
  it('are infinite at s = 1 (E[1/μ] diverges), finite past it', () => {
    const inf = Number.POSITIVE_INFINITY
    expect(paretoNbd.expectedPurchasesNew(sOne, inf)).toBe(inf)
    expect(paretoNbd.expectedPurchases(sOne, inf, 2, 30, 38)).toBe(inf)
    expect(paretoNbd.scoreAll(sOne, { x: [2], tx: [30], T: [38] }, inf).expected[0]).toBe(inf)
    expect(paretoNbd.expectedPurchasesNew({ ...sOne, s: 0.5 }, inf)).toBe(inf)
    // r β / (α (s-1))
    const s2 = { ...sOne, s: 2 }
    expect(rel(paretoNbd.expectedPurchasesNew(s2, inf), (0.55 * 11.6) / 10.5)).toBeLessThan(1e-14)
    expect(rel(paretoNbd.expectedPurchasesNew(s2, 1e300), (0.55 * 11.6) / 10.5)).toBeLessThan(1e-12)
    // s = 1 at a finite horizon: r β / α · log(1 + t/β)
    expect(
      rel(paretoNbd.expectedPurchasesNew(sOne, 52), ((0.55 * 11.6) / 10.5) * Math.log1p(52 / 11.6)),
    ).toBeLessThan(1e-14)
  })
})

describe('Pareto/NBD next-purchase waiting time', () => {
  it('finds the median wherever it is in the double range (mpmath)', () => {
    for (const { name, params, x, T, median, mean } of fx.nextPurchase) {
      const np = paretoNbd.expectedNextPurchaseTime(params, x, T, T)
      // s >= 3 with β > α: the quadrature's path (Newton on the cumulative integral), ~1e-14
      const tol = params.s >= 3 && params.beta > params.alpha ? 1e-11 : 1e-9
      if (median === null) {
        expect(np.median, name).toBeNull()
        expect(np.reason, name).toMatch(/median waiting time is beyond the largest double/)
      } else {
        expect(rel(np.median!, median), `${name} median`).toBeLessThan(tol)
      }
      if (mean === null) expect(np.mean, name).toBeNull()
      else expect(rel(np.mean!, mean), `${name} mean`).toBeLessThan(tol)
    }
    const tiny = fx.nextPurchase.find((c) => c.name === 'tiny')!
    expect(tiny.median).toBeGreaterThan(3e154)
    expect(fx.nextPurchase.some((c) => c.median === null)).toBe(true)
  })

  it('says "use the median" only when there is one', () => {
    const np = paretoNbd.expectedNextPurchaseTime(
      { r: 4e-4, alpha: 1e4, s: 4e-4, beta: 1e4 },
      0,
      0,
      0,
    )
    expect(np.median).toBeNull()
    expect(np.reason).not.toMatch(/use the median/)
    expect(paretoNbd.expectedNextPurchaseTime(fx.params.tiny!, 0, 0, 0).reason).toMatch(
      /use the median/,
    )
  })
})

describe('Pareto/NBD input checks', () => {
  const hist = oneHistory

  it('throws DataError for every invalid argument', () => {
    const calls: [string, () => unknown][] = [
      ['E[X(-1)]', () => paretoNbd.expectedPurchasesNew(PN, -1)],
      ['E[X(NaN)]', () => paretoNbd.expectedPurchasesNew(PN, Number.NaN)],
      ['P(X(NaN) = 1)', () => paretoNbd.probabilityOfPurchases(PN, 1, Number.NaN)],
      ['P(X(-1) = 1)', () => paretoNbd.probabilityOfPurchases(PN, 1, -1)],
      ['P(X(5) = ∞)', () => paretoNbd.probabilityOfPurchases(PN, Number.POSITIVE_INFINITY, 5)],
      ['scoreAll T = ∞', () => paretoNbd.scoreAll(PN, { x: [1], tx: [1], T: [Infinity] }, 10)],
      ['scoreAll x = ∞', () => paretoNbd.scoreAll(PN, { x: [Infinity], tx: [1], T: [2] }, 10)],
      [
        'scoreAll horizon NaN',
        () => paretoNbd.scoreAll(PN, { x: [1], tx: [1], T: [2] }, Number.NaN),
      ],
      ['scoreAll horizon -1', () => paretoNbd.scoreAll(PN, { x: [1], tx: [1], T: [2] }, -1)],
      ['LL x = NaN', () => paretoNbd.logLikelihood(PN, hist(Number.NaN, 1, 2))],
      ['LL x = -1', () => paretoNbd.logLikelihood(PN, hist(-1, 1, 2))],
      ['LL t_x > T', () => paretoNbd.logLikelihood(PN, hist(1, 3, 2))],
      ['LL T = ∞', () => paretoNbd.logLikelihood(PN, hist(1, 1, Number.POSITIVE_INFINITY))],
      ['LL T = NaN', () => paretoNbd.logLikelihood(PN, hist(1, 1, Number.NaN))],
      ['LL weight NaN', () => paretoNbd.logLikelihood(PN, hist(1, 1, 2, Number.NaN))],
      ['LL weight -1', () => paretoNbd.logLikelihood(PN, hist(1, 1, 2, -1))],
      ['LL per row T = ∞', () => paretoNbd.logLikelihoodPerHistory(PN, hist(1, 1, Infinity))],
      ['gradient x = NaN', () => paretoNbd.gradient(PN, hist(Number.NaN, 1, 2))],
      [
        'LL lengths',
        () =>
          paretoNbd.logLikelihood(PN, {
            ...hist(1, 1, 2),
            T: Float64Array.of(2, 3),
          }),
      ],
      ['simulate n = -3', () => paretoNbd.simulate(PN, -3, 5, 1)],
      ['simulate n = 2.5', () => paretoNbd.simulate(PN, 2.5, 5, 1)],
      ['simulate T = NaN', () => paretoNbd.simulate(PN, 3, Number.NaN, 1)],
      ['simulate T = -5', () => paretoNbd.simulate(PN, 3, -5, 1)],
      ['simulate T = ∞', () => paretoNbd.simulate(PN, 3, Number.POSITIVE_INFINITY, 1)],
      ['simulate T array NaN', () => paretoNbd.simulate(PN, 2, [5, Number.NaN], 1)],
      ['simulate T array short', () => paretoNbd.simulate(PN, 3, [5, 5], 1)],
      ['simulate resolution NaN', () => paretoNbd.simulate(PN, 3, 5, 1, Number.NaN)],
    ]
    const wrong: string[] = []
    for (const [name, call] of calls) {
      try {
        const v = call()
        wrong.push(`${name}: returned ${JSON.stringify(v)}`)
      } catch (e) {
        if (!(e instanceof DataError)) wrong.push(`${name}: ${String(e)}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('names the argument and its value', () => {
    expect(() => paretoNbd.expectedPurchasesNew(PN, -1)).toThrow(/t must be .*>= 0 \(got -1\)/)
    expect(() => paretoNbd.probabilityOfPurchases(PN, 1, Number.NaN)).toThrow(/t .*got NaN/)
    expect(() => paretoNbd.logLikelihood(PN, hist(1, 1, Infinity))).toThrow(/T=Infinity/)
    expect(() => paretoNbd.simulate(PN, -3, 5, 1)).toThrow(/n \(customers\).*got -3/)
  })

  it('keeps accepting x > 0 with t_x = 0, non-integer x and T = 0', () => {
    const ll = paretoNbd.logLikelihood(PN, hist(2, 0, 5))
    expect(Number.isFinite(ll) && ll < 0).toBe(true)
    expect(Number.isFinite(paretoNbd.logLikelihood(PN, hist(2.5, 1, 2)))).toBe(true)
    expect(Number.isFinite(paretoNbd.logLikelihood(PN, hist(0, 0, 0)))).toBe(true)
    expect(paretoNbd.expectedPurchases(PN, 10, 2, 0, 5)).toBeGreaterThan(0)
    expect(paretoNbd.scoreAll(PN, { x: [2.5], tx: [1], T: [2] }, 10).expected[0]).toBeGreaterThan(0)
    expect(paretoNbd.simulate(PN, 0, 5, 1).x.length).toBe(0)
    expect(paretoNbd.simulate(PN, 2, [0, 5], 1, 1 / 7).T[1]).toBeCloseTo(5 - (5 % (1 / 7)), 12)
  })

  it('gives P(any purchase) over an infinite window for alpha > beta and s < 1', () => {
    const p = { r: 0.5, alpha: 14, s: 0.7, beta: 3 }
    const all = paretoNbd.probabilityAnyPurchase(p, Number.POSITIVE_INFINITY, 2, 30, 38)
    expect(all).toBeGreaterThan(0)
    expect(rel(paretoNbd.probabilityAnyPurchase(p, 1e300, 2, 30, 38), all)).toBeLessThan(1e-9)
  })
})
