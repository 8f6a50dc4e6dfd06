// BG/NBD and MBG/NBD log-likelihood and gradient at huge r, alpha, a, b, where the textbook form
// (lgamma(r+x) - lgamma(r), r log α - (r+x) log(α+T)) cancels to nothing: a fit walking toward
// the no-heterogeneity limit saw log 2 instead of -6.47 (audit of `loyals fit`, item 7). References
// from mpmath at 80 digits (scripts/fixtures/bg_extreme.py). Also log 2F1 next to z = 1 where
// c - a - b is (next to) a whole number, and E[X(t)] of a new customer at t = 1e8 α.
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import type { BgParams } from '../../src/core/models/bg-family.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import type { Histories } from '../../src/core/models/types.ts'
import { digammaDiff, lgammaDiff, logHyp2f1 } from '../../src/core/special.ts'
import { ConvergenceError } from '../../src/errors.ts'
import { fixtureJson } from './fixtures.ts'

type P4 = [number, number, number, number]
interface Case {
  k: 0 | 1
  params: P4
  history: [number, number, number]
}
interface Fixture {
  cases: (Case & { ll: number })[]
  gradients: (Case & { grad: P4 })[]
  gammaDiffs: { z: number; n: number; lgamma: number; digamma: number }[]
  hyp2f1NearOne: [number, number, number, number, number][]
  newFar: { k: 0 | 1; params: P4; t: number; value: number }[]
  identical: {
    x: number
    tx: number
    T: number
    n: number
    bestSingleNll: { bgnbd: number; mbgnbd: number }
  }
}
const fx = fixtureJson<Fixture>('bg_extreme.json')
const models = [bgnbd, mbgnbd] as const
const toP = ([r, alpha, a, b]: P4): BgParams => ({ r, alpha, a, b })
const one = ([x, tx, T]: readonly number[]): Histories =>
  compressHistories(new Float64Array([x!]), new Float64Array([tx!]), new Float64Array([T!]))
/** |got - want| in units of max(1, |want|). */
const err = (got: number, want: number) => Math.abs(got - want) / Math.max(1, Math.abs(want))

describe('log-likelihood at huge parameters (fit audit item 7)', () => {
  it('matches mpmath to 1e-12 for r up to e^42, alpha up to 1e19, a and b up to 1e15', () => {
    expect(fx.cases.length).toBeGreaterThan(200)
    const bad = fx.cases
      .map((c) => ({ ...c, got: models[c.k].logLikelihood(toP(c.params), one(c.history)) }))
      .filter((c) => !(err(c.got, c.ll) <= 1e-12))
    expect(bad).toEqual([])
  })

  it('per history, for a file of all the histories at once', () => {
    for (const k of [0, 1] as const) {
      const rows = fx.cases.filter((c) => c.k === k)
      for (const p of new Set(rows.map((c) => c.params.join()))) {
        const set = rows.filter((c) => c.params.join() === p)
        const h = compressHistories(
          Float64Array.from(set, (c) => c.history[0]),
          Float64Array.from(set, (c) => c.history[1]),
          Float64Array.from(set, (c) => c.history[2]),
        )
        const per = models[k].logLikelihoodPerHistory(toP(set[0]!.params), h)
        // compressHistories keeps distinct rows in order of first appearance
        set.forEach((c, i) => {
          expect(err(per[i]!, c.ll)).toBeLessThan(1e-12)
        })
      }
    }
  })

  it('the audit probe: one history x=2, t_x=10, T=20 at log r = 35..42 is -6.4676, not log 2', () => {
    for (const lr of [35, 40, 42]) {
      const r = Math.exp(lr)
      const v = bgnbd.logLikelihood({ r, alpha: r / 0.16, a: 1e6, b: 1e6 }, one([2, 10, 20]))
      expect(Math.abs(v - -6.467556879746)).toBeLessThan(1e-9)
    }
  })
})

describe('gradient at huge parameters', () => {
  it('matches mpmath derivatives on the log scale to 1e-9 of max(1, |g|)', () => {
    expect(fx.gradients.length).toBeGreaterThan(50)
    const bad = fx.gradients
      .map((c) => ({ ...c, got: models[c.k].gradient(toP(c.params), one(c.history)) }))
      .filter((c) => !c.got.every((g, i) => err(g, c.grad[i]!) <= 1e-9))
    expect(bad).toEqual([])
  })

  it('agrees with central differences of the log-likelihood on the log scale', () => {
    const hs = compressHistories(
      new Float64Array([2, 0, 7, 1]),
      new Float64Array([10, 0, 29.5, 5]),
      new Float64Array([20, 20, 38.9, 30]),
      new Float64Array([3, 5, 1, 2]),
    )
    const sets: P4[] = [
      [Math.exp(35), Math.exp(35) / 0.16, 1e6, 1e6],
      [Math.exp(42), Math.exp(42) / 0.16, 1e15, 1e15],
      [3e13, 5e14, 0.01, 1e12],
    ]
    for (const m of models) {
      for (const p of sets) {
        const g = m.gradient(toP(p), hs)
        const h = 1e-5
        for (let i = 0; i < 4; i++) {
          const at = (d: number) => {
            const q = [...p] as P4
            q[i] = p[i]! * Math.exp(d)
            return m.logLikelihood(toP(q), hs)
          }
          const fd = (at(h) - at(-h)) / (2 * h)
          expect(Math.abs(g[i]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)))
        }
      }
    }
  })
})

describe('lgammaDiff and digammaDiff', () => {
  it('match mpmath to 1e-14 relative from z = 100 to 1e30', () => {
    for (const c of fx.gammaDiffs) {
      const rl = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b))
      expect(rl(lgammaDiff(c.z, c.n), c.lgamma)).toBeLessThan(1e-14)
      expect(rl(digammaDiff(c.z, c.n), c.digamma)).toBeLessThan(1e-14)
    }
  })
})

describe('fit of 1,000 identical histories', () => {
  const { x, tx, T, n, bestSingleNll } = fx.identical
  const h = compressHistories(
    new Float64Array(n).fill(x),
    new Float64Array(n).fill(tx),
    new Float64Array(n).fill(T),
  )
  for (const [name, m] of [
    ['bgnbd', bgnbd],
    ['mbgnbd', mbgnbd],
  ] as const) {
    it(`${name} stops with a mean negative log-likelihood no mixture can beat`, () => {
      let caught: unknown = null
      try {
        m.fit(h)
      } catch (e) {
        caught = e
      }
      expect(caught).toBeInstanceOf(ConvergenceError)
      const d = (caught as ConvergenceError).details as {
        value?: number
        attempts?: readonly { details?: { value?: number } }[]
      }
      const value = d.value ?? d.attempts?.[d.attempts.length - 1]?.details?.value
      // the best single (λ, p) bounds every mixture; the fit stops near that limit
      expect(value).toBeGreaterThanOrEqual(bestSingleNll[name] - 1e-9)
      expect(value).toBeLessThan(bestSingleNll[name] + 0.05)
    })
  }
})

describe('log 2F1 near z = 1', () => {
  it('matches mpmath to 1e-13 where c - a - b is a whole number or next to one (was 4e-7 off)', () => {
    expect(fx.hyp2f1NearOne.length).toBeGreaterThan(250)
    const bad = fx.hyp2f1NearOne
      .map(([a, b, c, z, want]) => ({ a, b, c, z, want, got: logHyp2f1(a, b, c, z) }))
      .filter((e) => !(err(e.got, e.want) <= 1e-13))
    expect(bad).toEqual([])
  })

  it('E[X(t)] of a new customer at t = 1e6 and 1e8 alpha to 1e-11 (a = 1.0001 was 7e-7 off)', () => {
    const bad = fx.newFar
      .map((c) => ({ ...c, got: models[c.k].expectedPurchasesNew(toP(c.params), c.t) }))
      .filter((c) => !(Math.abs(c.got - c.value) <= 1e-11 * c.value))
    expect(bad).toEqual([])
  })
})
