// The slope of the BG/NBD and MBG/NBD log-likelihoods in the split-dropout share p at p = 0, which
// lets a large fit that ran to the no-dropout limit skip the split-dropout limit fit when it points
// down; checked against differences of the likelihood itself, and on data of both kinds.
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import { splitDropoutAtNbd } from '../../src/core/models/bg-family.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { fitLimit } from '../../src/core/models/common.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import { fit as nbdFit } from '../../src/core/models/nbd.ts'
import * as paretoNbd from '../../src/core/models/pareto-nbd.ts'
import type { Histories } from '../../src/core/models/types.ts'
import { createRng } from '../../src/core/random.ts'
import { ConvergenceError } from '../../src/errors.ts'
import { fixtureJson, historiesOf } from './fixtures.ts'

/**
 * `n` customers with purchase rates from Gamma(r, scale 1/alpha), observed `T` weeks after their
 * first purchase (spread over the first 12 of `weeks`); a share `p` of them drops out at the first
 * chance (BG/NBD: right after their first repeat purchase; MBG/NBD, `atOnce`: right after the first
 * purchase), the others never. Times to the day.
 */
function splitPopulation(args: {
  n: number
  r: number
  alpha: number
  p: number
  atOnce: boolean
  seed: number
}): Histories {
  const rng = createRng(args.seed)
  const x: number[] = []
  const tx: number[] = []
  const T: number[] = []
  for (let i = 0; i < args.n; i++) {
    const lambda = rng.gamma(args.r, 1 / args.alpha)
    const end = 39 - Math.floor(rng.uniform() * 84) / 7
    const leaves = rng.uniform() < args.p
    let t = 0
    let k = 0
    let last = 0
    if (!(leaves && args.atOnce)) {
      for (;;) {
        t += rng.exponential(lambda)
        if (t > end) break
        k++
        last = t
        if (leaves) break
      }
    }
    x.push(k)
    tx.push(k > 0 ? Math.round(last * 7) / 7 : 0)
    T.push(end)
  }
  return compressHistories(x, tx, T)
}

/** The split-dropout model's log-likelihood at share p, as the BG family at a + b = size. */
function splitLL(k: number, h: Histories, r: number, alpha: number, p: number, size: number) {
  const params = { r, alpha, a: p * size, b: (1 - p) * size }
  return (k === 1 ? mbgnbd : bgnbd).logLikelihood(params, h)
}

describe('the slope in the split-dropout share at the NBD (splitDropoutAtNbd)', () => {
  const fixture = fixtureJson<{ histories: { x: number[]; t_x: number[]; T: number[] } }>(
    'bg_split_dropout.json',
  )
  const cases: [string, Histories][] = [
    ['the ten customers of bg_split_dropout.json', historiesOf(fixture.histories)],
    [
      '2,000 simulated customers',
      splitPopulation({ n: 2000, r: 0.8, alpha: 6, p: 0.2, atOnce: false, seed: 7 }),
    ],
  ]
  for (const [name, h] of cases) {
    for (const k of [0, 1]) {
      it(`${k === 1 ? 'MBG/NBD' : 'BG/NBD'}: agrees with a difference of the likelihood, ${name}`, () => {
        const { r, alpha } = nbdFit(h).params
        const slope = splitDropoutAtNbd(k, h, { r, alpha }).slope
        // a forward difference between p = 1e-6 and 2e-6, at a + b = 1e-10 (the limit to ~1e-5
        // relative; smaller sizes lose digits in the beta functions)
        const size = 1e-10
        const dp = 1e-6
        const diff =
          (splitLL(k, h, r, alpha, 2 * dp, size) - splitLL(k, h, r, alpha, dp, size)) / dp
        expect(Number.isFinite(slope)).toBe(true)
        expect(Math.abs(diff - slope)).toBeLessThan(1e-3 * Math.max(1, Math.abs(slope)))
      })
    }
  }

  it('is +Infinity for a fractional count (those limits differ: the limit fit decides)', () => {
    const h = compressHistories([1.5, 2], [3, 4], [10, 10])
    expect(splitDropoutAtNbd(0, h, { r: 1, alpha: 2 }).slope).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('a large fit that ran to the no-dropout limit', () => {
  it('without dropout, keeps the no-dropout answer (BG/NBD: the slope points down)', () => {
    const h = splitPopulation({ n: 60_000, r: 0.9, alpha: 4, p: 0, atOnce: false, seed: 11 })
    expect(h.x.length).toBeGreaterThan(5000)
    const { r, alpha } = nbdFit(h).params
    expect(splitDropoutAtNbd(0, h, { r, alpha }).slope).toBeLessThan(0)
    expect(() => bgnbd.fit(h)).toThrow(/no sign of customers dropping out/)
    // MBG/NBD's zeros lean toward some leaving at once (slope up), but by a share of ~4e-4 at
    // the NBD's rates, far below a finding: the limit fit runs and the answer is the same
    const mbg = splitDropoutAtNbd(1, h, { r, alpha })
    expect(mbg.slope).toBeGreaterThan(0)
    expect(mbg.share).toBeLessThan(0.01)
    expect(() => mbgnbd.fit(h)).toThrow(/no sign of customers dropping out/)
  })

  for (const [k, model] of [
    [0, bgnbd],
    [1, mbgnbd],
  ] as const) {
    it(`${k === 1 ? 'MBG/NBD' : 'BG/NBD'}: with a third leaving at their first chance, finds that share`, () => {
      const h = splitPopulation({ n: 60_000, r: 0.9, alpha: 4, p: 1 / 3, atOnce: k === 1, seed: 5 })
      expect(h.x.length).toBeGreaterThan(5000)
      const { r, alpha } = nbdFit(h).params
      expect(splitDropoutAtNbd(k, h, { r, alpha }).slope).toBeGreaterThan(0)
      const fit = model.fit(h)
      const share = fit.params.a / (fit.params.a + fit.params.b)
      expect(Math.abs(share - 1 / 3)).toBeLessThan(0.03)
      expect(Math.abs(fit.params.r / 0.9 - 1)).toBeLessThan(0.1)
    })
  }
})

describe('Pareto/NBD running to s → 0 on data where a share left at once', () => {
  it('says the share and MBG/NBD, not "no sign of customers dropping out"', () => {
    const h = splitPopulation({ n: 6000, r: 0.9, alpha: 4, p: 0.3, atOnce: true, seed: 3 })
    let err: unknown = null
    try {
      paretoNbd.fit(h)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConvergenceError)
    expect(fitLimit(err)).toBeNull()
    const m = /a share ([0-9.]+) of customers gone right after their first purchase/.exec(
      (err as Error).message,
    )
    expect(Math.abs(Number(m?.[1]) - 0.3)).toBeLessThan(0.03)
    expect((err as Error).message).toContain('--model mbgnbd')
    expect((err as Error).message).not.toContain('no sign of customers dropping out')
  })

  it('without dropout keeps the no-dropout error, which analyze reads as the NBD', () => {
    const h = splitPopulation({ n: 6000, r: 0.9, alpha: 4, p: 0, atOnce: true, seed: 3 })
    let err: unknown = null
    try {
      paretoNbd.fit(h)
    } catch (e) {
      err = e
    }
    expect(fitLimit(err)).toBe('no-dropout')
  })
})

describe('an interior maximum beside the split-dropout limit', () => {
  it('MBG/NBD returns it when the starts ran past it to a, b → 0', () => {
    // 3,000 customers, 30 % gone at once: the starts ran to the limit (-33577.32 at a + b = 1e-6)
    // past a maximum at a + b ~ 0.004, 0.06 more likely
    const h = splitPopulation({ n: 3000, r: 1, alpha: 5, p: 0.3, atOnce: true, seed: 4 })
    const fit = mbgnbd.fit(h)
    const { r, alpha, a, b } = fit.params
    expect(a + b).toBeGreaterThan(1e-4)
    expect(a + b).toBeLessThan(0.05)
    const share = a / (a + b)
    expect(Math.abs(share - 0.3)).toBeLessThan(0.03)
    // more likely than the limit at its share and rates, and a maximum: the gradient vanishes
    const atLimit = mbgnbd.logLikelihood({ r, alpha, a: share * 1e-6, b: (1 - share) * 1e-6 }, h)
    expect(fit.logLikelihood).toBeGreaterThan(atLimit)
    const g = mbgnbd.gradient(fit.params, h)
    for (const gi of g) expect(Math.abs(gi) / 3000).toBeLessThan(1e-4)
    expect(Object.values(fit.standardErrors).every(Number.isFinite)).toBe(true)
  })
})
