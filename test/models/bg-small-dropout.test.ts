// BG/NBD and MBG/NBD expected purchases where the dropout per purchase is tiny (a small, b up to
// 1e5) and the span long: the closed form's 2F1 near z = 1 came back as 3e9 for 6e3 or 2.4e-4 off,
// and its quadrature fallback never returned. References from mpmath at 40 digits, by the closed
// form and by quadrature (scripts/fixtures/bg_small_dropout.py), beside the CDNOW range. And at
// parameters a fit reaches on odd data: a dropout shape a of 1e-3 or 1e-4 over a long span (the
// quadrature fallback read a subnormal p's ratio and took the fall of its integrand for flat: 7e-6
// off) and a rate shape r of 1e4 over a short one (stdlib's 2F1 lost 2e-10 there, the closed
// form's cancellation made it 2.4e-7) (scripts/fixtures/bg_extreme_params.py).
import { describe, expect, it } from 'vitest'
import { scoreClv } from '../../src/core/clv.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import { fixtureJson } from './fixtures.ts'

interface Row {
  model: 'bgnbd' | 'mbgnbd'
  params: [number, number, number, number]
  t: number
  history: [number, number, number] | null
  value: number
}
const rows = fixtureJson<Row[]>('bg_small_dropout.json')
const extreme = fixtureJson<Row[]>('bg_extreme_params.json')
const models = { bgnbd, mbgnbd }
const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want)
const named = (cases: Row[]) =>
  cases.map((c) => [`${c.model} ${c.params} t=${c.t} ${c.history ?? 'new'}`, c] as const)
const predicted = (c: Row): number => {
  const [r, alpha, a, b] = c.params
  const p = { r, alpha, a, b }
  const m = models[c.model]
  return c.history ? m.expectedPurchases(p, c.t, ...c.history) : m.expectedPurchasesNew(p, c.t)
}

describe('BG/NBD and MBG/NBD expected purchases at a tiny dropout per purchase', () => {
  // a per-test bound: each of these never returned (or took seconds) before
  it.each(named(rows))('%s matches mpmath to 1e-8 and returns', { timeout: 2000 }, (_, c) => {
    expect(rel(predicted(c), c.value)).toBeLessThanOrEqual(1e-8)
  })

  it.each(named(extreme))('%s (extreme a or r) matches mpmath to 1e-11', (_, c) => {
    expect(rel(predicted(c), c.value)).toBeLessThanOrEqual(1e-11)
  })

  it('scoreClv over a long horizon agrees with the reference', { timeout: 5000 }, () => {
    const c = rows.find((c) => c.model === 'bgnbd' && c.history?.[0] === 3)!
    const [r, alpha, a, b] = c.params
    const [x, tx, T] = c.history!
    const h = { x: Float64Array.of(x), tx: Float64Array.of(tx), T: Float64Array.of(T) }
    const s = scoreClv({ model: 'bgnbd', params: { r, alpha, a, b } }, h, 1, {
      horizon: c.t,
      annualDiscountRate: 0,
    })
    expect(rel(s.expectedPurchases[0]!, c.value)).toBeLessThanOrEqual(1e-8)
  })
})
