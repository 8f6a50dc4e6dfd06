// Pareto/NBD at its common-dropout limit (s, beta -> infinity with s/beta = mu): the likelihood at
// huge s against mpmath (scripts/fixtures/pareto_limit.py), its cost, and fits that end there.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import {
  commonDropoutLogLikelihood,
  commonDropoutObjective,
} from '../../src/core/models/pareto-limit.ts'
import {
  COMMON_DROPOUT_SIZE,
  logLikelihood,
  logLikelihoodPerHistory,
  type ParetoParams,
  paretoNbd,
  probabilityAlive,
  scoreAll,
  simulate,
} from '../../src/core/models/pareto-nbd.ts'
import type { Histories } from '../../src/core/models/types.ts'
import { lgamma } from '../../src/core/special.ts'
import { ROOT, runCli, tempDir } from '../helpers/cli.ts'
import { close, fixtureJson } from './fixtures.ts'

interface Fixture {
  histories: { x: number[]; tx: number[]; T: number[] }
  cases: {
    params: ParetoParams
    logLikelihood: number[]
    pAlive: number[]
    limitLogLikelihood: number[]
  }[]
}
const fx = fixtureJson<Fixture>('pareto_limit.json')

/** log ∫_a^b f by adaptive Simpson (brute force, independent of the library's quadrature). */
function logSimpson(logF: (v: number) => number, a: number, b: number): number {
  const shift = logF(a)
  const f = (v: number) => Math.exp(logF(v) - shift)
  const simpson = (lo: number, hi: number, flo: number, fm: number, fhi: number) =>
    ((hi - lo) / 6) * (flo + 4 * fm + fhi)
  const rec = (
    lo: number,
    hi: number,
    flo: number,
    fm: number,
    fhi: number,
    whole: number,
    tol: number,
    depth: number,
  ): number => {
    const m = (lo + hi) / 2
    const fl = f((lo + m) / 2)
    const fr = f((m + hi) / 2)
    const left = simpson(lo, m, flo, fl, fm)
    const right = simpson(m, hi, fm, fr, fhi)
    if (depth > 40 || Math.abs(left + right - whole) <= 15 * tol) {
      return left + right + (left + right - whole) / 15
    }
    return (
      rec(lo, m, flo, fl, fm, left, tol / 2, depth + 1) +
      rec(m, hi, fm, fr, fhi, right, tol / 2, depth + 1)
    )
  }
  const fa = f(a)
  const fm = f((a + b) / 2)
  const fb = f(b)
  const whole = simpson(a, b, fa, fm, fb)
  return shift + Math.log(rec(a, b, fa, fm, fb, whole, 1e-11 * Math.max(whole, 1e-300), 0))
}

/**
 * The limiting model's log-likelihood (NBD purchases, exponential lifetime at the common rate mu):
 * Γ(r+x)/Γ(r) α^r [(α+T)^-(r+x) e^{-μT} + μ ∫_{t_x}^T (α+τ)^-(r+x) e^{-μτ} dτ], the integral by
 * adaptive Simpson in v = log(α + τ).
 */
function limitLogLikelihood(r: number, alpha: number, mu: number, h: Histories): number {
  let ll = 0
  for (let i = 0; i < h.x.length; i++) {
    const x = h.x[i]!
    const tx = h.tx[i]!
    const T = h.T[i]!
    const p = r + x
    const alive = -p * Math.log(alpha + T) - mu * T
    let li = alive
    if (T > tx) {
      const dead =
        Math.log(mu) +
        logSimpson(
          (v) => (1 - p) * v - mu * (Math.exp(v) - alpha),
          Math.log(alpha + tx),
          Math.log(alpha + T),
        )
      li = Math.max(alive, dead) + Math.log1p(Math.exp(-Math.abs(alive - dead)))
    }
    ll += h.weight[i]! * (lgamma(p) - lgamma(r) + r * Math.log(alpha) + li)
  }
  return ll
}

/** Customers with one common dropout rate mu (s = 1e6), observed for T spread over 10-80. */
function commonDropoutData(n: number, mu: number, seed: number): Histories {
  const T = Float64Array.from({ length: n }, (_, i) => 10 + 70 * ((i * 0.6180339887498949) % 1))
  const sim = simulate({ r: 0.8, alpha: 4, s: 1e6, beta: 1e6 / mu }, n, T, seed)
  return compressHistories(sim.x, sim.tx, sim.T)
}

/** The CLVTools apparel file as of 2012-01-01: seven years of history, Pareto/NBD at its common-dropout limit. */
const APPAREL_2012 = [
  join(ROOT, 'test/fixtures/apparel/apparelTrans.csv'),
  '--map',
  'customer_id=Id',
  '--as-of',
  '2012-01-01',
]

describe('Pareto/NBD likelihood at large s and beta', () => {
  const { x, tx, T } = fx.histories
  const h = compressHistories(x, tx, T)

  it('matches mpmath per history, with P(alive) one by one and in scoreAll, up to s = 1e7', () => {
    for (const c of fx.cases) {
      const per = logLikelihoodPerHistory(c.params, h)
      const all = scoreAll(c.params, { x, tx, T }, 10).pAlive
      c.logLikelihood.forEach((want, i) => {
        expect(close(per[i]!, want, 1e-11), `${JSON.stringify(c.params)} history ${i}`).toBe(true)
        const pa = probabilityAlive(c.params, x[i]!, tx[i]!, T[i]!)
        expect(Math.abs(pa - c.pAlive[i]!)).toBeLessThan(1e-12 + 1e-10 * c.pAlive[i]!)
        expect(Math.abs(all[i]! - c.pAlive[i]!)).toBeLessThan(1e-12 + 1e-10 * c.pAlive[i]!)
      })
    }
  })

  it('is the limiting model to ~1e-4 per history at s = 1e5, ~1e-6 at s = 1e7 (the fit)', () => {
    for (const c of fx.cases.filter((k) => k.params.s >= 1e5)) {
      const per = logLikelihoodPerHistory(c.params, h)
      // the gap falls like 1/s: 7.5e-5 at most here at 1e5 (mu T up to 10)
      const tol = c.params.s >= COMMON_DROPOUT_SIZE ? 1e-6 : 1e-4
      c.limitLogLikelihood.forEach((want, i) => {
        expect(Math.abs(per[i]! - want)).toBeLessThan(tol)
      })
    }
  })
})

describe('the common-dropout limit in closed form (incomplete gamma per (x, t) pair)', () => {
  const { x, tx, T } = fx.histories

  it('matches mpmath per history, for every mu of the fixture', () => {
    for (const c of fx.cases) {
      const mu = c.params.s / c.params.beta
      c.limitLogLikelihood.forEach((want, i) => {
        const one = compressHistories([x[i]!], [tx[i]!], [T[i]!])
        const got = commonDropoutLogLikelihood({ r: c.params.r, alpha: c.params.alpha, mu }, one)
        expect(close(got, want, 1e-11), `mu ${mu} history ${i}: ${got} against ${want}`).toBe(true)
      })
    }
  })

  it('has a gradient in (log r, log alpha, log mu) that agrees with finite differences', () => {
    const h = commonDropoutData(3000, 0.01, 7)
    const ll = commonDropoutObjective(h)
    for (const theta of [
      [Math.log(0.8), Math.log(4), Math.log(0.01)],
      [Math.log(2.3), Math.log(0.7), Math.log(0.2)],
      [Math.log(0.31), Math.log(40), Math.log(1e-4)],
    ]) {
      const g = [0, 0, 0]
      ll(theta, g)
      theta.forEach((_, j) => {
        const up = [...theta]
        const down = [...theta]
        up[j]! += 1e-5
        down[j]! -= 1e-5
        const fd = (ll(up, null) - ll(down, null)) / 2e-5
        expect(Math.abs(g[j]! - fd), `theta ${theta} component ${j}`).toBeLessThan(
          1e-5 * Math.max(1, Math.abs(fd)),
        )
      })
    }
  })

  it('is the brute-force limit on simulated customers', () => {
    const h = commonDropoutData(2000, 0.02, 9)
    const got = commonDropoutLogLikelihood({ r: 0.9, alpha: 5, mu: 0.02 }, h)
    expect(Math.abs(got - limitLogLikelihood(0.9, 5, 0.02, h))).toBeLessThan(1e-7)
  })
})

describe('Pareto/NBD fit near the common-dropout limit', () => {
  const check = (h: Histories, mu: number, thorough: boolean) => {
    // took minutes before (135 iterations on 50,000 customers): `npm run bench -- models` times it
    const f = paretoNbd.fit(h)
    expect(f.note).toMatch(/s and beta ran off together: .* same rate 0\.0\d+ per period/)
    expect(f.params.s).toBe(COMMON_DROPOUT_SIZE)
    const m = f.params.s / f.params.beta
    expect(Math.abs(m / mu - 1)).toBeLessThan(0.2)
    expect(f.standardErrors.s).toBeNaN()
    expect(f.standardErrors.beta).toBeNaN()
    expect(f.standardErrors.r).toBeGreaterThan(0)
    expect(f.standardErrors.alpha).toBeGreaterThan(0)
    expect(f.aic).toBeCloseTo(6 - 2 * f.logLikelihood, 6)
    // the reported LL is the model's own at the reported parameters
    expect(Math.abs(logLikelihood(f.params, h) - f.logLikelihood)).toBeLessThan(1e-4)
    // ... and within 1e-3 of the limiting model's, evaluated by brute force
    const { r, alpha } = f.params
    const sup = limitLogLikelihood(r, alpha, m, h)
    expect(Math.abs(sup - f.logLikelihood)).toBeLessThan(1e-3)
    if (!thorough) return
    // which is at its maximum there: no nearby (r, alpha, mu) of the limit is higher
    for (const [dr, da, dm] of [
      [1.002, 1, 1],
      [0.998, 1, 1],
      [1, 1.002, 1],
      [1, 0.998, 1],
      [1, 1, 1.01],
      [1, 1, 0.99],
      [1.002, 1.002, 1],
    ] as const) {
      expect(limitLogLikelihood(r * dr, alpha * da, m * dm, h)).toBeLessThan(sup + 1e-6)
    }
    // and the four-parameter likelihood rises toward it along the ridge s, beta -> infinity
    const ridge = [30, 1e3, 1e4].map((s) => logLikelihood({ r, alpha, s, beta: s / m }, h))
    expect(ridge[0]!).toBeLessThan(ridge[1]!)
    expect(ridge[1]!).toBeLessThan(ridge[2]!)
    expect(ridge[2]!).toBeLessThan(f.logLikelihood + 1e-6)
  }

  it('10,000 customers with one dropout rate: the limit', () => {
    check(commonDropoutData(10000, 0.005, 3), 0.005, true)
  }, 30_000)

  it('a finite s in the quadrature region (s 30, beta 1,500) is found, not cut short at the limit', () => {
    // the fit climbs the ridge s, beta up from its start; the climb may stop early only where the
    // likelihood rises on to the limit, which it does not here
    const T = Float64Array.from(
      { length: 20000 },
      (_, i) => 20 + 130 * ((i * 0.6180339887498949) % 1),
    )
    const sim = simulate({ r: 0.8, alpha: 4, s: 30, beta: 1500 }, 20000, T, 3)
    const h = compressHistories(sim.x, sim.tx, sim.T)
    const f = paretoNbd.fit(h)
    expect(f.note ?? '').not.toMatch(/ran off together/)
    expect(f.params.s).toBeGreaterThan(10)
    expect(f.params.s).toBeLessThan(200)
    const { r, alpha, s, beta } = f.params
    const limit = commonDropoutLogLikelihood({ r, alpha, mu: s / beta }, h)
    expect(f.logLikelihood).toBeGreaterThan(limit)
    const again = paretoNbd.fit(h, { start: { r, alpha, s: s * 1.5, beta: beta * 1.5 } })
    expect(Math.abs(again.logLikelihood - f.logLikelihood)).toBeLessThan(1e-6)
  }, 60_000)

  it('40,000 distinct histories (subsample warm start): the limit as well', () => {
    const h = commonDropoutData(40000, 0.02, 4)
    expect(h.x.length).toBeGreaterThan(32000)
    check(h, 0.02, false)
  }, 30_000)

  it('apparel over seven years: the limit itself (at s = 1e5 it stopped 2.8e-4 short)', () => {
    // 600 customers whose histories run to 2012-01-01: c/s with c ≈ 28, where simulated data of
    // 50,000 customers had c ≈ 0.1 (QA's independent fit: the limit is -12097.28491)
    const r = runCli(['summary', ...APPAREL_2012])
    expect(r.code, r.stderr).toBe(0)
    const [head, ...rows] = r.stdout.trim().split('\n')
    const col = (name: string) => head!.split(',').indexOf(name)
    const [ix, itx, iT] = [col('x'), col('t_x'), col('T')]
    const cells = rows.map((l) => l.split(','))
    const h = compressHistories(
      Float64Array.from(cells, (c) => Number(c[ix])),
      Float64Array.from(cells, (c) => Number(c[itx])),
      Float64Array.from(cells, (c) => Number(c[iT])),
    )
    const f = paretoNbd.fit(h)
    expect(f.note).toMatch(/s and beta ran off together/)
    const mu = f.params.s / f.params.beta
    const sup = limitLogLikelihood(f.params.r, f.params.alpha, mu, h)
    // the reported LL is the limit's (in closed form); the four-parameter one at the reported
    // s = 1e7 is a little below it, by ~c/s
    expect(Math.abs(sup - f.logLikelihood)).toBeLessThan(1e-7)
    const four = logLikelihood(f.params, h)
    expect(four).toBeLessThan(f.logLikelihood)
    expect(f.logLikelihood - four).toBeLessThan(1e-5)
    expect(Math.abs(sup - -12097.28491)).toBeLessThan(1e-4)
  }, 60_000)

  it("analyze keeps r's and alpha's standard errors at the limit, s and beta none (null)", () => {
    // a candidate's standard errors were all dropped (null) when those of s and beta were NaN
    const r = runCli([
      'analyze',
      ...APPAREL_2012,
      '--out',
      tempDir('loyals-pareto-se-'),
      '--no-value',
      '--no-insights',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const pareto = (
      JSON.parse(r.stdout) as {
        predictions: {
          candidates: { key: string; standardErrors: Record<string, number | null> }[]
        }
      }
    ).predictions.candidates.find((c) => c.key === 'pareto')
    expect(pareto?.standardErrors.r).toBeGreaterThan(0)
    expect(pareto?.standardErrors.alpha).toBeGreaterThan(0)
    expect([pareto?.standardErrors.s, pareto?.standardErrors.beta]).toEqual([null, null])
  })
})
