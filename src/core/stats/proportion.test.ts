import { describe, expect, it } from 'vitest'
import { readJsonFixture } from '../../../test/helpers/json-fixture.ts'
import { benjaminiHochberg, holm } from './multiple-testing.ts'
import {
  type Alternative,
  chiSquareIndependence,
  fisherExact,
  twoProportionZTest,
  wilsonInterval,
} from './proportion.ts'

const fx = readJsonFixture<{
  fisher: { table: number[][]; 'two-sided': number; greater: number; less: number }[]
  chiSquare: {
    table: number[][]
    statistic: number
    pValue: number
    df: number
    expected: number[][]
  }[]
  twoProportion: {
    x1: number
    n1: number
    x2: number
    n2: number
    z: number
    'two-sided': number
    greater: number
    less: number
  }[]
}>('stats/proportion.json')

function close(actual: number, expected: number, rtol: number, atol = 0): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rtol * Math.abs(expected) + atol)
}

describe('wilsonInterval', () => {
  it('reproduces Newcombe (1998) Table I for 81/263: score (0.2553, 0.3662), CC (0.2535, 0.3682)', () => {
    const w = wilsonInterval(81, 263)
    close(w.estimate, 81 / 263, 1e-15)
    expect(w.lower.toFixed(4)).toBe('0.2553')
    expect(w.upper.toFixed(4)).toBe('0.3662')
    const cc = wilsonInterval(81, 263, { continuityCorrection: true })
    expect(cc.lower.toFixed(4)).toBe('0.2535')
    expect(cc.upper.toFixed(4)).toBe('0.3682')
  })
  it('reproduces Newcombe (1998) for 15/148 and 0/20', () => {
    const a = wilsonInterval(15, 148)
    expect([a.lower.toFixed(4), a.upper.toFixed(4)]).toEqual(['0.0624', '0.1605'])
    const z = wilsonInterval(0, 20)
    expect(z.lower).toBe(0)
    expect(z.upper.toFixed(4)).toBe('0.1611')
    const zc = wilsonInterval(0, 20, { continuityCorrection: true })
    expect(zc.upper.toFixed(4)).toBe('0.2005')
  })
  it('widens with confidence and rejects bad counts', () => {
    const w90 = wilsonInterval(30, 100, { confidence: 0.9 })
    const w99 = wilsonInterval(30, 100, { confidence: 0.99 })
    expect(w99.lower).toBeLessThan(w90.lower)
    expect(w99.upper).toBeGreaterThan(w90.upper)
    expect(() => wilsonInterval(5, 4)).toThrow(/exceed/)
    expect(() => wilsonInterval(0, 0)).toThrow(/n > 0/)
    expect(() => wilsonInterval(1.5, 4)).toThrow(/integer/)
  })
})

describe('fisherExact', () => {
  it('matches scipy.stats.fisher_exact for all alternatives', () => {
    for (const c of fx.fisher) {
      const [[a, b], [cc, d]] = c.table as [[number, number], [number, number]]
      for (const alt of ['two-sided', 'greater', 'less'] as Alternative[]) {
        close(fisherExact(a, b, cc, d, { alternative: alt }).pValue, c[alt], 1e-9, 1e-300)
      }
    }
  })
  it('reports the sample odds ratio, Haldane-corrected with a zero cell', () => {
    expect(fisherExact(8, 2, 1, 5).oddsRatio).toBe(20)
    close(fisherExact(0, 5, 5, 0).oddsRatio, (0.5 * 0.5) / (5.5 * 5.5), 1e-15)
  })
})

describe('chiSquareIndependence', () => {
  it('matches scipy.stats.chi2_contingency(correction=False)', () => {
    for (const c of fx.chiSquare) {
      const r = chiSquareIndependence(c.table)
      close(r.statistic, c.statistic, 1e-12)
      close(r.pValue, c.pValue, 1e-10, 1e-300)
      expect(r.df).toBe(c.df)
      close(r.expected[1]!, c.expected[0]![1]!, 1e-14)
    }
  })
  it('refuses a table with an empty row', () => {
    expect(() =>
      chiSquareIndependence([
        [0, 0],
        [3, 4],
      ]),
    ).toThrow(/row sums to zero/)
    expect(() => chiSquareIndependence([[1, 2], [3]])).toThrow(/differ/)
  })
})

describe('twoProportionZTest', () => {
  it('matches the pooled z formula with scipy normal tails', () => {
    for (const c of fx.twoProportion) {
      for (const alt of ['two-sided', 'greater', 'less'] as Alternative[]) {
        const r = twoProportionZTest(c.x1, c.n1, c.x2, c.n2, { alternative: alt })
        close(r.z, c.z, 1e-12)
        close(r.pValue, c[alt], 1e-10)
      }
    }
  })
})

describe('multiple testing', () => {
  it('Benjamini-Hochberg on a hand example', () => {
    // sorted p: .005 .01 .03 .04, m = 4 -> m p / rank: .02 .02 .04 .04, then running minimum from the top.
    expect(Array.from(benjaminiHochberg([0.01, 0.04, 0.03, 0.005]))).toEqual([
      0.02, 0.04, 0.04, 0.02,
    ])
    // monotone and capped at 1
    const q = benjaminiHochberg([0.9, 0.8, 0.95, 0.001])
    expect(Array.from(q)).toEqual([0.95, 0.95, 0.95, 0.004])
  })
  it('Holm on a hand example, monotone and capped', () => {
    // sorted .01 .03 .04 -> 3·.01, max(.03, 2·.03), max(.06, 1·.04)
    const h = holm([0.01, 0.04, 0.03])
    close(h[0]!, 0.03, 1e-15)
    close(h[1]!, 0.06, 1e-15)
    close(h[2]!, 0.06, 1e-15)
    expect(Array.from(holm([0.5, 0.6]))).toEqual([1, 1])
    expect(() => holm([0.1, Number.NaN])).toThrow(/\[0, 1\]/)
    expect(benjaminiHochberg([]).length).toBe(0)
  })
})
