// The prediction options are checked in one place (checkPredictOptions) that computeAnalysis,
// buildPredictions and the CLI's flags all reach: computeAnalysis took a horizon of 5000 weeks
// (96 years of weekly steps) that `--horizon 5000` is refused.
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../data/workspace.ts'
import { UsageError } from '../errors.ts'
import { computeAnalysis } from './analyze.ts'
import { checkPredictOptions, MAX_HORIZON_YEARS, maxHorizon } from './predict.ts'

describe('prediction options', () => {
  it('a horizon is more than 0 and at most ten years of the unit', () => {
    expect(MAX_HORIZON_YEARS).toBe(10)
    expect([maxHorizon('day'), maxHorizon('week'), maxHorizon('month')]).toEqual([3653, 522, 120])
    for (const unit of ['day', 'week', 'month'] as const) {
      expect(() => checkPredictOptions({ horizon: maxHorizon(unit) }, unit)).not.toThrow()
      expect(() => checkPredictOptions({}, unit)).not.toThrow()
    }
    expect(() => checkPredictOptions({ horizon: 523 }, 'week')).toThrow(
      new UsageError(
        'horizon (--horizon) must be more than 0 and at most 522 weeks (10 years), got 523',
      ),
    )
    for (const horizon of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkPredictOptions({ horizon }, 'month'), String(horizon)).toThrow(
        `horizon (--horizon) must be more than 0 and at most 120 months (10 years), got ${horizon}`,
      )
    }
  })

  it('a number given as text is refused as such, not coerced into the range checks', () => {
    const asText = { horizon: '52' } as unknown as { horizon: number }
    expect(() => checkPredictOptions(asText, 'week')).toThrow(
      new UsageError('horizon (--horizon) must be a number (got "52", string)'),
    )
    const rate = { annualDiscountRate: '0.1' } as unknown as { annualDiscountRate: number }
    expect(() => checkPredictOptions(rate, 'week')).toThrow(
      'annualDiscountRate (--discount-rate) must be a number',
    )
    const margin = { margin: null } as unknown as { margin: number }
    expect(() => checkPredictOptions(margin, 'week')).toThrow(
      'margin (--margin) must be a number (got null, null)',
    )
  })

  it('computeAnalysis refuses a horizon past ten years before it reads any order', async () => {
    // an empty workspace: the option is refused before "no orders" could be
    const engine = await openWorkspace(':memory:')
    try {
      const run = computeAnalysis(engine, {
        source: 'x',
        unit: 'week',
        asOf: '1997-09-30',
        predictions: { horizon: 5000 },
      })
      await expect(run).rejects.toBeInstanceOf(UsageError)
      await expect(run).rejects.toThrow('at most 522 weeks (10 years), got 5000')
    } finally {
      await engine.close()
    }
  })

  it('a library caller and a CLI user both read which option is wrong: its name and its flag', async () => {
    expect(() => checkPredictOptions({ annualDiscountRate: -1 }, 'week')).toThrow(
      new UsageError(
        'annualDiscountRate (--discount-rate) must be a share from 0 to 1 a year, e.g. 0.1 for 10 % (got -1)',
      ),
    )
    expect(() => checkPredictOptions({ margin: 30 }, 'week')).toThrow(
      new UsageError(
        'margin (--margin) must be the share of spend that is profit, from 0 to 1, e.g. 0.3 (got 30; for 30 % pass 0.3)',
      ),
    )
    const engine = await openWorkspace(':memory:')
    try {
      for (const [predictions, named] of [
        [{ horizon: -1 }, 'horizon (--horizon) must be'],
        [{ annualDiscountRate: -1 }, 'annualDiscountRate (--discount-rate) must be'],
        [{ margin: 2 }, 'margin (--margin) must be'],
      ] as const) {
        await expect(
          computeAnalysis(engine, { source: 'x', unit: 'week', predictions }),
        ).rejects.toThrow(new RegExp(`^${named.replace(/[()]/g, '\\$&')}`))
      }
    } finally {
      await engine.close()
    }
  })
})
