// Pareto/NBD with β a tiny share of α (5e-6 down to 1e-42 of it): the 2F1 of the likelihood then
// has z so near 1 that z in doubles keeps few or none of the digits of 1 - z, and the library
// takes 1 - z = (β+t)/(α+t) from the caller. Per-history log-likelihoods and P(alive) against
// mpmath (scripts/fixtures/pareto_tiny_beta.py); the gradient against finite differences.
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import {
  gradient,
  logLikelihood,
  logLikelihoodPerHistory,
  type ParetoParams,
  probabilityAlive,
} from '../../src/core/models/pareto-nbd.ts'
import { close, fixtureJson } from './fixtures.ts'

interface Fixture {
  histories: [number, number, number][]
  cases: { params: ParetoParams; logLikelihood: number[]; pAlive: number[] }[]
}

const F = fixtureJson<Fixture>('pareto_tiny_beta.json')
const h = compressHistories(
  F.histories.map((r) => r[0]),
  F.histories.map((r) => r[1]),
  F.histories.map((r) => r[2]),
)
// compressHistories keeps the rows in order when they are distinct
const rows = F.histories.map((r) =>
  h.x.findIndex((x, i) => x === r[0] && h.tx[i] === r[1] && h.T[i] === r[2]),
)

describe('Pareto/NBD with β a tiny share of α', () => {
  it.each(F.cases.map((c) => [c.params.beta, c] as const))(
    'β = %s: each history against mpmath',
    (_b, c) => {
      const per = logLikelihoodPerHistory(c.params, h)
      F.histories.forEach((r, i) => {
        const j = rows[i]!
        expect(Math.abs(per[j]! - c.logLikelihood[i]!), `LL of ${r}`).toBeLessThan(1e-9)
        const pa = probabilityAlive(c.params, r[0], r[1], r[2])
        expect(close(pa, c.pAlive[i]!, 1e-9), `P(alive) of ${r}: ${pa}`).toBe(true)
      })
    },
  )

  it.each(F.cases.map((c) => [c.params.beta, c.params] as const))(
    'β = %s: the gradient agrees with central differences in the log-parameters',
    (_b, p) => {
      const names = ['r', 'alpha', 's', 'beta'] as const
      const g = gradient(p, h)
      names.forEach((k, i) => {
        const step = 1e-5
        const at = (d: number): number => logLikelihood({ ...p, [k]: p[k] * Math.exp(d) }, h)
        const fd = (at(step) - at(-step)) / (2 * step)
        expect(Math.abs(g[i]! - fd), `${k}: ${g[i]} against ${fd}`).toBeLessThan(
          1e-5 * (1 + Math.abs(fd)),
        )
      })
    },
  )
})
