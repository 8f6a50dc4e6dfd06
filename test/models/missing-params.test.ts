// A parameter object missing a parameter, or naming it with another spelling, is a DataError that
// names it, in every model: the formulas read the missing one as undefined and gave NaN, or for a
// Pareto/NBD without s a plausible P(alive) of 1 (docs/models.md: "never NaN or a plausible
// number").
import { describe, expect, it } from 'vitest'
import { DataError } from '../../src/errors.ts'
import {
  bgbbProbabilityAlive,
  bgnbd,
  expectedSpend,
  mbgnbd,
  nbd,
  paretoNbd,
  sbgSurvival,
} from '../../src/index.ts'

// the calls take loose objects, as a caller with parameters read from JSON has them
type Loose = Record<string, number>
const loose = <T>(p: Loose): T => p as unknown as T

describe('model parameters', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'BG/NBD without b',
      () => bgnbd.probabilityAlive(loose({ r: 1, alpha: 1, a: 1 }), 2, 30, 39),
      /BG\/NBD: parameter b is missing \(given: r, alpha, a; the parameters are r, alpha, a, b\)/,
    ],
    [
      'BG/NBD scoring a whole column with A for a',
      () =>
        bgnbd.scoreAll(loose({ r: 1, alpha: 1, A: 1, b: 2 }), { x: [2], tx: [30], T: [39] }, 10),
      /parameter a is missing/,
    ],
    [
      'MBG/NBD without a',
      () => mbgnbd.expectedPurchases(loose({ r: 1, alpha: 1, b: 2 }), 10, 2, 30, 39),
      /parameter a is missing/,
    ],
    [
      'Pareto/NBD without s',
      () => paretoNbd.probabilityAlive(loose({ r: 1, alpha: 1, beta: 1 }), 2, 30, 39),
      /pareto: parameter s is missing/,
    ],
    [
      'Pareto/NBD with Beta for beta',
      () => paretoNbd.probabilityAlive(loose({ r: 1, alpha: 1, s: 1, Beta: 2 }), 2, 30, 39),
      /pareto: parameter beta is missing/,
    ],
    [
      'BG/BB without delta',
      () => bgbbProbabilityAlive(loose({ alpha: 1, beta: 1, gamma: 1 }), 1, 1, 6),
      /bgbb: parameter delta is missing/,
    ],
    [
      'sBG without beta',
      () => sbgSurvival(loose({ alpha: 1 }), 3),
      /sbg: parameter beta is missing/,
    ],
    [
      'Gamma-Gamma without gamma',
      () => expectedSpend(loose({ p: 6, q: 4 }), 2, 30),
      /Gamma-Gamma: parameter gamma is missing/,
    ],
    [
      'NBD without alpha',
      () => nbd.expectedPurchases(loose({ r: 1 }), 10, 2, 30, 39),
      /NBD: parameter alpha is missing/,
    ],
  ]
  it.each(cases)('%s is a DataError naming it', (_name, call, message) => {
    expect(call).toThrow(DataError)
    expect(call).toThrow(message)
  })

  it('a whole parameter set still scores, and a bad value is still named', () => {
    expect(bgnbd.probabilityAlive({ r: 1, alpha: 1, a: 1, b: 2 }, 2, 30, 39)).toBeGreaterThan(0)
    expect(() => bgnbd.probabilityAlive({ r: 1, alpha: 1, a: -1, b: 2 }, 2, 30, 39)).toThrow(
      'BG/NBD: parameter a must be finite and > 0 (got -1)',
    )
    // MBG/NBD's own functions name MBG/NBD, not the BG/NBD they share code with
    expect(() => mbgnbd.probabilityAlive({ r: -1, alpha: 1, a: 1, b: 2 }, 2, 30, 39)).toThrow(
      'MBG/NBD: parameter r must be finite and > 0 (got -1)',
    )
    expect(() => mbgnbd.expectedPurchases({ r: 1, alpha: 1, a: 1, b: 0 }, 10, 2, 30, 39)).toThrow(
      /^MBG\/NBD: parameter b/,
    )
  })
})
