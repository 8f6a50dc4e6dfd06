// Customers of hundreds of purchases who all drop out with one small probability: b runs off with
// a/(a+b) = 0.002, below the no-dropout cut-off, yet over ~300 purchases almost half drop out.
// The fits said "no sign of customers dropping out" and pointed to the NBD, ~179,000 units of
// log-likelihood worse; they now end at the shared-dropout limit.
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import { fitNoDropout } from '../../src/core/models/nbd.ts'
import { ConvergenceError } from '../../src/errors.ts'

describe('a small dropout probability shared by heavy buyers', () => {
  const sim = bgnbd.simulate({ r: 5, alpha: 1, a: 200, b: 99800 }, 2000, 104, 9)
  const h = compressHistories(sim.x, sim.tx, sim.T)

  it.each([
    ['BG/NBD', bgnbd],
    ['MBG/NBD', mbgnbd],
  ] as const)('%s ends at the shared-dropout limit, far above the NBD', (_name, m) => {
    const f = m.fit(h)
    expect(f.note).toMatch(/ran off together/)
    const p = f.params.a / (f.params.a + f.params.b)
    expect(p).toBeGreaterThan(0.001)
    expect(p).toBeLessThan(0.004)
    expect(f.logLikelihood - (fitNoDropout(h).fit?.logLikelihood ?? 0)).toBeGreaterThan(1e5)
  })

  it('still gives the no-dropout error when nobody drops out', () => {
    const none = bgnbd.simulate({ r: 5, alpha: 1, a: 1e-3, b: 1e7 }, 2000, 104, 9)
    const hn = compressHistories(none.x, none.tx, none.T)
    let err: unknown
    try {
      bgnbd.fit(hn)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConvergenceError)
    expect((err as ConvergenceError).message).toMatch(/no sign of customers dropping out/)
  })
})
