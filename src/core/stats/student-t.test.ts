// tQuantile against scipy.stats.t.ppf (python3 -c "from scipy.stats import t; print(t.ppf(p, df))").
import { describe, expect, it } from 'vitest'
import { tQuantile } from './student-t.ts'

const SCIPY: readonly [number, number, number, number][] = [
  // df, t.ppf(0.975), t.ppf(0.95), t.ppf(0.995)
  [1, 12.706204736174694, 6.313751514675037, 63.656741162871526],
  [2, 4.302652729749462, 2.9199855803537242, 9.924843200918287],
  [3, 3.1824463052837078, 2.3533634348018233, 5.840909309733355],
  [4, 2.7764451051977934, 2.1318467863266495, 4.604094871349992],
  [5, 2.5705818356363146, 2.0150483733330233, 4.032142983555228],
  [7, 2.364624251592784, 1.8945786050900062, 3.4994832973504924],
  [10, 2.228138851986274, 1.8124611228116756, 3.16927267261695],
  [20, 2.085963447265864, 1.7247182429207866, 2.8453397097861077],
  [30, 2.0422724563012378, 1.697260886593957, 2.7499956535672254],
  [100, 1.9839715185235518, 1.6602343260853392, 2.6258905214380173],
]

describe('tQuantile', () => {
  it.each(SCIPY)('df %i matches scipy', (df, q975, q95, q995) => {
    const rel = (a: number, b: number) => Math.abs(a - b) / b
    expect(rel(tQuantile(0.975, df), q975)).toBeLessThan(1e-10)
    expect(rel(tQuantile(0.95, df), q95)).toBeLessThan(1e-10)
    expect(rel(tQuantile(0.995, df), q995)).toBeLessThan(1e-10)
    // symmetric
    expect(tQuantile(0.025, df)).toBeCloseTo(-tQuantile(0.975, df), 12)
  })

  it('refuses p outside (0, 1) and df below 1', () => {
    expect(() => tQuantile(1, 5)).toThrow(/0 < p < 1/)
    expect(() => tQuantile(0.5, 0)).toThrow(/df >= 1/)
  })
})

describe('tQuantile off whole degrees of freedom', () => {
  it('is the expansion, within 1e-3 of scipy (df 3.5, 12.5)', () => {
    // t.ppf(0.975, 3.5), t.ppf(0.975, 12.5)
    expect(Math.abs(tQuantile(0.975, 3.5) / 2.9400886379827282 - 1)).toBeLessThan(1e-3)
    expect(Math.abs(tQuantile(0.975, 12.5) / 2.1691859427125406 - 1)).toBeLessThan(1e-4)
  })
})
