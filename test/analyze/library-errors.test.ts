// What a library user meets on a bad call: typed errors they can import and test with
// instanceof, never NaN or a number for a history that cannot exist.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  baselinePredictions,
  bgbbProbabilityAlive,
  bgnbd,
  buildCustomerSummary,
  type ClvModel,
  chooseModel,
  compressHistories,
  computeAnalysis,
  customerProfile,
  DataError,
  expectedSpend,
  holdoutMetrics,
  informationCriteria,
  LoyalsError,
  nbd,
  openSource,
  openWorkspace,
  paretoNbd,
  sbgSurvival,
  scoreClv,
  UsageError,
} from '../../src/index.ts'
import { ROOT } from '../helpers/cli.ts'

const SAMPLE = join(ROOT, 'data/cdnow/cdnow_sample_orders.csv')
const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }

describe('the library refuses what it cannot answer', () => {
  it('exports its error kinds: a bad history is a DataError, a LoyalsError', () => {
    let e: unknown = null
    try {
      compressHistories([1], [5], [3])
    } catch (err) {
      e = err
    }
    expect(e).toBeInstanceOf(DataError)
    expect(e).toBeInstanceOf(LoyalsError)
    expect((e as Error).message).toMatch(/t_x \(5\) is after T \(3\)/)
  })

  it('baseline, holdout metrics and information criteria take finite columns of one length', () => {
    expect(() => baselinePredictions([1, 2], [3], 10)).toThrow(/same length/)
    expect(() => baselinePredictions([1], [3], Number.NaN)).toThrow(/horizon/)
    expect(() => baselinePredictions([Number.NaN, 1], [3, 3], 10)).toThrow(DataError)
    expect(() => baselinePredictions([1], [-3], 10)).toThrow(/T\[0\] must be a finite number >= 0/)
    expect(() => baselinePredictions([1, 1], [3, 3], -10)).toThrow(DataError)
    expect(Array.from(baselinePredictions([1, 1], [3, 3], 6))).toEqual([2, 2])
    // numbers read from a file as text would be joined, not added
    expect(() => baselinePredictions(['1', '2'] as unknown as number[], [10, 10], 52)).toThrow(
      DataError,
    )
    expect(() => baselinePredictions(null as unknown as number[], [10], 52)).toThrow(
      /x must be an array of numbers/,
    )
    expect(() => holdoutMetrics([Number.NaN, 1], [1, 1], [0, 1])).toThrow(DataError)
    expect(() => holdoutMetrics([1], [1, 1], [0, 1])).toThrow(DataError)
    expect(holdoutMetrics([0.5, 1], [1, 1], [0, 1]).mae).toBeCloseTo(0.25, 12)
    expect(() => informationCriteria(-100, 4, Number.NaN)).toThrow(DataError)
    expect(() => chooseModel([])).toThrow(DataError)
  })

  it('model parameters that are not an object of numbers are a DataError naming them', () => {
    const none = null as unknown as typeof BG
    const cases: [() => unknown, RegExp][] = [
      [
        () => bgnbd.probabilityAlive(none, 1, 2, 3),
        /BG\/NBD: the parameters must be an object \{r, alpha, a, b\} \(got null\)/,
      ],
      [() => bgnbd.scoreAll(none, { x: [1], tx: [1], T: [2] }, 10), /\{r, alpha, a, b\}/],
      [() => paretoNbd.probabilityAlive(undefined as unknown as never, 1, 2, 3), /got undefined/],
      [() => nbd.expectedPurchases(none, 1, 2, 2, 3), /\{r, alpha\}/],
      [() => expectedSpend(none as never, 1, 20), /\{p, q, gamma\}/],
      [() => bgbbProbabilityAlive(none as never, 1, 2, 3), /\{alpha, beta, gamma, delta\}/],
      [() => sbgSurvival(none as never, 3), /\{alpha, beta\}/],
      // a value read from a file as text is named as text, not shown as the number it looks like
      [
        () => bgnbd.probabilityAlive({ ...BG, r: '0.2' as unknown as number }, 1, 2, 3),
        /parameter r must be finite and > 0 \(got string "0\.2"\)/,
      ],
    ]
    for (const [call, message] of cases) {
      expect(call).toThrow(DataError)
      expect(call).toThrow(message)
    }
  })

  it('scoreClv names an unknown model and mismatched columns', () => {
    const h = { x: [2], tx: [30.43], T: [38.86] }
    for (const model of ['nbd', 'paretoNbd', 'BG/NBD', '']) {
      expect(() =>
        scoreClv({ model, params: BG } as unknown as ClvModel, h, 35, { margin: 0.3 }),
      ).toThrow(/model must be 'bgnbd', 'mbgnbd' or 'pareto'/)
    }
    expect(() =>
      scoreClv({ model: 'bgnbd', params: BG }, h, 35, { unitsPerYear: Number.NaN }),
    ).toThrow(/unitsPerYear/)
    expect(() =>
      scoreClv({ model: 'bgnbd', params: BG }, { x: [2, 1], tx: [30], T: [38] }, 35),
    ).toThrow(/same length/)
    expect(() => scoreClv({ model: 'bgnbd', params: BG }, h, [35, 1])).toThrow(/one value per/)
    expect(
      scoreClv({ model: 'bgnbd', params: BG }, h, 35, { margin: 0.3 }).value[0],
    ).toBeGreaterThan(0)
  })

  it('an empty workspace says so; topCustomers must be a whole number', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      await expect(
        buildCustomerSummary(engine, { asOf: '1997-09-30', unit: 'week' }),
      ).rejects.toThrow('there are no orders in the workspace: import some first')
      await expect(
        computeAnalysis(engine, {
          source: 'x',
          asOf: '1997-09-30',
          value: false,
          topCustomers: Number.NaN,
        }),
      ).rejects.toBeInstanceOf(UsageError)
    } finally {
      await engine.close()
    }
  })

  it('a path or customer id left out from JavaScript is a UsageError naming the call', async () => {
    const call = (f: (x: never) => Promise<unknown>) => f(undefined as never)
    await expect(call(openWorkspace)).rejects.toThrow(/openWorkspace needs a path: .*got undefined/)
    await expect(call(openSource)).rejects.toBeInstanceOf(UsageError)
    await expect(openWorkspace('')).rejects.toThrow(/got an empty string/)
    // the options of openSource may be left out: the defaults are read
    const { engine } = await openSource(SAMPLE)
    try {
      await expect(customerProfile(engine, undefined as never)).rejects.toThrow(
        'customerProfile needs a customer id (a non-empty string)',
      )
      // a count of listed rows that is no whole number is refused before anything runs
      for (const [opt, msg] of [
        [
          { recentOrders: Number.NaN },
          "customerProfile's recentOrders must be a whole number >= 0, got NaN",
        ],
        [
          { recentOrders: 2.5 },
          "customerProfile's recentOrders must be a whole number >= 0, got 2.5",
        ],
        [{ reasons: -1 }, "customerProfile's reasons must be a whole number >= 0, got -1"],
      ] as const) {
        await expect(customerProfile(engine, '1', opt)).rejects.toThrow(msg)
      }
      const p = await customerProfile(engine, '1', { recentOrders: 1, reasons: 0 })
      expect(p.recentOrders).toHaveLength(1)
      expect(p.reasons).toEqual([])
    } finally {
      await engine.close()
    }
  })
})
